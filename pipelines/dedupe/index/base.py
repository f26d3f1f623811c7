"""The dedupe stage's memory: one entry per kept article, behind a small batch-friendly interface.

What is stored, per article seen: what the keep rule and a ``duplicates.jsonl`` line need (id, url, domain,
title, source priority, text quality, length, date, run), its fingerprint (signature, ordered shingle
sample, numbers) and its cluster: the id of the kept copy of its story (its own id when it is the kept
copy, the representative). When a better copy replaces a representative, only the old representative's
``cluster`` changes; its former copies still point at it and reach the new one through it. Beside the entries:

- LSH band keys -> entry ids (candidate search),
- exact keys -> entry ids: ``u:<article id>`` (a later copy of the same URL is an exact duplicate) and
  ``t:<text hash>`` for every normalised text seen.

Implementations: :class:`MemoryDedupeIndex` (one process, one run) and :class:`SQLiteDedupeIndex` (a file in
the crawl state folder, every update one transaction). Each call takes and returns batches so a networked
store (Redis) can serve it with one round trip per call.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

logger = logging.getLogger(__name__)


class IndexMismatch(RuntimeError):
    """A stored index was built with other fingerprint parameters: its signatures cannot be compared."""


@dataclass(slots=True)
class IndexEntry:
    """A kept article as the index remembers it."""

    id: str
    cluster: str  # id of the kept copy of the story; == id for the kept copy itself
    run_id: str
    url: str | None
    domain: str | None
    title: str | None
    priority: int
    quality: float | None
    length: int  # words
    date: str | None
    text_hash: str
    signature: np.ndarray  # uint32[num_perm]
    sample: np.ndarray  # uint32, ordered
    modulus: int
    shingles: int
    numbers: frozenset[str] = field(default_factory=frozenset)


@dataclass
class IndexUpdate:
    """Everything one decision changes, applied at once."""

    add: list[tuple[IndexEntry, list[int]]] = field(default_factory=list)  # entry, its band keys
    remove: list[tuple[str, list[int]]] = field(default_factory=list)  # entry id, its band keys
    exact: dict[str, str] = field(default_factory=dict)  # exact key -> entry id


class DedupeIndex(Protocol):
    """Where kept articles are remembered. Every method works on batches."""

    def open(self, params: Mapping[str, Any]) -> None:
        """Check (or record, when new) the fingerprint parameters; raise :class:`IndexMismatch` if they differ."""

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        """Exact keys -> entry ids, for the keys that are known."""

    def query(self, band_keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        """Entry ids sharing at least ``min_hits`` of the band keys, with the number of keys shared (in the order
        of the first key that holds them, so ties in ``most_common`` fall the same way in every index)."""

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        """The entries of these ids (missing ids are left out)."""

    def apply(self, update: IndexUpdate) -> None:
        """Add and remove entries and set exact keys, atomically."""

    def ids_of_run(self, run_id: str) -> list[str]:
        """Ids of the entries a run added (for recovery after a crash)."""

    def forget(self, ids: Sequence[str]) -> None:
        """Remove these entries with their band and exact keys: articles a killed run never wrote.

        An entry that named a removed one as its cluster's representative becomes its own representative
        again. Why: a copy that replaced the kept article as the representative (``Deduplicator._replace``)
        may be the article the run never wrote; the copies it replaced, written before, were representatives
        until then, and without one their story would no longer be found."""

    def close(self) -> None:
        """Flush and release."""


def at_least(hits: Counter[str], min_hits: int) -> Counter[str]:
    """The ids with at least ``min_hits`` hits, in the order they came."""
    if min_hits <= 1:
        return hits
    return Counter({i: n for i, n in hits.items() if n >= min_hits})


class IndexSource:
    """Where the crawl keeps its dedupe index (the crawl state's SQLite file, or the shared Redis of a
    distributed crawl); found by the dedupe stage with ``crawler.get_extension``. Without one, a run's index is
    kept in memory."""

    def dedupe_index(self) -> DedupeIndex:
        """A new, unopened index for this crawl's dedupe stage."""
        raise NotImplementedError
