"""Where a site's line counts are kept: in memory, in the crawl state's SQLite file, or in the shared Redis of a
distributed crawl.

The crawl decides which (its state extension implements :class:`LineStoreSource`); without one, the counts of
a run are kept in memory.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class LineCountStore(Protocol):
    """Where the per-domain counts live. Implementations must make ``add_page`` atomic per call."""

    def add_page(self, domain: str, keys: Iterable[str]) -> None:
        """Count one more page of ``domain`` and one more occurrence of each (distinct) line key."""

    def page_count(self, domain: str) -> int: ...

    def line_counts(self, domain: str, keys: Iterable[str]) -> dict[str, int]:
        """How many pages of ``domain`` each key was seen on (keys never seen may be omitted)."""
        ...


class LineStoreSource:
    """Where the crawl keeps the line counts, found by the clean stage with ``crawler.get_extension``."""

    def line_store(self, max_lines_per_domain: int) -> LineCountStore | None:
        """The store for this crawl, or None to keep the counts in memory."""
        raise NotImplementedError


class MemoryLineStore:
    """In-process counts; bounded per domain by dropping the lines seen once when the table is full."""

    def __init__(self, max_lines_per_domain: int = 200_000) -> None:
        self.max_lines = max_lines_per_domain
        self._pages: dict[str, int] = {}
        self._lines: dict[str, dict[str, int]] = {}

    def add_page(self, domain: str, keys: Iterable[str]) -> None:
        self._pages[domain] = self._pages.get(domain, 0) + 1
        table = self._lines.setdefault(domain, {})
        for key in set(keys):
            table[key] = table.get(key, 0) + 1
        if len(table) > self.max_lines:
            for key in [k for k, n in table.items() if n <= 1]:
                del table[key]

    def page_count(self, domain: str) -> int:
        return self._pages.get(domain, 0)

    def line_counts(self, domain: str, keys: Iterable[str]) -> dict[str, int]:
        table = self._lines.get(domain, {})
        return {key: table[key] for key in keys if key in table}


class SQLiteLineStore:
    """Counts in the crawl state folder (``lines.sqlite``), so what a scheduled crawl learned about a site's
    repeated lines carries over to its next runs. Counts are statistics: a crash may lose the pages counted since
    the last commit (at most ``commit_every``), which only delays what the learner learns."""

    def __init__(
        self, path: Path, max_lines_per_domain: int = 200_000, commit_every: int = 100, cache_mb: int = 32
    ) -> None:
        """``cache_mb``: SQLite's page cache. Its default, 2 MB, is outgrown by a site's counts after a few
        thousand pages, and each page's upserts then read B-tree pages back through the OS (about a sixth more
        time a page)."""
        self.path = path
        self.cache_mb = cache_mb
        self.max_lines = max_lines_per_domain
        # Pages counted per transaction: a commit a page cost the reactor more than the counting itself, and a
        # crash losing the last pages' counts only delays what the learner learns (``close`` commits the rest).
        self.commit_every = max(1, commit_every)
        self._pending = 0
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA cache_size=-{self.cache_mb * 1024}")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS pages (domain TEXT PRIMARY KEY, count INTEGER NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS lines (domain TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,"
                " PRIMARY KEY (domain, key)) WITHOUT ROWID"
            )
        return self._db

    def add_page(self, domain: str, keys: Iterable[str]) -> None:
        db = self.db
        if not db.in_transaction:
            db.execute("BEGIN IMMEDIATE")
        db.execute("SAVEPOINT page")  # a page that fails leaves the batch as it was
        try:
            db.execute(
                "INSERT INTO pages VALUES (?, 1) ON CONFLICT(domain) DO UPDATE SET count = count + 1",
                (domain,),
            )
            db.executemany(
                "INSERT INTO lines VALUES (?, ?, 1) ON CONFLICT(domain, key) DO UPDATE SET count = count + 1",
                [(domain, key) for key in set(keys)],
            )
            # Counting a domain's lines costs a scan: check the bound every hundred pages only.
            (pages,) = db.execute("SELECT count FROM pages WHERE domain = ?", (domain,)).fetchone()
            if pages % 100 == 0:
                (size,) = db.execute("SELECT count(*) FROM lines WHERE domain = ?", (domain,)).fetchone()
                if size > self.max_lines:
                    db.execute("DELETE FROM lines WHERE domain = ? AND count <= 1", (domain,))
        except BaseException:
            db.execute("ROLLBACK TO page")
            db.execute("RELEASE page")
            raise
        db.execute("RELEASE page")
        self._pending += 1
        if self._pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """Write the pages counted since the last commit."""
        if self._db is not None and self._db.in_transaction:
            self._db.execute("COMMIT")
        self._pending = 0

    def page_count(self, domain: str) -> int:
        row = self.db.execute("SELECT count FROM pages WHERE domain = ?", (domain,)).fetchone()
        return int(row[0]) if row else 0

    def line_counts(self, domain: str, keys: Iterable[str]) -> dict[str, int]:
        wanted = list(set(keys))
        counts: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT key, count FROM lines WHERE domain = ? AND key IN ({marks})", (domain, *chunk)
            )
            counts.update({key: int(count) for key, count in rows})
        return counts

    def close(self) -> None:
        if self._db is not None:
            self.commit()
            self._db.close()
            self._db = None


# KEYS[1] pages per domain, KEYS[2] one domain's line counts. ARGV[1] the domain, ARGV[2..] its distinct line
# keys. Counts the page and its lines; returns the domain's pages, its table size, then each key's count.
_ADD_PAGE = """
local out = {redis.call('HINCRBY', KEYS[1], ARGV[1], 1), 0}
for i = 2, #ARGV do out[#out + 1] = redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
out[2] = redis.call('HLEN', KEYS[2])
return out
"""


# KEYS[1] one domain's line counts. ARGV[1] the bound: lines seen on one page only are dropped past it.
_PRUNE = """
if redis.call('HLEN', KEYS[1]) <= tonumber(ARGV[1]) then return 0 end
local all = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) <= 1 then redis.call('HDEL', KEYS[1], all[i]); n = n + 1 end
end
return n
"""


class RedisLineStore:
    """The counts in Redis, shared by every worker of a distributed crawl (``crawler.distributed``).

    ``client`` is a ``redis.Redis`` the caller opened (this module imports no Redis driver). Keys:
    ``<namespace>:lines:pages`` (domain -> pages) and ``<namespace>:lines:<domain>`` (line key -> pages).
    ``add_page`` is one command (a Lua script, atomic); the counts it returns serve the ``page_count`` and
    ``line_counts`` calls that :meth:`SiteBoilerplate.process` makes right after it, so a page costs one
    round trip, not three.
    """

    def __init__(
        self, client: object, namespace: str = "newscorpus", max_lines_per_domain: int = 200_000
    ) -> None:
        self.client: Any = client
        self.prefix = f"{namespace}:lines"
        self.max_lines = max_lines_per_domain
        self._last: tuple[str, int, dict[str, int]] | None = None
        self._add_page: Any = None
        self._prune: Any = None

    def _lines_key(self, domain: str) -> str:
        return f"{self.prefix}:{domain}"

    def add_page(self, domain: str, keys: Iterable[str]) -> None:
        distinct = sorted(set(keys))
        if self._add_page is None:
            self._add_page = self.client.register_script(_ADD_PAGE)
            self._prune = self.client.register_script(_PRUNE)
        results = self._add_page(
            keys=[f"{self.prefix}:pages", self._lines_key(domain)], args=[domain, *distinct]
        )
        self._last = (domain, int(results[0]), dict(zip(distinct, map(int, results[2:]), strict=True)))
        if int(results[1]) > self.max_lines:
            self._prune(keys=[self._lines_key(domain)], args=[self.max_lines])

    def page_count(self, domain: str) -> int:
        if self._last is not None and self._last[0] == domain:
            return self._last[1]
        return int(self.client.hget(f"{self.prefix}:pages", domain) or 0)

    def line_counts(self, domain: str, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        last, self._last = self._last, None
        if last is not None and last[0] == domain and all(k in last[2] for k in keys):
            return {k: last[2][k] for k in keys}
        values = self.client.hmget(self._lines_key(domain), keys) if keys else []
        return {k: int(v) for k, v in zip(keys, values, strict=True) if v is not None}
