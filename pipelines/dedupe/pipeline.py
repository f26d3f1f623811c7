"""The dedupe stage's Scrapy adapter: drops copies with the drop class of their level, or passes the better
copy on (with the lesser copies it replaces, for the write stage to retract)."""

from __future__ import annotations

import logging
from typing import Any

from pipelines import record
from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.deduplicator import Deduplicator
from pipelines.dedupe.features import text_features
from pipelines.dedupe.group_commit import GroupCommit
from pipelines.dedupe.index.base import DedupeIndex, IndexSource
from pipelines.dedupe.index.memory import MemoryDedupeIndex
from pipelines.dedupe.index.redis import RedisDedupeIndex
from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex
from pipelines.dedupe.shared import SharedDeduplicator
from pipelines.page_task import PageWork, features_ahead, page_work
from pipelines.settings import RunOptions, from_settings
from pipelines.worker.pool import WorkerPool

logger = logging.getLogger(__name__)


class DedupePipeline:
    """The dedupe stage on the index the crawl keeps (``source``; in memory without one).

    The text features (shingles, MinHash, word quality) are computed ahead by the language stage's task, or here
    in a worker; the check itself (index query and update) runs on the reactor, in one go with no await inside,
    so two items can never interleave their decisions. A shared Redis index is checked with compare-and-set
    (``pipelines.dedupe.shared``); a SQLite one is committed in groups (``pipelines.dedupe.group_commit``)."""

    def __init__(
        self,
        config: DedupeConfig,
        index: DedupeIndex | None = None,
        run_id: str | None = None,
        work: PageWork | None = None,
        stats: Any = None,
    ) -> None:
        self.config = config
        self.fp_config = config.fingerprint_config()
        self.index = index
        self.run_id = run_id
        self.work = work or PageWork(WorkerPool(0))
        self.work.plan.fingerprint = self.fp_config  # the language stage's task computes the features ahead
        self.stats = stats
        self.dedup: Deduplicator | None = None
        self.group: GroupCommit | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        from scrapy.exceptions import NotConfigured

        config = from_settings(DedupeConfig, crawler.settings)
        if not config.enabled:
            raise NotConfigured("dedupe switched off (NEWSCORPUS_DEDUP_ENABLED=False)")
        # The index lives where the crawl keeps its state, so copies are caught across runs; no state, memory.
        source = crawler.get_extension(IndexSource)
        index = source.dedupe_index() if source is not None else None
        run_id = from_settings(RunOptions, crawler.settings).run_id
        return cls(config, index, run_id, page_work(crawler), crawler.stats)

    def open_spider(self, spider: Any = None) -> None:
        index = self.index if self.index is not None else MemoryDedupeIndex()
        if isinstance(index, RedisDedupeIndex):
            self.dedup = SharedDeduplicator(self.config, index, self.run_id, stats=self.stats)
        else:
            self.dedup = Deduplicator(self.config, index, self.run_id)
            if isinstance(index, SQLiteDedupeIndex) and self.config.commit_delay > 0:
                pool = self.work.pool
                self.group = GroupCommit(
                    index,
                    self.config.commit_delay,
                    self.config.commit_every,
                    None if pool.inline else pool.idle,
                )
        self.dedup.open()

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        if self.dedup is None:
            self.open_spider(spider)
        assert self.dedup is not None
        computed = features_ahead(item, self.fp_config)
        if item.get(record.UPDATE_OF):
            # A re-fetch of an article already kept (a correction): not a copy of it.
            self._inc("updates_passed")
            return item
        features = computed or await self.work.pool.run(
            text_features, item.get("text") or "", item.get("language"), self.fp_config
        )
        decision = self.dedup.check(item, features)
        self._inc("checked")
        if not decision.keep:
            raise decision.drop()
        if decision.retract:
            item[record.RETRACT] = [*(item.get(record.RETRACT) or []), *decision.retract]
        if self.group is not None:
            await self.group.committed()
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self.group is not None:
            self.group.close()
            self.group = None
        if self.dedup is not None:
            self.dedup.close()
            self.dedup = None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscorpus/dedupe/{key}")
