"""The crawl state: what earlier runs fetched and wrote, so a scheduled crawl fetches only what is new.

The run folders are the source of truth: an article exists once its line is in a shard. This store is an
index derived from them. It is updated right after each line is written, and when a run is recovered
(see :mod:`crawler.state.recovery`) it is updated again from whatever the run left on disk. So a run killed at any
point leaves a state that agrees with its outputs.

SQLite from the standard library, in WAL mode, one transaction per update; an exclusive lock file keeps a
second crawl off the same state folder. :class:`StateStore` is the interface a shared (Redis) store fills in
distributed crawls.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import urldefrag

from crawler.state.backoff import BackoffPolicy
from pipelines.dates import parse_utc

logger = logging.getLogger(__name__)

#: 2: the ``archives`` table (``newscorpus warc``); 3: the ``sites`` table (each site's rights files,
#: ``crawler.site_rights``); 4: each page's failures in a row and next try (``crawler.state.backoff``), the
#: ``validators`` table (what discovery re-reads: ETag, Last-Modified, what it said).
SCHEMA_VERSION = 4
#: Versions an older newscorpus wrote that this one brings up to date (adding tables and columns with their
#: defaults, never changing rows).
MIGRATES_FROM = frozenset({1, 2, 3})
#: Columns added to ``pages`` since version 1, as ``ALTER TABLE`` adds them to an older database.
_ADDED_PAGE_COLUMNS = (("failures", "INTEGER NOT NULL DEFAULT 0"), ("next_try", "TEXT"))

#: Outcomes that end a page's story for good. Failures that may go away (timeouts, 5xx, 404) are attempts
#: with a next try (``crawler.state.backoff``).
WRITTEN = "written"
DUPLICATE = "duplicate"
UPDATED = "updated"
REJECTED = "rejected"
#: An archive record read, whatever became of its page (its key: ``archive_record_key``).
INGESTED = "ingested"
#: Tried in a run without a final outcome (a timeout, a language the run did not want, ...): a later run tries
#: again, the same run (resumed) does not.
ATTEMPTED = "attempted"


class StateLocked(RuntimeError):
    """Another crawl holds the state folder."""


@dataclass(frozen=True)
class SeenPage:
    url: str
    outcome: str
    article_id: str | None
    fingerprint: str | None
    lastmod: str | None
    date_published: str | None
    fetched_at: str | None
    run_id: str | None
    revision: int
    #: The ``stage/reason`` of a rejection or attempt; the failures in a row and the time before which the
    #: URL is not asked again (``crawler.state.backoff``).
    reason: str | None = None
    failures: int = 0
    next_try: str | None = None


@dataclass(frozen=True)
class Validators:
    """What a discovery resource (robots.txt, a sitemap, a feed, a start or section page) answered last: its
    ``ETag`` and ``Last-Modified`` for a conditional request, the ``lastmod`` its sitemap index gave it when it
    was read, and ``data``: what the spider needs of it when it answers 304 (the sitemaps a robots.txt names,
    the listings and feeds a start page leads to); ``read_at``: when it was last read in full."""

    etag: str | None = None
    last_modified: str | None = None
    listed: str | None = None
    data: dict[str, Any] | None = None
    read_at: str | None = None


@dataclass(frozen=True)
class ArchivePosition:
    """How far an archive file was read: the compressed offset of the next record to read (None: from the start,
    for a file whose records cannot be sought to), and ``reading``, ``partial`` (its stream broke) or ``done``."""

    next_offset: int | None
    status: str


def archive_record_key(record_id: str) -> str:
    """The state key of an archive record: a record ingested once (by its WARC-Record-ID) is not read again."""
    return "warc:" + record_id


def url_key(url: str) -> str:
    """The form URLs are stored under: no fragment; the rest as given (servers may treat case as meaningful)."""
    return urldefrag(url.strip())[0]


class StateStore(Protocol):
    """What the crawl asks of its state; SQLite here, Redis for distributed crawls. ``folder``: a local folder
    for files kept beside the state (None: none)."""

    @property
    def folder(self) -> Path | None: ...

    def lookup(self, url: str) -> SeenPage | None: ...

    def record(self, urls: Iterable[str | None], outcome: str, **fields: Any) -> None: ...

    def record_failure(
        self, urls: Iterable[str | None], run_id: str, reason: str, kind: str, policy: BackoffPolicy
    ) -> None: ...

    def validators(self, url: str) -> Validators | None: ...

    def due(self, prefix: str, now: datetime) -> list[str]: ...

    def save_validators(self, url: str, validators: Validators) -> None: ...

    def begin_run(self, run_id: str, run_dir: str, resumed: bool = False) -> None: ...

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any]) -> None: ...

    def runs(self) -> list[dict[str, Any]]: ...

    def site_facts(self, origin: str) -> tuple[str, dict[str, Any]] | None: ...

    def save_site_facts(self, origin: str, fetched_at: str, facts: dict[str, Any]) -> None: ...

    def close(self) -> None: ...

    def archive_position(self, location: str) -> ArchivePosition | None: ...

    def save_archive_position(self, location: str, position: ArchivePosition, run_id: str | None) -> None: ...


class CrawlState:
    """The SQLite state of one state folder. Open with :meth:`open`; close when the crawl ends."""

    def __init__(self, folder: Path, connection: sqlite3.Connection, lock_file: IO[str] | None) -> None:
        self.folder = folder
        self._db = connection
        self._lock_file = lock_file

    @classmethod
    def open(cls, folder: str | Path, *, lock: bool = True) -> CrawlState:
        """Open (creating) the state in ``folder``; with ``lock``, fail at once if another crawl holds it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        lock_file = acquire_lock(folder) if lock else None
        db = sqlite3.connect(folder / "state.sqlite", timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        state = cls(folder, db, lock_file)
        state._create_schema()
        return state

    def close(self) -> None:
        self._db.close()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    # -- pages -------------------------------------------------------------------------------------------

    def lookup(self, url: str) -> SeenPage | None:
        row = self._db.execute(
            "SELECT url, outcome, article_id, fingerprint, lastmod, date_published, fetched_at, run_id, revision,"
            " reason, failures, next_try FROM pages WHERE url = ?",
            (url_key(url),),
        ).fetchone()
        return SeenPage(*row) if row else None

    def record(self, urls: Iterable[str | None], outcome: str, **fields: Any) -> None:
        """Record the outcome of a page under every URL it is known by (requested, final, canonical)."""
        keys = list(dict.fromkeys(url_key(u) for u in urls if u))
        if not keys:
            return
        values = (
            outcome,
            fields.get("article_id"),
            fields.get("fingerprint"),
            fields.get("lastmod"),
            fields.get("date_published"),
            fields.get("fetched_at"),
            fields.get("run_id"),
            int(fields.get("revision") or 1),
            fields.get("reason"),
        )
        with self.transaction():
            self._db.executemany(
                "INSERT INTO pages (url, outcome, article_id, fingerprint, lastmod, date_published, fetched_at,"
                " run_id, revision, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET outcome=excluded.outcome, article_id=excluded.article_id,"
                " fingerprint=excluded.fingerprint, lastmod=coalesce(excluded.lastmod, pages.lastmod),"
                " date_published=excluded.date_published, fetched_at=excluded.fetched_at,"
                " run_id=excluded.run_id, revision=excluded.revision, reason=excluded.reason, failures=0,"
                " next_try=NULL",
                [(key, *values) for key in keys],
            )

    def record_failure(
        self, urls: Iterable[str | None], run_id: str, reason: str, kind: str, policy: BackoffPolicy
    ) -> None:
        """A page that failed or was rejected in ``run_id`` without a final outcome: one more failure in a row,
        and a next try by ``kind`` (``crawler.state.backoff``). A final outcome recorded earlier is kept; the
        same failure recorded again by the same run (a resume, a recovery) counts once."""
        keys = list(dict.fromkeys(url_key(u) for u in urls if u))
        if not keys:
            return
        now = policy.clock()
        with self.transaction():
            for key in keys:
                row = self._db.execute(
                    "SELECT outcome, run_id, reason, failures FROM pages WHERE url = ?", (key,)
                ).fetchone()
                if row is not None and row[0] != ATTEMPTED:
                    continue
                if row is not None and row[1] == run_id and row[2] == reason and row[3] > 0:
                    continue
                failures = (row[3] if row is not None else 0) + 1
                self._db.execute(
                    "INSERT INTO pages (url, outcome, run_id, reason, failures, next_try) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(url) DO UPDATE SET run_id=excluded.run_id, reason=excluded.reason,"
                    " failures=excluded.failures, next_try=excluded.next_try",
                    (key, ATTEMPTED, run_id, reason, failures, policy.next_try(kind, failures, now)),
                )

    def record_attempt(self, urls: Iterable[str | None], run_id: str, reason: str) -> None:
        """A page tried in ``run_id`` without a final outcome; a final outcome recorded earlier is kept."""
        keys = list(dict.fromkeys(url_key(u) for u in urls if u))
        if not keys:
            return
        with self.transaction():
            self._db.executemany(
                "INSERT INTO pages (url, outcome, run_id, reason) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET run_id=excluded.run_id, reason=excluded.reason"
                " WHERE pages.outcome = excluded.outcome",
                [(key, ATTEMPTED, run_id, reason) for key in keys],
            )

    def due(self, prefix: str, now: datetime) -> list[str]:
        """URLs under ``prefix`` (a site's origin and ``/``) to ask again by ``now``: their back-off ran out, or they
        wait for nothing (a rejection by the run's options, an attempt an older newscorpus recorded). A page
        refused by a rule without a request (robots.txt, a URL shape) is not among them: the rule decides again
        when the page is found again."""
        pattern = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        rows = self._db.execute(
            "SELECT url, next_try FROM pages WHERE outcome = ? AND (next_try IS NOT NULL OR failures = 0)"
            " AND url LIKE ? ESCAPE '!'",
            (ATTEMPTED, pattern),
        ).fetchall()
        return [url for url, next_try in rows if next_try is None or _due(next_try, now)]

    def page_count(self, outcome: str | None = None) -> int:
        if outcome is None:
            return self._db.execute("SELECT count(*) FROM pages").fetchone()[0]
        return self._db.execute("SELECT count(*) FROM pages WHERE outcome = ?", (outcome,)).fetchone()[0]

    def forget_run_pages(self, run_id: str) -> int:
        """Drop what a run recorded (before re-deriving it from the run's files in recovery)."""
        with self.transaction():
            return self._db.execute("DELETE FROM pages WHERE run_id = ?", (run_id,)).rowcount

    # -- what discovery re-reads -------------------------------------------------------------------------

    def validators(self, url: str) -> Validators | None:
        row = self._db.execute(
            "SELECT etag, last_modified, listed, data, updated_at FROM validators WHERE url = ?",
            (url_key(url),),
        ).fetchone()
        return (
            Validators(row[0], row[1], row[2], json.loads(row[3]) if row[3] else None, row[4])
            if row
            else None
        )

    def save_validators(self, url: str, validators: Validators) -> None:
        data = json.dumps(validators.data, ensure_ascii=False) if validators.data is not None else None
        with self.transaction():
            self._db.execute(
                "INSERT INTO validators (url, etag, last_modified, listed, data, updated_at) VALUES (?, ?, ?, ?,"
                " ?, ?) ON CONFLICT(url) DO UPDATE SET etag=excluded.etag,"
                " last_modified=excluded.last_modified, listed=excluded.listed, data=excluded.data,"
                " updated_at=excluded.updated_at",
                (
                    url_key(url),
                    validators.etag,
                    validators.last_modified,
                    validators.listed,
                    data,
                    validators.read_at,
                ),
            )

    # -- archive files -----------------------------------------------------------------------------------

    def archive_position(self, location: str) -> ArchivePosition | None:
        """Where reading ``location`` goes on (its next record's offset) and whether it is done."""
        row = self._db.execute(
            "SELECT next_offset, status FROM archives WHERE location = ?", (location,)
        ).fetchone()
        return ArchivePosition(row[0], row[1]) if row else None

    def save_archive_position(self, location: str, position: ArchivePosition, run_id: str | None) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO archives (location, next_offset, status, run_id, updated_at) VALUES (?, ?, ?, ?,"
                " strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) ON CONFLICT(location) DO UPDATE SET"
                " next_offset=excluded.next_offset, status=excluded.status, run_id=excluded.run_id,"
                " updated_at=excluded.updated_at",
                (location, position.next_offset, position.status, run_id),
            )

    # -- runs ledger -------------------------------------------------------------------------------------

    def begin_run(self, run_id: str, run_dir: str, resumed: bool = False) -> None:
        with self.transaction():
            if resumed:
                self._db.execute(
                    "UPDATE runs SET status='running', resumes = resumes + 1, pid = ? WHERE run_id = ?",
                    (os.getpid(), run_id),
                )
            self._db.execute(
                "INSERT OR IGNORE INTO runs (run_id, run_dir, status, started_at, pid) VALUES (?, ?, 'running', "
                "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)",
                (run_id, run_dir, os.getpid()),
            )

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any]) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE runs SET status = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), counts = ?"
                " WHERE run_id = ?",
                (status, json.dumps(counts), run_id),
            )

    def runs(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT run_id, run_dir, status, started_at, finished_at, resumes, counts FROM runs ORDER BY started_at"
        ).fetchall()
        keys = ("run_id", "run_dir", "status", "started_at", "finished_at", "resumes", "counts")
        return [dict(zip(keys, row, strict=True)) | {"counts": json.loads(row[6] or "{}")} for row in rows]

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs() if r["status"] == "running"]

    # -- sites -------------------------------------------------------------------------------------------

    def site_facts(self, origin: str) -> tuple[str, dict[str, Any]] | None:
        """When a site's rights files were fetched, and what they said (``crawler.site_rights``)."""
        row = self._db.execute("SELECT fetched_at, facts FROM sites WHERE origin = ?", (origin,)).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def save_site_facts(self, origin: str, fetched_at: str, facts: dict[str, Any]) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO sites (origin, fetched_at, facts) VALUES (?, ?, ?) ON CONFLICT(origin) DO UPDATE"
                " SET fetched_at=excluded.fetched_at, facts=excluded.facts",
                (origin, fetched_at, json.dumps(facts, ensure_ascii=False)),
            )

    # -- plumbing ----------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _create_schema(self) -> None:
        with self.transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) in MIGRATES_FROM:
                # The tables this version adds were created above (CREATE TABLE IF NOT EXISTS); the columns
                # are added with their defaults.
                present = {r[1] for r in self._db.execute("PRAGMA table_info(pages)")}
                for name, declaration in _ADDED_PAGE_COLUMNS:
                    if name not in present:
                        self._db.execute(f"ALTER TABLE pages ADD COLUMN {name} {declaration}")
                self._db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) != SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.folder}: state schema version {row[0]}, this newscorpus reads {SCHEMA_VERSION}"
                )


