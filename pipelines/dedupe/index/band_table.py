"""LSH band keys -> entry ids in sorted numpy runs: the in-memory index's candidate table, under 1 KB a document.

Why not ``dict[int, set[str]]``: nearly every band key is held by one document only, and a Python set, an int
and a dict slot per key cost about 300 bytes, 64 times per document (~20 KB). Here one (key, entry) pair is 12
bytes: an int64 key and the int32 number the table gives each entry id.

Layout, log-structured: new pairs go to a small dict buffer; a full buffer is sorted into a run; a run is merged
into the previous one once that one is no more than ``merge_ratio`` times bigger, so a query searches a few
runs and a pair is rewritten a few times over the table's life. Runs live in :class:`GrowableBuffer` memory and
are merged in place, block by block from the end, so a merge never holds a second copy of a large run (a copying
merge would double the peak memory of a large index).

Deletes: a removed pair is overwritten with number 0 (a hole, never alive); a forgotten entry's number is marked
dead and its id gets a fresh number if it comes back. Queries filter both out; merges drop them. No pair is ever
stored twice, so a query counts each entry once per key, as a set would.
"""

from __future__ import annotations

import logging
import mmap
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

import numpy as np

from pipelines.dedupe.index import band_search_numpy

logger = logging.getLogger(__name__)

_HOLE = 0  # the number of a removed pair: never alive
_KEY = np.dtype(np.int64)
_NUMBER = np.dtype(np.int32)


class GrowableBuffer:
    """Bytes in a private anonymous memory map, resized in place by the kernel (``mremap`` on Linux).

    Why: growing a numpy array copies it (twice the memory while copying), and large freed blocks fragment the
    heap; a private anonymous map grows and shrinks without a copy, and only the pages written count in RSS.
    Where the platform cannot resize a map, a resize copies. Views (``array``) must be released before a resize.
    """

    def __init__(self, nbytes: int = 0) -> None:
        self._map = self._new(nbytes)
        self.nbytes = nbytes

    @staticmethod
    def _new(nbytes: int) -> mmap.mmap:
        flags = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)
        return mmap.mmap(-1, max(nbytes, 1), flags=flags) if flags else mmap.mmap(-1, max(nbytes, 1))

    def resize(self, nbytes: int) -> None:
        """Grow or shrink to ``nbytes``, keeping the bytes both sizes hold."""
        try:
            self._map.resize(max(nbytes, 1))
        except (OSError, SystemError, ValueError):
            fresh = self._new(nbytes)
            kept = min(nbytes, self.nbytes)
            fresh[:kept] = self._map[:kept]
            self._map.close()
            self._map = fresh
        self.nbytes = nbytes

    def array(self, dtype: np.dtype, count: int, offset: int = 0) -> np.ndarray:
        """A writable numpy view of ``count`` items from byte ``offset``."""
        return np.frombuffer(self._map, dtype=dtype, count=count, offset=offset)

    def read(self, start: int, stop: int) -> bytes:
        return self._map[start:stop]

    def write(self, offset: int, data: bytes) -> None:
        self._map[offset : offset + len(data)] = data

    def move(self, dest: int, src: int, count: int) -> None:
        self._map.move(dest, src, count)

    @property
    def raw(self) -> mmap.mmap:
        """The map itself, for ``struct.unpack_from`` (hold no slice or view of it across a resize)."""
        return self._map


