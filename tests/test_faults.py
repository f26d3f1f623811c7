"""Crash safety with real processes and real signals, against the local test site.

Each scenario kills a crawl at some point (SIGKILL from outside mid-fetch, or a SIGKILL the writer sends
itself at a precise point through NEWSCORPUS_CRASH_AT), then continues (``--resume``, or a new run), and
checks that the finished runs together hold every article of the site exactly once, that every line parses,
and that the crawl state agrees with the outputs.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.state.sqlite import WRITTEN, CrawlState
from tests.crawl_helpers import REPO, crawl_command, finished_articles, start_crawl
from tests.newssite import NewsSite
from tests.newssite.hold import Hold

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture()
def site() -> Iterator[NewsSite]:
    # A signal sent from outside lands while pages are being fetched because the site holds them (see
    # start_fetching), not because the site is slow.
    with NewsSite() as running:
        yield running


def expected_count(site: NewsSite) -> tuple[set[str], list[set[str]]]:
    groups = [set(d.group) for d in site.expected_duplicates()]
    grouped = set().union(*groups) if groups else set()
    return {a.url for a in site.expected_articles()} - grouped, groups


def check_union(site: NewsSite, out: Path) -> list[dict]:
    """Every article of the site exactly once over all finished runs, and the state agrees."""
    articles = finished_articles(out)
    ids = Counter(a["id"] for a in articles)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    urls = {a["url"] for a in articles}
    singles, groups = expected_count(site)
    assert singles <= urls, sorted(singles - urls)
    for group in groups:
        assert len(group & urls) == 1, group
    assert len(articles) == len(singles) + len(groups)
    state = CrawlState.open(out / "state")
    try:
        for article in articles:
            seen = state.lookup(article["url"])
            assert seen is not None and seen.outcome == WRITTEN and seen.article_id == article["id"], article[
                "url"
            ]
        assert all(r["status"] in ("finished", "interrupted") for r in state.runs()), state.runs()
    finally:
        state.close()
    return articles


def run_to_end(site: NewsSite, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        crawl_command(site.base_urls, out, *extra),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


#: Held answers are waited for, not given up, by a crawl that is stopped while they wait.
PATIENT = ("-s", "DOWNLOAD_TIMEOUT=180")


def start_fetching(
    site: NewsSite, out: Path, answered: int, *extra: str
) -> tuple[subprocess.Popen[str], Hold]:
    """A crawl whose answers after the first ``answered`` are held, once it waits for one: it is then in the
    middle of its fetching, however fast or slow the machine. Release the hold once the crawl is signalled."""
    hold = site.hold(after=answered)
    crawl = start_crawl(site.base_urls, out, *extra, *PATIENT)
    hold.wait_for_waiting(1, process=crawl)
    return crawl, hold


def test_kill_during_fetching_then_resume(site: NewsSite, tmp_path: Path) -> None:
    crawl, held = start_fetching(site, tmp_path, 35, "--run-id", "first")
    crawl.send_signal(signal.SIGKILL)
    assert crawl.wait(timeout=30) == -signal.SIGKILL
    held.release()
    assert not (tmp_path / "runs" / "first" / "manifest.json").exists()
    run_to_end(site, tmp_path, "--resume")
    articles = check_union(site, tmp_path)
    assert {"first"} == {p.parent.name for p in (tmp_path / "runs").glob("*/manifest.json")}
    assert len(articles) > 20


@pytest.mark.parametrize("point", ["line:5", "shard-rename", "manifest"])
def test_kill_inside_the_writer_then_resume(site: NewsSite, tmp_path: Path, point: str) -> None:
    crash = subprocess.run(
        crawl_command(
            site.base_urls, tmp_path, "--run-id", "first", "-s", f"NEWSCORPUS_CRASH_AT={point}",
            "-s", "NEWSCORPUS_SHARD_MAX_BYTES=20000",
        ),
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert crash.returncode == -signal.SIGKILL, crash.stderr[-3000:]
    # Nothing a reader can see is torn: finished shards parse (finished_articles would raise otherwise).
    finished_articles(tmp_path)
    run_to_end(site, tmp_path, "--resume")
    check_union(site, tmp_path)


def test_kill_then_a_new_run_recovers_the_dead_one(site: NewsSite, tmp_path: Path) -> None:
    crash = subprocess.run(
        crawl_command(site.base_urls, tmp_path, "--run-id", "dead", "-s", "NEWSCORPUS_CRASH_AT=line:8"),
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert crash.returncode == -signal.SIGKILL
    run_to_end(site, tmp_path, "--run-id", "next")
    articles = check_union(site, tmp_path)
    by_run = Counter(a["fetched_at"] is not None and a["id"] for a in articles)
    assert len(by_run) == len(articles)
    dead_manifest = (tmp_path / "runs" / "dead" / "manifest.json").read_text(encoding="utf-8")
    assert '"status": "interrupted"' in dead_manifest


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_graceful_stop_then_resume(site: NewsSite, tmp_path: Path, signum: int) -> None:
    crawl, held = start_fetching(site, tmp_path, 35, "--run-id", "stopped")
    crawl.send_signal(signum)
    held.release()  # a graceful stop waits for the pages in flight
    _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 1, stderr[-3000:]  # a stopped run is not a finished one
    manifest = (tmp_path / "runs" / "stopped" / "manifest.json").read_text(encoding="utf-8")
    assert '"status": "stopped"' in manifest
    finished_articles(tmp_path)
    run_to_end(site, tmp_path, "--resume")
    check_union(site, tmp_path)


def test_second_crawl_on_the_same_state_exits_at_once(site: NewsSite, tmp_path: Path) -> None:
    first, held = start_fetching(site, tmp_path, 5, "--run-id", "holder")
    try:
        second = subprocess.run(
            crawl_command(site.base_urls, tmp_path, "--run-id", "intruder"),
            cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert second.returncode == 3
        assert "is in use by pid" in second.stderr
        # The first crawl cannot finish while its pages are held: the second did not wait for the lock.
        assert first.poll() is None and held.waiting
        assert not (tmp_path / "runs" / "intruder").exists()
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        held.release()


def test_stop_then_resume_writes_each_rejection_once(site: NewsSite, tmp_path: Path) -> None:
    """Pages rejected for a reason a later run may not share (here: not in --lang) are not fetched and
    rejected again by the resumed run, and the manifest counts each once."""
    crawl, held = start_fetching(site, tmp_path, 35, "--run-id", "stopped", "--lang", "de")
    crawl.send_signal(signal.SIGINT)
    held.release()  # a graceful stop waits for the pages in flight
    crawl.communicate(timeout=120)
    before = (tmp_path / "runs" / "stopped" / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    assert before, "the first part rejected nothing: the test proves nothing"
    run_to_end(site, tmp_path, "--resume", "--lang", "de")
    run_dir = tmp_path / "runs" / "stopped"
    lines = [
        json.loads(line) for line in (run_dir / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    repeated = [u for u, n in Counter(r["url"] for r in lines).items() if n > 1]
    assert not repeated, repeated[:10]
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["rejected"] == len(lines)
    assert any(r["reason"] == "not-wanted" for r in lines)
