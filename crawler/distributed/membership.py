"""This process as a worker of the cluster: joining a run, the heartbeat (from a thread, with its own connection),
reaping dead workers on the way, and leaving."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from scrapy.crawler import Crawler

from crawler.distributed.clients import RoundTrips, connect
from crawler.distributed.cluster import Cluster
from crawler.distributed.config import DistributedConfig, check_worker_id, default_worker_id

logger = logging.getLogger(__name__)


class Membership:
    """This process as a worker of the cluster: joining a run, the heartbeat (from a thread, with its own
    connection, so a long page in the reactor does not make the worker look dead), reaping dead workers on
    the way, and leaving. The commands join before Scrapy starts, so the run id is known to every component."""

    def __init__(self, config: DistributedConfig) -> None:
        #: This worker's round trips to Redis, over every client of its components.
        self.round_trips = RoundTrips()
        self.config = config
        self.worker = check_worker_id(config.worker_id or default_worker_id())
        self.cluster = Cluster(connect(config.redis_url, self.round_trips), config.namespace)
        #: The worker's scheduler, once the crawl made it (it registers itself): seeds are released through it.
        self.scheduler: Any = None
        self.reaped = False
        self.on_reaped: Callable[[], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def join(
        self, run_id: str | None = None, new_run: bool = False, out: str | None = None
    ) -> tuple[str, bool]:
        info = {"host": socket.gethostname(), "pid": os.getpid(), "out": out, "started": time.time()}
        run, started = self.cluster.join_run(run_id, new_run, self.worker, self.config.worker_ttl, info)
        self._thread = threading.Thread(target=self._heartbeat, name=f"heartbeat-{self.worker}", daemon=True)
        self._thread.start()
        logger.info("worker %s joined run %s on %s", self.worker, run, self.config.namespace)
        return run, started

    def _heartbeat(self) -> None:
        cluster = Cluster(connect(self.config.redis_url, self.round_trips), self.config.namespace)
        warned = False
        last_beat = time.monotonic()
        while not self._stop.wait(self.config.heartbeat):
            try:
                if not cluster.beat(self.worker, self.config.worker_ttl) and not self.reaped:
                    self._give_up(f"was taken for dead (no heartbeat for {self.config.worker_ttl:.0f}s)")
                last_beat = time.monotonic()
                cluster.reap_dead(by=self.worker)
                warned = False
            except redis.RedisError as exc:
                if not warned:
                    logger.warning("heartbeat of worker %s failed: %s", self.worker, exc)
                    warned = True
                if time.monotonic() - last_beat > self.config.worker_ttl and not self.reaped:
                    # The others take us for dead by now and requeue our work: stop, rather than write it twice.
                    self._give_up(f"could not reach Redis for {self.config.worker_ttl:.0f}s")
        cluster.client.close()

    def _give_up(self, why: str) -> None:
        self.reaped = True
        logger.error("worker %s %s; its work is requeued for the others; stopping", self.worker, why)
        if self.on_reaped is not None:
            self.on_reaped()

    def leave(self) -> tuple[int, int, int]:
        """Stop the heartbeat; give back whatever is still held (nothing, after a clean stop)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.config.heartbeat + 5)
            self._thread = None
        if self.reaped:
            return 0, 0, 0  # another worker already took our work back
        try:
            result = self.cluster.leave(self.worker)
        except redis.RedisError as exc:
            logger.error(
                "worker %s could not leave the cluster (%s): the others will reap it", self.worker, exc
            )
            return 0, 0, 0
        if any(result):
            logger.warning(
                "worker %s left with work not done: %d dedupe decisions undone, %d requests and %d seeds requeued",
                self.worker,
                *result,
            )
        return result

    def close(self) -> None:
        self.cluster.client.close()


def join(
    config: DistributedConfig, run_id: str | None = None, new_run: bool = False, out: str | None = None
) -> tuple[Membership, str, bool]:
    """Join (or start) a run as a worker of this process."""
    membership = Membership(config)
    run, started = membership.join(run_id, new_run, out)
    return membership, run, started


class WorkerCrawler(Crawler):
    """The crawler of a distributed worker: it carries the worker's membership, which the commands join before
    Scrapy starts (so the run id is known to every component), to the components that need it (the worker
    extension, the scheduler, the shared state)."""

    def __init__(self, spidercls: Any, settings: Any, membership: Membership) -> None:
        # The process's only crawler, so it installs the reactor, as CrawlerProcess's first crawler does.
        super().__init__(spidercls, settings, init_reactor=True)
        self.membership = membership


def membership_of(crawler: Any) -> Membership:
    """The membership a worker's crawler carries; a distributed crawl needs one."""
    membership = getattr(crawler, "membership", None) if isinstance(crawler, WorkerCrawler) else None
    if not isinstance(membership, Membership):
        raise RuntimeError(
            "a distributed crawl is started by `newscorpus worker` or `newscorpus crawl --redis-url`"
        )
    return membership
