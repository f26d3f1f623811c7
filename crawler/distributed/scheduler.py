"""The scheduler of a distributed worker: scrapy-redis's shared queue and filter, with in-flight tracking."""

from __future__ import annotations

import logging
from typing import Any

import redis
from scrapy.http import Request
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.distributed.clients import connect
from crawler.distributed.cluster import Cluster
from crawler.distributed.membership import membership_of
from crawler.distributed.serializer import BadQueueEntry

logger = logging.getLogger(__name__)


class DistributedScheduler(RedisScheduler):
    """scrapy-redis's scheduler (its priority queue and duplicate filter in Redis) with in-flight tracking.

    ``next_request`` pops into this worker's in-flight hash; the entry is removed when the engine is done with
    the request (see the module docstring). The engine has no public hook for that moment, so ``open`` wraps
    the engine slot's ``remove_request``, which Scrapy calls once a popped request is fully processed, whatever
    the outcome; it also sets the engine's heartbeat to ``NEWSCORPUS_DISTRIBUTED_POLL`` so an idle worker sees
    new requests from others quickly. Both are private Scrapy attributes: :meth:`open` fails loudly if a Scrapy
    version lacks them rather than lose requests silently.

    Round trips are batched: new requests (a sitemap yields hundreds) and the releases of finished requests
    wait in this process until the next pop, idle check or close, and go in one script, the requests first.
    A worker killed with some waiting loses nothing: the requests they came from were not released yet, so
    they are requeued and found again. (So ``enqueue_request`` cannot say at once whether a request was seen
    before; the duplicates are counted as ``newscorpus/distributed/filtered_requests`` when flushed.)
    """

    worker = ""
    cluster: Cluster
    poll = 1.0
    max_batch = 500
    #: Undecodable entries dropped in one call before giving the reactor back.
    max_bad_per_pop = 100
    _requests: list[tuple[str, int, bytes, bool]]
    _released: list[str]
    _released_seeds: list[int]

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedScheduler:
        scheduler: DistributedScheduler = super().from_crawler(crawler)
        membership = membership_of(crawler)
        config = membership.config
        # The queue's client, its round trips counted with the worker's others.
        scheduler.server = connect(config.redis_url, membership.round_trips)
        scheduler.crawler = crawler
        scheduler.worker = membership.worker
        scheduler.poll = config.poll
        scheduler.cluster = Cluster(scheduler.server, config.namespace)
        scheduler._requests = []
        scheduler._released = []
        scheduler._released_seeds = []
        membership.scheduler = scheduler  # the worker extension releases seeds through it
        return scheduler

    def open(self, spider: Any) -> None:
        super().open(spider)
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if (
            slot is None
            or not hasattr(slot, "remove_request")
            or not hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL")
        ):
            raise RuntimeError("this Scrapy version has no engine slot to follow requests with: pin scrapy")
        original = slot.remove_request

        def remove_request(request: Request) -> None:
            try:
                original(request)
            finally:
                self.finished(request)

        slot.remove_request = remove_request
        engine._SLOT_HEARTBEAT_INTERVAL = self.poll

    def close(self, reason: str) -> None:
        self.flush()
        super().close(reason)

    def flush(self, pop: bool = False) -> tuple[str, bytes] | None:
        """Send the waiting requests, then the releases, and (``pop``) take the next request: one round trip."""
        if not (self._requests or self._released or self._released_seeds or pop):
            return None
        requests, fields, seeds = self._requests, self._released, self._released_seeds
        added, popped = self.cluster.flush(self.worker, requests, fields, seeds, pop)
        self._requests, self._released, self._released_seeds = [], [], []
        if self.stats and len(requests) > added:
            self.stats.inc_value("newscorpus/distributed/filtered_requests", len(requests) - added)
        return popped

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = self.df.request_fingerprint(request)
        self._requests.append(
            (fingerprint, request.priority, self.queue._encode_request(request), request.dont_filter)
        )
        if len(self._requests) >= self.max_batch:
            self.flush()
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            popped = self.flush(pop=True)
        except redis.ResponseError:
            # Not an outage (the heartbeat handles those) but a Redis that refuses our commands: stop.
            logger.exception("worker %s: Redis refused the scheduler's script; stopping", self.worker)
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis-error"))
            return None
        for _ in range(self.max_bad_per_pop):
            if popped is None:
                return None
            field, data = popped
            try:
                request = self.queue._decode_request(data)
            except (BadQueueEntry, ValueError, TypeError, KeyError, AttributeError) as exc:
                # Never run, never put back: released from this worker's in-flight hash with the next flush.
                logger.warning(
                    "worker %s: dropped a queue entry that is not a request of ours: %s", self.worker, exc
                )
                if self.stats:
                    self.stats.inc_value("newscorpus/distributed/bad_queue_entries")
                self._released.append(field)
                popped = self.flush(pop=True)
                continue
            request.meta["newscorpus_inflight"] = field
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def has_pending_requests(self) -> bool:
        self.flush()
        return super().has_pending_requests()

    def finished(self, request: Request) -> None:
        field = request.meta.get("newscorpus_inflight")
        if field and field.startswith(self.worker + ":"):
            self._released.append(field)

    def release_seed(self, seed: int) -> None:
        """A seed's start requests were queued: release it after them."""
        self._released_seeds.append(seed)
