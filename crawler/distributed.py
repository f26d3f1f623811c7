"""Distributed crawls: any number of crawler processes (workers) on any number of machines, one frontier, one
crawl state, one near-duplicate index, one corpus. All shared state is in Redis; there is no coordinator.

Only imported when a crawl is distributed (``newscorpus crawl --redis-url``, ``newscorpus worker``,
``newscorpus seed``): a crawl without Redis never imports Redis.

What is shared, under ``<namespace>:`` (``NEWSCORPUS_REDIS_NAMESPACE``, default ``newscorpus``):

- the frontier: scrapy-redis's request queue (``requests``, a sorted set by priority) and its request
  duplicate filter (``dupefilter``), so a URL is scheduled once whichever worker found it;
- the start targets (``targets``: a list of target specs, profiles included; ``seeds``: indexes into it not yet
  started) and the run id (``run``);
- the workers (``workers``: id -> who and where; ``alive:<id>``: a heartbeat key with a TTL) and what each
  has taken (``inflight:<id>``, ``inflight-seeds:<id>``);
- the crawl state (``crawler.redis_state``), the near-duplicate index (``pipelines.dedupe_redis``) and the
  cleaner's per-site line counts (``pipelines.boilerplate.RedisLineStore``).

**In-flight requests.** scrapy-redis pops a request off the queue and forgets it: if the worker dies before it
is done, the request is gone (and its URL stays in the duplicate filter, so nobody schedules it again). Our
scheduler pops it into the worker's in-flight hash in the same Lua script, and removes it only when the
engine has finished with it: downloaded, its callback run, the requests it found queued and its items through
the pipelines (written, or dropped with a record). Each worker refreshes its heartbeat key every
``NEWSCORPUS_WORKER_HEARTBEAT`` seconds from a thread (so a long page does not stop it); a key that expired
(``NEWSCORPUS_WORKER_TTL``) marks a dead worker, and any live worker (or ``newscorpus seed``) reaps it: first
its unconfirmed dedupe decisions are undone, then its in-flight requests and seeds go back to the queue.

**Stopping.** A worker stops when the whole cluster has had nothing to do (empty queue, no seeds, nothing in
flight anywhere, dead workers' work included) for ``NEWSCORPUS_WORKER_IDLE_STOP`` seconds.

**Outputs.** Every worker writes its own files in the shared run folder (``articles-<worker>-NNNNN.jsonl``,
``duplicates-<worker>.jsonl``, ``rejected-<worker>.jsonl``, ``manifest-<worker>.json``); ``newscorpus merge``
checks them and writes the run's ``manifest.json``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.profiles import SiteProfile, load_target, profile_from_dict
from pipelines.clean import CleanPipeline

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "NEWSCORPUS_REDIS_URL"
_NAME = re.compile(r"^[A-Za-z0-9_.]+$")
_NAMESPACE = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(frozen=True)
class DistributedConfig:
    """Settings of a distributed crawl (``NEWSCORPUS_`` prefix).

    ``heartbeat``: seconds between a worker's heartbeats; ``worker_ttl``: a worker whose heartbeat is older is
    dead and its work is requeued (keep it well above ``heartbeat``); ``idle_stop``: a worker stops after the
    cluster had nothing to do for this long; ``poll``: how often an idle worker looks at the shared queue.
    """

    redis_url: str
    namespace: str = "newscorpus"
    worker_id: str = ""
    heartbeat: float = 5.0
    worker_ttl: float = 30.0
    idle_stop: float = 30.0
    poll: float = 1.0

    @classmethod
    def from_settings(cls, settings: Any) -> DistributedConfig:
        defaults = cls(redis_url="")
        return cls(
            redis_url=settings.get("NEWSCORPUS_REDIS_URL") or "",
            namespace=settings.get("NEWSCORPUS_REDIS_NAMESPACE") or defaults.namespace,
            worker_id=settings.get("NEWSCORPUS_WORKER_ID") or "",
            heartbeat=settings.getfloat("NEWSCORPUS_WORKER_HEARTBEAT", defaults.heartbeat),
            worker_ttl=settings.getfloat("NEWSCORPUS_WORKER_TTL", defaults.worker_ttl),
            idle_stop=settings.getfloat("NEWSCORPUS_WORKER_IDLE_STOP", defaults.idle_stop),
            poll=settings.getfloat("NEWSCORPUS_DISTRIBUTED_POLL", defaults.poll),
        )


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

    def alive(self, worker: str) -> str:
        return f"{self.namespace}:alive:{worker}"

    def inflight(self, worker: str) -> str:
        return f"{self.namespace}:inflight:{worker}"

    def inflight_seeds(self, worker: str) -> str:
        return f"{self.namespace}:inflight-seeds:{worker}"

    def reaping(self, worker: str) -> str:
        return f"{self.namespace}:reaping:{worker}"


class RoundTrips:
    """Counts this process's round trips to Redis (every send on a connection: a command, a pipeline, a
    script), for the manifest's ``newscorpus/distributed/redis_round_trips`` and the benchmark."""

    count = 0
    _installed = False

    @classmethod
    def install(cls) -> None:
        if cls._installed:
            return
        original = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(self: Any, command: Any, check_health: bool = True) -> Any:
            cls.count += 1
            return original(self, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send_packed_command  # type: ignore[method-assign]
        cls._installed = True


def connect(url: str) -> redis.Redis:
    """A client for ``redis://HOST:PORT/DB`` (bytes replies), checked with a PING."""
    client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=60, health_check_interval=30)
    client.ping()
    return client


