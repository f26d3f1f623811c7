"""One fetch as WARC records: what the capture keeps of an exchange (:class:`Capture`), and the request,
response and metadata records made of it (:func:`capture_records`), with warcio's record builder.

Pure: no Scrapy, no files. The writer thread calls it, so that the digests and serialisation of a page cost the
reactor nothing.
"""

from __future__ import annotations

import http
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
#: Headers a WARC reader must not apply again to a body stored without them; renamed the way Common Crawl does.
MASKED_PREFIX = b"X-Crawler-"

#: ``WARC-Truncated`` values (WARC 1.1, section 5.13).
TRUNCATED_LENGTH = "length"
TRUNCATED_TIME = "time"
TRUNCATED_DISCONNECT = "disconnect"
TRUNCATED_UNSPECIFIED = "unspecified"


@dataclass
class Capture:
    """One exchange as the crawl had it: the request as sent, the response as received (body still
    content-encoded, without its transfer encoding), and how the page was found.

    ``request_head`` and ``response_head`` are the raw heads, status line and headers, ending with the empty
    line; ``response_head`` may still carry ``Transfer-Encoding`` and a ``Content-Length`` that does not
    match ``body``: :func:`archived_head` fixes them. ``truncated``: a ``WARC-Truncated`` value when the
    download ended early (``body`` is what arrived)."""

    url: str
    method: str
    date: datetime
    request_head: bytes
    request_body: bytes
    response_head: bytes
    body: bytes
    ip_address: str | None = None
    truncated: str | None = None
    #: ``metadata`` record fields (name, value), e.g. ``("via", "sitemap")``, one per line, repeatable.
    metadata: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class WrittenRecord:
    """What the index needs of one record written: its headers, and where its gzip member lies."""

    record_type: str
    uri: str
    date: str
    status: str | None
    mime: str | None
    digest: str | None
    offset: int
    length: int


def warc_date(moment: datetime) -> str:
    """``2026-12-01T22:33:50.123456Z``: WARC 1.1 dates carry microseconds."""
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def fallback_request_head(method: str, url: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A request head built the way Twisted writes one, for exchanges the handler did not record."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    lines = [f"{method} {target} HTTP/1.1".encode("latin-1")]
    lines += [name + b": " + value for name, value in headers]
    if not any(name.lower() == b"host" for name, _ in headers):
        lines.append(b"Host: " + host.encode("idna"))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def fallback_response_head(protocol: str | None, status: int, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A response head from Scrapy's headers (names in Scrapy's case, no connection headers), for exchanges
    the handler did not record."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    lines = [f"{protocol or 'HTTP/1.1'} {status} {phrase}".rstrip().encode("latin-1")]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def split_head(head: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The first line and the header lines of a raw head."""
    first, _, rest = head.rstrip(b"\r\n").partition(b"\r\n")
    headers = []
    for line in rest.split(b"\r\n") if rest else []:
        name, _, value = line.partition(b":")
        headers.append((name, value.strip()))
    return first, headers


def archived_head(head: bytes, body_length: int, method: str = "GET") -> bytes:
    """The response head as a WARC keeps it for a body stored without transfer encoding: ``Transfer-Encoding``
    and a ``Content-Length`` that is not the body's are renamed ``X-Crawler-...``, and the body's own
    ``Content-Length`` is given. Every other line is kept as it came, repeated headers included."""
    status_line, headers = split_head(head)
    parts = status_line.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    if method.upper() == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return head  # no body by definition: Content-Length describes another message
    chunked = any(name.strip().lower() == b"transfer-encoding" for name, _ in headers)
    length = str(body_length).encode()
    out = []
    kept_length = False
    for name, value in headers:
        key = name.strip().lower()
        if key == b"transfer-encoding" or (
            key == b"content-length" and (chunked or value != length or kept_length)
        ):
            out.append((MASKED_PREFIX + name.strip(), value))
            continue
        kept_length = kept_length or key == b"content-length"
        out.append((name, value))
    if not kept_length:
        out.append((b"Content-Length", length))
    lines = [status_line, *(name + b": " + value for name, value in out)]
    return b"\r\n".join(lines) + b"\r\n\r\n"


class _RawHead(StatusAndHeaders):
    """HTTP headers written byte for byte as given. warcio would write its own serialisation of them, with
    non-ASCII bytes percent-encoded; an archive keeps what the server sent."""

    def __init__(self, head: bytes, is_request: bool) -> None:
        first, headers = split_head(head)
        statusline = first.decode("latin-1")
        protocol = ""
        if not is_request:
            protocol, _, statusline = statusline.partition(" ")
        super().__init__(
            statusline,
            [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers],
            protocol=protocol,
            is_http_request=is_request,
        )
        self._raw = head

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        self.headers_buff = self._raw


def new_record_id() -> str:
    return str(StatusAndHeadersParser.make_warc_id())


def _serialise(builder: WARCWriter, record: Any) -> bytes:
    """One record, uncompressed (the file writer makes its gzip member)."""
    out = io.BytesIO()
    builder.out = out
    builder.write_record(record)
    return out.getvalue()


def _builder() -> WARCWriter:
    return WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)


