"""Reading the records of one archive file, in order, from any byte offset, with what each record is.

FastWARC reads WARC (gzip, zstd, LZ4; WARC/0.17 to 1.1 in its quirks mode), about four times the speed of
warcio on the same file; warcio reads what FastWARC cannot: ARC files, and WACZ packages are unzipped first.
Each record comes out as an :class:`Entry`: its WARC head (type, target, date, id), its compressed offset and
length in the file (so that seeking there reads it back), and, for the records the caller wants, the HTTP
status, headers and payload as stored. The cheapest tests run first: the caller sees the WARC head before any
HTTP is parsed and the HTTP head before the payload is read (``decide_head``, ``decide_http``).

Records cut short are flagged: ``WARC-Truncated`` says so, or the block is shorter than its ``Content-Length``
(a file cut mid-record). A file whose stream breaks mid-way ends with ``Reading.partial`` saying why, the
records before the break kept.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from crawler.archives.remote import RemoteError, RemoteStream
from crawler.archives.sources import ArchiveFile

logger = logging.getLogger(__name__)


@dataclass
class Head:
    """A record's WARC header fields that decide whether it is worth parsing."""

    kind: str
    offset: int | None
    record_id: str | None = None
    target_uri: str | None = None
    date: str | None = None
    ip: str | None = None
    truncated: str | None = None  # the WARC-Truncated reason, if the writer gave one
    concurrent_to: str | None = None  # WARC-Concurrent-To: the record this one was written with


@dataclass
class Http:
    status: int | None
    headers: list[tuple[str, str]]


@dataclass
class Entry:
    """One record: its head, its length in the file, and for wanted records the HTTP part and payload.

    ``skipped``: why the record is not a page to extract (None for a page); ``digest``: ``ok``, ``bad`` or
    ``missing`` for the records whose block was read."""

    head: Head
    length: int | None = None
    skipped: str | None = None
    http: Http | None = None
    payload: bytes | None = None
    digest: str | None = None
    #: A ``metadata`` record's ``application/warc-fields`` (first value of each name), when it describes the
    #: record it was written with (``concurrent_to``): what a crawl that archived the page knew of it.
    fields: dict[str, str] | None = None


#: The largest metadata block read for its fields: a crawler's notes on a page, never a payload.
_MAX_FIELDS_BYTES = 64 * 1024


def warc_fields(block: bytes) -> dict[str, str]:
    """``name: value`` lines (``application/warc-fields``), the first value of each name."""
    fields: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


@dataclass
class Reading:
    """The account of one file: records by type, skips by reason, digests, and why it ended early."""

    records: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    digests: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    truncated: int = 0
    partial: str | None = None
    next_offset: int | None = None  # where a reader resumes after the last record read
    seekable: bool = True  # False: one gzip member for many records; records cannot be sought to
    bytes_read: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": dict(sorted(self.records.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "digests": dict(sorted(self.digests.items())),
            "pages": self.pages,
            "truncated": self.truncated,
            "partial": self.partial,
            "seekable": self.seekable,
        }


DecideHead = Callable[[Head], str | None]
DecideHttp = Callable[[Head, Http, int], str | None]


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds").replace("+00:00", "Z")
    return str(value) if value else None


def open_archive(archive: ArchiveFile, offset: int = 0) -> tuple[IO[bytes] | io.RawIOBase, int | None]:
    """A binary stream of ``archive`` from ``offset`` on, and the file's size when it is known."""
    if archive.remote:
        stream = RemoteStream(archive.location, offset)
        return stream, stream.size
    location, _, member = archive.location.partition("#")
    if member:
        package = zipfile.ZipFile(location)
        handle: IO[bytes] = package.open(member)
        size = package.getinfo(member).file_size
        handle.seek(offset)
        return handle, size
    handle = open(location, "rb")  # noqa: SIM115 - closed by the caller
    handle.seek(offset)
    return handle, Path(location).stat().st_size


def wacz_members(path: str) -> list[ArchiveFile]:
    """The WARC files packed in a WACZ (its ``archive/`` folder), as ``package.wacz#archive/name``."""
    with zipfile.ZipFile(path) as package:
        return [
            ArchiveFile(f"{path}#{info.filename}", info.file_size)
            for info in package.infolist()
            if info.filename.startswith("archive/") and info.filename.endswith((".warc", ".warc.gz"))
        ]