def default_worker_id() -> str:
    """Host, process and a random suffix: unique across machines and restarts, and safe in file names."""
    host = re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname().split(".")[0]) or "host"
    return f"{host}_{os.getpid()}_{secrets.token_hex(2)}"


def check_worker_id(worker: str) -> str:
    if not _NAME.match(worker):
        raise ValueError(f"worker id {worker!r}: use letters, digits, _ and . only (it goes into file names)")
    return worker


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
        "SCHEDULER": "crawler.distributed.DistributedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_URL": config.redis_url,
        # Nothing to resume from disk: the frontier is in Redis.
        "JOBDIR": None,
    }
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.distributed.WorkerExtension"] = 110
    options["EXTENSIONS"] = extensions
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    order = pipelines.pop("pipelines.clean.CleanPipeline", None)
    if order is not None:
        pipelines["crawler.distributed.DistributedCleanPipeline"] = order
    options["ITEM_PIPELINES"] = pipelines
    for name, value in options.items():
        settings.set(name, value, priority="cmdline")


# -- targets ---------------------------------------------------------------------------------------------------


def target_spec(target: str) -> dict[str, Any]:
    """What ``seed`` pushes for a target: a URL as it is; a profile file's content (so workers on other
    machines need no copy of it); a bundled profile by name (every installation has it). Checked first."""
    load_target(target)  # raises ProfileError naming the file and key
    if target.startswith(("http://", "https://")):
        return {"target": target}
    path = Path(target)
    if path.suffix == ".toml" or path.exists():
        import tomllib

        return {
            "target": target,
            "profile": tomllib.loads(path.read_text(encoding="utf-8")),
            "where": str(path),
        }
    return {"target": target}


def profile_from_spec(spec: dict[str, Any]) -> SiteProfile:
    if "profile" in spec:
        return profile_from_dict(spec["profile"], spec.get("where") or spec["target"])
    return load_target(spec["target"])


T = TypeVar("T")


class SharedTargets(Sequence[SiteProfile]):
    """The profiles of every seeded target, by index, read from Redis as requests refer to them.

    Requests carry ``meta["profile"]``, an index into the shared target list (append-only during a run), so
    a worker that started before a target was seeded loads it when it first meets one of its requests."""

    def __init__(self, client: Any, key: str) -> None:
        self.client = client
        self.key = key
        self._profiles: list[SiteProfile] = []

    def _load(self) -> None:
        for raw in self.client.lrange(self.key, len(self._profiles), -1):
            self._profiles.append(profile_from_spec(json.loads(raw)))

    def __getitem__(self, index: int) -> SiteProfile:  # type: ignore[override]
        if index < 0 or index >= len(self._profiles):
            self._load()
        return self._profiles[index]

    def __len__(self) -> int:
        self._load()
        return len(self._profiles)


