"""Downloader middlewares of newscorpus."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawler.state.backoff import BackoffPolicy
from crawler.state.extension import CrawlStateExtension
from crawler.state.incremental import is_known
from pipelines.settings import RunOptions, from_settings, setting

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: seconds, or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryBackoff:
    """The wait before the n-th retry: ``base * 2^(n-1)`` seconds, or what ``Retry-After`` asks, at most
    ``max_wait``."""

    base: float = setting("NEWSCORPUS_RETRY_BACKOFF_BASE", 1.0)
    max_wait: float = setting("NEWSCORPUS_RETRY_BACKOFF_MAX", 60.0)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, with a wait before each retry: ``Retry-After`` when the server sends one, else
    exponential back-off (base * 2^attempt), both capped by ``NEWSCORPUS_RETRY_BACKOFF_MAX``.

    Scrapy's own retry re-queues at once, which hammers a server that answered 429 or 503. The wait happens in
    this middleware, so it holds one of the global ``CONCURRENT_REQUESTS`` places but not the site's slot.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        backoff = from_settings(RetryBackoff, settings)
        self.backoff_base = backoff.base
        self.backoff_max = backoff.max_wait

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"{response.status} response")
        if retry is None:
            return response
        await self._wait(retry, retry_after_seconds(response.headers.get("Retry-After")))
        return retry

    async def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Any:  # type: ignore[override]
        """Timeouts and dropped connections: the same back-off as for 5xx answers."""
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(retry, None)
        return retry

    async def _wait(self, retry: Request, asked: float | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = asked if asked is not None else self.backoff_base * (2 ** (attempt - 1))
        delay = min(delay, self.backoff_max)
        if delay > 0:
            # The reactor Scrapy installed; importing it at module level could install the default one.
            from twisted.internet import reactor

            logger.debug("waiting %.1fs before retry %d of %s", delay, attempt, retry.url)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))


class AlreadyFetched(IgnoreRequest):
    """The page has an outcome in the crawl state, or another copy of the request is being fetched."""


class IncrementalMiddleware:
    """The last check before an article is fetched, against the crawl state and the pages in flight.

    The spider already skips known URLs when it schedules them; this catches the copies it cannot see: a
    request restored from a resumed JOBDIR queue that discovery found again, or a URL an earlier request
    of this run redirected to. Re-fetches the spider asked for (``update_of``) pass.
    """

    def __init__(
        self, extension: Any, stats: Any, run_id: str | None = None, backoff: BackoffPolicy | None = None
    ) -> None:
        self.extension = extension
        self.stats = stats
        self.run_id = run_id
        self.backoff = backoff or BackoffPolicy()

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        extension = crawler.get_extension(CrawlStateExtension)
        if extension is None:
            raise NotConfigured  # no crawl state (--no-state): every page is new
        settings = crawler.settings
        run_id = from_settings(RunOptions, settings).run_id
        return cls(extension, crawler.stats, run_id, from_settings(BackoffPolicy, settings))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get("newscorpus_article"):
            return None
        known = request.meta.get("update_of") is None and is_known(
            self.extension.state.lookup(request.url), self.run_id, self.backoff.clock()
        )
        if request.meta.get("newscorpus_pass") == self.extension.token:
            # A retry or redirect of a request this process let through: the same page, the same place in flight.
            if known:
                self.stats.inc_value("newscorpus/incremental/already_fetched")
                self.extension.inflight.discard(request.meta["newscorpus_requested_url"])
                raise AlreadyFetched(f"redirect target {request.url} already fetched")
            return None
        # A new request, or one restored from an earlier process's queue (its mark is not ours).
        key = request.meta.get("newscorpus_requested_url", request.url)
        if known:
            self.stats.inc_value("newscorpus/incremental/already_fetched")
            raise AlreadyFetched(f"{request.url} already fetched")
        if key in self.extension.inflight:
            self.stats.inc_value("newscorpus/incremental/already_in_flight")
            raise AlreadyFetched(f"{request.url} is being fetched")
        self.extension.inflight.add(key)
        request.meta["newscorpus_requested_url"] = key
        request.meta["newscorpus_pass"] = self.extension.token
        return None


class RedirectLoopMiddleware:
    """Stops a redirect that comes back to a URL of its own chain, before the duplicate filter drops it
    silently: the page then fails with a reason (``fetch/redirect-loop``) like any other."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        from urllib.parse import urljoin

        from scrapy.exceptions import IgnoreRequest
        from w3lib.url import safe_url_string

        location = response.headers.get("Location")
        if (
            response.status in (301, 302, 303, 307, 308)
            and location
            and not request.meta.get("dont_redirect")
        ):
            target = safe_url_string(urljoin(request.url, location.decode("latin-1")))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise IgnoreRequest("redirect loop: " + " -> ".join([*chain, target]))
        return response