def is_arc(archive: ArchiveFile) -> bool:
    return archive.location.lower().endswith((".arc", ".arc.gz"))


def read_entries(
    archive: ArchiveFile,
    offset: int,
    decide_head: DecideHead,
    decide_http: DecideHttp,
    reading: Reading,
    max_payload: int,
) -> Iterator[Entry]:
    """The records of ``archive`` from ``offset`` on; ``reading`` is filled in as they go."""
    try:
        stream, size = open_archive(archive, offset)
    except (OSError, RemoteError, zipfile.BadZipFile, KeyError) as exc:
        reading.partial = f"cannot be opened: {exc}"
        return
    reader = _arc_entries if is_arc(archive) else _warc_entries
    pending: Entry | None = None
    monotonic = True
    try:
        # The parsers read the stream from where it stands, and give offsets from its ``tell()``: absolute.
        for entry in reader(stream, decide_head, decide_http, reading, max_payload):
            if pending is not None:
                if (
                    entry.head.offset is None
                    or pending.head.offset is None
                    or entry.head.offset <= pending.head.offset
                ):
                    monotonic = False
                if monotonic and entry.head.offset is not None and pending.head.offset is not None:
                    pending.length = entry.head.offset - pending.head.offset
                    reading.next_offset = entry.head.offset
                yield pending
            pending = entry
    except (OSError, RemoteError, EOFError, ValueError) as exc:
        reading.partial = f"{type(exc).__name__}: {exc}"[:300]
        logger.warning(
            "%s: the stream breaks after %s records: %s", archive.location, sum(reading.records.values()), exc
        )
    finally:
        try:
            reading.bytes_read = stream.tell() - offset
        except (OSError, ValueError):
            reading.bytes_read = 0
        stream.close()
    if pending is not None and reading.partial is None and pending.head.offset is not None:
        cut = last_record_cut(archive, pending.head.offset)
        if cut:
            # The file ends inside its last record: a parser stops there without a word.
            reading.partial = cut
            pending.head.truncated = pending.head.truncated or "cut-short"
    if pending is not None:
        end = size if size is not None and reading.partial is None else None
        if monotonic and pending.head.offset is not None and end is not None and end > pending.head.offset:
            pending.length = end - pending.head.offset
            reading.next_offset = end
        yield pending
    if not monotonic:
        # One gzip member for many records (or no member boundaries): a record cannot be sought to, and the
        # file can only be read again from its start.
        reading.next_offset = None
        reading.seekable = False


def last_record_cut(archive: ArchiveFile, offset: int) -> str | None:
    """Why the last record of a local file is incomplete (its gzip member or its block ends early), None when it
    is whole or the file cannot be checked here (remote, zstd, LZ4)."""
    location, _, member = archive.location.partition("#")
    if archive.remote or member:
        return None
    name = location.lower()
    with open(location, "rb") as fh:
        fh.seek(offset)
        if name.endswith(".gz"):
            inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            block = b""
            while chunk := fh.read(1 << 20):
                try:
                    block += inflate.decompress(chunk)
                except zlib.error as exc:
                    return f"the last record's gzip member is corrupt ({exc})"
                if inflate.eof:
                    break
            if not inflate.eof:
                return "the file ends inside its last record's gzip member"
        elif name.endswith(".warc"):
            block = fh.read()
        else:
            return None
    if not block.startswith(b"WARC/"):
        return None  # an ARC record: its gzip member is whole, its header has no Content-Length to check
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        return "the file ends inside its last record's header"
    for line in head.split(b"\r\n"):
        key, _, value = line.partition(b":")
        declared = value.strip()
        if key.strip().lower() == b"content-length" and declared.isdigit() and len(body) < int(declared):
            return "the file ends inside its last record"
    return None


def _warc_entries(
    stream: Any, decide_head: DecideHead, decide_http: DecideHttp, reading: Reading, max_payload: int
) -> Iterator[Entry]:
    from fastwarc import ArchiveIterator

    for record in ArchiveIterator(stream, parse_http=False, quirks_mode=True, auto_decode="none"):
        kind = str(record.record_type).rpartition(".")[2]
        headers = record.headers
        head = Head(
            kind=kind,
            offset=record.stream_pos,
            record_id=record.record_id,
            target_uri=(headers.get("WARC-Target-URI") or "").strip("<> ") or None,
            date=_iso(record.record_date) or headers.get("WARC-Date"),
            ip=headers.get("WARC-IP-Address"),
            truncated=headers.get("WARC-Truncated"),
            concurrent_to=(headers.get("WARC-Concurrent-To") or "").strip() or None,
        )
        reading.records[kind] += 1
        entry = Entry(head)
        entry.skipped = decide_head(head)
        if entry.skipped is None:
            _read_http(record, entry, decide_http, reading, max_payload)
        elif (
            kind == "metadata"
            and head.concurrent_to
            and (headers.get("Content-Type") or "").startswith("application/warc-fields")
            and record.content_length <= _MAX_FIELDS_BYTES
        ):
            entry.fields = warc_fields(_read_all(record.reader, _MAX_FIELDS_BYTES))
        yield entry


