"""Archive files read in a thread of their own, their pages handed to the crawl as items through a bounded queue.

Why a thread: reading and decompressing a gigabyte of records takes seconds of CPU; on the reactor thread it
would stall every stage waiting on the worker pool. The queue bounds what is read ahead (memory), and the thread
stops between records when asked.

An item is what the news spider makes of a fetched page (``url``, ``fetched_at``, the page bytes and the HTTP
charset under the private keys of ``pipelines.record``), plus ``source: warc`` and the public ``warc`` pointer
(file, offset, length, record id, date, truncation) so that seeking to ``offset`` in ``file`` reads the record back.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from crawler.archives.filters import RecordFilter
from crawler.archives.http import content_type, decoded_payload
from crawler.archives.records import Entry, Reading, read_entries
from crawler.archives.sources import ArchiveFile
from pipelines import record
from pipelines.extract.rights import RIGHTS_HEADERS

logger = logging.getLogger(__name__)


@dataclass
class FileStart:
    archive: ArchiveFile
    offset: int


@dataclass
class Page:
    item: dict[str, Any]


@dataclass
class FileEnd:
    archive: ArchiveFile
    reading: Reading


Message = FileStart | Page | FileEnd | None

#: Pages a batch holds at most, and the longest its first page waits for the rest.
_BATCH = 16
_BATCH_SECONDS = 0.05


def archived_rights_headers(headers: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """The headers of ``RIGHTS_HEADERS`` an archived response carries: lower-case name -> values, in order."""
    kept: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() in RIGHTS_HEADERS:
            kept.setdefault(name.lower(), []).append(value)
    return kept


def page_item(archive: ArchiveFile, entry: Entry) -> dict[str, Any] | str:
    """The item of an archived page, or why it cannot be one (its content encoding cannot be removed)."""
    assert entry.http is not None and entry.payload is not None
    body, left = decoded_payload(entry.payload, entry.http.headers)
    if left is not None:
        return f"encoding-{left}"
    head = entry.head
    _, charset = content_type(entry.http.headers)
    url = head.target_uri or ""
    return {
        "url": url,
        "fetched_at": head.date,
        "source": "warc",
        "warc": {
            "file": archive.location,
            "offset": head.offset if entry.length is not None else None,
            "length": entry.length,
            "record_id": head.record_id,
            "date": head.date,
            "truncated": head.truncated,
        },
        record.HTML: body,
        record.HTTP_CHARSET: charset,
        # The archived response headers the rights are read from (TDMRep's, X-Robots-Tag), as a crawl keeps them.
        record.RESPONSE_HEADERS: archived_rights_headers(entry.http.headers),
        record.REQUESTED_URL: url,
        record.ARCHIVE_POSITION: (archive.location, head.offset),
    }


NextFile = Callable[[], "tuple[ArchiveFile, int] | None"]


class Feeder(threading.Thread):
    """Reads the files ``next_file`` gives (each from its offset, until it gives None) and puts :data:`Message` s
    on ``messages``, ending with None. ``bytes_read``: compressed bytes read so far, for progress."""

    def __init__(
        self,
        files: Sequence[tuple[ArchiveFile, int]] | NextFile,
        record_filter: RecordFilter,
        queue_size: int = 64,
    ) -> None:
        super().__init__(name="archive-reader", daemon=True)
        if callable(files):
            self.next_file: NextFile = files
        else:
            listed = iter(list(files))
            self.next_file = lambda: next(listed, None)
        self.filter = record_filter
        # Messages go in batches: one hand-over between this thread and the reactor's costs both a wake-up and
        # a switch of the interpreter lock, which a message a page made a tenth of the reactor's work.
        self.messages: queue.Queue[list[Message]] = queue.Queue(maxsize=max(1, queue_size // _BATCH))
        self.bytes_read = 0
        self._stop = threading.Event()
        self._held: Page | None = None
        self._batch: list[Message] = []
        self._batch_started = 0.0

    def stop(self) -> None:
        """Stop between records; whatever waits on the queue gets None."""
        self._stop.set()

    def _put(self, message: Message) -> bool:
        """Add ``message`` to the batch; the batch goes out when full, after a file event, or once its first
        message has waited ``_BATCH_SECONDS`` (a slow remote file still feeds the stages)."""
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(message)
        if (
            len(self._batch) >= _BATCH
            or not isinstance(message, Page)
            or time.monotonic() - self._batch_started >= _BATCH_SECONDS
        ):
            return self._flush()
        return not self._stop.is_set()

    def _flush(self) -> bool:
        batch, self._batch = self._batch, []
        while batch and not self._stop.is_set():
            try:
                self.messages.put(batch, timeout=0.2)
                return True
            except queue.Full:
                continue
        return not self._stop.is_set()

    def run(self) -> None:
        done = 0
        try:
            while not self._stop.is_set():
                planned = self.next_file()
                if planned is None:
                    break
                archive, offset = planned
                if not self._put(FileStart(archive, offset)):
                    break
                reading = Reading()
                for entry in read_entries(
                    archive, offset, self.filter.head, self.filter.http, reading, self.filter.max_bytes
                ):
                    if self._stop.is_set():
                        break
                    if entry.head.offset is not None and entry.head.offset >= offset:
                        self.bytes_read = done + entry.head.offset - offset
                    self._entry(archive, entry, reading)
                self._file_done(reading)
                done += reading.bytes_read
                self.bytes_read = done
                if not self._put(FileEnd(archive, reading)):
                    break
        except Exception:  # a reader bug must end the run with a reason, not hang it
            logger.exception("reading the archives failed")
        finally:
            with contextlib.suppress(queue.Full):
                self.messages.put([*self._batch, None], timeout=5)

    def _entry(self, archive: ArchiveFile, entry: Entry, reading: Reading) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if entry.fields is not None and entry.head.concurrent_to == held.item["warc"].get("record_id"):
                # The crawl that archived the page says what it was: only its article pages went through its
                # stages, so a hub, feed or sitemap it archived is not read as an article now.
                page = entry.fields.get("page")
                if page and page != "article":
                    reading.skipped[f"crawled-as-{page}"] += 1
                    return
            self._release(held, reading)
        if entry.skipped is not None:
            if entry.skipped != "not-a-response":  # requests, metadata, warcinfo: counted by type already
                reading.skipped[entry.skipped] += 1
            return
        item = page_item(archive, entry)
        if isinstance(item, str):
            reading.skipped[item] += 1
            return
        # Held until the next record: a crawl's ``metadata`` record follows the response it describes.
        self._held = Page(item)

    def _release(self, page: Page, reading: Reading) -> None:
        reading.pages += 1
        if page.item["warc"].get("truncated"):
            reading.truncated += 1
        self._put(page)

    def _file_done(self, reading: Reading) -> None:
        """The page held for its metadata record goes out before the file's end."""
        if self._held is not None:
            held, self._held = self._held, None
            self._release(held, reading)
