"""WARC files the tests write themselves (warcio's writer), with the quirks real archives have.

The pages are the local test site's own (``tests.newssite``), fetched over loopback, so the suite needs nothing
from ``../shared``.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass
class Capture:
    """One HTTP exchange to archive. ``encode``: store the body gzip-encoded (``gzip``) or chunked
    (``chunked``) as received; ``truncated``: a ``WARC-Truncated`` reason."""

    url: str
    body: bytes
    status: int = 200
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "text/html; charset=utf-8")]
    )
    date: str = "2026-11-20T10:00:00Z"
    encode: str | None = None
    truncated: str | None = None
    revisit_of: str | None = None  # a revisit record pointing at this URL's earlier capture


def fetch_pages(urls: Iterable[str]) -> list[Capture]:
    """The test site's pages as it serves them (after the retries a crawler makes)."""
    captures = []
    for url in urls:
        for _ in range(3):  # the site answers some pages with a transient 500 first, as a crawl's retries see
            response = requests.get(url, timeout=10)
            if response.status_code < 500:
                break
        content_type = response.headers.get("Content-Type", "text/html")
        captures.append(
            Capture(url, response.content, response.status_code, [("Content-Type", content_type)])
        )
    return captures


def _chunked(body: bytes, size: int = 1000) -> bytes:
    out = b""
    for start in range(0, len(body), size):
        part = body[start : start + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def write_warc(path: Path, captures: Iterable[Capture], gzip_records: bool = True) -> Path:
    """A WARC/1.1 file with a warcinfo, then a request and a response (or revisit) record per capture."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip_records, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newscorpus tests"}))
        for capture in captures:
            headers = list(capture.headers)
            body = capture.body
            if capture.encode == "gzip":
                body = gzip.compress(body)
                headers.append(("Content-Encoding", "gzip"))
            elif capture.encode == "deflate":
                body = zlib.compress(body)
                headers.append(("Content-Encoding", "deflate"))
            elif capture.encode == "chunked":
                body = _chunked(body)
                headers.append(("Transfer-Encoding", "chunked"))
            else:
                headers.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{capture.status} OK", headers, protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": capture.date}
            if capture.truncated:
                warc_headers["WARC-Truncated"] = capture.truncated
            request = writer.create_warc_record(
                capture.url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True),
                warc_headers_dict={"WARC-Date": capture.date},
            )
            writer.write_record(request)
            if capture.revisit_of:
                record = writer.create_revisit_record(
                    capture.url,
                    digest="sha1:AAAA",
                    refers_to_uri=capture.revisit_of,
                    refers_to_date=capture.date,
                )
            else:
                record = writer.create_warc_record(
                    capture.url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict=warc_headers,
                )
            writer.write_record(record)
    return path


def record_offsets(path: Path) -> list[tuple[int, str, str | None]]:
    """(offset, type, target URI) of each record, as warcio reads them."""
    from warcio.archiveiterator import ArchiveIterator

    out = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            out.append(
                (
                    iterator.get_record_offset(),
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                )
            )
    return out
