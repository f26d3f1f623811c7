"""Why a request failed, as a short reason code (``fetch/<reason>`` in ``rejected.jsonl``) and a detail; the
reason decides how long the URL waits before it is asked again (``crawler.state.backoff``)."""

from __future__ import annotations

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure


def failure_reason(failure: Failure, maxsize: int = 0) -> tuple[str, str]:
    """A short reason code and a detail for a failed request."""
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
    from twisted.internet.defer import CancelledError
    from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

    from crawler.offsite import Offsite
    from crawler.robots import RobotsUnreachable

    exc = failure.value
    request = getattr(failure, "request", None)
    if failure.check(DownloadCancelledError, CancelledError) and request is not None:
        received = request.meta.get("newscorpus_bytes", 0)
        if maxsize and received > maxsize:
            return "too-large", f"{received} bytes received without Content-Length, over {maxsize}"
    if failure.check(HttpError):
        return f"http-{exc.response.status}", ""
    message = str(exc)
    if "DOWNLOAD_MAXSIZE" in message or "max size" in message or "maxsize" in message:
        return "too-large", message[:200]
    if failure.check(Offsite):
        hops = (
            " -> ".join([*(request.meta.get("redirect_urls") or []), exc.target]) if request else exc.target
        )
        return "offsite", f"{hops}: not on the site's domains (add the domain to the profile to crawl it)"[
            :500
        ]
    if failure.check(RobotsUnreachable):
        return "robots-unreachable", message[:200]
    if failure.check(IgnoreRequest):
        if "robots.txt" in message.lower():
            return "robots-disallowed", ""
        if message.startswith("redirect loop"):
            return "redirect-loop", message[:200]
        if "max redirections reached" in message:
            return "too-many-redirects", " -> ".join(request.meta.get("redirect_urls", []))[
                :200
            ] if request else ""
        return "ignored", message[:200]
    if failure.check(DNSLookupError):
        return "dns", message[:200]
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout", message[:200]
    if failure.check(CancelledError):
        return "cancelled", message[:200]
    return "error", f"{type(exc).__name__}: {message[:200]}"