class Derived(Sequence[T]):
    """``fn(source[i])``, computed once per index as it is first asked for."""

    def __init__(self, source: Sequence[Any], fn: Callable[[Any], T]) -> None:
        self.source = source
        self.fn = fn
        self._items: list[T] = []

    def __getitem__(self, index: int) -> T:  # type: ignore[override]
        while len(self._items) <= index:
            self._items.append(self.fn(self.source[len(self._items)]))
        return self._items[index]

    def __len__(self) -> int:
        return len(self.source)


def shared_targets(settings: Any) -> tuple[SharedTargets, Derived[Any]]:
    """The spider's ``profiles`` and ``classifiers`` in a distributed crawl."""
    from crawler.article_urls import ArticleUrlClassifier

    config = DistributedConfig.from_settings(settings)
    profiles = SharedTargets(connect(config.redis_url), Keys(config.namespace).targets)
    return profiles, Derived(profiles, ArticleUrlClassifier)


# -- the cluster ---------------------------------------------------------------------------------------------

# KEYS: dupefilter, requests, inflight hash, inflight-seeds hash, sequence. ARGV[1] the number n of requests,
# ARGV[2] '1' to pop a request afterwards, ARGV[3] the worker, then n times (fingerprint, score, data,
# dont_filter), then fields of the in-flight hash to release, '--', seeds to release. scrapy-redis's
# SADD-then-ZADD for a batch of requests, the in-flight entries they came from released after them, and the
# next request popped into the in-flight hash, all in one atomic step: a worker killed before it lost nothing
# (what it was releasing is still in flight and will be requeued). Returns {queued, field, data} or {queued}.
_FLUSH = """
local n = tonumber(ARGV[1])
local added = 0
for i = 0, n - 1 do
  local b = 4 + 4 * i
  if ARGV[b + 3] ~= '0' or redis.call('SADD', KEYS[1], ARGV[b]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[b + 1], ARGV[b + 2])
    added = added + 1
  end
end
local hash = KEYS[3]
for i = 4 + 4 * n, #ARGV do
  if ARGV[i] == '--' then hash = KEYS[4] else redis.call('HDEL', hash, ARGV[i]) end
end
if ARGV[2] == '1' then
  local item = redis.call('ZPOPMIN', KEYS[2])
  if #item > 0 then
    local field = ARGV[3] .. ':' .. redis.call('INCR', KEYS[5])
    redis.call('HSET', KEYS[3], field, item[2] .. '\\n' .. item[1])
    return {added, field, item[1]}
  end
end
return {added}
"""

# KEYS: inflight hash, requests, inflight-seeds hash, seeds. Puts everything a worker had taken back.
_REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local v = all[i + 1]
  local nl = string.find(v, '\\n', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, nl - 1), string.sub(v, nl + 1))