def warcinfo_record(filename: str, fields: dict[str, str]) -> tuple[bytes, WrittenRecord]:
    """The ``warcinfo`` record that opens a file; empty fields are left out."""
    builder = _builder()
    record = builder.create_warcinfo_record(filename, {k: v for k, v in fields.items() if v})
    headers = record.rec_headers
    info = WrittenRecord("warcinfo", "", headers.get_header("WARC-Date"), None, None, None, 0, 0)
    return _serialise(builder, record), info


def capture_records(capture: Capture) -> list[tuple[bytes, WrittenRecord]]:
    """The request, response and metadata records of one capture, linked by ``WARC-Concurrent-To``, each
    serialised (uncompressed) with what its index line needs."""
    builder = _builder()
    date = warc_date(capture.date)
    request_id, response_id = new_record_id(), new_record_id()
    common = {"WARC-Date": date}
    if capture.ip_address:
        common["WARC-IP-Address"] = capture.ip_address

    request = builder.create_warc_record(
        capture.url,
        "request",
        payload=io.BytesIO(capture.request_body),
        length=len(capture.request_body),
        warc_headers_dict={**common, "WARC-Record-ID": request_id, "WARC-Concurrent-To": response_id},
        http_headers=_RawHead(capture.request_head, is_request=True),
    )
    head = archived_head(capture.response_head, len(capture.body), capture.method)
    response_headers: dict[str, str] = {
        **common,
        "WARC-Record-ID": response_id,
        "WARC-Concurrent-To": request_id,
    }
    if capture.truncated:
        response_headers["WARC-Truncated"] = capture.truncated
    http_head = _RawHead(head, is_request=False)
    response = builder.create_warc_record(
        capture.url,
        "response",
        payload=io.BytesIO(capture.body),
        length=len(capture.body),
        warc_headers_dict=response_headers,
        http_headers=http_head,
    )
    out = [
        (_serialise(builder, request), _info(request, None, None)),
        (_serialise(builder, response), _info(response, http_head.statusline.split(" ")[0], http_head)),
    ]
    if capture.metadata:
        block = "".join(f"{name}: {value}\r\n" for name, value in capture.metadata).encode("utf-8")
        metadata = builder.create_warc_record(
            capture.url,
            "metadata",
            payload=io.BytesIO(block),
            length=len(block),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
        )
        out.append((_serialise(builder, metadata), _info(metadata, None, None)))
    return out


def _info(record: Any, status: str | None, http_head: StatusAndHeaders | None) -> WrittenRecord:
    headers = record.rec_headers
    mime = None
    if http_head is not None:
        content_type = http_head.get_header("Content-Type")
        mime = re.split(r"[;\s]", content_type, maxsplit=1)[0].strip() if content_type else None
    digest = headers.get_header("WARC-Payload-Digest")
    return WrittenRecord(
        record.rec_type,
        headers.get_header("WARC-Target-URI") or "",
        headers.get_header("WARC-Date"),
        status,
        mime,
        digest.split(":", 1)[-1] if digest else None,
        0,
        0,
    )
