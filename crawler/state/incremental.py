"""Fetch only what is new: the decision for a discovered article URL, from the crawl state.

- never seen: fetch it;
- seen without a final outcome (a 404, a timeout, ...): skip it until its next try (``crawler.state.backoff``),
  then fetch it as new;
- seen and final (written, duplicate, rejected for good): skip it, unless
- its sitemap/feed date moved past the one recorded and past the last fetch (the page changed since), or it is
  recent and its last fetch is older than the re-visit window (``--revisit-after``, to catch corrections):
  fetch it as an update. A site's sitemaps and feeds give one page different dates (its publication in the news
  sitemap, its last change in the plain one): only a date later than the fetch says the page changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from crawler.state.sqlite import ATTEMPTED, DUPLICATE, REJECTED, UPDATED, WRITTEN, SeenPage
from pipelines.dates import parse_duration, parse_utc
from pipelines.settings import setting


class Decision(Enum):
    NEW = "new"
    UPDATE = "update"
    SKIP = "skip"


@dataclass(frozen=True)
class RevisitPolicy:
    """``revisit_after``: re-fetch an article whose last fetch is older than this (None: never; ``--revisit-after``).
    ``max_age``: only articles published (or first fetched) within this window are re-visited, so an
    archive is not re-fetched forever."""

    revisit_after: timedelta | None = setting("NEWSCORPUS_REVISIT_AFTER", None, parse_duration)
    max_age: timedelta = setting("NEWSCORPUS_REVISIT_MAX_AGE", timedelta(days=7), parse_duration)


def is_known(seen: SeenPage | None, run_id: str | None, now: datetime | None = None) -> bool:
    """Has the page an outcome that keeps it from being fetched as new: a final one, an attempt made in this
    same run (resumed) that a later run tries again, or a failure whose next try is after ``now``."""
    if seen is None:
        return False
    if seen.outcome != ATTEMPTED or (run_id is not None and seen.run_id == run_id):
        return True
    return now is not None and backing_off(seen, now)


def backing_off(seen: SeenPage, now: datetime) -> bool:
    """The page failed and its next try is still to come."""
    if seen.outcome != ATTEMPTED or not seen.next_try:
        return False
    next_try = parse_utc(seen.next_try)
    return next_try is not None and now < next_try


def decide(
    seen: SeenPage | None,
    listed_date: str | None,
    now: datetime,
    policy: RevisitPolicy,
    run_id: str | None = None,
) -> Decision:
    """``run_id``: the run deciding; what it already tried (before it was stopped) is not fetched again."""
    if not is_known(seen, run_id, now):
        return Decision.NEW
    assert seen is not None
    if seen.outcome == ATTEMPTED:
        return Decision.SKIP
    if seen.outcome == REJECTED:
        return Decision.SKIP
    if seen.article_id is None:
        return Decision.SKIP
    listed = parse_utc(listed_date)
    recorded = parse_utc(seen.lastmod)
    fetched_at = parse_utc(seen.fetched_at)
    if listed and recorded and listed > recorded and (fetched_at is None or listed > fetched_at):
        return Decision.UPDATE
    if policy.revisit_after is not None:
        fetched = parse_utc(seen.fetched_at)
        born = parse_utc(seen.date_published) or fetched
        if fetched and born and now - fetched >= policy.revisit_after and now - born <= policy.max_age:
            return Decision.UPDATE
    return Decision.SKIP


def update_meta(seen: SeenPage) -> dict[str, Any]:
    """What a re-fetch carries to the write stage to decide whether the article changed."""
    return {"id": seen.article_id, "revision": seen.revision, "fingerprint": seen.fingerprint}


_ARTICLE_OUTCOMES = frozenset({WRITTEN, DUPLICATE, UPDATED})
_NOT_ARTICLE_REASONS = frozenset(
    {"extract/not-article", "extract/no-text", "clean/no-text", "quality/list-like"}
)


def known_verdict(seen: SeenPage) -> bool | None:
    """What a page's recorded outcome says it is (an article, not one, or None: nothing), so that a page an
    earlier run settled teaches the site's link shapes (``crawler.links``) as the page itself would."""
    if seen.outcome in _ARTICLE_OUTCOMES:
        return True
    if seen.outcome == REJECTED and seen.reason in _NOT_ARTICLE_REASONS:
        return False
    return None
