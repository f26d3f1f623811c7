"""Scheduled runs of an unchanged site ask for almost nothing: conditional discovery, per-URL back-off, each
rejection written once; counted from the test site's request log."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.state.sqlite import CrawlState
from tests.crawl_helpers import REPO, RunOutput, crawl, crawl_command, read_run
from tests.newssite import HARBOUR, NewsSite, RequestRecord

pytestmark = pytest.mark.e2e

#: What discovery reads every run; nothing else is asked of an unchanged site.
DISCOVERY_KINDS = {"robots", "sitemap", "feed", "home-page", "section-page"}
#: The crawl's clock (NEWSCORPUS_NOW): back-off decisions without sleeping.
T0 = datetime(2026, 12, 1, tzinfo=UTC)
FERRY = "/2026/11/09/ferry-timetable-changes-announced/"  # listed in the sitemap, linked, answers 404


def clock(hours: float) -> tuple[str, str]:
    return ("-s", f"NEWSCORPUS_NOW={(T0 + timedelta(hours=hours)).isoformat()}")


@dataclass
class Runs:
    site: NewsSite
    first: RunOutput
    second: RunOutput
    first_requests: list[RequestRecord]
    second_requests: list[RequestRecord]


def run_logged(site: NewsSite, out: Path, run_id: str, *extra: str) -> tuple[RunOutput, list[RequestRecord]]:
    mark = len(site.request_log)
    run = crawl(site.base_urls, out, *extra, run_id=run_id)
    return run, site.request_log.snapshot()[mark:]


def kind(site: NewsSite, record: RequestRecord) -> str:
    path = record.path.split("?", 1)[0]
    return site._rendering.kinds[record.outlet].get(path, "unknown")


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    """Two runs on one state, nothing changed in between, on a server that answers conditional requests."""
    out = tmp_path_factory.mktemp("unchanged")
    with NewsSite() as site:
        first, first_requests = run_logged(site, out, "r1")
        second, second_requests = run_logged(site, out, "r2")
        yield Runs(site, first, second, first_requests, second_requests)


def test_second_run_of_an_unchanged_site_asks_only_discovery(unchanged: Runs) -> None:
    site, requests = unchanged.site, unchanged.second_requests
    assert unchanged.first.articles and unchanged.first.rejected
    kinds = Counter(kind(site, r) for r in requests)
    assert set(kinds) <= DISCOVERY_KINDS, kinds
    assert len(requests) < len(unchanged.first_requests) / 2, (len(requests), len(unchanged.first_requests))
    # robots.txt twice a site (the middleware's own, unconditional; the spider's, conditional), the rest 304.
    assert {r.status for r in requests if kind(site, r) != "robots"} == {304}
    assert unchanged.second.articles == [] and unchanged.second.rejected == []
    assert unchanged.second.manifest["counts"]["rejected"] == 0


def test_a_sitemap_answered_304_is_not_parsed(unchanged: Runs) -> None:
    site = unchanged.site
    index = [r for r in unchanged.second_requests if r.path == "/sitemap_index.xml"]
    assert [r.status for r in index] == [304, 304]
    stats = unchanged.second.manifest["stats"]
    assert "newscorpus/discovery/sitemaps" not in stats  # none parsed
    assert stats["newscorpus/discovery/not_modified"] >= len(index)
    assert not [r for r in unchanged.second_requests if kind(site, r) == "sitemap" and r.status == 200]


def test_rejections_once_and_a_404_asked_again_only_after_its_back_off(tmp_path: Path) -> None:
    """A server that ignores conditional requests: discovery is read in full, so the 404 is found again."""
    with NewsSite(etags=False) as site:
        first, _ = run_logged(site, tmp_path, "r1", *clock(0))
        assert any(r["reason"] == "http-404" and r["url"].endswith(FERRY) for r in first.rejected)

        second, requests = run_logged(site, tmp_path, "r2", *clock(0.5))
        assert not [r for r in requests if r.path == FERRY], "asked again within its back-off"
        assert second.rejected == [], second.rejected
        assert second.manifest["counts"]["rejected_again"] == {"fetch/robots-disallowed": 2}
        assert second.manifest["stats"]["newscorpus/incremental/backing_off"] >= 1
        # The index read anew, its children whose lastmod did not move not asked.
        assert not [r for r in requests if r.path in ("/news-sitemap.xml", "/sitemap-articles.xml")]
        assert second.manifest["stats"]["newscorpus/discovery/sitemaps_unchanged"] == 4
        assert {kind(site, r) for r in requests} <= DISCOVERY_KINDS

        third, requests = run_logged(site, tmp_path, "r3", *clock(2))
        assert [r.status for r in requests if r.path == FERRY] == [404]
        assert third.rejected == []
        assert third.manifest["counts"]["rejected_again"]["fetch/http-404"] == 1

        fourth, requests = run_logged(site, tmp_path, "r4", *clock(3))  # the wait is 4 h now
        assert not [r for r in requests if r.path == FERRY]
    listing = subprocess.run(
        [*crawl_command([], tmp_path)[:3], "runs", str(tmp_path)], cwd=REPO, capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    header, *rows = [
        line.split() for line in listing.stdout.splitlines() if line.strip() and "---" not in line
    ]
    assert header[6:8] == ["rejected", "again"]
    again = {row[0]: (int(row[6]), int(row[7])) for row in rows}
    assert again["r1"][0] == len(first.rejected) and again["r1"][1] == 0
    assert again["r2"] == (0, 2) and again["r3"] == (0, 3)  # robots.txt's two, and the 404 asked again


def test_a_changed_sitemap_lastmod_brings_the_new_article(tmp_path: Path) -> None:
    with NewsSite() as site:
        first, _ = run_logged(site, tmp_path, "r1")
        hidden = site.hidden_articles()[0]
        site.publish([hidden.slug])
        new = {a.url for a in site.expected_articles()} - {a["url"] for a in first.articles}
        second, requests = run_logged(site, tmp_path, "r2")
    assert {a["url"] for a in second.articles} == new and len(new) == 1
    fetched = {r.path for r in requests if kind(site, r) == "article" and r.status == 200}
    assert fetched == {hidden.path}
    assert [r.status for r in requests if r.path == "/sitemap_index.xml" and r.outlet == hidden.outlet] == [
        200
    ]


@pytest.mark.slow
def test_back_off_survives_a_kill_and_a_resume(tmp_path: Path) -> None:
    with NewsSite(etags=False) as site:
        crawl(site.base_urls, tmp_path, *clock(0), run_id="r1")
        ferry = site.outlets[HARBOUR].base_url + FERRY
        before = _row(tmp_path, ferry)
        assert before[0] == 1

        mark = len(site.request_log)
        hold = site.hold(after=8)
        killed = subprocess.Popen(
            crawl_command(
                site.base_urls, tmp_path, "--run-id", "r2", *clock(0.5), "-s", "DOWNLOAD_TIMEOUT=180"
            ),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        hold.wait_for_waiting(1, process=killed)
        killed.send_signal(signal.SIGKILL)
        assert killed.wait(timeout=30) == -signal.SIGKILL
        killed.communicate()
        hold.release()
        done = subprocess.run(
            crawl_command(site.base_urls, tmp_path, "--resume", "r2", *clock(0.5)),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert not [r for r in site.request_log.snapshot()[mark:] if r.path == FERRY]
        assert _row(tmp_path, ferry) == before
        assert read_run(tmp_path / "runs" / "r2").rejected == []

        crawl(site.base_urls, tmp_path, *clock(2), run_id="r3")
        assert _row(tmp_path, ferry)[0] == 2


def _row(out: Path, url: str) -> tuple[int, str | None]:
    state = CrawlState.open(out / "state", lock=False)
    try:
        seen = state.lookup(url)
    finally:
        state.close()
    assert seen is not None
    return seen.failures, seen.next_try