class _Run:
    """Pairs sorted by key: two columns (keys, numbers) in growable memory, and for a large run a directory.

    The directory cuts the key range into equal buckets, about ``bucket_rows`` pairs each (keys are hashes, so
    evenly spread), and holds where each bucket starts: a key is found with two reads of the directory and a
    binary search of its bucket (``pipelines.dedupe.index.band_search``), where a binary search of the whole run, larger than
    the CPU cache, misses the cache at nearly every step.
    """

    __slots__ = ("_directory", "_ids", "_ids_memory", "_keys", "_keys_memory", "_low", "_shift", "size")

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        self.size = len(keys)
        self._keys_memory = GrowableBuffer(self.size * _KEY.itemsize)
        self._ids_memory = GrowableBuffer(self.size * _NUMBER.itemsize)
        self._keys: np.ndarray | None = None
        self._ids: np.ndarray | None = None
        self._directory: np.ndarray | None = None
        self._low = self._shift = 0
        self.keys[:] = keys
        self.ids[:] = ids

    @property
    def keys(self) -> np.ndarray:
        if self._keys is None:
            self._keys = self._keys_memory.array(_KEY, self.size)
        return self._keys

    @property
    def ids(self) -> np.ndarray:
        if self._ids is None:
            self._ids = self._ids_memory.array(_NUMBER, self.size)
        return self._ids

    def resize(self, size: int) -> None:
        """Grow or shrink in place (no view of the columns may be held elsewhere); drops the directory."""
        self._keys = self._ids = self._directory = None
        self._keys_memory.resize(size * _KEY.itemsize)
        self._ids_memory.resize(size * _NUMBER.itemsize)
        self.size = size

    def build_directory(self, bucket_rows: int, block: int) -> None:
        keys = self.keys
        self._low = int(keys[0])
        span = int(keys[-1]) - self._low
        self._shift = max(0, span.bit_length() - max(1, self.size // bucket_rows).bit_length())
        # Counts per bucket in the directory's own type: the counting array is as large as the directory.
        counts: np.ndarray = np.zeros(
            (span >> self._shift) + 1, dtype=np.int64 if self.size >= 1 << 31 else np.int32
        )
        low, shift = np.uint64(self._low % (1 << 64)), np.uint64(self._shift)
        for start in range(0, self.size, block):
            buckets = (keys[start : start + block].view(np.uint64) - low) >> shift  # sorted, as the keys are
            first = int(buckets[0])
            found = np.bincount((buckets - buckets[0]).astype(np.intp))
            counts[first : first + len(found)] += found
        directory = np.zeros(len(counts) + 1, dtype=counts.dtype)
        np.cumsum(counts, out=directory[1:])
        self._directory = directory

    def lookup(self) -> tuple[np.ndarray, np.ndarray, int, int]:
        """What ``pipelines.dedupe.index.band_search.search_run`` reads: the keys, the directory (empty when the run has
        none: it is binary searched whole), and the directory's low key and shift."""
        directory = self._directory if self._directory is not None else np.zeros(0, dtype=np.int64)
        return self.keys, directory, self._low, self._shift


class BandTable:
    """A set of (band key, entry id) pairs: ``add``, ``remove``, ``forget`` and ``query`` by key.

    Keys are signed 64-bit integers (``pipelines.dedupe.fingerprint.band_keys`` gives non-negative ones below 2**63);
    others raise ``OverflowError``. ``query`` returns what a dict of sets would: each entry sharing at least one
    of the keys, with the number of keys (counted as often as they are given) that hold it.

    Each entry id gets a dense number (``number``), which an owner can use to keep per-entry data in arrays.
    """

    def __init__(
        self,
        buffer_rows: int = 1 << 16,
        merge_ratio: int = 4,
        block_rows: int = 1 << 20,
        directory_rows: int = 1 << 20,
        bucket_rows: int = 8,
        compiled_from: int = 1 << 19,
    ) -> None:
        if min(buffer_rows, merge_ratio, block_rows, directory_rows, bucket_rows) < 1:
            raise ValueError("the sizes of a band table must be at least 1")
        self.buffer_rows = buffer_rows
        self.merge_ratio = merge_ratio
        # Pairs moved at a time by a merge or a compaction (their scratch memory).
        self.block_rows = block_rows
        # Runs this large get a directory of buckets of about bucket_rows pairs (see _Run): 8, for a directory
        # of half a 32-bit number a pair and three steps of binary search in a bucket.
        self.directory_rows = directory_rows
        self.bucket_rows = bucket_rows
        self._numbers: dict[str, int] = {}  # entry id -> its number, while it is not forgotten
        self._names: list[str | None] = [None]  # number -> entry id; None: a hole or a forgotten entry
        self._alive = np.zeros(1024, dtype=bool)
        self._buffer: dict[int, list[int]] = {}  # key -> numbers, pairs not in a run yet
        self._buffered = 0
        self._runs: list[_Run] = []  # oldest (largest) first
        self._garbage = 0  # holes made and entries forgotten since the runs were last all compacted
        # The lookups in numpy until the runs hold ``compiled_from`` pairs, then compiled (``band_search``, which
        # loads numba: a second of CPU and 170 MB that a small table, or a process without one, never carries).
        self.compiled_from = compiled_from
        self._kernels: Any = band_search_numpy
        self._compiled = False

    def use_compiled(self) -> None:
        """Search with the compiled lookups from now on (done by itself once the runs hold ``compiled_from``
        pairs)."""
        from pipelines.dedupe.index import band_search

        self._kernels = band_search
        self._compiled = True
        logger.debug("band table: compiled lookups from %d pairs on", sum(self.run_sizes))

    @property
    def compiled(self) -> bool:
        """Whether the lookups are the compiled ones."""
        return self._compiled

    # -- numbers and introspection ------------------------------------------------------------------------------

    def number(self, entry_id: str) -> int | None:
        """The entry's number (dense, from 1), or None when it was never added or is forgotten."""
        return self._numbers.get(entry_id)

    def name(self, number: int) -> str | None:
        """The entry id of a number (None once forgotten)."""
        return self._names[number]

    @property
    def numbers_used(self) -> int:
        """One more than the highest number given: the length an array indexed by number needs."""
        return len(self._names)

    @property
    def buffered(self) -> int:
        """Pairs in the buffer."""
        return self._buffered

    @property
    def run_sizes(self) -> list[int]:
        """Pairs per run (holes and dead entries included until their run is compacted), oldest first."""
        return [run.size for run in self._runs]

    @property
    def nbytes(self) -> int:
        """Bytes of the runs (the buffer and the id mapping are Python objects, not counted)."""
        return sum(run.size for run in self._runs) * (_KEY.itemsize + _NUMBER.itemsize)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._numbers

    # -- updates ----------------------------------------------------------------------------------------------

    def add(self, entry_id: str, keys: Iterable[int]) -> int:
        """Pair ``entry_id`` with each key (pairs it already has are left as they are); returns its number."""
        wanted: list[int] = list(dict.fromkeys(np.asarray(list(keys), dtype=_KEY).tolist()))
        number = self._numbers.get(entry_id)
        if number is None:
            number = self._new_number(entry_id)
        elif wanted:
            held = self._held(number, wanted)
            wanted = [k for k in wanted if k not in held]
        buffer = self._buffer
        for key in wanted:
            found = buffer.get(key)
            if found is None:
                buffer[key] = [number]
            else:
                found.append(number)
        self._buffered += len(wanted)
        if self._buffered >= self.buffer_rows:
            self.flush()
        return number

    def remove(self, entry_id: str, keys: Iterable[int]) -> None:
        """Unpair ``entry_id`` from these keys; its other pairs stay, and so does its number."""
        number = self._numbers.get(entry_id)
        if number is None:
            return
        unique = list(dict.fromkeys(np.asarray(list(keys), dtype=_KEY).tolist()))
        for key in unique:
            found = self._buffer.get(key)
            if found is not None and number in found:
                found.remove(number)
                self._buffered -= 1
                if not found:
                    del self._buffer[key]
        if not unique:
            return
        queried = np.sort(np.array(unique, dtype=_KEY))
        for ids, lo, hi in self._ranges(queried):
            for j in np.flatnonzero(hi > lo).tolist():
                segment = ids[lo[j] : hi[j]]  # a view: the hole is written into the run
                hit = segment == number
                if hit.any():
                    segment[hit] = _HOLE
                    self._garbage += 1

    def forget(self, ids: Iterable[str]) -> None:
        """Remove every pair of these entries. An id added again later gets a new number and starts afresh."""
        for entry_id in ids:
            number = self._numbers.pop(entry_id, None)
            if number is not None:
                self._names[number] = None
                self._alive[number] = False
                self._garbage += 1

    def flush(self) -> None:
        """Sort the buffer into a run and merge runs by the size rule (called when the buffer is full)."""
        if not self._buffer:
            return
        buffer, self._buffer, self._buffered = self._buffer, {}, 0
        lengths = np.fromiter(map(len, buffer.values()), dtype=np.int64, count=len(buffer))
        keys = np.repeat(np.fromiter(buffer.keys(), dtype=_KEY, count=len(buffer)), lengths)
        ids = np.fromiter(chain.from_iterable(buffer.values()), dtype=_NUMBER, count=int(lengths.sum()))
        del buffer
        keep = self._alive[ids]
        if not keep.all():
            keys, ids = keys[keep], ids[keep]
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self._runs.append(_Run(keys[order], ids[order]))
        del keys, ids, order
        while len(self._runs) >= 2 and self._runs[-2].size <= self.merge_ratio * self._runs[-1].size:
            newer = self._runs.pop()
            merged = self._runs[-1]
            self._merge_into(merged, newer)
            if self._garbage:
                self._compact(merged)
                if len(self._runs) == 1:
                    self._garbage = 0
            if not merged.size:
                self._runs.pop()
            elif merged.size >= self.directory_rows:
                merged.build_directory(self.bucket_rows, self.block_rows)
        if not self._compiled and sum(run.size for run in self._runs) >= self.compiled_from:
            self.use_compiled()
        logger.debug("band table runs: %s", self.run_sizes)

    # -- queries ----------------------------------------------------------------------------------------------

    def query(self, keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        """Entries paired with at least ``min_hits`` of ``keys``, with the number of keys pairing them.

        Entries come in the order of the first key that holds them (then oldest pair first), as a dict of sets
        filled key by key would give them, so ties in ``most_common`` fall the same way.
        """
        given = np.asarray(keys, dtype=_KEY)
        if not len(given):
            return Counter()
        order = np.argsort(given, kind="stable")
        queried = given[order]
        found: list[np.ndarray] = []
        positions: list[np.ndarray] = []
        gather_hits = self._kernels.gather_hits
        for ids, lo, hi in self._ranges(queried):
            run_found, run_positions = gather_hits(ids, lo, hi, order)
            if len(run_found):
                found.append(run_found)
                positions.append(run_positions)
        if self._buffer:
            buffered: list[int] = []
            where: list[int] = []
            for position, held in enumerate(map(self._buffer.get, given.tolist())):
                if held:
                    buffered.extend(held)
                    where.extend([position] * len(held))
            if buffered:
                found.append(np.array(buffered, dtype=_NUMBER))
                positions.append(np.array(where, dtype=np.int64))
        if not found:
            return Counter()
        hits = np.concatenate(found)
        where_found = np.concatenate(positions)
        if self._garbage:  # else no hole and no forgotten entry is left anywhere
            alive = self._alive[hits]
            hits, where_found = hits[alive], where_found[alive]
        numbers, counts = self._kernels.group_hits(hits, where_found, max(1, min_hits))
        names = self._names
        return Counter(dict(zip([names[n] for n in numbers.tolist()], counts.tolist(), strict=True)))

    # -- internals --------------------------------------------------------------------------------------------

    def _new_number(self, entry_id: str) -> int:
        number = len(self._names)
        if number > np.iinfo(_NUMBER).max:
            raise OverflowError("band table: more than 2**31 entry numbers")
        self._names.append(entry_id)
        self._numbers[entry_id] = number
        if number >= len(self._alive):
            grown = np.zeros(2 * len(self._alive), dtype=bool)
            grown[: len(self._alive)] = self._alive
            self._alive = grown
        self._alive[number] = True
        return number

    def _held(self, number: int, keys: list[int]) -> set[int]:
        """The keys already paired with ``number``."""
        held = {key for key in keys if number in self._buffer.get(key, ())}
        queried = np.sort(np.array(keys, dtype=_KEY))
        for ids, lo, hi in self._ranges(queried):
            for j in np.flatnonzero(hi > lo).tolist():
                if (ids[lo[j] : hi[j]] == number).any():
                    held.add(int(queried[j]))
        return held

    def _ranges(self, queried: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For sorted keys, per run: its numbers and the [lo, hi) range of each key in it."""
        search_run = self._kernels.search_run
        for run in self._runs:
            yield run.ids, *search_run(*run.lookup(), queried)

    def _merge_into(self, older: _Run, newer: _Run) -> None:
        """Merge ``newer`` into ``older`` in place: grow it, then merge blocks from the end backwards.

        A block of the older run's tail and the newer pairs that sort after its first key end up at the tail of
        the grown run, past everything not moved yet, so nothing unread is overwritten. Among equal keys the
        older pairs come first.
        """
        n, m = older.size, newer.size
        older.resize(n + m)
        keys, ids = older.keys, older.ids
        add_keys, add_ids = newer.keys, newer.ids
        end, add_end = n, m
        while add_end:
            start = max(0, end - self.block_rows)
            add_start = int(add_keys[:add_end].searchsorted(keys[start], "left")) if start else 0
            merged_keys, merged_ids = _merge_sorted(
                keys[start:end].copy(),
                ids[start:end].copy(),
                add_keys[add_start:add_end],
                add_ids[add_start:add_end],
            )
            keys[start + add_start : end + add_end] = merged_keys
            ids[start + add_start : end + add_end] = merged_ids
            end, add_end = start, add_start

    def _compact(self, run: _Run) -> None:
        """Drop holes and forgotten entries from a run, in place, block by block."""
        kept = _compact_columns(run.keys, run.ids, self._alive, self.block_rows)
        if kept < run.size:
            run.resize(kept)


def _compact_columns(keys: np.ndarray, ids: np.ndarray, alive: np.ndarray, block: int) -> int:
    """Move the pairs of live entries to the front (each block is read before anything is written over it)."""
    kept = 0
    for start in range(0, len(keys), block):
        block_ids = ids[start : start + block]
        keep = alive[block_ids]
        if kept == start and keep.all():
            kept += len(block_ids)
            continue
        block_keys = keys[start : start + block][keep]
        block_ids = block_ids[keep]
        keys[kept : kept + len(block_keys)] = block_keys
        ids[kept : kept + len(block_keys)] = block_ids
        kept += len(block_keys)
    return kept


def _merge_sorted(
    keys: np.ndarray, ids: np.ndarray, add_keys: np.ndarray, add_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two key-sorted pair arrays as one, the first array's pairs first among equal keys (no sort)."""
    if not len(add_keys):
        return keys, ids
    if not len(keys):
        return add_keys, add_ids
    total = len(keys) + len(add_keys)
    placed = keys.searchsorted(add_keys, "right") + np.arange(len(add_keys))
    from_old = np.ones(total, dtype=bool)
    from_old[placed] = False
    out_keys = np.empty(total, dtype=_KEY)
    out_ids = np.empty(total, dtype=_NUMBER)
    out_keys[placed] = add_keys
    out_ids[placed] = add_ids
    out_keys[from_old] = keys
    out_ids[from_old] = ids
    return out_keys, out_ids