_SITES = "CREATE TABLE IF NOT EXISTS sites (origin TEXT PRIMARY KEY, fetched_at TEXT NOT NULL, facts TEXT NOT NULL)"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, outcome TEXT NOT NULL, article_id TEXT,"
    " fingerprint TEXT, lastmod TEXT, date_published TEXT, fetched_at TEXT, run_id TEXT,"
    " revision INTEGER NOT NULL DEFAULT 1, reason TEXT, failures INTEGER NOT NULL DEFAULT 0, next_try TEXT)",
    "CREATE INDEX IF NOT EXISTS pages_run ON pages (run_id)",
    "CREATE INDEX IF NOT EXISTS pages_article ON pages (article_id)",
    "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, run_dir TEXT, status TEXT, started_at TEXT,"
    " finished_at TEXT, resumes INTEGER NOT NULL DEFAULT 0, pid INTEGER, counts TEXT)",
    # Archive files read (newscorpus warc): where to go on in each, and whether it is done.
    "CREATE TABLE IF NOT EXISTS archives (location TEXT PRIMARY KEY, next_offset INTEGER, status TEXT NOT NULL,"
    " run_id TEXT, updated_at TEXT)",
    # Each site's rights files (crawler.site_rights): what they said, and when they were fetched.
    _SITES,
    # What discovery re-reads (robots.txt, sitemaps, feeds, start and section pages): Validators.
    "CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, listed TEXT,"
    " data TEXT, updated_at TEXT)",
)


def _due(next_try: str | None, now: datetime) -> bool:
    when = parse_utc(next_try)
    return when is not None and when <= now


def acquire_lock(folder: Path) -> IO[str]:
    """An exclusive, non-blocking lock on ``folder/lock``; the OS releases it if the process dies."""
    handle = open(folder / "lock", "a+", encoding="utf-8")  # noqa: SIM115 - held for the crawl's lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise StateLocked(
            f"the state folder {folder} is in use by {holder}; wait for that crawl to finish "
            "(two crawls must not share a state folder)"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    return handle
