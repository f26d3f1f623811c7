"""Conditional requests for what discovery reads again every run: robots.txt, sitemaps, feeds, start and section
pages.

Each answer's ``ETag`` and ``Last-Modified`` are kept in the crawl state (:class:`crawler.state.sqlite.Validators`)
and sent back as ``If-None-Match`` / ``If-Modified-Since``; a ``304`` costs no parse. What the spider needs of a
resource that did not change is kept with it: the sitemaps a robots.txt names, the listings and feeds a start
or section page leads to (their links to articles were decided when the page was read). A sitemap index child
whose ``lastmod`` did not move since it was last read is not asked at all.

With ``--revisit-after D`` (corrections), what was kept is used only within D of the last full read: at least
once every D discovery is read in full, so the articles due for a re-visit are seen.

What a run learns is written to the state only when the run finishes: a run killed or stopped after reading a
sitemap but before fetching its articles leaves the old validators, so the next run reads the sitemap again
instead of being told it did not change.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Request, Response

from crawler.state.sqlite import StateStore, Validators, url_key
from pipelines.dates import parse_utc

logger = logging.getLogger(__name__)

#: The meta key of a discovery request: the URL its validators are kept under (the first of its redirects).
VALIDATED = "newscorpus_validated"
NOT_MODIFIED = 304


class Revalidation:
    """The validators of one crawl. ``state`` None (``--no-state``): every request is plain. ``max_age``: what
    was kept is used only this long after the resource was last read in full (None: always)."""

    def __init__(
        self,
        state: StateStore | None,
        max_age: timedelta | None = None,
        stats: Any = None,
        now: datetime | None = None,
    ) -> None:
        self.state = state
        self.max_age = max_age
        self.stats = stats
        self.now = now or datetime.now(UTC)
        self._learned: dict[str, Validators] = {}

    def _kept(self, url: str) -> Validators | None:
        """What is kept of ``url``, unless it is older than ``max_age``."""
        known = self.state.validators(url) if self.state is not None else None
        if known is None or self.max_age is None:
            return known
        read_at = parse_utc(known.read_at)
        return known if read_at is not None and self.now - read_at < self.max_age else None

    def prepare(self, request: Request) -> Request:
        """Mark ``request`` as a discovery request and make it conditional when its last answer said how."""
        if self.state is None:
            return request
        key = url_key(request.url)
        request.meta[VALIDATED] = key
        known = self._kept(key)
        if known is None or not (known.etag or known.last_modified):
            return request
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified
        request.meta["handle_httpstatus_list"] = [NOT_MODIFIED]
        return request

    def not_modified(self, response: Response) -> Validators | None:
        """What was kept of the resource, when it answered 304 (None: it did not, or nothing was kept)."""
        key = response.meta.get(VALIDATED)
        if response.status != NOT_MODIFIED or self.state is None or not key:
            return None
        known = self.state.validators(key) or Validators()
        if self.stats is not None:
            self.stats.inc_value("newscorpus/discovery/not_modified")
        self._learned[key] = Validators(
            _header(response, "ETag") or known.etag,
            _header(response, "Last-Modified") or known.last_modified,
            response.meta.get("listed_lastmod") or known.listed,
            known.data,
            known.read_at,
        )
        return known

    def answered(self, response: Response, data: dict[str, Any] | None = None) -> None:
        """A 2xx answer: its validators, the ``lastmod`` its index gave it and ``data`` are kept for next time."""
        key = response.meta.get(VALIDATED)
        if self.state is None or not key:
            return
        self._learned[key] = Validators(
            _header(response, "ETag"),
            _header(response, "Last-Modified"),
            response.meta.get("listed_lastmod"),
            data,
            self.now.isoformat(timespec="seconds"),
        )

    def unchanged_child(self, url: str, lastmod: str | None) -> bool:
        """A sitemap index lists ``url`` with the ``lastmod`` it had when it was last read."""
        if self.state is None or not lastmod:
            return False
        known = self._kept(url)
        return known is not None and known.listed == lastmod

    def commit(self) -> int:
        """The run finished: keep what it learned. Returns the number of resources kept."""
        if self.state is None:
            return 0
        for key, validators in self._learned.items():
            self.state.save_validators(key, validators)
        count, self._learned = len(self._learned), {}
        return count


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
