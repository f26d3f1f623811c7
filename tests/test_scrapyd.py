"""Scheduling through a real scrapyd: deploy the project, schedule the ``news`` spider, read the corpus."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_helpers import REPO, read_run
from tests.newssite import NewsSite

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture()
def scrapyd(tmp_path: Path) -> Iterator[str]:
    if not (BIN / "scrapyd").exists():
        pytest.skip("scrapyd is not installed (it is in the test extras: pip install -e '.[test]')")
    home = tmp_path / "scrapyd"
    home.mkdir()
    errors = ""
    # Another process may take the port between the probe and scrapyd's bind: try a few.
    for _ in range(5):
        server, url = start_scrapyd(home)
        try:
            if wait_started(server, url):
                yield url
                return
            errors = (home / "scrapyd.err").read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)
    raise AssertionError(f"scrapyd did not start:\n{errors[-3000:]}")


def start_scrapyd(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\nmax_proc = 1\npoll_interval = 0.5\n",
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL, stderr=(home / "scrapyd.err").open("w")
    )
    return server, f"http://127.0.0.1:{port}/"


def wait_started(server: subprocess.Popen[bytes], url: str, timeout: float = 120) -> bool:
    """True once scrapyd answers; False if it exited (its port was taken); a bound for one that hangs."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            call(url + "daemonstatus.json")
            return True
        except OSError:
            if server.poll() is not None:
                return False
            assert time.monotonic() < deadline, "scrapyd did not start"
            time.sleep(0.2)


def deploy(url: str, tmp_path: Path) -> None:
    """``scrapyd-deploy`` from a copy of the project, whose scrapy.cfg names this scrapyd as a target."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("crawler", "pipelines"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = crawler.settings\n\n[deploy:test]\nurl = {url}\nproject = newscorpus\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "-p", "newscorpus", "--version", "1"],
        cwd=project, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"status": "ok"' in done.stdout + done.stderr


def test_scheduled_through_scrapyd(scrapyd: str, tmp_path: Path) -> None:
    deploy(scrapyd, tmp_path)
    assert "news" in call(scrapyd + "listspiders.json?project=newscorpus")["spiders"]
    out = tmp_path / "corpus"
    with NewsSite() as site:
        job = call(
            scrapyd + "schedule.json",
            [
                ("project", "newscorpus"),
                ("spider", "news"),
                ("targets", ",".join(site.base_urls)),
                ("setting", f"NEWSCORPUS_OUT={out}"),
                ("setting", "NEWSCORPUS_RUN_ID=scheduled"),
                ("setting", "AUTOTHROTTLE_ENABLED=False"),
                ("setting", "DOWNLOAD_DELAY=0"),
                ("setting", "NEWSCORPUS_RETRY_BACKOFF_BASE=0.05"),
            ],
        )
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 240
        while True:
            jobs = call(scrapyd + "listjobs.json?project=newscorpus")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.5)
        run = read_run(out / "runs" / "scheduled")
        assert run.manifest["status"] == "finished"
        expected = {a.url for a in site.expected_articles()}
        assert len(run.articles) >= len(expected) - len(site.expected_duplicates())
        assert {a["url"] for a in run.articles} <= expected
