"""The ``warc`` spider: pages read from web archives instead of fetched, through the same stages as a crawl.

It fetches nothing. Its ``start()`` yields one item per archived page, as the news spider yields one per fetched
page, so the same item pipelines, worker pool, dedupe index, line learning, crawl state, writer and summary
apply. A reader thread (``crawler.archives.feed``) reads the files; this spider bounds how many pages are in the
stages at once, skips records the crawl state already has (by record id), and keeps each file's checkpoint in
the state (``crawler.archives.progress``) so that a run killed at any moment goes on inside the file.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy import signals

from crawler.archives.feed import Feeder, FileEnd, FileStart, Page
from crawler.archives.filters import RecordFilter, parse_hosts
from crawler.archives.progress import ArchiveProgress
from crawler.archives.sources import ArchiveFile
from crawler.distributed.config import DistributedConfig
from crawler.state.extension import CrawlStateExtension
from crawler.state.sqlite import archive_record_key
from pipelines import record
from pipelines.extract.config import ExtractConfig
from pipelines.settings import CorpusOptions, RunOptions, from_settings, setting
from pipelines.write.run_manifest import ARCHIVE_FILES_STAT

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiveConfig:
    """``hosts``: only records of these hosts (and their subdomains) are read (``--hosts``; empty: all).
    ``inflight``: pages in the stages at once (enough to keep every worker busy, few enough to bound memory).
    ``checkpoint_every``: seconds between saved checkpoints (and at every file's end)."""

    hosts: frozenset[str] = setting("NEWSCORPUS_WARC_HOSTS", frozenset(), parse_hosts)
    inflight: int = setting("NEWSCORPUS_WARC_INFLIGHT", 64)
    checkpoint_every: float = setting("NEWSCORPUS_WARC_CHECKPOINT_EVERY", 5.0)


class ArchiveSpider(scrapy.Spider):
    name = "warc"

    def __init__(self, archives: Sequence[ArchiveFile] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.archives = list(archives or [])
        self.config = ArchiveConfig()
        self.filter = RecordFilter()
        self.progress = ArchiveProgress()
        self.state_ext: CrawlStateExtension | None = None
        self.feeder: Feeder | None = None
        self.run_id: str | None = None
        self.target_names = [a.location for a in self.archives]
        self._room: asyncio.Event | None = None
        self._saved_at = 0.0
        self._files: dict[str, dict[str, Any]] = {}
        self._taken: dict[str, dict[str, Any]] = {}  # distributed: the files this worker holds, by location

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider: ArchiveSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.config = from_settings(ArchiveConfig, settings)
        options = from_settings(CorpusOptions, settings)
        spider.filter = RecordFilter(
            spider.config.hosts,
            options.since,
            options.until,
            from_settings(ExtractConfig, settings).max_bytes,
        )
        spider.run_id = from_settings(RunOptions, settings).run_id
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- reading -----------------------------------------------------------------------------------------

    def _start_offset(self, archive: ArchiveFile) -> int | None:
        """Where to read ``archive`` from: its checkpoint in the state (0 without one); None when the state has
        it as done (counted)."""
        state = self.state_ext.state if self.state_ext is not None else None
        position = state.archive_position(archive.location) if state is not None else None
        if position is not None and position.status == "done":
            self.crawler.stats.inc_value("newscorpus/warc/files_already_read")
            return None
        offset = position.next_offset if position is not None and position.next_offset else 0
        if offset:
            logger.info("%s: going on from byte %d", archive.location, offset)
        return offset

    def _plan(self) -> list[tuple[ArchiveFile, int]]:
        """Each file with the offset to read it from; files the state has as done are left out."""
        plan = []
        for archive in self.archives:
            offset = self._start_offset(archive)
            if offset is not None:
                plan.append((archive, offset))
        return plan

    def _shared_files(self) -> Any:
        """The files of a distributed run: taken from the cluster one at a time (in the reader thread), until the
        whole cluster has had nothing to do for the idle time (a dead worker's file comes back to the queue)."""
        from crawler.distributed.membership import membership_of

        membership = membership_of(self.crawler)
        cluster, worker, config = membership.cluster, membership.worker, membership.config

        def next_file() -> tuple[ArchiveFile, int] | None:
            idle_since: float | None = None
            while not membership.reaped:
                spec = cluster.take_archive(worker)
                if spec is not None:
                    archive = ArchiveFile(spec["location"], spec.get("size"))
                    self._taken[archive.location] = spec
                    offset = self._start_offset(archive)
                    if offset is None:
                        cluster.release_archive(worker, spec)
                        continue
                    return archive, offset
                if any(cluster.pending_work().values()) or self.progress.inflight:
                    idle_since = None
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since >= config.idle_stop:
                    return None
                time.sleep(config.poll)
            return None

        return next_file

    async def start(self) -> AsyncIterator[Any]:
        self.state_ext = self.crawler.get_extension(CrawlStateExtension)
        # Connected now, after the item pipelines: a page counts as done once the write stage has recorded it.
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            self.crawler.signals.connect(self._item_done, signal=signal)
        self._room = asyncio.Event()
        stats = self.crawler.stats
        if from_settings(DistributedConfig, self.crawler.settings).distributed:
            files: Any = self._shared_files()
        else:
            files = self._plan()
            stats.set_value("newscorpus/warc/bytes_total", sum(a.size or 0 for a, _ in files) or None)
            stats.set_value("newscorpus/warc/files_total", len(files))
        self.feeder = Feeder(files, self.filter)
        self.feeder.start()
        async for message in self._messages():
            if message is None:
                break
            if isinstance(message, FileStart):
                self.progress.file_started(message.archive.location, message.offset)
            elif isinstance(message, FileEnd):
                self._file_ended(message)
            elif isinstance(message, Page):
                item = message.item
                if self._already_ingested(item):
                    continue
                while self.progress.inflight >= self.config.inflight:
                    self._room.clear()
                    await self._room.wait()
                location, offset = item[record.ARCHIVE_POSITION]
                self.progress.started(location, offset)
                stats.inc_value("newscorpus/warc/pages")
                yield item
            stats.set_value("newscorpus/warc/bytes_read", self.feeder.bytes_read)
            self._save_positions()

    async def _messages(self) -> AsyncIterator[Any]:
        """The reader's messages one by one, taken a batch at a time (without a thread's round trip when a
        batch waits, as it mostly does: the reader is ahead)."""
        assert self.feeder is not None
        loop = asyncio.get_running_loop()
        while True:
            try:
                batch = self.feeder.messages.get_nowait()
            except queue.Empty:
                batch = await loop.run_in_executor(None, self.feeder.messages.get)
            for message in batch:
                yield message
                if message is None:
                    return

    def _already_ingested(self, item: dict[str, Any]) -> bool:
        record_id = item["warc"].get("record_id")
        if self.state_ext is None or not record_id:
            return False
        if self.state_ext.state.lookup(archive_record_key(record_id)) is None:
            return False
        self.crawler.stats.inc_value("newscorpus/warc/skipped/already-ingested")
        return True

    def _item_done(self, item: Any, **_: Any) -> None:
        position = item.get(record.ARCHIVE_POSITION) if isinstance(item, dict) else None
        if position is None:
            return
        self.progress.finished(*position)
        if self._room is not None and self.progress.inflight < self.config.inflight:
            self._room.set()
        self._release_if_done(position[0])

    def _release_if_done(self, location: str) -> None:
        """A distributed worker gives a file back to the cluster once every record of it is done."""
        if location not in self._taken:
            return
        position = self.progress.position(location)
        if position is None or position.status == "reading":
            return
        self._save_positions(force=True)
        from crawler.distributed.membership import membership_of

        membership = membership_of(self.crawler)
        membership.cluster.release_archive(membership.worker, self._taken.pop(location))

    def _file_ended(self, message: FileEnd) -> None:
        reading = message.reading
        location = message.archive.location
        self.progress.file_ended(location, reading.next_offset, reading.partial is not None, reading.seekable)
        stats = self.crawler.stats
        for kind, count in reading.records.items():
            stats.inc_value(f"newscorpus/warc/records/{kind}", count)
        for reason, count in reading.skipped.items():
            stats.inc_value(f"newscorpus/warc/skipped/{reason}", count)
        for digest, count in reading.digests.items():
            stats.inc_value(f"newscorpus/warc/digests/{digest}", count)
        stats.inc_value("newscorpus/warc/files_read")
        if reading.partial:
            stats.inc_value("newscorpus/warc/files_partial")
        self._files[location] = {"file": location, "size": message.archive.size, **reading.as_dict()}
        stats.set_value(ARCHIVE_FILES_STAT, list(self._files.values()))
        self._save_positions(force=True)
        self._release_if_done(location)

    def _save_positions(self, force: bool = False) -> None:
        if self.state_ext is None:
            return
        now = time.monotonic()
        if not force and now - self._saved_at < self.config.checkpoint_every:
            return
        self._saved_at = now
        state = self.state_ext.state
        for location in self.progress.locations():
            position = self.progress.position(location)
            if position is not None:
                state.save_archive_position(location, position, self.run_id)

    def _closed(self, spider: Any, reason: str) -> None:
        if self.feeder is not None:
            self.feeder.stop()
        # Records still in flight when a run stops are not done: each file's checkpoint stays before them.
        self._save_positions(force=True)