end
redis.call('DEL', KEYS[1])
local seeds = redis.call('HKEYS', KEYS[3])
for _, s in ipairs(seeds) do redis.call('RPUSH', KEYS[4], s) end
redis.call('DEL', KEYS[3])
return {#all / 2, #seeds}
"""

# KEYS: seeds, inflight-seeds hash.
_TAKE_SEED = """
local s = redis.call('RPOP', KEYS[1])
if s then redis.call('HSET', KEYS[2], s, '1') end
return s
"""


@dataclass
class SeedResult:
    run_id: str
    added: int
    new_run: bool


class Cluster:
    """The Redis operations on the frontier, the seeds and the workers; no Scrapy here."""

    def __init__(self, client: Any, namespace: str = "newscorpus") -> None:
        self.client = client
        self.keys = Keys(namespace)
        self.namespace = namespace
        self._flush = client.register_script(_FLUSH)
        self._requeue = client.register_script(_REQUEUE)
        self._take_seed = client.register_script(_TAKE_SEED)

    # -- runs and seeds

    def current_run(self) -> str | None:
        value = self.client.get(self.keys.run)
        return value.decode() if value else None

    def is_over(self) -> bool:
        """No live worker and nothing left to do: the next seed starts a new run."""
        work = self.pending_work()
        return not self.client.hlen(self.keys.workers) and not any(work.values())

    def new_run(self, run_id: str | None = None) -> str:
        """Forget the previous run's frontier (queue, duplicate filter, targets); the state stays."""
        from pipelines.write import new_run_id

        keys = self.keys
        self.client.delete(keys.requests, keys.dupefilter, keys.seeds, keys.targets, keys.run)
        run = run_id or new_run_id()
        self.client.set(keys.run, run)
        return run

    @contextmanager
    def lock(self, name: str, timeout: float = 30.0) -> Iterator[None]:
        """A short cluster-wide lock (``SET NX`` with a TTL, released only by its holder)."""
        key, token = f"{self.namespace}:lock:{name}", secrets.token_hex(8)
        deadline = time.monotonic() + timeout
        while not self.client.set(key, token, nx=True, px=int(timeout * 1000)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{key} is held by another process")
            time.sleep(0.05)
        try:
            yield
        finally:
            self.client.eval(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                1,
                key,
                token,
            )

    def join_run(
        self,
        run_id: str | None = None,
        new_run: bool = False,
        worker: str | None = None,
        ttl: float = 30.0,
        info: dict[str, Any] | None = None,
    ) -> tuple[str, bool]:
        """The run to work on: the current one, or a new one when there is none or the last one is over
        (no live worker, nothing queued or in flight) or ``new_run``. A ``worker`` is registered in the same
        step, so two processes starting together always join the same run. Returns (run id, started)."""
        with self.lock("run"):
            self.reap_dead(by=worker or "")
            current = self.current_run()
            started = new_run or current is None or self.is_over()
            if started:
                current = self.new_run(run_id)
            elif run_id and run_id != current:
                raise ValueError(
                    f"run {current} is in progress on {self.namespace}; it cannot be joined as {run_id}"
                )
            if worker:
                self.register(worker, ttl, info or {})
        assert current is not None
        return current, started

    def seed(
        self, specs: Sequence[dict[str, Any]], run_id: str | None = None, new_run: bool = False
    ) -> SeedResult:
        """Register start targets and queue them, in the current run or a new one (see :meth:`join_run`)."""
        run, started = self.join_run(run_id, new_run)
        known = {raw.decode() for raw in self.client.lrange(self.keys.targets, 0, -1)}
        added = 0
        for spec in specs:
            encoded = json.dumps(spec, sort_keys=True, ensure_ascii=False)
            if encoded in known:
                continue
            known.add(encoded)
            index = int(self.client.rpush(self.keys.targets, encoded)) - 1
            self.client.lpush(self.keys.seeds, index)
            added += 1
        return SeedResult(run, added, started)

    def take_seed(self, worker: str) -> int | None:
        value = self._take_seed(keys=[self.keys.seeds, self.keys.inflight_seeds(worker)])
        return int(value) if value is not None else None

    def release_seed(self, worker: str, seed: int) -> None:
        self.client.hdel(self.keys.inflight_seeds(worker), seed)

    # -- requests

    def flush(
        self,
        worker: str,
        requests: Sequence[tuple[str, int, bytes, bool]] = (),
        fields: Sequence[str] = (),
        seeds: Sequence[int] = (),
        pop: bool = False,
    ) -> tuple[int, tuple[str, bytes] | None]:
        """Queue ``requests`` (fingerprint, priority, data, dont_filter), then release in-flight ``fields`` and
        ``seeds`` of ``worker``, then (``pop``) move the best request into its in-flight hash: one atomic step.
        Returns how many requests were new, and the popped (in-flight field, request data) or None."""
        if not requests and not fields and not seeds and not pop:
            return 0, None
        args: list[Any] = [len(requests), 1 if pop else 0, worker]
        for fingerprint, priority, data, dont_filter in requests:
            args += [fingerprint, -priority, data, 1 if dont_filter else 0]
        args += [*fields, "--", *seeds]
        keys = [
            self.keys.dupefilter,
            self.keys.requests,
            self.keys.inflight(worker),
            self.keys.inflight_seeds(worker),
            self.keys.counter,
        ]
        result = self._flush(keys=keys, args=args)
        popped = (result[1].decode(), result[2]) if len(result) > 1 else None
        return int(result[0]), popped

    def push(self, fingerprint: str, priority: int, data: bytes, dont_filter: bool) -> bool:
        return bool(self.flush("-", [(fingerprint, priority, data, dont_filter)])[0])

    def pop(self, worker: str) -> tuple[str, bytes] | None:
        return self.flush(worker, pop=True)[1]

    def release(self, worker: str, field: str) -> None:
        self.client.hdel(self.keys.inflight(worker), field)

    def requeue(self, worker: str) -> tuple[int, int]:
        """Everything ``worker`` took and did not finish goes back: (requests, seeds)."""
        keys = self.keys
        requests, seeds = self._requeue(
            keys=[keys.inflight(worker), keys.requests, keys.inflight_seeds(worker), keys.seeds]
        )
        return int(requests), int(seeds)

    def pending_work(self) -> dict[str, int]:
        """What is left anywhere: queued requests, seeds, and what live or dead-but-not-reaped workers hold."""
        keys = self.keys
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(keys.requests)
        pipe.llen(keys.seeds)
        pipe.hkeys(keys.workers)
        queued, seeds, workers = pipe.execute()
        inflight = 0
        if workers:
            pipe = self.client.pipeline(transaction=False)
            for worker in workers:
                pipe.hlen(keys.inflight(worker.decode()))
                pipe.hlen(keys.inflight_seeds(worker.decode()))
            inflight = sum(pipe.execute())
        return {"queued": int(queued), "seeds": int(seeds), "inflight": int(inflight)}

    # -- workers

    def register(self, worker: str, ttl: float, info: dict[str, Any]) -> None:
        if self.client.exists(self.keys.alive(worker)):
            raise ValueError(f"worker {worker!r} is already running: give each worker its own id")
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.workers, worker, json.dumps(info))
        pipe.set(self.keys.alive(worker), "1", px=int(ttl * 1000))
        pipe.execute()

    def beat(self, worker: str, ttl: float) -> bool:
        """Refresh the heartbeat; False when this worker was reaped (taken for dead) meanwhile."""
        pipe = self.client.pipeline(transaction=True)
        pipe.hexists(self.keys.workers, worker)
        pipe.set(self.keys.alive(worker), "1", px=int(ttl * 1000))
        registered, _ = pipe.execute()
        return bool(registered)

    def update_worker(self, worker: str, **fields: Any) -> None:
        """Add to a worker's registry entry (what ``newscorpus`` tools show about it)."""
        raw = self.client.hget(self.keys.workers, worker)
        if raw is not None:
            self.client.hset(self.keys.workers, worker, json.dumps({**json.loads(raw), **fields}))

    def workers(self) -> dict[str, dict[str, Any]]:
        return {k.decode(): json.loads(v) for k, v in self.client.hgetall(self.keys.workers).items()}

    def dead_workers(self) -> list[str]:
        names = [w.decode() for w in self.client.hkeys(self.keys.workers)]
        if not names:
            return []
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.exists(self.keys.alive(name))
        return [name for name, alive in zip(names, pipe.execute(), strict=True) if not alive]

    def reap(self, worker: str, by: str = "") -> tuple[int, int, int] | None:
        """Take back a dead worker's work: undo its unconfirmed dedupe decisions, then requeue its requests
        and seeds (in that order: a page fetched again must not meet the index entry of its own lost copy).
        Returns (decisions undone, requests, seeds), or None when another process is reaping it."""
        from pipelines.dedupe_redis import undo_pending

        if not self.client.set(self.keys.reaping(worker), by or "?", nx=True, ex=120):
            return None
        try:
            undone = undo_pending(self.client, self.namespace, worker)
            requests, seeds = self.requeue(worker)
            self.client.hdel(self.keys.workers, worker)
        finally:
            self.client.delete(self.keys.reaping(worker))
        return undone, requests, seeds

    def reap_dead(self, by: str = "") -> list[str]:
        reaped = []
        for worker in self.dead_workers():
            if worker == by:
                continue
            result = self.reap(worker, by)
            if result is not None:
                reaped.append(worker)
                logger.warning(
                    "worker %s is dead (no heartbeat): %d dedupe decisions undone, %d requests and %d seeds "
                    "requeued",
                    worker,
                    *result,
                )
        return reaped

    def leave(self, worker: str) -> tuple[int, int, int]:
        """A worker stopping: the same as reaping it, done by itself."""
        from pipelines.dedupe_redis import undo_pending

        undone = undo_pending(self.client, self.namespace, worker)
        requests, seeds = self.requeue(worker)
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys.workers, worker)
        pipe.delete(self.keys.alive(worker))
        pipe.execute()
        return undone, requests, seeds


