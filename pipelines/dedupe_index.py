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

import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

logger = logging.getLogger(__name__)


class IndexMismatch(RuntimeError):
    """A stored index was built with other fingerprint parameters: its signatures cannot be compared."""


@dataclass
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

    def query(self, band_keys: Sequence[int]) -> Counter[str]:
        """Entry ids sharing at least one band key, with the number of keys shared."""

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        """The entries of these ids (missing ids are left out)."""

    def apply(self, update: IndexUpdate) -> None:
        """Add and remove entries and set exact keys, atomically."""

    def ids_of_run(self, run_id: str) -> list[str]:
        """Ids of the entries a run added (for recovery after a crash)."""

    def forget(self, ids: Sequence[str]) -> None:
        """Remove these entries with their band and exact keys: articles a killed run never wrote."""

    def close(self) -> None:
        """Flush and release."""


class MemoryDedupeIndex:
    """Dicts in one process: for a crawl without a state folder, tests and benchmarks."""

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self.entries: dict[str, IndexEntry] = {}
        self.bands: dict[int, set[str]] = {}
        self.exact: dict[str, str] = {}

    def open(self, params: Mapping[str, Any]) -> None:
        if self.params is not None and self.params != dict(params):
            raise IndexMismatch(f"index built with {self.params}, asked for {dict(params)}")
        self.params = dict(params)

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        return {key: self.exact[key] for key in keys if key in self.exact}

    def query(self, band_keys: Sequence[int]) -> Counter[str]:
        hits: Counter[str] = Counter()
        for key in band_keys:
            ids = self.bands.get(key)
            if ids:
                hits.update(ids)
        return hits

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        return {i: self.entries[i] for i in ids if i in self.entries}

    def apply(self, update: IndexUpdate) -> None:
        for entry_id, keys in update.remove:
            self.entries.pop(entry_id, None)
            for key in keys:
                ids = self.bands.get(key)
                if ids is not None:
                    ids.discard(entry_id)
                    if not ids:
                        del self.bands[key]
        for entry, keys in update.add:
            self.entries[entry.id] = entry
            for key in keys:
                self.bands.setdefault(key, set()).add(entry.id)
        self.exact.update(update.exact)

    def ids_of_run(self, run_id: str) -> list[str]:
        return [i for i, entry in self.entries.items() if entry.run_id == run_id]

    def forget(self, ids: Sequence[str]) -> None:
        gone = set(ids)
        for entry_id in gone:
            self.entries.pop(entry_id, None)
        for key in list(self.bands):
            self.bands[key] -= gone
            if not self.bands[key]:
                del self.bands[key]
        self.exact = {k: v for k, v in self.exact.items() if v not in gone}

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY, cluster TEXT NOT NULL, run_id TEXT NOT NULL, url TEXT, domain TEXT, title TEXT,
    priority INTEGER NOT NULL, quality REAL, length INTEGER NOT NULL, date TEXT, text_hash TEXT NOT NULL,
    signature BLOB NOT NULL, sample BLOB NOT NULL, modulus INTEGER NOT NULL, shingles INTEGER NOT NULL,
    numbers TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_run ON entries (run_id);
CREATE TABLE IF NOT EXISTS exact (key TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
"""

_ENTRY_COLUMNS = (
    "id, cluster, run_id, url, domain, title, priority, quality, length, date, text_hash, signature, sample, modulus, "
    "shingles, numbers"
)


class SQLiteDedupeIndex:
    """The index in one SQLite file (standard library only), every update in one transaction.

    Kept in the crawl's state folder (``STATE_DIR/dedupe.sqlite``) so the next run drops copies of what this
    run kept. WAL mode: readers are not blocked, and a crash loses at most the last transaction.
    """

    def __init__(self, path: Path, cache_mb: int = 128) -> None:
        self.path = Path(path)
        self.cache_mb = cache_mb
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "open() first"
        return self._db

    def open(self, params: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # Every document adds 64 band rows at random places of the bands B-tree: once the tree outgrows
        # SQLite's default 2 MB page cache, each insert reads and dirties pages all over it. A larger cache
        # (taken only as the index grows) and rarer checkpoints (each one copies the dirty pages back) keep
        # the cost of an insert near flat as the index grows.
        self.db.execute(f"PRAGMA cache_size=-{self.cache_mb * 1024}")
        self.db.execute("PRAGMA wal_autocheckpoint=10000")
        self.db.executescript(_SCHEMA)
        wanted = json.dumps(dict(params), sort_keys=True)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta (key, value) VALUES ('params', ?)", (wanted,))
        elif row[0] != wanted:
            self.close()
            raise IndexMismatch(
                f"{self.path} was built with {row[0]}, not {wanted}: move it away to start a new index"
            )

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(keys), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT key, id FROM exact WHERE key IN ({marks})", chunk).fetchall())
        return out

    def query(self, band_keys: Sequence[int]) -> Counter[str]:
        hits: Counter[str] = Counter()
        for chunk in _chunks(list(band_keys), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id FROM bands WHERE key IN ({marks})", chunk)
            hits.update(row[0] for row in rows)
        return hits

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        out: dict[str, IndexEntry] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id IN ({marks})", chunk):
                entry = _entry_from_row(row)
                out[entry.id] = entry
        return out

    def apply(self, update: IndexUpdate) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for entry_id, keys in update.remove:
                db.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
                db.executemany("DELETE FROM bands WHERE key = ? AND id = ?", [(k, entry_id) for k in keys])
            for entry, keys in update.add:
                db.execute(
                    f"INSERT OR REPLACE INTO entries ({_ENTRY_COLUMNS}) VALUES ({','.join('?' * 16)})",
                    _entry_to_row(entry),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO bands (key, id) VALUES (?, ?)", [(k, entry.id) for k in keys]
                )
            db.executemany("INSERT OR REPLACE INTO exact (key, id) VALUES (?, ?)", list(update.exact.items()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def ids_of_run(self, run_id: str) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM entries WHERE run_id = ?", (run_id,))]

    def forget(self, ids: Sequence[str]) -> None:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for chunk in _chunks(list(ids), 500):
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM entries WHERE id IN ({marks})", chunk)
                db.execute(f"DELETE FROM bands WHERE id IN ({marks})", chunk)
                db.execute(f"DELETE FROM exact WHERE id IN ({marks})", chunk)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _entry_to_row(entry: IndexEntry) -> tuple[Any, ...]:
    return (
        entry.id,
        entry.cluster,
        entry.run_id,
        entry.url,
        entry.domain,
        entry.title,
        entry.priority,
        entry.quality,
        entry.length,
        entry.date,
        entry.text_hash,
        np.ascontiguousarray(entry.signature, dtype="<u4").tobytes(),
        np.ascontiguousarray(entry.sample, dtype="<u4").tobytes(),
        entry.modulus,
        entry.shingles,
        json.dumps(sorted(entry.numbers)),
    )


def _entry_from_row(row: Sequence[Any]) -> IndexEntry:
    return IndexEntry(
        id=row[0],
        cluster=row[1],
        run_id=row[2],
        url=row[3],
        domain=row[4],
        title=row[5],
        priority=row[6],
        quality=row[7],
        length=row[8],
        date=row[9],
        text_hash=row[10],
        signature=np.frombuffer(row[11], dtype="<u4").astype(np.uint32),
        sample=np.frombuffer(row[12], dtype="<u4").astype(np.uint32),
        modulus=row[13],
        shingles=row[14],
        numbers=frozenset(json.loads(row[15])),
    )
