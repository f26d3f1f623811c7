"""The real ``newscorpus crawl`` against the misbehaving outlet (``tests/newssite/misbehaving.py``).

One crawl of the outlet (``-s DOWNLOAD_TIMEOUT=5``, the project's retry settings) serves the slow tests: it must
finish with exit status 0 and a manifest, record every bad page in ``rejected.jsonl`` and the stats with its
stage and reason, stay within a memory bound, and write every good article once. The child's peak RSS comes
from ``os.wait4``, which reports the resource use of that one child.

Each finding of the first version of this file (a wrong or missing reason, a lost or mangled page) has its
own test below, which the crawler now passes.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.crawl_helpers import FAST, REPO, RunOutput, read_run
from tests.newssite.misbehaving import (
    ALWAYS_THROTTLED,
    CALENDAR_PREFIX,
    CALENDAR_START,
    CHARSET_LATIN1_LABEL,
    CHARSET_UTF8_LABEL,
    FEED_BROKEN_DATES,
    FEED_OUT_OF_RANGE_DATE,
    GZIP_BOMB,
    GZIP_BOMB_LAYERED,
    HUGE,
    HUGE_CHUNKED,
    REDIRECT_CHAIN,
    REDIRECT_LOOP_A,
    REDIRECT_LOOP_B,
    RESET,
    RESET_MID_BODY,
    SITEMAP,
    SITEMAP_HTML,
    SITEMAP_TRUNCATED_GZIP,
    STALL,
    STALL_MID_BODY,
    THROTTLED,
    MisbehavingSite,
    calendar_path,
)
from tests.newssite.model import RequestRecord
from tests.newssite.stories_misbehaving import (
    CHEESE_DAIRY,
    CHRISTMAS_MARKET,
    FLOOD_BARRIER,
    LIBRARY,
    ROBOTICS,
    STORIES,
)

pytestmark = pytest.mark.e2e

DOWNLOAD_TIMEOUT = 5.0  # roomy enough for a 20 MB transfer on a loaded 2-core machine
RETRY_TIMES = 3  # crawler/settings.py
REDIRECT_MAX_TIMES = 20  # Scrapy's default
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # crawler/settings.py
MAX_PEAK_RSS = 600 * 1024 * 1024  # the crawl peaks near 270 MB; buffering a 1 GB bomb would break this
#: Retry-After starts counting when the 429 arrives, after the server logged the request: the gap between
#: two logged arrivals can only be longer. The slack covers clock resolution.
SLACK = 0.05

#: Good articles the crawl loses or whose text it mangles (none now; each past one has its own test below).
LOST: dict[str, str] = {}
MANGLED: dict[str, str] = {}


@dataclass
class Crawl:
    """One finished crawl of the outlet and everything it left: run folder, log, request log, resource use."""

    site: MisbehavingSite
    run: RunOutput
    returncode: int
    seconds: float
    peak_rss: int
    stderr: str
    #: The requests the site received during this crawl (other tests crawl the same site, in any order).
    log: list[RequestRecord]

    @property
    def stats(self) -> dict[str, Any]:
        return self.run.manifest["stats"]

    def written(self, path: str) -> list[dict[str, Any]]:
        return [a for a in self.run.articles if a["url"] == self.site.url(path)]

    def rejected(self, path: str, *, any_query: bool = False) -> list[dict[str, Any]]:
        """Records whose ``url`` is ``path`` (``any_query``: with any query string, as redirect hops have)."""
        wanted = self.site.url(path)
        return [
            r for r in self.run.rejected if (r["url"].split("?", 1)[0] if any_query else r["url"]) == wanted
        ]

    def requests(self, path: str, *, prefix: bool = False) -> list[RequestRecord]:
        """Requests of this crawl whose path (query string dropped) is ``path``, or starts with it."""
        mine = {id(r) for r in self.log}
        return [r for r in self.site.requests_to(path, prefix=prefix) if id(r) in mine]


def _read_peaks(root: int, peaks: dict[int, int]) -> None:
    """Record ``VmHWM`` (bytes) of ``root`` and its descendants in ``peaks``, process by process."""
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:  # gone meanwhile, or no /proc
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]) * 1024)
        todo.extend(int(child) for child in children)


def run_crawl(
    site: MisbehavingSite, targets: list[str], out: Path, *extra: str, run_id: str, timeout: float = 240
) -> Crawl:
    """``newscorpus crawl`` in a child process: its exit status, and the peak RSS of its largest process.

    The peak is each process's ``VmHWM`` read from ``/proc`` while the crawl runs (the crawl process, its fork
    server, its workers), not ``ru_maxrss`` from ``wait4``: Linux carries the parent's high-water mark into a
    child across fork and exec, so ``ru_maxrss`` would report this test process's own size when it is the
    larger (it is, late in the suite)."""
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "crawler.cli", "crawl", *targets, "--out", str(out), "--run-id", run_id,
        *FAST, *extra,
    ]  # fmt: skip
    started = time.monotonic()
    mark = len(site.request_log)
    with open(out / "stdout.txt", "w") as stdout, open(out / "stderr.txt", "w") as stderr:
        child = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr)
        peaks: dict[int, int] = {}
        while True:
            _read_peaks(child.pid, peaks)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                child.kill()
                child.wait()
                raise AssertionError(f"crawl still running after {timeout}s: {command}")
            time.sleep(0.05)
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait for it again
    seconds = time.monotonic() - started
    # Without /proc (not Linux), the waited child's own figure.
    peak = max(peaks.values()) if peaks else usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    stdout_text = (out / "stdout.txt").read_text(encoding="utf-8")
    stderr_text = (out / "stderr.txt").read_text(encoding="utf-8")
    if child.returncode != 0:
        raise AssertionError(f"crawl failed ({child.returncode}):\n{stdout_text}\n{stderr_text[-5000:]}")
    run = read_run(out / "runs" / run_id, stdout_text)
    log = site.request_log.snapshot()[mark:]
    return Crawl(site, run, child.returncode, seconds, peak, stderr_text, log)


@pytest.fixture(scope="module")
def site() -> Iterator[MisbehavingSite]:
    with MisbehavingSite() as running:
        yield running


@pytest.fixture(scope="module")
def crawl(site: MisbehavingSite, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return run_crawl(
        site,
        [site.base_url + "/"],
        tmp_path_factory.mktemp("misbehaving"),
        "-s", f"DOWNLOAD_TIMEOUT={DOWNLOAD_TIMEOUT:g}",
        run_id="misbehaving",
    )  # fmt: skip


def gaps(records: list[RequestRecord]) -> list[float]:
    times = [r.time for r in records]
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


# ---------------------------------------------------------------------------------------- the whole crawl


@pytest.mark.slow
def test_crawl_finishes_and_its_manifest_counts_every_rejection(crawl: Crawl) -> None:
    assert crawl.returncode == 0
    manifest = crawl.run.manifest
    assert manifest["finished_at"] >= manifest["started_at"]
    by_reason = Counter(f"{r['stage']}/{r['reason']}" for r in crawl.run.rejected)
    assert manifest["counts"]["rejected"] == len(crawl.run.rejected)
    assert manifest["counts"]["rejected_by_reason"] == dict(by_reason)
    for key, count in by_reason.items():
        assert crawl.stats[f"newscorpus/rejected/{key}"] == count, key
    assert manifest["counts"]["written"] == len(crawl.run.articles)
    assert all(r["stage"] and r["reason"] for r in crawl.run.rejected)


@pytest.mark.slow
def test_no_good_article_is_lost(site: MisbehavingSite, crawl: Crawl) -> None:
    urls = Counter(a["url"] for a in crawl.run.articles)
    assert all(n == 1 for n in urls.values()), [u for u, n in urls.items() if n > 1]
    problems = []
    for expected in site.expected_articles():
        path = urlsplit(expected.url).path
        if path in LOST:
            continue
        written = crawl.written(path)
        if not written:
            problems.append(f"{path}: not written; rejected as {crawl.rejected(path)}")
            continue
        article = written[0]
        if path in MANGLED:
            continue
        if article["title"] != expected.title:
            problems.append(f"{path}: title {article['title']!r}")
        problems += [f"{path}: missing {s!r}" for s in expected.must_contain if s not in article["text"]]
        problems += [f"{path}: clutter {s!r}" for s in expected.must_not_contain if s in article["text"]]
        if (
            article["language"] != expected.lang
            or article["date_published"][:10] != expected.date_published[:10]
        ):
            problems.append(f"{path}: {article['language']} {article['date_published']}")
    assert not problems, "\n".join(problems)
    good = {a.url for a in site.expected_articles()}
    assert not (set(urls) - good), "a bad page was written as an article"
    assert len(STORIES) - len(LOST) <= len(crawl.run.articles) <= len(STORIES)


@pytest.mark.slow
def test_peak_memory_stays_bounded(crawl: Crawl) -> None:
    """1 GB bombs and 30 MB pages go through the crawl; it must never hold them whole."""
    assert 0 < crawl.peak_rss < MAX_PEAK_RSS, f"peak RSS {crawl.peak_rss / 2**20:.0f} MB"


# --------------------------------------------------------------------------------------- the network


@pytest.mark.slow
def test_connection_reset_is_retried_then_recorded(crawl: Crawl) -> None:
    (record,) = crawl.rejected(RESET)
    assert (record["stage"], record["reason"]) == ("fetch", "error")
    assert "ConnectionLost" in record["detail"]
    # Each of Scrapy's 1 + RETRY_TIMES attempts may be retried once by Twisted on a reused connection.
    assert RETRY_TIMES + 1 <= len(crawl.requests(RESET)) <= 2 * (RETRY_TIMES + 1)

    (cut,) = crawl.rejected(RESET_MID_BODY)
    assert (cut["stage"], cut["reason"]) == ("fetch", "error")
    assert cut["detail"].startswith("ResponseDataLossError")
    assert len(crawl.requests(RESET_MID_BODY)) == RETRY_TIMES + 1
    assert crawl.stats["retry/reason_count/scrapy.exceptions.ResponseDataLossError"] == RETRY_TIMES
    assert crawl.stats["retry/reason_count/scrapy.exceptions.DownloadFailedError"] == RETRY_TIMES


@pytest.mark.slow
def test_stalled_pages_are_given_up_after_the_download_timeout(crawl: Crawl) -> None:
    for path in (STALL, STALL_MID_BODY):
        requests = crawl.requests(path)
        assert len(requests) == RETRY_TIMES + 1, path
        # Each attempt was given up by the client's own timer (Scrapy's message names the timeout), long before
        # the stall would have ended (the server would then have closed the connection: an error, not a timeout).
        assert crawl.site.stall_seconds > DOWNLOAD_TIMEOUT
        (record,) = crawl.rejected(path)
        assert record["stage"] == "fetch"
        assert f"took longer than {DOWNLOAD_TIMEOUT} seconds" in record["detail"]
        assert not crawl.written(path)
    assert crawl.stats["retry/reason_count/scrapy.exceptions.DownloadTimeoutError"] == 2 * RETRY_TIMES


@pytest.mark.slow
def test_stalled_pages_are_recorded_as_timeouts(crawl: Crawl) -> None:
    for path in (STALL, STALL_MID_BODY):
        (record,) = crawl.rejected(path)
        assert (record["stage"], record["reason"]) == ("fetch", "timeout")


@pytest.mark.slow
def test_429_with_retry_after_is_waited_out_and_the_article_written(
    site: MisbehavingSite, crawl: Crawl
) -> None:
    requests = crawl.requests(THROTTLED)
    assert [r.status for r in requests] == [429] * site.throttle_responses + [200]
    assert all(gap >= site.retry_after - SLACK for gap in gaps(requests)), gaps(requests)
    (article,) = crawl.written(THROTTLED)
    assert all(check in article["text"] for check in LIBRARY.checks)
    assert not crawl.rejected(THROTTLED)

    endless = crawl.requests(ALWAYS_THROTTLED)
    assert [r.status for r in endless] == [429] * (RETRY_TIMES + 1)
    assert all(gap >= site.retry_after - SLACK for gap in gaps(endless)), gaps(endless)
    (record,) = crawl.rejected(ALWAYS_THROTTLED)
    assert (record["stage"], record["reason"]) == ("fetch", "http-429")
    assert crawl.stats["downloader/response_status_count/429"] == site.throttle_responses + RETRY_TIMES + 1


@pytest.mark.slow
def test_redirect_loop_ends(crawl: Crawl) -> None:
    assert len(crawl.requests(REDIRECT_LOOP_A)) == 1
    assert len(crawl.requests(REDIRECT_LOOP_B)) == 1
    assert not crawl.written(REDIRECT_LOOP_A) and not crawl.written(REDIRECT_LOOP_B)


@pytest.mark.slow
def test_redirect_loop_is_recorded(crawl: Crawl) -> None:
    (record,) = crawl.rejected(REDIRECT_LOOP_A)
    assert (record["stage"], record["reason"]) == ("fetch", "redirect-loop")


@pytest.mark.slow
def test_endless_redirect_chain_is_cut_at_the_redirect_limit(crawl: Crawl) -> None:
    assert len(crawl.requests(REDIRECT_CHAIN)) == REDIRECT_MAX_TIMES + 1
    (record,) = crawl.rejected(REDIRECT_CHAIN, any_query=True)
    assert record["stage"] == "fetch"
    # Today: fetch/ignored, "max redirections reached". The reason the finding below asks for is accepted too.
    assert record["reason"] == "too-many-redirects" or (
        (record["reason"], record["detail"]) == ("ignored", "max redirections reached")
    )
    assert not any(a["url"].startswith(crawl.site.url(REDIRECT_CHAIN)) for a in crawl.run.articles)


@pytest.mark.slow
def test_endless_redirect_chain_is_recorded_under_its_listed_url(crawl: Crawl) -> None:
    (record,) = crawl.rejected(REDIRECT_CHAIN)
    assert record["stage"] == "fetch"
    assert record["reason"] in ("too-many-redirects", "redirect-loop")


# ----------------------------------------------------------------------------------------- sizes


@pytest.mark.slow
def test_gzip_bombs_are_refused_at_the_size_cap(site: MisbehavingSite, crawl: Crawl) -> None:
    for path in (GZIP_BOMB, GZIP_BOMB_LAYERED):
        assert len(crawl.requests(path)) == 1, path
        (record,) = crawl.rejected(path)
        assert (record["stage"], record["reason"]) == ("fetch", "too-large")
        assert "exceeded DOWNLOAD_MAXSIZE" in record["detail"]  # the detail is cut at 200 characters
        # Decompression stopped at the cap, a gigabyte short of the end.
        so_far = int(re.search(r"(\d+) B decompressed so far", record["detail"]).group(1))  # type: ignore[union-attr]
        assert DOWNLOAD_MAXSIZE < so_far <= DOWNLOAD_MAXSIZE + (1 << 20)
        assert so_far < site.bomb_bytes // 50
        assert not crawl.written(path)


@pytest.mark.slow
def test_30mb_page_with_content_length_is_refused_before_download(
    site: MisbehavingSite, crawl: Crawl
) -> None:
    assert len(crawl.requests(HUGE)) == 1
    (record,) = crawl.rejected(HUGE)
    assert (record["stage"], record["reason"]) == ("fetch", "too-large")
    assert record["detail"].startswith(f"Expected to receive {site.huge_bytes} bytes which is larger than")


@pytest.mark.slow
def test_30mb_chunked_page_is_stopped_at_the_cap(crawl: Crawl) -> None:
    assert len(crawl.requests(HUGE_CHUNKED)) == 1
    (record,) = crawl.rejected(HUGE_CHUNKED)
    assert record["stage"] == "fetch"
    assert not crawl.written(HUGE_CHUNKED)
    stopped = re.search(
        rf"Received (\d+) bytes which is larger than download max size .*{HUGE_CHUNKED}", crawl.stderr
    )
    assert stopped and int(stopped.group(1)) <= DOWNLOAD_MAXSIZE + (1 << 20)


@pytest.mark.slow
def test_30mb_chunked_page_is_recorded_as_too_large(crawl: Crawl) -> None:
    (record,) = crawl.rejected(HUGE_CHUNKED)
    assert (record["stage"], record["reason"]) == ("fetch", "too-large")


# -------------------------------------------------------------------------------------- charsets


@pytest.mark.slow
def test_utf8_page_labelled_latin1_keeps_its_accents(crawl: Crawl) -> None:
    (article,) = crawl.written(CHARSET_LATIN1_LABEL)
    assert article["title"] == CHRISTMAS_MARKET.title
    assert article["authors"] == [CHRISTMAS_MARKET.author]
    assert all(check in article["text"] for check in CHRISTMAS_MARKET.checks)
    assert "Ã" not in article["text"] and "\ufffd" not in article["text"]
    assert article["language"] == "fr"


@pytest.mark.slow
def test_windows1252_page_labelled_utf8_is_written_or_rejected_with_a_reason(crawl: Crawl) -> None:
    written, rejected = crawl.written(CHARSET_UTF8_LABEL), crawl.rejected(CHARSET_UTF8_LABEL)
    assert len(written) + len(rejected) == 1
    assert all(r["stage"] and r["reason"] for r in rejected)


@pytest.mark.slow
def test_windows1252_page_labelled_utf8_keeps_its_accents(crawl: Crawl) -> None:
    (article,) = crawl.written(CHARSET_UTF8_LABEL)
    assert "\ufffd" not in article["text"] + article["title"]
    assert article["title"] == CHEESE_DAIRY.title
    assert all(check in article["text"] for check in CHEESE_DAIRY.checks)


# ------------------------------------------------------------------------------------- discovery


@pytest.mark.slow
def test_sitemap_that_is_an_html_page_is_a_bad_sitemap(crawl: Crawl) -> None:
    assert len(crawl.requests(SITEMAP_HTML)) == 1
    (record,) = crawl.rejected(SITEMAP_HTML)
    assert (record["stage"], record["reason"]) == ("discover", "bad-sitemap")
    assert record["detail"] == "root element <html> is not a sitemap"
    assert len(crawl.requests(SITEMAP)) == 1
    assert crawl.stats["newscorpus/discovery/sitemaps"] == 1  # the good one


@pytest.mark.slow
def test_truncated_gzip_sitemap_is_a_bad_sitemap(crawl: Crawl) -> None:
    assert len(crawl.requests(SITEMAP_TRUNCATED_GZIP)) == 1
    (record,) = crawl.rejected(SITEMAP_TRUNCATED_GZIP)
    assert (record["stage"], record["reason"]) == ("discover", "bad-sitemap")


@pytest.mark.slow
def test_feed_with_broken_dates_is_still_crawled(crawl: Crawl) -> None:
    assert len(crawl.requests(FEED_BROKEN_DATES)) == 1
    assert not crawl.rejected(FEED_BROKEN_DATES)
    # Listed only in that feed, dated 31 December 2999 there: written, with the page's own date.
    (article,) = crawl.written(FLOOD_BARRIER.path)
    assert article["date_published"][:10] == FLOOD_BARRIER.published[:10]
    assert article["date_source"] != "feed"
    assert all(check in article["text"] for check in FLOOD_BARRIER.checks)
    assert crawl.stats["newscorpus/discovery/feeds"] >= 1


@pytest.mark.slow
def test_feed_with_out_of_range_date_is_still_crawled(crawl: Crawl) -> None:
    assert len(crawl.requests(FEED_OUT_OF_RANGE_DATE)) == 1
    (article,) = crawl.written(ROBOTICS.path)
    assert all(check in article["text"] for check in ROBOTICS.checks)


@pytest.mark.slow
def test_calendar_trap_is_bounded(crawl: Crawl) -> None:
    """Home links today's calendar page (depth 1); its four day and month links are depth 2, the default
    NEWSCORPUS_FOLLOW_DEPTH, so their own links are not followed: five pages of an endless calendar."""
    paths = [r.path for r in crawl.requests(CALENDAR_PREFIX, prefix=True)]
    assert len(paths) == len(set(paths)), "a calendar page was fetched twice"
    assert calendar_path(CALENDAR_START) in paths
    assert len(paths) <= 5, paths
    assert not any(urlsplit(r["url"]).path.startswith(CALENDAR_PREFIX) for r in crawl.run.rejected)


@pytest.mark.slow
def test_calendar_trap_grows_only_with_follow_depth(site: MisbehavingSite, tmp_path: Path) -> None:
    """Started on the calendar a decade on with --follow-depth 4: the trap is fetched to that depth only.

    Each page links one day and one month either way, so the days within r steps of a page form a diamond
    of 2r^2 + 2r + 1 pages: 41 around the start page (depth 0), and 25 around today's page, which every
    page's masthead links (depth 1). Bounded by the follow depth, and by nothing else.
    """

    def diamond(r: int) -> int:
        return 2 * r * r + 2 * r + 1

    depth = 4
    start = calendar_path(CALENDAR_START + timedelta(days=3650))
    profile = tmp_path / "calendar.toml"
    profile.write_text(
        f'name = "calendar"\nstart_urls = ["{site.url(start)}"]\ndiscover_sitemaps = false\n',
        encoding="utf-8",
    )
    before = [r.path for r in site.requests_to(CALENDAR_PREFIX, prefix=True)]
    run_crawl(site, [str(profile)], tmp_path / "out", "--follow-depth", str(depth), run_id="calendar")
    paths = [r.path for r in site.requests_to(CALENDAR_PREFIX, prefix=True)][len(before) :]
    assert len(paths) == len(set(paths)), "a calendar page was fetched twice"
    far = {p for p in paths if p >= f"{CALENDAR_PREFIX}2030/"}
    near = (set(paths) - far) | set(before)
    assert start in far
    assert diamond(depth - 1) < len(far) <= diamond(depth), len(far)
    assert len(near) <= diamond(depth - 1), sorted(near)


# ---------------------------------------------------------------------------- the outlet on its own


def _raw_get(site: MisbehavingSite, path: str) -> socket.socket:
    host, port = urlsplit(site.base_url).hostname, urlsplit(site.base_url).port
    conn = socket.create_connection((host, port), timeout=5)
    conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    return conn


def test_stall_ends_when_the_site_stops() -> None:
    # A stall far longer than the test may run: the connection can only close because the site stopped.
    site = MisbehavingSite(stall_seconds=3600).start()
    try:
        conn = _raw_get(site, STALL)
        wait_until(lambda: len(site.requests_to(STALL)) == 1)
    finally:
        site.stop()
    with conn:
        conn.settimeout(60)
        assert conn.recv(1024) == b""  # closed without a response


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for ``condition`` (a bound for a site that never gets there, not a guess at how long it takes)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not reached in {timeout:g}s"
        time.sleep(0.01)


def test_reset_is_a_reset_and_throttling_says_when_to_come_back() -> None:
    with MisbehavingSite() as site:
        with _raw_get(site, RESET) as conn, pytest.raises(ConnectionResetError):
            conn.recv(1024)
        with _raw_get(site, THROTTLED) as conn:
            head = conn.recv(4096).decode("latin-1")
        assert head.startswith("HTTP/1.1 429") and "Retry-After: 1\r\n" in head


def test_bad_pages_are_what_they_say() -> None:
    import gzip
    import io
    import urllib.request

    with MisbehavingSite() as site:
        pages = site.bad_pages()
        assert len(pages) == 19 and all(url.startswith(site.base_url) for url in pages)
        robots = urllib.request.urlopen(site.url("/robots.txt"), timeout=5).read().decode()
        assert all(site.url(p) in robots for p in (SITEMAP, SITEMAP_HTML, SITEMAP_TRUNCATED_GZIP))
        # urllib does not decode Content-Encoding: these are the bytes on the wire.
        single = urllib.request.urlopen(site.url(GZIP_BOMB), timeout=5).read()
        layered = urllib.request.urlopen(site.url(GZIP_BOMB_LAYERED), timeout=5).read()
    assert len(single) < 2 << 20 and len(layered) < 8 << 10
    assert gzip.decompress(layered) == single
    with gzip.GzipFile(fileobj=io.BytesIO(single)) as unpacked:
        assert len(unpacked.read(2 * DOWNLOAD_MAXSIZE)) == 2 * DOWNLOAD_MAXSIZE
    assert site.huge_bytes > DOWNLOAD_MAXSIZE
    for story in STORIES:
        assert story.word_count >= (250 if story.lang == "en" else 150), story.key
        assert all(check in story.text for check in story.checks), story.key


def test_falls_back_to_127_0_0_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.newssite.misbehaving as misbehaving

    monkeypatch.setattr(misbehaving, "loopback_available", lambda host: False)
    with MisbehavingSite() as site:
        assert urlsplit(site.base_url).hostname == "127.0.0.1"
        with _raw_get(site, "/") as conn:
            assert conn.recv(64).startswith(b"HTTP/1.1 200")
