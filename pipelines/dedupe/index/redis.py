"""The near-duplicate index in Redis, shared by the workers of a distributed crawl, and a check that stays
correct when two workers meet two copies of one story at the same moment.

Why not datasketch's Redis storage: one round trip per band on every query (about 280 queries a second, see
the dedupe benchmark's README), the LSH parameters are not stored, and query-then-insert is not atomic, so two
workers can both find nothing and both write the story. Here:

- every call of :class:`~pipelines.dedupe.index.base.DedupeIndex` is one round trip (one command, a ``MULTI``
  pipeline or a Lua script) whatever the number of bands;
- the fingerprint parameters are stored with the index (``<ns>:dedupe:params``) and a worker with other
  parameters refuses to start (:class:`~pipelines.dedupe.index.base.IndexMismatch`);
- check-then-insert is made atomic by **optimistic concurrency** (compare-and-set in one Lua script).

Why compare-and-set, and not a Lua script doing the whole check, nor locks. The check cannot run inside Redis:
verification computes containment and Jaccard scores on shingle samples (numpy), and the keep rule reads
quality scores and dates. Per-band locks (64 ``SET NX`` taken in sorted order, with a TTL) would serialise
every check on any shared band, cost two more round trips per article even when nothing races, and leave the
question of a worker killed while holding them (its locks block others until the TTL, and a TTL shorter than a
slow check breaks the exclusion). A claim on the cluster key does not work before the cluster is known. So the
check reads freely and records what it read: the version of every LSH band it queried (each band key has a
counter that moves whenever its set of ids changes), the value of every exact key it resolved, and the
cluster of every entry it loaded. ``apply`` sends these expectations with the update to a Lua script, which
runs atomically in Redis: if any of them changed, it applies nothing and answers "conflict", and
:class:`SharedDeduplicator` runs the check again, now seeing the other worker's copy. Two copies that could
match share at least ``min_band_hits`` bands, so the second one to apply always sees a moved band version:
they cannot both be written. A conflict means another worker made progress, so there is no live-lock, and
when nothing races (almost always) the check costs no extra round trip.

Killed workers: every decision a worker applies is also kept, with what it replaced, in the worker's
*pending* hash until the write stage confirms it (the crawl state's ``record`` removes it, in the same
script that records the page). When a worker dies, the reaper (``crawler.distributed``) undoes its pending
decisions before its in-flight requests are requeued, so a page fetched again is not taken for a copy of an
article that no output holds.
"""

from __future__ import annotations

import base64
import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from pipelines.dedupe.index.base import IndexEntry, IndexMismatch, IndexUpdate, at_least

logger = logging.getLogger(__name__)


class IndexConflict(RuntimeError):
    """Something the check read changed before its update was applied: check again."""


def dedupe_prefix(namespace: str) -> str:
    return f"{namespace}:dedupe"


def pending_key(namespace: str, worker: str) -> str:
    """The hash of a worker's decisions not yet confirmed by the write stage (article id -> undo log)."""
    return f"{dedupe_prefix(namespace)}:pending:{worker}"


# Drops one entry with its band memberships (moving the band versions). Shared by the scripts below.
_DROP_ENTRY = """
local function drop_entry(p, id)
  local keys = redis.call('HGET', p .. ':keys', id)
  if keys then
    for k in string.gmatch(keys, '%S+') do
      if redis.call('SREM', p .. ':b:' .. k, id) == 1 then redis.call('HINCRBY', p .. ':bv', k, 1) end
    end
  end
  local run = redis.call('HGET', p .. ':runof', id)
  if run then redis.call('SREM', p .. ':run:' .. run, id) end
  redis.call('HDEL', p .. ':entries', id)
  redis.call('HDEL', p .. ':clusters', id)
  redis.call('HDEL', p .. ':keys', id)
  redis.call('HDEL', p .. ':runof', id)
end
"""