def _read_http(
    record: Any, entry: Entry, decide_http: DecideHttp, reading: Reading, max_payload: int
) -> None:
    declared_block = record.content_length  # what the WARC Content-Length promises
    short = 0
    if record.headers.get("WARC-Block-Digest"):
        entry.digest = "ok" if record.verify_block_digest(False) else "bad"
        short = declared_block - record.content_length  # verifying buffers the block: what is really there
    else:
        entry.digest = "missing"
    reading.digests[entry.digest] += 1
    record.parse_http(auto_decode="none", quirks_mode=True)
    parsed = record.http_headers
    if parsed is None:
        entry.skipped = "no-http"
        return
    http = Http(parsed.status_code, [(str(k), str(v)) for k, v in parsed.items()])
    entry.http = http
    declared = record.content_length
    entry.skipped = decide_http(entry.head, http, declared)
    if entry.skipped is not None:
        return
    payload = _read_all(record.reader, max_payload + 1) if record.reader is not None else b""
    if len(payload) > max_payload:
        entry.skipped = "too-large"
        return
    if entry.head.truncated is None:
        entry.head.truncated = truncation(payload, declared - short, http) if short <= 0 else "cut-short"
    entry.payload = payload


def _read_all(reader: Any, limit: int) -> bytes:
    """Up to ``limit`` bytes of a payload reader (one ``read`` may return less than asked)."""
    chunks = []
    left = limit
    while left > 0:
        chunk = reader.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def truncation(payload: bytes, declared: int, http: Http) -> str | None:
    """Why a stored payload is incomplete though its writer did not say so: the record's block ends before its
    WARC ``Content-Length`` (a file cut mid-record), or the body is shorter than its HTTP ``Content-Length`` (a
    capture cut short). None when it is whole."""
    if len(payload) < declared:
        return "cut-short"
    length = next((v for k, v in http.headers if k.lower() == "content-length"), None)
    encoded = any(k.lower() == "transfer-encoding" for k, _ in http.headers)
    if length is not None and length.strip().isdigit() and not encoded and len(payload) < int(length):
        return "http-length"
    return None


def _arc_entries(
    stream: Any, decide_head: DecideHead, decide_http: DecideHttp, reading: Reading, max_payload: int
) -> Iterator[Entry]:
    """ARC files, read with warcio as WARC responses (FastWARC does not read ARC)."""
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    iterator = WarcioIterator(stream, arc2warc=True)
    for record in iterator:
        kind = record.rec_type or "unknown"
        headers = record.rec_headers
        head = Head(
            kind=kind,
            offset=iterator.get_record_offset(),
            record_id=headers.get_header("WARC-Record-ID"),
            target_uri=(headers.get_header("WARC-Target-URI") or "").strip("<> ") or None,
            date=headers.get_header("WARC-Date"),
            ip=headers.get_header("WARC-IP-Address"),
            truncated=headers.get_header("WARC-Truncated"),
        )
        reading.records[kind] += 1
        entry = Entry(head)
        entry.skipped = decide_head(head)
        if entry.skipped is None:
            entry.digest = "missing"  # ARC has no block digests
            reading.digests["missing"] += 1
            if record.http_headers is None:
                entry.skipped = "no-http"
            else:
                status = record.http_headers.get_statuscode()
                http = Http(int(status) if str(status).isdigit() else None, list(record.http_headers.headers))
                entry.http = http
                declared = int(headers.get_header("Content-Length") or 0)
                entry.skipped = decide_http(head, http, declared)
                if entry.skipped is None:
                    payload = record.raw_stream.read(max_payload + 1)
                    if len(payload) > max_payload:
                        entry.skipped = "too-large"
                    else:
                        entry.payload = payload
        yield entry
