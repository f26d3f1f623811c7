"""A distributed crawl's settings, the names of its shared keys, and the Redis clients of one worker."""

from __future__ import annotations

import os
import re
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from pipelines.run_names import check_name
from pipelines.settings import setting

_NAMESPACE = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(frozen=True)
class DistributedConfig:
    """Settings of a distributed crawl.

    ``distributed``: set by the commands that start a worker (``newscorpus worker``, ``crawl --redis-url``), never
    by hand. ``heartbeat``: seconds between a worker's heartbeats; ``worker_ttl``: a worker whose heartbeat is
    older is dead and its work is requeued (keep it well above ``heartbeat``); ``idle_stop``: a worker stops after
    the cluster had nothing to do for this long; ``poll``: how often an idle worker looks at the shared queue.
    """

    distributed: bool = setting("NEWSCORPUS_DISTRIBUTED", False)
    redis_url: str = setting("NEWSCORPUS_REDIS_URL", "")
    namespace: str = setting("NEWSCORPUS_REDIS_NAMESPACE", "newscorpus")
    worker_id: str = setting("NEWSCORPUS_WORKER_ID", "")
    heartbeat: float = setting("NEWSCORPUS_WORKER_HEARTBEAT", 5.0)
    worker_ttl: float = setting("NEWSCORPUS_WORKER_TTL", 30.0)
    idle_stop: float = setting("NEWSCORPUS_WORKER_IDLE_STOP", 30.0)
    poll: float = setting("NEWSCORPUS_DISTRIBUTED_POLL", 1.0)


class Keys:
    """Names of the shared keys of one namespace."""

    def __init__(self, namespace: str) -> None:
        if not _NAMESPACE.match(namespace):
            raise ValueError(f"Redis namespace {namespace!r}: use letters, digits and _ . : - only")
        self.namespace = namespace
        self.requests = f"{namespace}:requests"
        self.dupefilter = f"{namespace}:dupefilter"
        self.seeds = f"{namespace}:seeds"
        self.targets = f"{namespace}:targets"
        self.run = f"{namespace}:run"
        self.workers = f"{namespace}:workers"
        self.counter = f"{namespace}:sequence"
        self.archives = f"{namespace}:archives"
        self.archives_seen = f"{namespace}:archives-seen"

    def alive(self, worker: str) -> str:
        return f"{self.namespace}:alive:{worker}"

    def inflight(self, worker: str) -> str:
        return f"{self.namespace}:inflight:{worker}"

    def inflight_seeds(self, worker: str) -> str:
        return f"{self.namespace}:inflight-seeds:{worker}"

    def inflight_archives(self, worker: str) -> str:
        return f"{self.namespace}:inflight-archives:{worker}"

    def reaping(self, worker: str) -> str:
        return f"{self.namespace}:reaping:{worker}"


def default_worker_id() -> str:
    """Host, process and a random suffix: unique across machines and restarts, and safe in file names."""
    host = re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname().split(".")[0]) or "host"
    return f"{host}_{os.getpid()}_{secrets.token_hex(2)}"


def check_worker_id(worker: str) -> str:
    """The worker id goes into file names (``articles-<worker>-00000.jsonl``)."""
    return check_name(worker, "worker id")


def apply_settings(settings: Any, config: DistributedConfig) -> None:
    """Switch a crawl's settings to distributed mode (the only place that does)."""
    worker = check_worker_id(config.worker_id or default_worker_id())
    keys = Keys(config.namespace)
    options: dict[str, Any] = {
        "NEWSCORPUS_DISTRIBUTED": True,
        "NEWSCORPUS_REDIS_URL": config.redis_url,
        "NEWSCORPUS_REDIS_NAMESPACE": config.namespace,
        "NEWSCORPUS_WORKER_ID": worker,
        # scrapy-redis: the shared request queue and duplicate filter, kept when a worker leaves.
        "SCHEDULER": "crawler.distributed.scheduler.DistributedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        # Data only: scrapy-redis's default (pickle) would run whatever a writer of the Redis put in the queue.
        "SCHEDULER_SERIALIZER": "crawler.distributed.serializer",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_URL": config.redis_url,
        # Nothing to resume from disk: the frontier is in Redis.
        "JOBDIR": None,
    }
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.distributed.state.SharedStateExtension"] = 100  # the single-process one steps aside
    extensions["crawler.distributed.extension.WorkerExtension"] = 110
    options["EXTENSIONS"] = extensions
    for name, value in options.items():
        settings.set(name, value, priority="cmdline")
