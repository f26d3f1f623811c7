"""Scrapy's HTTP/1.1 download handler, recording each request head as sent and each response head as received.

Why a handler: what reaches a Scrapy middleware is not what crossed the wire. Twisted's HTTP client keeps the
connection headers (``Transfer-Encoding``, ``Content-Length``, ``Connection``, ``Keep-Alive``) out of the
response's headers, Scrapy then adds a ``Content-Length`` of its own, and Scrapy's ``Headers`` change the case of
every name, group repeated names together and drop the reason phrase; the request's ``Host`` header and request
line are made by Twisted after the last middleware ran. A web archive keeps the exchange as it was, so the heads
are taken where Twisted writes and parses them.

How they reach the capture middleware (``crawler.archives.capture``): Scrapy builds its ``Response`` (and the
``headers_received`` signal's headers) from Twisted's response headers, with nothing else of Twisted's response
passed on, so the recorded heads ride along as two private headers, base64-encoded, that the middleware closest
to the downloader takes off again (:func:`pop_recorded`). Recording is on only with ``NEWSCORPUS_WARC``;
otherwise this is Scrapy's handler unchanged.

The classes it extends are Scrapy's private ones (``_LenientHTTP11ClientProtocol`` and its parser); where a
Scrapy version lacks them the handler does not record and the capture falls back to Scrapy's headers.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.archives.writer import WarcWriteConfig
from pipelines.settings import from_settings

try:  # Scrapy's private classes: see the module docstring
    from scrapy.core.downloader.handlers.http11 import (
        _LenientHTTP11ClientFactory,
        _LenientHTTP11ClientProtocol,
        _LenientHTTPClientParser,
    )

    RECORDS_HEADS = True
except ImportError:  # pragma: no cover - depends on the Scrapy version
    RECORDS_HEADS = False

logger = logging.getLogger(__name__)

#: The private headers carrying the recorded heads from Twisted's response to the capture middleware.
SENT_HEADER = b"X-Newscorpus-Warc-Sent"
RECEIVED_HEADER = b"X-Newscorpus-Warc-Received"


@dataclass
class RecordedHeads:
    """One exchange as it crossed the wire (bodies apart): the request head Twisted wrote, when it wrote it,
    and the response's status line and header lines in their order, names as sent."""

    sent: bytes = b""
    sent_at: float = 0.0
    ip: str | None = None
    status_line: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    def received_head(self) -> bytes:
        lines = [self.status_line, *(name + b": " + value for name, value in self.headers)]
        return b"\r\n".join(lines) + b"\r\n\r\n"


def pop_recorded(headers: Any) -> RecordedHeads | None:
    """Take the recorded heads off Scrapy ``headers`` (a response's, or those of ``headers_received``);
    None when the handler did not record this exchange."""
    sent = headers.pop(SENT_HEADER, None)
    received = headers.pop(RECEIVED_HEADER, None)
    if not sent or not received:
        return None
    sent_value = sent[0] if isinstance(sent, list) else sent
    received_value = received[0] if isinstance(received, list) else received
    try:
        stamp, ip, encoded = bytes(sent_value).split(b" ", 2)
        request_head = base64.b64decode(encoded, validate=True)
        head = base64.b64decode(received_value, validate=True)
        moment = float(stamp)
    except ValueError:  # binascii.Error is one; a server cannot reach these headers, but be safe
        logger.warning("unreadable recorded HTTP heads: WARC gets Scrapy's headers for this response")
        return None
    if not request_head:
        return None
    status_line, _, rest = head.partition(b"\r\n")
    lines = []
    for line in rest.split(b"\r\n"):
        name, sep, value = line.partition(b": ")
        if sep:
            lines.append((name, value))
    return RecordedHeads(request_head, moment, ip.decode("ascii") if ip != b"-" else None, status_line, lines)


def peek_recorded(headers: Any) -> RecordedHeads | None:
    """:func:`pop_recorded` on a copy: the headers of ``headers_received`` are Scrapy's to keep."""
    return pop_recorded(headers.copy())


class _Tee:
    """The connection's transport, recording the request head Twisted writes in one ``writeSequence``."""

    def __init__(self, transport: Any, heads: RecordedHeads) -> None:
        self._transport = transport
        self._heads = heads

    def writeSequence(self, data: list[bytes]) -> None:  # noqa: N802 - Twisted's interface
        if not self._heads.sent:
            self._heads.sent = b"".join(data)
            self._heads.sent_at = time.time()
        self._transport.writeSequence(data)

    def write(self, data: bytes) -> None:
        if not self._heads.sent:
            self._heads.sent = bytes(data)
            self._heads.sent_at = time.time()
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


if RECORDS_HEADS:

    class _RecordingParser(_LenientHTTPClientParser):
        """Scrapy's lenient response parser, keeping the status line and every header line as they came."""

        _newscorpus_heads: RecordedHeads

        def statusReceived(self, status: bytes) -> None:  # noqa: N802 - Twisted's interface
            # A 1xx interim response starts the parser again: the head kept is the final response's.
            self._newscorpus_heads.status_line = status
            self._newscorpus_heads.headers = []
            super().statusReceived(status)

        def headerReceived(self, name: bytes, value: bytes) -> None:  # noqa: N802 - Twisted's interface
            self._newscorpus_heads.headers.append((name, value))
            super().headerReceived(name, value)

    class _RecordingProtocol(_LenientHTTP11ClientProtocol):
        def request(self, request: Any) -> Any:
            heads = RecordedHeads()
            write_to = request.writeTo
            request.writeTo = lambda transport: write_to(_Tee(transport, heads))
            d = super().request(request)
            parser: Any = self._parser
            if parser is not None:
                # As Scrapy's own protocol does, the parser's class is swapped for one with no other state.
                parser.__class__ = _RecordingParser
                parser._newscorpus_heads = heads

            transport: Any = self.transport

            def attach(response: Any) -> Any:
                try:
                    ip = str(transport.getPeer().host) or "-"
                except AttributeError:
                    ip = "-"
                stamp = f"{heads.sent_at:.6f} {ip} ".encode() + base64.b64encode(heads.sent)
                response.headers.addRawHeader(SENT_HEADER, stamp)
                response.headers.addRawHeader(RECEIVED_HEADER, base64.b64encode(heads.received_head()))
                return response

            d.addCallback(attach)
            return d

    class _RecordingFactory(_LenientHTTP11ClientFactory):
        def buildProtocol(self, addr: Any) -> Any:  # noqa: N802 - Twisted's interface
            return _RecordingProtocol(self._quiescentCallback)


class RecordingDownloadHandler(HTTP11DownloadHandler):
    """``DOWNLOAD_HANDLERS`` for ``http`` and ``https``: Scrapy's handler, recording the heads when the crawl
    writes WARC (``NEWSCORPUS_WARC``)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        if not from_settings(WarcWriteConfig, crawler.settings).enabled:
            return
        if not RECORDS_HEADS:  # pragma: no cover - depends on the Scrapy version
            logger.warning("this Scrapy version cannot record raw HTTP heads: WARC gets Scrapy's headers")
            return
        self._pool._factory = _RecordingFactory
