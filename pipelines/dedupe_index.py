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
import struct
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipelines.band_table import BandTable, GrowableBuffer

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


def _exact_key(key: str) -> str | bytes:
    """A text key (``t:`` and a SHA-1 in hex) as 21 bytes, any other key as it is.

    Why: the text keys are half of the exact map, and a 42-character string costs 91 bytes, the bytes 54.
    """
    if len(key) == 42 and key.startswith("t:"):
        try:
            raw = bytes.fromhex(key[2:])
        except ValueError:
            return key
        if raw.hex() == key[2:]:
            return b"t" + raw
    return key


def _pack_bits(values: np.ndarray) -> tuple[int, int, bytes]:
    """uint32 values as (shift, width, bits): each value's ``width`` bits above its ``shift`` common zero bits.

    MinHash minima are small numbers (about 23 of 32 bits used) and sampled shingle hashes share their low zero
    bits (the sampling test), so both arrays pack into less than their 4 bytes a value.
    """
    if not len(values):
        return 0, 0, b""
    common = int(np.bitwise_or.reduce(values))
    shift = (common & -common).bit_length() - 1 if common else 0
    values = values >> np.uint32(shift)
    width = int(values.max()).bit_length()
    bits = np.unpackbits(values.astype(">u4").view(np.uint8)).reshape(-1, 32)[:, 32 - width :]
    return shift, width, np.packbits(bits).tobytes()


def _unpack_bits(raw: bytes, count: int, shift: int, width: int) -> np.ndarray:
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), count=count * width).reshape(count, width)
    full = np.zeros((count, 32), dtype=np.uint8)
    full[:, 32 - width :] = bits
    return np.packbits(full, axis=1).view(">u4").ravel().astype(np.uint32) << np.uint32(shift)


# total bytes, priority, quality, length, shingles, modulus; signature and sample: count, shift, width; numbers;
# run id and domain (string table index); byte lengths of cluster, url, title, date (-1: None, or the id for the
# cluster); text hash bytes; flags.
_RECORD = struct.Struct("<IqdIIIIBBIBBIIiiiiiBB")
_QUALITY_NONE = 1


