"""Compiled lookups in a band table's sorted runs (numba): where a query's keys are, and the entries there.

Why compiled: a query looks up 64 keys in each of a few runs. In numpy that is two dozen array calls per run
(bucket, clamp, gather a window of keys, compare, sum, and a binary search for the keys of crowded buckets), and
at a million documents those calls, not the memory reads, are most of a query (about 0.3 of a 0.5 ms query on
a 300k-document table). A loop over the keys does the same in one call per run, in about half the time. No
library searches many sorted keys within buckets of a directory, so the loops are written here; numba compiles
them once (``cache=True`` keeps the machine code between runs). ``tests/test_band_table.py`` compares them with a
binary search and a dict.

This module imports numba (about 130 MB of compiler in memory once imported, 170 MB once the lookups are loaded),
so only a band table that has grown large loads it (``BandTable.compiled_from``; smaller ones search with the
numpy twins in ``band_search_numpy``): a short crawl, or one that keeps its index in SQLite, never does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

logger = logging.getLogger(__name__)


def _compiled(function: Callable[..., Any]) -> Any:
    """``function`` compiled by numba, its machine code cached on disk where numba finds a writable folder (next
    to this file, or the user's cache); compiled afresh in each process where it finds none (a read-only
    install without a home folder), where ``cache=True`` alone would fail the import."""
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:
        logger.debug("no folder to cache compiled %s: compiled in this process only", function.__name__)
        return numba.njit(nogil=True)(function)


@_compiled
def search_run(
    keys: np.ndarray, directory: np.ndarray, low: int, shift: int, queried: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For sorted keys ``queried``: where each one's pairs start and end in the sorted ``keys``.

    ``directory`` (may be empty): where each bucket of keys starts, a bucket holding the keys whose
    ``(key - low) >> shift`` is its number (the last bucket also holds every larger key); a key is binary
    searched within its bucket only.
    """
    count = keys.shape[0]
    buckets = directory.shape[0] - 1
    lo = np.empty(queried.shape[0], dtype=np.int64)
    hi = np.empty(queried.shape[0], dtype=np.int64)
    ulow = np.uint64(low)
    ushift = np.uint64(shift)
    for j in range(queried.shape[0]):
        key = queried[j]
        start = 0
        end = count
        if buckets > 0:
            if key < low:
                end = 0
            else:
                bucket = (np.uint64(key) - ulow) >> ushift
                last = np.uint64(buckets - 1)
                if bucket > last:
                    bucket = last
                start = directory[np.int64(bucket)]
                end = directory[np.int64(bucket) + 1]
        first, stop = start, end
        while first < stop:
            middle = (first + stop) >> 1
            if keys[middle] < key:
                first = middle + 1
            else:
                stop = middle
        lo[j] = first
        stop = end
        while first < stop:
            middle = (first + stop) >> 1
            if keys[middle] <= key:
                first = middle + 1
            else:
                stop = middle
        hi[j] = first
    return lo, hi


@_compiled
def gather_hits(
    ids: np.ndarray, lo: np.ndarray, hi: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The entry numbers in ``ids[lo[j]:hi[j]]`` for each j in turn, and ``positions[j]`` beside each."""
    total = 0
    for j in range(lo.shape[0]):
        total += hi[j] - lo[j]
    found = np.empty(total, dtype=ids.dtype)
    where = np.empty(total, dtype=np.int64)
    k = 0
    for j in range(lo.shape[0]):
        for row in range(lo[j], hi[j]):
            found[k] = ids[row]
            where[k] = positions[j]
            k += 1
    return found, where


@_compiled
def group_hits(hits: np.ndarray, positions: np.ndarray, min_hits: int) -> tuple[np.ndarray, np.ndarray]:
    """Each entry number held ``min_hits`` times or more in ``hits``, with how often, in the order of its first
    hit when the hits are stably ordered by position (ties: the earlier hit first)."""
    count = hits.shape[0]
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(positions, kind="mergesort")] = np.arange(count)
    by_number = np.argsort(hits, kind="mergesort")
    numbers = np.empty(count, dtype=hits.dtype)
    counts = np.empty(count, dtype=np.int64)
    firsts = np.empty(count, dtype=np.int64)
    kept = 0
    i = 0
    while i < count:
        number = hits[by_number[i]]
        first = rank[by_number[i]]
        j = i + 1
        while j < count and hits[by_number[j]] == number:
            first = min(first, rank[by_number[j]])
            j += 1
        if j - i >= min_hits:
            numbers[kept] = number
            counts[kept] = j - i
            firsts[kept] = first
            kept += 1
        i = j
    order = np.argsort(firsts[:kept])
    return numbers[:kept][order], counts[:kept][order]