# -- Scrapy components ---------------------------------------------------------------------------------------


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
    _requests: list[tuple[str, int, bytes, bool]]
    _released: list[str]
    _released_seeds: list[int]

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedScheduler:
        global _SCHEDULER
        scheduler: DistributedScheduler = super().from_crawler(crawler)
        config = DistributedConfig.from_settings(crawler.settings)
        scheduler.crawler = crawler
        scheduler.worker = config.worker_id
        scheduler.poll = config.poll
        scheduler.cluster = Cluster(scheduler.server, config.namespace)
        scheduler._requests = []
        scheduler._released = []
        scheduler._released_seeds = []
        _SCHEDULER = scheduler
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
        if popped is None:
            return None
        field, data = popped
        request = self.queue._decode_request(data)
        request.meta["newscorpus_inflight"] = field
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

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


_SCHEDULER: DistributedScheduler | None = None


class Membership:
    """This process as a worker of the cluster: joining a run, the heartbeat (from a thread, with its own
    connection, so a long page in the reactor does not make the worker look dead), reaping dead workers on
    the way, and leaving. The commands join before Scrapy starts, so the run id is known to every component."""

    def __init__(self, config: DistributedConfig) -> None:
        RoundTrips.install()
        self.config = config
        self.worker = check_worker_id(config.worker_id or default_worker_id())
        self.cluster = Cluster(connect(config.redis_url), config.namespace)
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
        cluster = Cluster(connect(self.config.redis_url), self.config.namespace)
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