class _EntryStore:
    """Entries packed end to end in one :class:`GrowableBuffer`, found by the band table's entry numbers.

    Why: as objects (a dataclass, two numpy arrays, a frozenset of number strings, a hex string) an entry costs
    about 5.3 KB; packed, about 2.6 KB, most of it the bit-packed shingle sample. Run ids and domains repeat, so
    each is kept once in a table. One map rather than a bytes object per entry: no per-object overhead and no
    heap fragmentation around a million 3 KB blocks. An entry that does not fit the format (other types than the
    stage makes) is kept as the object. Replaced and removed records are garbage until the next compaction.
    """

    def __init__(self, min_garbage: int = 1 << 26) -> None:
        self.memory = GrowableBuffer(0)
        self.used = 0
        self.garbage = 0
        self.min_garbage = min_garbage  # compact once garbage passes this and a quarter of the bytes used
        self.offsets = np.full(1024, -1, dtype=np.int64)  # number -> record offset, -1: none
        self.objects: dict[int, IndexEntry] = {}  # number -> entry that does not pack
        self.strings: list[str] = []
        self.string_index: dict[str, int] = {}

    def put(self, number: int, entry: IndexEntry) -> None:
        self.drop(number)
        record = self._pack(entry)
        if record is None:
            self.objects[number] = entry
            return
        if number >= len(self.offsets):
            grown = np.full(max(2 * len(self.offsets), number + 1), -1, dtype=np.int64)
            grown[: len(self.offsets)] = self.offsets
            self.offsets = grown
        end = self.used + len(record)
        if end > self.memory.nbytes:
            self.memory.resize(max(end, 2 * self.memory.nbytes, 1 << 20))
        self.memory.write(self.used, record)
        self.offsets[number] = self.used
        self.used = end

    def drop(self, number: int) -> None:
        self.objects.pop(number, None)
        if number < len(self.offsets) and self.offsets[number] >= 0:
            self.garbage += self._size(int(self.offsets[number]))
            self.offsets[number] = -1
            if self.garbage > max(self.min_garbage, self.used // 4):
                self._compact()

    def get(self, number: int, entry_id: str) -> IndexEntry | None:
        offset = int(self.offsets[number]) if number < len(self.offsets) else -1
        if offset < 0:
            return self.objects.get(number)
        return self._unpack(entry_id, self.memory.read(offset, offset + self._size(offset)))

    def run_id(self, number: int) -> str | None:
        offset = int(self.offsets[number]) if number < len(self.offsets) else -1
        if offset >= 0:
            return self.strings[_RECORD.unpack_from(self.memory.raw, offset)[13]]
        entry = self.objects.get(number)
        return None if entry is None else entry.run_id

    def numbers(self) -> list[int]:
        """Numbers that hold an entry."""
        return sorted([*np.flatnonzero(self.offsets >= 0).tolist(), *self.objects])

    def _size(self, offset: int) -> int:
        size: int = _RECORD.unpack_from(self.memory.raw, offset)[0]
        return size

    def _compact(self) -> None:
        """Slide the live records to the front of the map (in place: each moves down, in offset order)."""
        numbers = np.flatnonzero(self.offsets >= 0)
        numbers = numbers[np.argsort(self.offsets[numbers])]
        written = 0
        for number in numbers.tolist():
            offset = int(self.offsets[number])
            size = self._size(offset)
            if offset != written:
                self.memory.move(written, offset, size)
                self.offsets[number] = written
            written += size
        logger.debug("entry store compacted: %d -> %d bytes", self.used, written)
        self.used, self.garbage = written, 0
        self.memory.resize(max(written, 1 << 20))

    def _shared(self, value: str) -> int:
        index = self.string_index.get(value)
        if index is None:
            index = self.string_index[value] = len(self.strings)
            self.strings.append(value)
        return index

    def _pack(self, entry: IndexEntry) -> bytes | None:
        """The record of an entry, or None when it does not fit the format."""
        signature, sample, numbers = entry.signature, entry.sample, entry.numbers
        if not (
            all(type(v) is int for v in (entry.priority, entry.length, entry.modulus, entry.shingles))
            and (entry.quality is None or type(entry.quality) is float)
            and all(
                isinstance(a, np.ndarray) and a.dtype == np.uint32 and a.ndim == 1
                for a in (signature, sample)
            )
            and all(type(v) is str for v in (entry.id, entry.cluster, entry.run_id, entry.text_hash))
            and all(v is None or type(v) is str for v in (entry.url, entry.domain, entry.title, entry.date))
            and type(numbers) is frozenset
            and all(type(n) is str and "\x00" not in n for n in numbers)
        ):
            return None
        try:
            text_hash = bytes.fromhex(entry.text_hash)
            if text_hash.hex() != entry.text_hash or len(text_hash) > 255:
                return None
            cluster = b"" if entry.cluster == entry.id else entry.cluster.encode()
            url, title, date = (
                b"" if v is None else v.encode() for v in (entry.url, entry.title, entry.date)
            )
            sig_shift, sig_width, sig_bits = _pack_bits(signature)
            sample_shift, sample_width, sample_bits = _pack_bits(sample)
            body = b"".join(
                (text_hash, sig_bits, sample_bits, cluster, url, title, date, "\x00".join(numbers).encode())
            )
            header = _RECORD.pack(
                _RECORD.size + len(body),
                entry.priority,
                0.0 if entry.quality is None else entry.quality,
                entry.length,
                entry.shingles,
                entry.modulus,
                len(signature),
                sig_shift,
                sig_width,
                len(sample),
                sample_shift,
                sample_width,
                len(numbers),
                self._shared(entry.run_id),
                -1 if entry.domain is None else self._shared(entry.domain),
                -1 if entry.cluster == entry.id else len(cluster),
                -1 if entry.url is None else len(url),
                -1 if entry.title is None else len(title),
                -1 if entry.date is None else len(date),
                len(text_hash),
                _QUALITY_NONE if entry.quality is None else 0,
            )
        except (ValueError, OverflowError, struct.error, UnicodeEncodeError):
            return None
        return header + body

    def _unpack(self, entry_id: str, record: bytes) -> IndexEntry:
        (
            _,
            priority,
            quality,
            length,
            shingles,
            modulus,
            sig_count,
            sig_shift,
            sig_width,
            sample_count,
            sample_shift,
            sample_width,
            numbers_count,
            run,
            domain,
            *sizes,
            hash_size,
            flags,
        ) = _RECORD.unpack_from(record)
        at = _RECORD.size
        text_hash = record[at : at + hash_size].hex()
        at += hash_size
        arrays = []
        for count, shift, width in (
            (sig_count, sig_shift, sig_width),
            (sample_count, sample_shift, sample_width),
        ):
            size = (count * width + 7) // 8
            arrays.append(_unpack_bits(record[at : at + size], count, shift, width))
            at += size
        texts: list[str | None] = []
        for size in sizes:
            texts.append(None if size < 0 else record[at : at + size].decode())
            at += max(size, 0)
        cluster, url, title, date = texts
        return IndexEntry(
            id=entry_id,
            cluster=entry_id if cluster is None else cluster,
            run_id=self.strings[run],
            url=url,
            domain=None if domain < 0 else self.strings[domain],
            title=title,
            priority=priority,
            quality=None if flags & _QUALITY_NONE else quality,
            length=length,
            date=date,
            text_hash=text_hash,
            signature=arrays[0],
            sample=arrays[1],
            modulus=modulus,
            shingles=shingles,
            numbers=frozenset(record[at:].decode().split("\x00")) if numbers_count else frozenset(),
        )


def at_least(hits: Counter[str], min_hits: int) -> Counter[str]:
    """The ids with at least ``min_hits`` hits, in the order they came."""
    if min_hits <= 1:
        return hits
    return Counter({i: n for i, n in hits.items() if n >= min_hits})


class MemoryDedupeIndex:
    """In one process: for a crawl without a state folder, tests and benchmarks.

    Sized for a million documents in under 4 GB: band keys in a :class:`~pipelines.band_table.BandTable` (about
    0.8 KB a document, where a dict of sets took 20 KB) and entries packed in one memory map (about 2.6 KB, see
    :class:`_EntryStore`). ``get`` therefore returns new :class:`IndexEntry` objects, as the SQLite index does: an
    entry changes through ``apply`` only.
    """

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self.bands = BandTable()  # also numbers the entry ids, for the entry store
        self.exact: dict[str | bytes, str] = {}  # keys through _exact_key
        # Ids X whose key "u:X" leads to X itself (a kept article's own URL): most URL keys, kept without the
        # key string (about 70 bytes each).
        self.own_urls: set[str] = set()
        self._entries = _EntryStore()

    def open(self, params: Mapping[str, Any]) -> None:
        if self.params is not None and self.params != dict(params):
            raise IndexMismatch(f"index built with {self.params}, asked for {dict(params)}")
        self.params = dict(params)

    def resolve(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in keys:
            found = self.exact.get(_exact_key(key))
            if found is None and key.startswith("u:") and key[2:] in self.own_urls:
                found = key[2:]
            if found is not None:
                out[key] = found
        return out

    def query(self, band_keys: Sequence[int], min_hits: int = 1) -> Counter[str]:
        return self.bands.query(band_keys, min_hits)

    def get(self, ids: Sequence[str]) -> dict[str, IndexEntry]:
        out: dict[str, IndexEntry] = {}
        for entry_id in ids:
            number = self.bands.number(entry_id)
            entry = None if number is None else self._entries.get(number, entry_id)
            if entry is not None:
                out[entry_id] = entry
        return out

    def apply(self, update: IndexUpdate) -> None:
        for entry_id, keys in update.remove:
            number = self.bands.number(entry_id)
            if number is not None:
                self._entries.drop(number)
            self.bands.remove(entry_id, keys)
        for entry, keys in update.add:
            self._entries.put(self.bands.add(entry.id, keys), entry)
        for key, value in update.exact.items():
            if key.startswith("u:"):
                if key[2:] == value:
                    self.exact.pop(key, None)
                    self.own_urls.add(value)
                    continue
                self.own_urls.discard(key[2:])
            self.exact[_exact_key(key)] = value

    def ids_of_run(self, run_id: str) -> list[str]:
        out = []
        for number in self._entries.numbers():
            name = self.bands.name(number)
            if name is not None and self._entries.run_id(number) == run_id:
                out.append(name)
        return out

    def forget(self, ids: Sequence[str]) -> None:
        gone = set(ids)
        for entry_id in gone:
            number = self.bands.number(entry_id)
            if number is not None:
                self._entries.drop(number)
        self.bands.forget(gone)
        self.exact = {k: v for k, v in self.exact.items() if v not in gone}
        self.own_urls -= gone
        for number in self._entries.numbers():  # a scan: recovery only
            name = self.bands.name(number)
            entry = self._entries.get(number, name) if name is not None else None
            if entry is not None and entry.cluster in gone:
                entry.cluster = entry.id
                self._entries.put(number, entry)

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
        hits: Counter[str] = Counter()
        for chunk in _chunks(list(band_keys), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT id FROM bands WHERE key IN ({marks})", chunk)
            hits.update(row[0] for row in rows)
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
