"""The dedupe index in the crawl state's SQLite file, so that copies are caught across runs."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.dedupe.index.base import IndexEntry, IndexMismatch, IndexUpdate, at_least

logger = logging.getLogger(__name__)


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
    """The index in one SQLite file (standard library only), every update atomic (a transaction of its own, or
    with ``group_commit`` a savepoint in a transaction ``commit`` ends).

    Kept in the crawl's state folder (``STATE_DIR/dedupe.sqlite``) so the next run drops copies of what this
    run kept. WAL mode: readers are not blocked, and a crash loses at most the last transaction.
    """

    def __init__(self, path: Path, cache_mb: int = 128, group_commit: bool = False) -> None:
        """``group_commit``: ``apply`` leaves its update in an open transaction that ``commit`` (or ``close``)
        ends, for a caller that commits many updates at once and holds back what depends on them meanwhile
        (the crawl's dedupe stage; see ``DedupePipeline``). Each update stays atomic (a savepoint)."""
        self.path = Path(path)
        self.cache_mb = cache_mb
        self.group_commit = group_commit
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

    def query(self, band_keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        # Counted by SQLite: a document shares all its bands with itself and most candidates share a few, so a
        # row a band hands Python some 70 rows a query, a row a document a handful (the crawl's check and the
        # end-of-run audit each run one a kept article). Ordered as a row a band came: by the first key.
        hits: Counter[str] = Counter()
        for chunk in _chunks(list(band_keys), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, COUNT(*) FROM bands WHERE key IN ({marks}) GROUP BY id ORDER BY MIN(key), id",
                chunk,
            )
            for rid, count in rows:
                hits[rid] += count
        return at_least(hits, min_hits)

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
        if self.group_commit:
            if not db.in_transaction:
                db.execute("BEGIN IMMEDIATE")
            db.execute("SAVEPOINT index_update")
            try:
                self._write(update)
            except BaseException:
                db.execute("ROLLBACK TO index_update")
                db.execute("RELEASE index_update")
                raise
            db.execute("RELEASE index_update")
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            self._write(update)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        """Commit the updates ``apply`` left open (with ``group_commit``); nothing to do otherwise."""
        if self._db is not None and self._db.in_transaction:
            self._db.execute("COMMIT")

    def rollback(self) -> None:
        """Drop the updates ``apply`` left open (with ``group_commit``): a commit that failed."""
        if self._db is not None and self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _write(self, update: IndexUpdate) -> None:
        db = self.db
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

    def ids_of_run(self, run_id: str) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM entries WHERE run_id = ?", (run_id,))]

    def forget(self, ids: Sequence[str]) -> None:
        self.commit()
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for chunk in _chunks(list(ids), 500):
                marks = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM entries WHERE id IN ({marks})", chunk)
                db.execute(f"DELETE FROM bands WHERE id IN ({marks})", chunk)
                db.execute(f"DELETE FROM exact WHERE id IN ({marks})", chunk)
                db.execute(f"UPDATE entries SET cluster = id WHERE cluster IN ({marks})", chunk)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._db is not None:
            self.commit()
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
