"""Per-URL back-off in the crawl state: the waits by kind, what the stores record, the schema migration, the
validators of conditional requests; SQLite here, Redis where a redis-server is at hand."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.state.backoff import GONE, ROBOTS, RULED, TRANSIENT, BackoffPolicy, kind_of
from crawler.state.incremental import Decision, RevisitPolicy, decide, is_known, known_verdict
from crawler.state.sqlite import ATTEMPTED, REJECTED, SCHEMA_VERSION, WRITTEN, CrawlState, Validators

T0 = datetime(2026, 11, 23, 12, tzinfo=UTC)
URL = "https://x.example/gone/"


def at(hours: float) -> BackoffPolicy:
    return BackoffPolicy(now=T0 + timedelta(hours=hours))


def test_waits_grow_by_kind_up_to_the_cap() -> None:
    policy = BackoffPolicy()
    assert [policy.wait(GONE, n) for n in (1, 2, 3)] == [timedelta(hours=h) for h in (1, 4, 16)]
    assert [policy.wait(TRANSIENT, n) for n in (1, 2, 3)] == [timedelta(hours=h) for h in (1, 2, 4)]
    assert policy.wait(GONE, 1000) == timedelta(days=7)
    assert policy.wait(ROBOTS, 3) is None
    short = BackoffPolicy(start=timedelta(minutes=10), cap=timedelta(hours=1))
    assert short.wait(TRANSIENT, 2) == timedelta(minutes=20) and short.wait(TRANSIENT, 9) == timedelta(
        hours=1
    )


def test_kind_of_each_reason() -> None:
    assert kind_of("fetch/http-404") == kind_of("fetch/http-410") == kind_of("fetch/offsite") == GONE
    assert kind_of("discover/not-article-url") == RULED
    assert kind_of("fetch/http-503") == kind_of("fetch/timeout") == kind_of("worker/crashed") == TRANSIENT
    assert kind_of("fetch/robots-disallowed") == ROBOTS
    assert kind_of("language/not-wanted") is None and kind_of("write/max-articles") is None


@pytest.fixture()
def state(tmp_path: Path) -> Iterator[CrawlState]:
    opened = CrawlState.open(tmp_path / "state")
    yield opened
    opened.close()


def test_a_404_is_skipped_until_its_next_try_then_waits_longer(state: CrawlState) -> None:
    state.record_failure([URL], "r1", "fetch/http-404", GONE, at(0))
    seen = state.lookup(URL)
    assert seen is not None and (seen.outcome, seen.failures, seen.reason) == (ATTEMPTED, 1, "fetch/http-404")
    revisit = RevisitPolicy()
    assert decide(seen, None, T0 + timedelta(minutes=59), revisit, "r2") is Decision.SKIP
    assert is_known(seen, "r2", T0 + timedelta(minutes=59))
    assert decide(seen, None, T0 + timedelta(hours=1), revisit, "r2") is Decision.NEW
    assert state.due("https://x.example/", T0 + timedelta(minutes=59)) == []
    assert state.due("https://x.example/", T0 + timedelta(hours=1)) == [URL]
    assert state.due("https://y.example/", T0 + timedelta(hours=1)) == []

    state.record_failure([URL], "r2", "fetch/http-404", GONE, at(1))
    seen = state.lookup(URL)
    assert seen is not None and seen.failures == 2 and seen.next_try == (T0 + timedelta(hours=5)).isoformat()


def test_the_same_runs_failure_counts_once_and_success_resets(state: CrawlState) -> None:
    state.record_failure([URL], "r1", "fetch/http-503", TRANSIENT, at(0))
    state.record_failure([URL], "r1", "fetch/http-503", TRANSIENT, at(0.5))  # a resume, a recovery
    seen = state.lookup(URL)
    assert seen is not None and seen.failures == 1
    state.record([URL], WRITTEN, article_id="a", run_id="r2")
    seen = state.lookup(URL)
    assert seen is not None and (seen.outcome, seen.failures, seen.next_try) == (WRITTEN, 0, None)
    state.record_failure([URL], "r3", "fetch/http-503", TRANSIENT, at(2))  # a final outcome is kept
    seen = state.lookup(URL)
    assert seen is not None and seen.outcome == WRITTEN


def test_a_robots_disallowed_page_waits_for_nothing(state: CrawlState) -> None:
    state.record_failure([URL], "r1", "fetch/robots-disallowed", ROBOTS, at(0))
    seen = state.lookup(URL)
    assert seen is not None and seen.next_try is None
    assert decide(seen, None, T0, RevisitPolicy(), "r2") is Decision.NEW
    assert state.due("https://x.example/", T0) == []  # robots.txt decides again when it is found again
    state.record_attempt(["https://x.example/de"], "r1", "language/not-wanted")
    assert state.due("https://x.example/", T0) == ["https://x.example/de"]  # another run may want it


def test_known_outcomes_teach_link_shapes(state: CrawlState) -> None:
    state.record([URL], REJECTED, run_id="r1", reason="extract/not-article")
    state.record(["https://x.example/a"], WRITTEN, article_id="a", run_id="r1")
    rejected, written = state.lookup(URL), state.lookup("https://x.example/a")
    assert rejected is not None and written is not None
    assert known_verdict(rejected) is False and known_verdict(written) is True


def test_validators_round_trip(state: CrawlState) -> None:
    kept = Validators(
        '"abc"',
        "Mon, 23 Nov 2026 10:00:00 GMT",
        "2026-11-23",
        {"sitemaps": ["s"]},
        "2026-11-23T12:00:00+00:00",
    )
    state.save_validators("https://x.example/robots.txt", kept)
    assert state.validators("https://x.example/robots.txt") == kept
    assert state.validators("https://x.example/other") is None


def test_a_version_3_state_is_brought_up_to_date(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    db = sqlite3.connect(folder / "state.sqlite")
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        INSERT INTO meta VALUES ('schema_version', '3');
        CREATE TABLE pages (url TEXT PRIMARY KEY, outcome TEXT NOT NULL, article_id TEXT, fingerprint TEXT,
            lastmod TEXT, date_published TEXT, fetched_at TEXT, run_id TEXT, revision INTEGER NOT NULL DEFAULT 1,
            reason TEXT);
        INSERT INTO pages (url, outcome, run_id, reason) VALUES ('https://x.example/gone/', 'attempted', 'r1',
            'fetch/http-404');
        """
    )
    db.commit()
    db.close()
    state = CrawlState.open(folder)
    try:
        seen = state.lookup(URL)
        assert seen is not None and (seen.failures, seen.next_try) == (0, None)
        assert decide(seen, None, T0, RevisitPolicy(), "r2") is Decision.NEW  # an old attempt: due at once
        state.record_failure([URL], "r2", "fetch/http-404", GONE, at(0))
        seen = state.lookup(URL)
        assert seen is not None and seen.failures == 1
        version = state._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(version) == SCHEMA_VERSION == 4
    finally:
        state.close()


