"""The Redis operations on the frontier, the seeds and the workers of a distributed crawl (no Scrapy here)."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from crawler.distributed.config import Keys
from pipelines.dedupe.index.redis import undo_pending
from pipelines.write.writer import new_run_id

logger = logging.getLogger(__name__)


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


# KEYS: inflight hash, requests, inflight-seeds hash, seeds, inflight-archives hash, archives. Puts everything a
# worker had taken back (an archive file at the front of its queue: it is taken over from its checkpoint first).
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
local archives = redis.call('HKEYS', KEYS[5])
for _, a in ipairs(archives) do redis.call('LPUSH', KEYS[6], a) end
redis.call('DEL', KEYS[5])
return {#all / 2, #seeds + #archives}
"""

# KEYS: archives, inflight-archives hash. The next archive file to read, into the worker's in-flight hash.
_TAKE_ARCHIVE = """
local a = redis.call('LPOP', KEYS[1])
if a then redis.call('HSET', KEYS[2], a, '1') end
return a
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
        self._take_archive = client.register_script(_TAKE_ARCHIVE)

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
        keys = self.keys
        self.client.delete(
            keys.requests,
            keys.dupefilter,
            keys.seeds,
            keys.targets,
            keys.run,
            keys.archives,
            keys.archives_seen,
        )
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

    # -- archive files (newscorpus warc --redis-url)

    def push_archives(self, specs: Sequence[dict[str, Any]]) -> int:
        """Queue archive files (``{"location", "size"}``) for the workers, each once a run; returns how many."""
        added = 0
        for spec in specs:
            encoded = json.dumps(spec, sort_keys=True)
            if self.client.sadd(self.keys.archives_seen, encoded):
                self.client.rpush(self.keys.archives, encoded)
                added += 1
        return added

    def take_archive(self, worker: str) -> dict[str, Any] | None:
        """The next archive file for ``worker`` (kept in its in-flight hash until released), None when none."""
        raw = self._take_archive(keys=[self.keys.archives, self.keys.inflight_archives(worker)])
        return json.loads(raw) if raw is not None else None

    def reads_archives(self) -> bool:
        """Whether the current run is one of archive files (``newscorpus warc --redis-url`` pushed some)."""
        return bool(self.client.exists(self.keys.archives_seen))

    def release_archive(self, worker: str, spec: dict[str, Any]) -> None:
        """``worker`` has every record of this file done."""
        self.client.hdel(self.keys.inflight_archives(worker), json.dumps(spec, sort_keys=True))

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
        """Everything ``worker`` took and did not finish goes back: (requests, seeds and archive files)."""
        keys = self.keys
        requests, seeds = self._requeue(
            keys=[
                keys.inflight(worker),
                keys.requests,
                keys.inflight_seeds(worker),
                keys.seeds,
                keys.inflight_archives(worker),
                keys.archives,
            ]
        )
        return int(requests), int(seeds)

    def pending_work(self) -> dict[str, int]:
        """What is left anywhere: queued requests, seeds, and what live or dead-but-not-reaped workers hold."""
        keys = self.keys
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(keys.requests)
        pipe.llen(keys.seeds)
        pipe.llen(keys.archives)
        pipe.hkeys(keys.workers)
        queued, seeds, archives, workers = pipe.execute()
        inflight = 0
        if workers:
            pipe = self.client.pipeline(transaction=False)
            for worker in workers:
                pipe.hlen(keys.inflight(worker.decode()))
                pipe.hlen(keys.inflight_seeds(worker.decode()))
                pipe.hlen(keys.inflight_archives(worker.decode()))
            inflight = sum(pipe.execute())
        return {
            "queued": int(queued),
            "seeds": int(seeds),
            "archives": int(archives),
            "inflight": int(inflight),
        }

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
        undone = undo_pending(self.client, self.namespace, worker)
        requests, seeds = self.requeue(worker)
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys.workers, worker)
        pipe.delete(self.keys.alive(worker))
        pipe.execute()
        return undone, requests, seeds
