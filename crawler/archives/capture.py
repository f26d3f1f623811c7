"""``newscorpus crawl --warc``: every response the crawl receives, written as WARC.

Two components, on when ``NEWSCORPUS_WARC`` is:

- :class:`WarcCaptureMiddleware`, the downloader middleware closest to the downloader (``process_response``
  runs from the downloader outwards, so it sees each response before ``HttpCompressionMiddleware`` decodes the
  body and before redirects and retries are followed: robots.txt, sitemaps, feeds, articles, pages rejected
  later, 3xx, error pages, each attempt of a retried page). A download that fails after its headers arrived
  (``DOWNLOAD_MAXSIZE``, a timeout, a connection lost mid-body) reaches ``process_exception``: what arrived is
  written as a response with ``WARC-Truncated``.
- :class:`WarcCaptureExtension`, which owns the files and the writer thread, keeps the bytes of each download in
  flight (Scrapy's ``headers_received`` and ``bytes_received`` signals: a failed download has no response to
  read them from), and closes the archive for the write stage's manifest (:class:`~pipelines.write.archive.
  RunArchive`).

The heads as they crossed the wire come from the download handler (``crawler.archives.http_handler``).
"""

from __future__ import annotations

import logging
import socket
import time
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.archives.fetch_records import (
    TRUNCATED_DISCONNECT,
    TRUNCATED_LENGTH,
    TRUNCATED_TIME,
    TRUNCATED_UNSPECIFIED,
    Capture,
    fallback_request_head,
    fallback_response_head,
)
from crawler.archives.http_handler import RecordedHeads, pop_recorded
from crawler.archives.writer import ArchiveThread, WarcFiles, WarcWriteConfig, recover_folder
from pipelines.settings import RunOptions, from_settings
from pipelines.write.archive import RunArchive
from pipelines.write.ledger import CrawlLedger
from pipelines.write.run_folder import WARC_FOLDER

logger = logging.getLogger(__name__)

#: What a page is to the crawl, by the spider's callback (``crawler.spiders.news``).
_CALLBACK_PAGE = {
    "parse_robots": "robots",
    "parse_sitemap": "sitemap",
    "parse_feed": "feed",
    "parse_hub": "hub",
}


@dataclass
class _InFlight:
    """A download whose headers arrived: enough to write it if it fails before its response is made."""

    headers: Any
    body_length: int
    chunks: list[bytes] = field(default_factory=list)
    received: int = 0