#: ARGV[1] prefix, ARGV[2] JSON request. Returns 1 when applied, 0 on a conflict (nothing applied).
_APPLY = (
    _DROP_ENTRY
    + """
local p = ARGV[1]
local req = cjson.decode(ARGV[2])
local function same(hash, field, expected)
  local cur = redis.call('HGET', p .. hash, field)
  if cur == false then cur = '' end
  return cur == expected
end
for k, v in pairs(req.expect_bands) do if not same(':bv', k, v) then return 0 end end
for k, v in pairs(req.expect_exact) do if not same(':exact', k, v) then return 0 end end
for id, v in pairs(req.expect_clusters) do if not same(':clusters', id, v) then return 0 end end
local undo = {added = {}, clusters = {}, exact = {}}
for _, r in ipairs(req.remove) do drop_entry(p, r[1]) end
for _, a in ipairs(req.add) do
  local id, cluster, run, blob, keys = a[1], a[2], a[3], a[4], a[5]
  local prev = redis.call('HGET', p .. ':clusters', id)
  if prev then
    if prev ~= cluster then undo.clusters[id] = {prev, cluster} end
  else
    table.insert(undo.added, id)
  end
  redis.call('HSET', p .. ':entries', id, blob)
  redis.call('HSET', p .. ':clusters', id, cluster)
  redis.call('HSET', p .. ':keys', id, table.concat(keys, ' '))
  redis.call('HSET', p .. ':runof', id, run)
  redis.call('SADD', p .. ':run:' .. run, id)
  for _, k in ipairs(keys) do
    if redis.call('SADD', p .. ':b:' .. k, id) == 1 then redis.call('HINCRBY', p .. ':bv', k, 1) end
  end
end
for k, v in pairs(req.exact) do
  local prev = redis.call('HGET', p .. ':exact', k)
  if prev ~= v then
    undo.exact[k] = {prev, v}
    redis.call('HSET', p .. ':exact', k, v)
  end
end
if req.worker ~= '' then
  redis.call('HSETNX', p .. ':pending:' .. req.worker, req.id, cjson.encode(undo))
end
return 1
"""
)


#: ARGV[1] prefix, ARGV[2..] band keys. The ids of each band, then the bands' versions: one command (a
#: MULTI of 64 SMEMBERS would be as atomic, but costs the client 64 commands to pack and parse).
_QUERY = """
local p = ARGV[1]
local out = {}
local keys = {}
for i = 2, #ARGV do
  out[#out + 1] = redis.call('SMEMBERS', p .. ':b:' .. ARGV[i])
  keys[#keys + 1] = ARGV[i]
end
out[#out + 1] = redis.call('HMGET', p .. ':bv', unpack(keys))
return out
"""


#: ARGV[1] prefix, ARGV[2] worker. Undoes every pending decision of the worker; returns how many.
_UNDO = (
    _DROP_ENTRY
    + """
local p = ARGV[1]
local key = p .. ':pending:' .. ARGV[2]
local all = redis.call('HGETALL', key)
local n = 0
for i = 1, #all, 2 do
  local undo = cjson.decode(all[i + 1])
  for k, pair in pairs(undo.exact) do
    if redis.call('HGET', p .. ':exact', k) == pair[2] then
      if pair[1] then redis.call('HSET', p .. ':exact', k, pair[1]) else redis.call('HDEL', p .. ':exact', k) end
    end
  end
  for id, pair in pairs(undo.clusters) do
    if redis.call('HGET', p .. ':clusters', id) == pair[2] then redis.call('HSET', p .. ':clusters', id, pair[1]) end
  end
  for _, id in ipairs(undo.added) do drop_entry(p, id) end
  n = n + 1
end
redis.call('DEL', key)
return n
"""
)


#: ARGV[1] prefix, then pairs (exact key, id it must still point at), '--', then entry ids to drop.
_FORGET = (
    _DROP_ENTRY
    + """
local p = ARGV[1]
local i = 2
while ARGV[i] ~= '--' do
  if redis.call('HGET', p .. ':exact', ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', p .. ':exact', ARGV[i]) end
  i = i + 2
end
for j = i + 1, #ARGV do drop_entry(p, ARGV[j]) end
return #ARGV - i
"""
)


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype="<u4").tobytes()).decode("ascii")


def _unb64(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint32)


