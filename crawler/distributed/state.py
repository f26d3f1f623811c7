"""The crawl state of a distributed crawl, in Redis: the ledger, the line counts and the dedupe index every worker
of the cluster shares (``crawler.state.redis``, ``pipelines.clean.line_stores.RedisLineStore``,
``pipelines.dedupe.index.redis``)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed.clients import connect
from crawler.distributed.config import DistributedConfig
from crawler.distributed.membership import Membership, membership_of
from crawler.state.backoff import BackoffPolicy
from crawler.state.extension import CrawlStateExtension, state_dir
from crawler.state.redis import RedisCrawlState
from pipelines.clean.line_stores import LineCountStore, RedisLineStore
from pipelines.dedupe.index.base import DedupeIndex
from pipelines.dedupe.index.redis import RedisDedupeIndex
from pipelines.settings import from_settings

logger = logging.getLogger(__name__)


class SharedStateExtension(CrawlStateExtension):
    """The state extension of a worker of a distributed crawl: every outcome, line count and dedupe decision
    goes to the shared Redis (each component with a client of its own, its round trips counted with the
    worker's). ``worker``: this worker, whose files the write stage names after it."""

    def __init__(self, state: RedisCrawlState, membership: Membership) -> None:
        super().__init__(state)
        self.membership = membership
        self.config: DistributedConfig = membership.config
        self.worker = membership.worker

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedStateExtension:
        """Only in a distributed crawl (``apply_settings`` adds it, and the single-process extension steps
        aside). The local state folder keeps ``workers/<worker>/`` for what is this worker's own (none of the
        shared state is there)."""
        if not from_settings(DistributedConfig, crawler.settings).distributed:
            raise NotConfigured("not a distributed crawl")
        local = state_dir(crawler.settings)
        membership = membership_of(crawler)
        config = membership.config
        client = connect(config.redis_url, membership.round_trips)
        own = local / "workers" / membership.worker if local is not None else None
        state = RedisCrawlState(client, config.namespace, membership.worker, own)
        logger.info("crawl state in Redis (%s)", config.namespace)
        extension = cls(state, membership)
        extension.backoff = from_settings(BackoffPolicy, crawler.settings)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def _client(self) -> Any:
        return connect(self.config.redis_url, self.membership.round_trips)

    def line_store(self, max_lines_per_domain: int) -> LineCountStore | None:
        """Shared counts: every worker learns from every page."""
        return RedisLineStore(self._client(), self.config.namespace, max_lines_per_domain)

    def dedupe_index(self) -> DedupeIndex:
        """The shared index, checked with compare-and-set (``pipelines.dedupe.shared``)."""
        return RedisDedupeIndex(self._client(), self.config.namespace, self.worker)