class WarcCaptureExtension(RunArchive):
    """The crawl's archive: ``OUT/runs/<run-id>/warc/`` (see ``crawler.archives.writer``)."""

    def __init__(self, crawler: Any, config: WarcWriteConfig) -> None:
        self.crawler = crawler
        self.config = config
        self.thread: ArchiveThread | None = None
        self.truncated = 0
        self.unanswered = 0
        self._inflight: weakref.WeakKeyDictionary[Any, _InFlight] = weakref.WeakKeyDictionary()
        self._closed = False
        self._maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCaptureExtension:
        config = from_settings(WarcWriteConfig, crawler.settings)
        if not config.enabled:
            raise NotConfigured
        extension = cls(crawler, config)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.headers_received, signal=signals.headers_received)
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    # -- lifecycle -------------------------------------------------------------------------------------------

    def spider_opened(self, spider: Any = None) -> None:
        try:
            self._open()
        except Exception as exc:
            # Scrapy would log this and crawl on: an archiving crawl without its archive stops instead.
            logger.error("cannot start the WARC archive: %s", exc)
            self._write_failed(exc)
            raise

    def _open(self) -> None:
        settings = self.crawler.settings
        run = from_settings(RunOptions, settings)
        ledger = self.crawler.get_extension(CrawlLedger)
        worker = ledger.worker if ledger is not None else None
        runs = Path(run.out) / "runs"
        for folder in sorted(runs.glob(f"*/{WARC_FOLDER}")):
            recover_folder(folder)  # what killed writers left; files live writers hold are left alone
        folder = runs / (run.run_id or "run") / WARC_FOLDER
        files = WarcFiles(folder, self.config.max_bytes, self._warcinfo(run.run_id or ""), worker)
        self.thread = ArchiveThread(files, on_error=self._write_failed)
        self.thread.start()
        logger.info("archiving every response as WARC in %s", folder)

    def _warcinfo(self, run_id: str) -> dict[str, str]:
        settings = self.crawler.settings
        ours, scrapy, warcio = (_version(name) for name in ("newscorpus", "scrapy", "warcio"))
        return {
            "software": f"newscorpus/{ours} (Scrapy {scrapy}, warcio {warcio})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "operator": self.config.operator,
            "hostname": socket.gethostname(),
            "http-header-user-agent": settings.get("USER_AGENT") or "",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "isPartOf": run_id,
        }

    def close_archive(self) -> None:
        if self._closed or self.thread is None:
            return
        self._closed = True
        thread = self.thread
        files = thread.close()
        stats = self.crawler.stats
        # newscorpus/archived/: what this crawl wrote (newscorpus/warc/ is what a run reading archives read).
        stats.set_value("newscorpus/archived/files", len(files))
        stats.set_value("newscorpus/archived/captures", thread.files.captures)
        stats.set_value("newscorpus/archived/records", thread.files.records)
        stats.set_value("newscorpus/archived/bytes", sum(f["bytes"] for f in files))
        for key, value in (
            ("truncated", self.truncated),
            ("unanswered", self.unanswered),
            ("dropped", thread.dropped),
            ("queue_full_waits", thread.waits),
        ):
            if value:
                stats.set_value(f"newscorpus/archived/{key}", value)

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        self.close_archive()  # the write stage closed it already when it is there

    def _write_failed(self, exc: BaseException) -> None:
        from twisted.internet import reactor

        def stop() -> None:
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None:
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason="warc-error"))

        reactor.callFromThread(stop)

    # -- what arrives ----------------------------------------------------------------------------------------

    def headers_received(self, headers: Any, body_length: int, request: Any, spider: Any = None) -> None:
        self._inflight[request] = _InFlight(headers, body_length)

    def bytes_received(self, data: bytes, request: Any, spider: Any = None) -> None:
        inflight = self._inflight.get(request)
        if inflight is not None:
            inflight.chunks.append(data)
            inflight.received += len(data)

    def capture_response(self, request: Any, response: Any) -> None:
        """A response as received (the middleware calls this before any other sees it)."""
        self._inflight.pop(request, None)
        recorded = pop_recorded(response.headers)
        ip = str(response.ip_address) if response.ip_address is not None else None
        if recorded is None:
            response_head = fallback_response_head(
                response.protocol, response.status, _header_lines(response.headers)
            )
        else:
            response_head = recorded.received_head()
        self._put(request, recorded, response_head, response.body, ip, None)

    def capture_failure(self, request: Any, exception: BaseException) -> None:
        """A download that failed: written when its headers had arrived, with what came of the body."""
        inflight = self._inflight.pop(request, None)
        if inflight is None:
            if _was_sent(exception):
                self.unanswered += 1
            return
        headers = inflight.headers.copy()
        recorded = pop_recorded(headers)
        if recorded is None:
            response_head = fallback_response_head(None, 0, _header_lines(headers))
        else:
            response_head = recorded.received_head()
        reason = self._truncation(request, exception, inflight)
        self.truncated += 1
        body = b"".join(inflight.chunks)
        self._put(request, recorded, response_head, body, recorded.ip if recorded else None, reason)

    def _truncation(self, request: Any, exception: BaseException, inflight: _InFlight) -> str:
        from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, ResponseDataLossError
        from twisted.internet.defer import CancelledError
        from twisted.internet.error import ConnectionLost, TimeoutError
        from twisted.web.client import ResponseFailed

        if isinstance(exception, DownloadTimeoutError | TimeoutError):
            return TRUNCATED_TIME
        maxsize = request.meta.get("download_maxsize", self._maxsize)
        cancelled = isinstance(exception, DownloadCancelledError | CancelledError)
        if cancelled and maxsize and max(inflight.received, inflight.body_length) > maxsize:
            return TRUNCATED_LENGTH
        if isinstance(exception, ResponseDataLossError | ResponseFailed | ConnectionLost):
            return TRUNCATED_DISCONNECT
        return TRUNCATED_UNSPECIFIED

    def _put(
        self,
        request: Any,
        recorded: RecordedHeads | None,
        response_head: bytes,
        body: bytes,
        ip: str | None,
        truncated: str | None,
    ) -> None:
        if self.thread is None:
            return  # the archive could not start: the crawl is stopping (see spider_opened)
        if recorded is not None:
            request_head, moment = recorded.sent, recorded.sent_at
        else:
            request_head = fallback_request_head(request.method, request.url, _header_lines(request.headers))
            moment = time.time() - float(request.meta.get("download_latency") or 0.0)
        capture = Capture(
            url=request.url.split("#", 1)[0],
            method=request.method,
            date=datetime.fromtimestamp(moment, UTC),
            request_head=request_head,
            request_body=request.body or b"",
            response_head=response_head,
            body=body,
            ip_address=ip,
            truncated=truncated,
            metadata=found_by(request),
        )
        self.thread.put(capture)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that is not installed
        return "unknown"