def encode_entry(entry: IndexEntry) -> str:
    """Everything of an entry but its id and cluster (kept apart: the cluster changes, the rest does not)."""
    return json.dumps(
        {
            "run": entry.run_id,
            "url": entry.url,
            "domain": entry.domain,
            "title": entry.title,
            "priority": entry.priority,
            "quality": entry.quality,
            "length": entry.length,
            "date": entry.date,
            "text_hash": entry.text_hash,
            "signature": _b64(entry.signature),
            "sample": _b64(entry.sample),
            "modulus": entry.modulus,
            "shingles": entry.shingles,
            "numbers": sorted(entry.numbers),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_entry(entry_id: str, cluster: str, blob: bytes | str) -> IndexEntry:
    data = json.loads(blob)
    return IndexEntry(
        id=entry_id,
        cluster=cluster,
        run_id=data["run"],
        url=data["url"],
        domain=data["domain"],
        title=data["title"],
        priority=data["priority"],
        quality=data["quality"],
        length=data["length"],
        date=data["date"],
        text_hash=data["text_hash"],
        signature=_unb64(data["signature"]),
        sample=_unb64(data["sample"]),
        modulus=data["modulus"],
        shingles=data["shingles"],
        numbers=frozenset(data["numbers"]),
    )


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RedisDedupeIndex:
    """:class:`~pipelines.dedupe.index.base.DedupeIndex` in Redis. ``client``: a ``redis.Redis`` (bytes replies).

    Keys under ``<namespace>:dedupe:``: ``params``; ``entries`` / ``clusters`` / ``keys`` / ``runof`` (hashes
    by entry id); ``b:<band key>`` (set of ids); ``bv`` (band key -> version); ``exact`` (exact key -> id);
    ``run:<run id>`` (ids a run added); ``pending:<worker>`` (unconfirmed decisions).

    Between :meth:`begin` and :meth:`apply` the index remembers what was read; ``apply`` raises
    :class:`IndexConflict` when any of it changed meanwhile (see the module docstring).
    """

    def __init__(self, client: Any, namespace: str = "newscorpus", worker: str | None = None) -> None:
        self.client = client
        self.namespace = namespace
        self.prefix = dedupe_prefix(namespace)
        self.worker = worker or ""
        self.round_trips = 0
        self._apply_script: Any = None
        self._query_script: Any = None
        self._undo_script: Any = None
        self._forget_script: Any = None
        self.begin()

    def begin(self) -> None:
        """Start a check: forget what the previous one read."""
        self._bands: dict[str, str] = {}
        self._exact: dict[str, str] = {}
        self._clusters: dict[str, str] = {}

    def open(self, params: Mapping[str, Any]) -> None:
        wanted = json.dumps(dict(params), sort_keys=True)
        key = f"{self.prefix}:params"
        pipe = self.client.pipeline(transaction=True)
        pipe.set(key, wanted, nx=True)
        pipe.get(key)
        _, stored = pipe.execute()
        self.round_trips += 1
        if _text(stored) != wanted:
            raise IndexMismatch(
                f"the Redis dedupe index {self.prefix} was built with {_text(stored)}, not {wanted}: "
                "use another NEWSCORPUS_REDIS_NAMESPACE or delete its keys to start a new index"
            )
        self._register_scripts()

    def _register_scripts(self) -> None:
        if self._apply_script is None:
            self._apply_script = self.client.register_script(_APPLY)
            self._query_script = self.client.register_script(_QUERY)
            self._undo_script = self.client.register_script(_UNDO)
            self._forget_script = self.client.register_script(_FORGET)

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        keys = list(keys)
        if not keys:
            return {}
        values = self.client.hmget(f"{self.prefix}:exact", keys)
        self.round_trips += 1
        out = {}
        for key, value in zip(keys, values, strict=True):
            self._exact[key] = _text(value)
            if value is not None:
                out[key] = _text(value)
        return out

    def query(self, band_keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        keys = [str(k) for k in band_keys]
        hits: Counter[str] = Counter()
        if not keys:
            return hits
        # One script: the sets and their versions are read at one instant, so a version seen here is the
        # version of the set contents seen here.
        self._register_scripts()
        results = self._query_script(args=[self.prefix, *keys])
        self.round_trips += 1
        for members in results[:-1]:
            hits.update(_text(m) for m in members)
        for key, version in zip(keys, results[-1], strict=True):
            self._bands[key] = _text(version)
        return at_least(hits, min_hits)

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        pipe = self.client.pipeline(transaction=True)
        pipe.hmget(f"{self.prefix}:entries", ids)
        pipe.hmget(f"{self.prefix}:clusters", ids)
        blobs, clusters = pipe.execute()
        self.round_trips += 1
        out = {}
        for entry_id, blob, cluster in zip(ids, blobs, clusters, strict=True):
            self._clusters[entry_id] = _text(cluster)
            if blob is not None and cluster is not None:
                out[entry_id] = decode_entry(entry_id, _text(cluster), blob)
        return out

    def apply(self, update: IndexUpdate, decision_id: str | None = None) -> None:
        """Apply ``update`` if nothing read since :meth:`begin` changed; else raise :class:`IndexConflict`.

        ``decision_id`` (default: the first added entry, else the target of the exact keys) names the decision
        in this worker's pending hash until the write stage confirms it."""
        self._register_scripts()
        if decision_id is None:
            if update.add:
                decision_id = update.add[0][0].id
            else:
                # An exact copy: its exact keys are ``u:<its id>`` and ``t:<text hash>``.
                decision_id = next((k[2:] for k in update.exact if k.startswith("u:")), None)
        request = {
            "expect_bands": self._bands or {},
            "expect_exact": self._exact or {},
            "expect_clusters": self._clusters or {},
            "remove": [[entry_id, [str(k) for k in keys]] for entry_id, keys in update.remove],
            "add": [
                [entry.id, entry.cluster, entry.run_id, encode_entry(entry), [str(k) for k in keys]]
                for entry, keys in update.add
            ],
            "exact": dict(update.exact),
            "worker": self.worker,
            "id": decision_id or "",
        }
        payload = json.dumps(request, ensure_ascii=False, separators=(",", ":"))
        # cjson turns an empty JSON object into an empty Lua table either way; nothing to special-case.
        applied = self._apply_script(args=[self.prefix, payload])
        self.round_trips += 1
        self.begin()
        if not applied:
            raise IndexConflict("the index changed while this record was checked")

    def ids_of_run(self, run_id: str) -> list[str]:
        return sorted(_text(i) for i in self.client.smembers(f"{self.prefix}:run:{run_id}"))

    def forget(self, ids: Sequence[str]) -> None:
        """Remove entries with their bands and the exact keys pointing at them (scans the exact keys: a
        maintenance operation, not for the crawl's hot path)."""
        gone = {str(i) for i in ids}
        if not gone:
            return
        self._register_scripts()
        pairs: list[str] = []
        for key, value in self.client.hscan_iter(f"{self.prefix}:exact", count=1000):
            if _text(value) in gone:
                pairs += [_text(key), _text(value)]
        self._forget_script(args=[self.prefix, *pairs, "--", *sorted(gone)])
        # Entries whose representative was removed represent their story again (see DedupeIndex.forget).
        orphans = [
            _text(key)
            for key, value in self.client.hscan_iter(f"{self.prefix}:clusters", count=1000)
            if _text(value) in gone
        ]
        if orphans:
            self.client.hset(f"{self.prefix}:clusters", mapping={entry_id: entry_id for entry_id in orphans})

    def pending(self, worker: str | None = None) -> list[str]:
        """Ids of a worker's decisions that the write stage has not confirmed yet."""
        return sorted(_text(i) for i in self.client.hkeys(pending_key(self.namespace, worker or self.worker)))

    def undo_pending(self, worker: str | None = None) -> int:
        """Undo a worker's unconfirmed decisions (it died, or stopped with articles it never wrote)."""
        self._register_scripts()
        return int(self._undo_script(args=[self.prefix, worker or self.worker]))

    def close(self) -> None:
        """The client belongs to the caller (it may be shared); nothing is buffered here."""


def undo_pending(client: Any, namespace: str, worker: str) -> int:
    """Undo a (dead) worker's unconfirmed decisions; used by the reaper of ``crawler.distributed``."""
    return RedisDedupeIndex(client, namespace).undo_pending(worker)
