"""The live progress line: its figures, when it is on, and that log lines pass through it whole, also in a
real crawl on a pseudo-terminal."""

from __future__ import annotations

import argparse
import io
import logging
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from twisted.internet import task

from crawler.commands.crawl import add_arguments, build_settings
from crawler.progress import ProgressExtension, Rate, Snapshot, progress_line, snapshot
from tests.crawl_helpers import FAST, REPO
from tests.newssite import NewsSite

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Stats:
    def __init__(self, values: dict[str, int]) -> None:
        self.values = values

    def get_stats(self) -> dict[str, int]:
        return self.values


def test_line_sums_duplicates_and_rejections() -> None:
    stats = {
        "response_received_count": 1234,
        "newscorpus/written": 456,
        "newscorpus/duplicates/exact": 10,
        "newscorpus/duplicates/near": 2,
        "newscorpus/rejected/fetch/http-404": 70,
        "newscorpus/rejected/quality/too-short": 8,
        "downloader/response_bytes": 45_600_000,
    }
    line = progress_line(snapshot(stats, 9.84, 123, 754))
    assert line == (
        "1,234 pages fetched · 456 written · 12 duplicates · 78 rejected · 9.8 pages/s · queue 123 · "
        "45.6 MB · 0:12:34"
    )
    assert "queue" not in progress_line(Snapshot(0, 0, 0, 0, 0.0, None, 0.0, 0))


def test_rate_over_a_window() -> None:
    rate = Rate(window=10)
    assert rate.add(0, 0) == 0.0
    assert rate.add(5, 50) == 10.0
    assert rate.add(20, 100) == pytest.approx(50 / 15)  # the sample at 0 left the window


def test_off_unless_asked_and_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(get_crawler(settings_dict={"NEWSCORPUS_PROGRESS": False}))
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: off even when asked
    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(get_crawler(settings_dict={"NEWSCORPUS_PROGRESS": True}))


def crawl_args(*extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(["https://a.example/", "--no-state", *extra])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_crawl_options_switch_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert build_settings(crawl_args()).getbool("NEWSCORPUS_PROGRESS") is False  # stderr is not a terminal
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert build_settings(crawl_args()).getbool("NEWSCORPUS_PROGRESS") is True
    assert build_settings(crawl_args("--quiet")).getbool("NEWSCORPUS_PROGRESS") is False


def test_log_lines_pass_whole_above_the_line() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=40, color_system=None)
    handler = logging.StreamHandler(screen)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.root.addHandler(handler)
    stats = Stats({"response_received_count": 3})
    clock = task.Clock()
    progress = ProgressExtension(stats, console, interval=1.0, clock=clock)
    try:
        progress.start()
        assert handler.stream is not screen  # writing through the console while the line is shown
        message = "a log line far longer than the forty columns of this terminal, kept on one line"
        logging.getLogger("tests.progress").warning(message)
        stats.values["response_received_count"] = 7
        clock.advance(1.0)
        progress.stop()
    finally:
        logging.root.removeHandler(handler)
    assert handler.stream is screen
    lines = [ANSI.sub("", part) for part in re.split(r"[\r\n]", screen.getvalue())]
    assert f"WARNING tests.progress: {message}" in lines
    assert any(line.startswith("7 pages fetched") for line in lines)


def read_all(fd: int, proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    return out


@pytest.mark.e2e
def test_crawl_on_a_terminal_shows_progress_and_whole_log_lines(tmp_path: Path) -> None:
    with NewsSite() as site:
        leader, follower = pty.openpty()
        command = [sys.executable, "-m", "crawler.cli", "-v", "crawl", *site.base_urls, "--out", str(tmp_path),
                   "--run-id", "pty", "--no-state", *FAST, "-s", "NEWSCORPUS_PROGRESS_INTERVAL=0.2"]  # fmt: skip
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        screen = read_all(leader, proc, timeout=180).decode("utf-8", "replace")
        stdout = proc.communicate(timeout=30)[0].decode()
        os.close(leader)
    assert proc.returncode == 0, screen[-3000:]
    lines = [ANSI.sub("", part) for part in re.split(r"[\r\n]", screen)]
    assert any(re.match(r"\d+ pages fetched · \d+ written · .* pages/s", line) for line in lines)
    # Logging is not disturbed: each log line whole, on its own line, in the format the CLI set.
    assert any(
        re.fullmatch(
            r"[\d-]+ [\d:,]+ INFO pipelines\.write\.pipeline: run pty finished: \d+ written, .*", line
        )
        for line in lines
    )
    assert "articles written" in stdout  # the summary still goes to stdout