def found_by(request: Any) -> list[tuple[str, str]]:
    """The ``metadata`` record's fields: what the page was to the crawl (``page``: article, hub, sitemap, feed,
    robots), how it was found (``via``: sitemap, feed, link, start), the redirects that led to it (oldest
    first), how long it took, how many times it was retried."""
    meta = request.meta
    callback = getattr(request.callback, "__name__", "")
    if meta.get("newscorpus_article"):
        page = "article"
    elif callback in _CALLBACK_PAGE:
        page = _CALLBACK_PAGE[callback]
    elif urlsplit(request.url).path == "/robots.txt":
        page = "robots"
    else:
        page = "other"
    via = meta.get("via")
    if via is None and page == "hub":
        via = "link" if meta.get("hub_depth") else "start"
    fields = [("page", page)]
    if via:
        fields.append(("via", str(via)))
    fields += [("redirected-from", url) for url in meta.get("redirect_urls") or []]
    if meta.get("download_latency") is not None:
        fields.append(("fetchTimeMs", str(round(float(meta["download_latency"]) * 1000))))
    if meta.get("retry_times"):
        fields.append(("retries", str(meta["retry_times"])))
    return fields


def _header_lines(headers: Any) -> list[tuple[bytes, bytes]]:
    return [(bytes(name), bytes(value)) for name, values in headers.items() for value in values]


def _was_sent(exception: BaseException) -> bool:
    """Whether a failure came from the network (rather than a middleware refusing the request)."""
    from scrapy.exceptions import IgnoreRequest

    return not isinstance(exception, IgnoreRequest)


class WarcCaptureMiddleware:
    """Hands each response, and each failed download, to :class:`WarcCaptureExtension`. Its priority puts it
    closest to the downloader (``crawler/settings.py``)."""

    def __init__(self, extension: WarcCaptureExtension) -> None:
        self.extension = extension

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcCaptureMiddleware:
        extension = crawler.get_extension(WarcCaptureExtension)
        if extension is None:
            raise NotConfigured
        return cls(extension)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if "cached" not in response.flags:  # HttpCacheMiddleware's answer: nothing crossed the network
            self.extension.capture_response(request, response)
        return response

    def process_exception(self, request: Any, exception: BaseException, spider: Any = None) -> None:
        self.extension.capture_failure(request, exception)
        return None
