"""Downloader middlewares of newscorpus."""

from __future__ import annotations

import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

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


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, with a wait before each retry: ``Retry-After`` when the server sends one, else
    exponential back-off (base * 2^attempt), both capped by ``NEWSCORPUS_RETRY_BACKOFF_MAX``.

    Scrapy's own retry re-queues at once, which hammers a server that answered 429 or 503. The wait happens in
    this middleware, so it holds one of the global ``CONCURRENT_REQUESTS`` places but not the site's slot.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("NEWSCORPUS_RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("NEWSCORPUS_RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"{response.status} response")
        if retry is None:
            return response
        attempt = retry.meta.get("retry_times", 1)
        delay = retry_after_seconds(response.headers.get("Retry-After"))
        if delay is None:
            delay = self.backoff_base * (2 ** (attempt - 1))
        delay = min(delay, self.backoff_max)
        if delay > 0:
            # The reactor Scrapy installed; importing it at module level could install the default one.
            from twisted.internet import reactor

            logger.debug("waiting %.1fs before retry %d of %s", delay, attempt, request.url)
            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return retry
