"""The band table's lookups in plain numpy: the same three functions as ``band_search``, without a compiler.

Why both: ``band_search``'s compiled loops are faster on a large table, but loading them costs a process about a
second of CPU and 170 MB (numba and its machine code), which a crawl of a few hundred pages would spend before
its first query, most of its dedupe work. Below ``BandTable.compiled_from`` pairs a table uses these; a run that
grows past it loads the compiled ones. Each function returns exactly what its compiled twin returns
(``tests/test_band_table.py`` runs both against the same binary search and dict).
"""

from __future__ import annotations

import numpy as np


def search_run(
    keys: np.ndarray, directory: np.ndarray, low: int, shift: int, queried: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For sorted keys ``queried``: where each one's pairs start and end in the sorted ``keys`` (the directory,
    which only narrows the compiled search, is not needed here)."""
    return keys.searchsorted(queried, "left"), keys.searchsorted(queried, "right")


def gather_hits(
    ids: np.ndarray, lo: np.ndarray, hi: np.ndarray, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The entry numbers in ``ids[lo[j]:hi[j]]`` for each j in turn, and ``positions[j]`` beside each."""
    lengths = (hi - lo).astype(np.int64)
    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=ids.dtype), np.empty(0, dtype=np.int64)
    # Row of each hit: its range's start, plus how far into the range it is.
    ends = np.cumsum(lengths)
    rows = np.repeat(lo.astype(np.int64) - (ends - lengths), lengths) + np.arange(total, dtype=np.int64)
    return ids[rows], np.repeat(positions.astype(np.int64), lengths)


def group_hits(hits: np.ndarray, positions: np.ndarray, min_hits: int) -> tuple[np.ndarray, np.ndarray]:
    """Each entry number held ``min_hits`` times or more in ``hits``, with how often, in the order of its first
    hit when the hits are stably ordered by position (ties: the earlier hit first)."""
    count = hits.shape[0]
    if not count:
        return np.empty(0, dtype=hits.dtype), np.empty(0, dtype=np.int64)
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(positions, kind="stable")] = np.arange(count)
    # Sorted by number, then by rank: each number's first element holds its first hit.
    order = np.lexsort((rank, hits))
    ordered = hits[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, count))
    kept = counts >= min_hits
    numbers, counts, firsts = ordered[starts][kept], counts[kept], rank[order][starts][kept]
    by_first = np.argsort(firsts)
    return numbers[by_first], counts[by_first].astype(np.int64)
