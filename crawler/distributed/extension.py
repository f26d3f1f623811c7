"""One worker's part in a distributed crawl: its seeds, the idle stop, and leaving cleanly."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request

from crawler.distributed.config import DistributedConfig
from crawler.distributed.membership import Membership, membership_of
from pipelines.settings import from_settings

logger = logging.getLogger(__name__)


class WorkerExtension:
    """One worker's part in the crawl: seeds, the idle stop, and leaving cleanly. ``NotConfigured`` unless the
    crawl is distributed."""

    def __init__(self, crawler: Any, membership: Membership) -> None:
        self.crawler = crawler
        self.membership = membership
        self.config = membership.config
        self.worker = membership.worker
        self.cluster = membership.cluster
        self.idle_since: float | None = None
        self.unreachable = False
        membership.on_reaped = self._reaped

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerExtension:
        if not from_settings(DistributedConfig, crawler.settings).distributed:
            raise NotConfigured("not a distributed crawl")
        extension = cls(crawler, membership_of(crawler))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.cluster.update_worker(self.worker, crawling=time.time())

    def _reaped(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._close, "reaped")

    def _close(self, reason: str) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def start_requests(self, spider: Any) -> Iterator[Request]:
        """Start requests of the seeds this worker takes; a seed is released once its requests are queued."""
        if not hasattr(spider, "start_requests_for_profiles"):
            return  # a run of archive files: the archive spider takes its files itself
        while (seed := self.cluster.take_seed(self.worker)) is not None:
            try:
                yield from spider.start_requests_for_profiles([seed])
            except Exception:
                logger.exception("seed %d cannot be started; dropped", seed)
            scheduler = self.membership.scheduler
            if scheduler is not None:
                scheduler.release_seed(seed)  # after its requests, in the scheduler's next flush
            else:
                self.cluster.release_seed(self.worker, seed)
            self.crawler.stats.inc_value("newscorpus/distributed/seeds_started")

    def spider_idle(self, spider: Any) -> None:
        if self.membership.reaped:
            return
        try:
            started = 0
            for request in self.start_requests(spider):
                self.crawler.engine.crawl(request)
                started += 1
            if self.membership.scheduler is not None:
                self.membership.scheduler.flush()
            work = self.cluster.pending_work()
        except redis.RedisError as exc:
            # Whether the cluster is done cannot be known: wait (the heartbeat gives up after the TTL).
            if not self.unreachable:
                logger.warning("worker %s cannot reach Redis: %s", self.worker, exc)
                self.unreachable = True
            raise DontCloseSpider from None
        self.unreachable = False
        if started or any(work.values()):
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.config.idle_stop:
            raise DontCloseSpider
        logger.info(
            "worker %s: nothing to do anywhere for %.0fs, stopping", self.worker, self.config.idle_stop
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.membership.leave()
        self.crawler.stats.set_value(
            "newscorpus/distributed/redis_round_trips", self.membership.round_trips.count
        )
