"""How far each archive file is done, for checkpoints: the offset before which every record has its outcome.

Records of a file go through the stages concurrently and finish out of order. A file's checkpoint is the offset
of its earliest record still in flight, or, when none is, where the reader stands in it; a run killed at any
moment resumes there, and the records after it that did finish are skipped by their record id (the crawl state
holds one key each). A file whose records cannot be sought to (one gzip member for many records) resumes from
its start, on the record ids alone.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field

from crawler.state.sqlite import ArchivePosition

logger = logging.getLogger(__name__)


@dataclass
class _File:
    reading_at: int | None  # where the reader stands (the next record's offset), None when unknown
    inflight: set[int] = field(default_factory=set)
    heap: list[int] = field(default_factory=list)  # offsets in flight, with stale ones removed lazily
    ended: bool = False
    partial: bool = False
    seekable: bool = True


class ArchiveProgress:
    """In-flight records per file, and the position each file can be resumed from."""

    def __init__(self) -> None:
        self._files: dict[str, _File] = {}
        self.inflight = 0

    def file_started(self, location: str, offset: int) -> None:
        self._files[location] = _File(reading_at=offset)

    def started(self, location: str, offset: int | None) -> None:
        self.inflight += 1
        entry = self._files.setdefault(location, _File(reading_at=None))
        if offset is not None:
            entry.inflight.add(offset)
            heapq.heappush(entry.heap, offset)
            entry.reading_at = max(entry.reading_at or 0, offset)

    def finished(self, location: str, offset: int | None) -> None:
        self.inflight -= 1
        entry = self._files.get(location)
        if entry is not None and offset is not None:
            entry.inflight.discard(offset)

    def file_ended(self, location: str, next_offset: int | None, partial: bool, seekable: bool) -> None:
        entry = self._files.setdefault(location, _File(reading_at=next_offset))
        entry.reading_at = next_offset
        entry.ended = True
        entry.partial = partial
        entry.seekable = seekable

    def position(self, location: str) -> ArchivePosition | None:
        """The checkpoint of ``location``: its earliest record in flight, else where its reader stands."""
        entry = self._files.get(location)
        if entry is None:
            return None
        while entry.heap and entry.heap[0] not in entry.inflight:
            heapq.heappop(entry.heap)
        if not entry.seekable:
            return ArchivePosition(None, "reading" if not entry.ended or entry.inflight else "done")
        if entry.heap:
            return ArchivePosition(entry.heap[0], "reading")
        if not entry.ended:
            return ArchivePosition(entry.reading_at, "reading")
        return ArchivePosition(entry.reading_at, "partial" if entry.partial else "done")

    def locations(self) -> list[str]:
        return list(self._files)