# -- the same rules in Redis (distributed crawls) ---------------------------------------------------------------


@pytest.fixture()
def client(redis_url: str) -> Iterator[Any]:
    import redis

    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


def test_redis_state_backs_off_alike(client: Any) -> None:
    from crawler.state.redis import RedisCrawlState

    state = RedisCrawlState(client, "backoff", worker="w1")
    state.record_failure([URL], "r1", "fetch/http-404", GONE, at(0))
    state.record_failure([URL], "r1", "fetch/http-404", GONE, at(0))
    seen = state.lookup(URL)
    assert seen is not None and (seen.outcome, seen.failures) == (ATTEMPTED, 1)
    assert seen.next_try == (T0 + timedelta(hours=1)).isoformat()
    assert state.due("https://x.example/", T0) == [] and state.due("https://x.example/", at(1).clock()) == [
        URL
    ]
    state.record_failure([URL], "r2", "fetch/http-404", GONE, at(1))
    seen = state.lookup(URL)
    assert seen is not None and seen.failures == 2
    state.record([URL], WRITTEN, article_id="a", run_id="r3")
    seen = state.lookup(URL)
    assert seen is not None and (seen.failures, seen.next_try) == (0, None)
    kept = Validators('"e"', None, "2026-11-23", {"hubs": []}, "2026-11-23T12:00:00+00:00")
    state.save_validators("https://x.example/", kept)
    assert state.validators("https://x.example/") == kept


# -- conditional requests ----------------------------------------------------------------------------------------


def test_revalidation_sends_validators_and_keeps_them_only_when_the_run_finishes(state: CrawlState) -> None:
    from scrapy.http import Request, Response

    from crawler.conditional import Revalidation

    url = "https://x.example/sitemap.xml"
    first = Revalidation(state, now=T0)
    request = first.prepare(Request(url))
    assert b"If-None-Match" not in request.headers  # nothing kept yet
    headers = {"ETag": '"v1"', "Last-Modified": "Mon, 30 Nov 2026 10:00:00 GMT"}
    first.answered(Response(url, status=200, headers=headers, request=request))
    assert state.validators(url) is None  # not before the run finishes
    assert first.commit() == 1

    second = Revalidation(state, now=T0 + timedelta(hours=1))
    request = second.prepare(Request(url))
    assert request.headers["If-None-Match"] == b'"v1"'
    assert request.headers["If-Modified-Since"] == b"Mon, 30 Nov 2026 10:00:00 GMT"
    assert request.meta["handle_httpstatus_list"] == [304]
    kept = second.not_modified(Response(url, status=304, request=request))
    assert kept is not None and kept.etag == '"v1"'
    assert second.not_modified(Response(url, status=200, request=request)) is None

    # --revisit-after 1d: what was read in full over a day ago is asked for in full.
    stale = Revalidation(state, max_age=timedelta(days=1), now=T0 + timedelta(days=2))
    assert b"If-None-Match" not in stale.prepare(Request(url)).headers
    assert Revalidation(None).prepare(Request(url)).meta == {}  # --no-state