_MEMBERSHIP: Membership | None = None


def join(
    config: DistributedConfig, run_id: str | None = None, new_run: bool = False, out: str | None = None
) -> tuple[Membership, str, bool]:
    """Join (or start) a run as a worker of this process; the crawl's components find the membership."""
    global _MEMBERSHIP
    membership = Membership(config)
    run, started = membership.join(run_id, new_run, out)
    _MEMBERSHIP = membership
    return membership, run, started


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
        if not crawler.settings.getbool("NEWSCORPUS_DISTRIBUTED"):
            raise NotConfigured("not a distributed crawl")
        config = DistributedConfig.from_settings(crawler.settings)
        membership = _MEMBERSHIP
        if membership is None or membership.worker != config.worker_id:
            raise RuntimeError(
                "a distributed crawl is started by `newscorpus worker` or `newscorpus crawl --redis-url`"
            )
        extension = cls(crawler, membership)
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
        while (seed := self.cluster.take_seed(self.worker)) is not None:
            try:
                yield from spider.start_requests_for_profiles([seed])
            except Exception:
                logger.exception("seed %d cannot be started; dropped", seed)
            if _SCHEDULER is not None:
                _SCHEDULER.release_seed(seed)  # after its requests, in the scheduler's next flush
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
            if _SCHEDULER is not None:
                _SCHEDULER.flush()
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
        self.crawler.stats.set_value("newscorpus/distributed/redis_round_trips", RoundTrips.count)


def worker_extension(crawler: Any) -> WorkerExtension | None:
    for extension in getattr(getattr(crawler, "extensions", None), "middlewares", ()):
        if isinstance(extension, WorkerExtension):
            return extension
    return None


class DistributedCleanPipeline(CleanPipeline):
    """The clean stage with the per-site line counts in Redis, so every worker learns from every page."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedCleanPipeline:
        from pipelines.boilerplate import RedisLineStore

        pipeline = super().from_crawler(crawler)
        if pipeline.boilerplate is not None:
            # Whatever local store the clean stage chose (it is opened lazily, so never), the counts are shared.
            config = DistributedConfig.from_settings(crawler.settings)
            pipeline.boilerplate.store = RedisLineStore(
                connect(config.redis_url), config.namespace, pipeline.boilerplate.config.max_lines_per_domain
            )
        return pipeline  # type: ignore[return-value]


def open_shared_state(settings: Any) -> Any:
    """The crawl state of a distributed crawl (``crawler.redis_state``)."""
    from crawler.extensions import state_dir
    from crawler.redis_state import RedisCrawlState

    config = DistributedConfig.from_settings(settings)
    local = state_dir(settings)
    folder = local / "workers" / config.worker_id if local is not None else None
    return RedisCrawlState(connect(config.redis_url), config.namespace, config.worker_id, folder)
