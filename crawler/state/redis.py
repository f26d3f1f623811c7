"""The crawl state in Redis: the :class:`~crawler.state.StateStore` every worker of a distributed crawl shares.

What it holds is what the SQLite state holds (page outcomes under every URL a page is known by, a ledger of
runs), so a page written by one worker is skipped by all the others, and by every later run on the same
Redis. Keys under ``<namespace>:state:``: ``pages`` (URL -> outcome, with its failures in a row and next try),
``runs`` (``<run id>/<worker>`` -> ledger entry), ``archives`` (archive file -> how far it was read), ``sites``
(origin -> its rights files, ``crawler.site_rights``), ``validators`` (discovery URL -> ETag, Last-Modified,
what it said).

Recording a page's outcome also confirms the dedupe decision about it (``pipelines.dedupe.index.redis``): both
happen in one Lua script, so a worker killed at any moment leaves either both or neither.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.state.backoff import BackoffPolicy
from crawler.state.sqlite import ATTEMPTED, ArchivePosition, SeenPage, Validators, url_key
from pipelines.dates import parse_utc, utc_now
from pipelines.dedupe.index.redis import pending_key

logger = logging.getLogger(__name__)

# KEYS[1] pages hash, KEYS[2] the worker's pending dedupe decisions. ARGV[1] lastmod ('' = keep the recorded
# one, as the SQLite state's coalesce does), ARGV[2] the rest of the outcome (JSON), ARGV[3] article id
# ('' = none), ARGV[4..] URL keys. A page is stored as "<lastmod>\t<json>".
_RECORD = """
for i = 4, #ARGV do
  local lastmod = ARGV[1]
  if lastmod == '' then
    local old = redis.call('HGET', KEYS[1], ARGV[i])
    if old then lastmod = string.sub(old, 1, (string.find(old, '\\t', 1, true) or 1) - 1) end
  end
  redis.call('HSET', KEYS[1], ARGV[i], lastmod .. '\\t' .. ARGV[2])
end
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[2], ARGV[3]) end
return #ARGV - 3
"""


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RedisCrawlState:
    """A :class:`~crawler.state.StateStore` in Redis. ``worker`` names this process in the run ledger and
    owns the pending dedupe decisions that :meth:`record` confirms."""

    def __init__(
        self, client: Any, namespace: str = "newscorpus", worker: str = "", folder: Path | None = None
    ) -> None:
        #: A local folder of this worker's own, for components that keep files beside the state (none of the
        #: shared state is there: the distributed crawl puts the dedupe index and line counts in Redis).
        self.folder = folder
        self.client = client
        self.namespace = namespace
        self.worker = worker
        self.prefix = f"{namespace}:state"
        self._pages = f"{self.prefix}:pages"
        self._runs = f"{self.prefix}:runs"
        self._archives = f"{self.prefix}:archives"
        self._sites = f"{self.prefix}:sites"
        self._validators = f"{self.prefix}:validators"
        self._pending = pending_key(namespace, worker or "-")
        self._record = client.register_script(_RECORD)

    # -- pages -------------------------------------------------------------------------------------------

    def lookup(self, url: str) -> SeenPage | None:
        key = url_key(url)
        raw = self.client.hget(self._pages, key)
        return None if raw is None else _page(key, raw)

    def lookup_many(self, urls: Iterable[str]) -> dict[str, SeenPage]:
        """Several pages in one round trip (by the URL given)."""
        urls = list(urls)
        if not urls:
            return {}
        raws = self.client.hmget(self._pages, [url_key(u) for u in urls])
        return {u: _page(url_key(u), raw) for u, raw in zip(urls, raws, strict=True) if raw is not None}

    def record(self, urls: Iterable[str | None], outcome: str, **fields: Any) -> None:
        """Record the outcome of a page under every URL it is known by; confirm its dedupe decision."""
        keys = list(dict.fromkeys(url_key(u) for u in urls if u))
        if not keys:
            return
        rest = json.dumps(
            {
                "outcome": outcome,
                "article_id": fields.get("article_id"),
                "fingerprint": fields.get("fingerprint"),
                "date_published": fields.get("date_published"),
                "fetched_at": fields.get("fetched_at"),
                "run_id": fields.get("run_id"),
                "revision": int(fields.get("revision") or 1),
                "reason": fields.get("reason"),
                "worker": self.worker or None,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        lastmod = fields.get("lastmod") or ""
        self._record(
            keys=[self._pages, self._pending], args=[lastmod, rest, fields.get("article_id") or "", *keys]
        )

    def record_failure(
        self, urls: Iterable[str | None], run_id: str, reason: str, kind: str, policy: BackoffPolicy
    ) -> None:
        """As the SQLite state's: one more failure in a row, a next try by ``kind``; a final outcome is kept.
        Read and written in two round trips, not one script: a URL is in flight in one worker at a time
        (the shared queue's filter), so no two workers record the same URL's failure at once."""
        keys = list(dict.fromkeys(url_key(u) for u in urls if u))
        if not keys:
            return
        now = policy.clock()
        olds = self.client.hmget(self._pages, keys)
        updates: dict[str, str] = {}
        for key, raw in zip(keys, olds, strict=True):
            lastmod, data = _split(raw) if raw is not None else ("", {})
            if raw is not None and data.get("outcome") != ATTEMPTED:
                continue
            failures = int(data.get("failures") or 0)
            if data.get("run_id") == run_id and data.get("reason") == reason and failures > 0:
                continue
            failures += 1
            data.update(
                outcome=ATTEMPTED,
                run_id=run_id,
                reason=reason,
                failures=failures,
                next_try=policy.next_try(kind, failures, now),
                worker=self.worker or None,
            )
            updates[key] = lastmod + "\t" + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if updates:
            self.client.hset(self._pages, mapping=updates)

    def validators(self, url: str) -> Validators | None:
        raw = self.client.hget(self._validators, url_key(url))
        if raw is None:
            return None
        data = json.loads(_text(raw))
        return Validators(
            data.get("etag"),
            data.get("last_modified"),
            data.get("listed"),
            data.get("data"),
            data.get("read_at"),
        )

    def save_validators(self, url: str, validators: Validators) -> None:
        entry = {
            "etag": validators.etag,
            "last_modified": validators.last_modified,
            "listed": validators.listed,
            "data": validators.data,
            "read_at": validators.read_at,
        }
        self.client.hset(self._validators, url_key(url), json.dumps(entry, ensure_ascii=False))

    def due(self, prefix: str, now: datetime) -> list[str]:
        """As the SQLite state's: URLs under ``prefix`` whose back-off ran out (one scan of the pages)."""
        due = []
        for key, raw in self.client.hscan_iter(self._pages, match=_glob(prefix) + "*", count=1000):
            data = _split(raw)[1]
            if data.get("outcome") != ATTEMPTED:
                continue
            when = parse_utc(data.get("next_try"))
            if (when is None and not data.get("failures")) or (when is not None and when <= now):
                due.append(_text(key))
        return due

    def page_count(self, outcome: str | None = None) -> int:
        if outcome is None:
            return int(self.client.hlen(self._pages))
        return sum(
            1 for _, raw in self.client.hscan_iter(self._pages, count=1000) if _outcome(raw) == outcome
        )

    # -- archive files -----------------------------------------------------------------------------------

    def archive_position(self, location: str) -> ArchivePosition | None:
        raw = self.client.hget(self._archives, location)
        if raw is None:
            return None
        data = json.loads(raw)
        return ArchivePosition(data.get("next_offset"), data.get("status") or "reading")

    def save_archive_position(self, location: str, position: ArchivePosition, run_id: str | None) -> None:
        entry = {
            "next_offset": position.next_offset,
            "status": position.status,
            "run_id": run_id,
            "worker": self.worker,
        }
        self.client.hset(self._archives, location, json.dumps(entry))

    # -- runs ledger -------------------------------------------------------------------------------------

    def _ledger_key(self, run_id: str) -> str:
        return f"{run_id}/{self.worker}" if self.worker else run_id

    def begin_run(self, run_id: str, run_dir: str, resumed: bool = False) -> None:
        entry: dict[str, Any] = {
            "run_id": run_id,
            "worker": self.worker or None,
            "run_dir": run_dir,
            "status": "running",
            "started_at": utc_now(),
            "finished_at": None,
            "resumes": 0,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "counts": {},
        }
        self.client.hset(self._runs, self._ledger_key(run_id), json.dumps(entry))

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any]) -> None:
        key = self._ledger_key(run_id)
        raw = self.client.hget(self._runs, key)
        entry = json.loads(raw) if raw else {"run_id": run_id, "worker": self.worker or None}
        entry.update({"status": status, "finished_at": utc_now(), "counts": counts})
        self.client.hset(self._runs, key, json.dumps(entry))

    def runs(self) -> list[dict[str, Any]]:
        entries = [json.loads(raw) for raw in self.client.hvals(self._runs)]
        return sorted(entries, key=lambda e: (e.get("started_at") or "", e.get("worker") or ""))

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [r for r in self.runs() if r["status"] == "running"]

    # -- sites -------------------------------------------------------------------------------------------

    def site_facts(self, origin: str) -> tuple[str, dict[str, Any]] | None:
        raw = self.client.hget(self._sites, origin)
        if raw is None:
            return None
        entry = json.loads(_text(raw))
        return entry["fetched_at"], entry["facts"]

    def save_site_facts(self, origin: str, fetched_at: str, facts: dict[str, Any]) -> None:
        entry = {"fetched_at": fetched_at, "facts": facts}
        self.client.hset(self._sites, origin, json.dumps(entry, ensure_ascii=False))

    def close(self) -> None:
        self.client.close()


def _glob(text: str) -> str:
    """``text`` as a literal in a Redis MATCH pattern."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _split(raw: bytes | str) -> tuple[str, dict[str, Any]]:
    text = _text(raw)
    lastmod, _, rest = text.partition("\t")
    return lastmod, json.loads(rest)


def _outcome(raw: bytes | str) -> str:
    return _split(raw)[1].get("outcome", "")


def _page(key: str, raw: bytes | str) -> SeenPage:
    lastmod, data = _split(raw)
    return SeenPage(
        url=key,
        outcome=data["outcome"],
        article_id=data.get("article_id"),
        fingerprint=data.get("fingerprint"),
        lastmod=lastmod or None,
        date_published=data.get("date_published"),
        fetched_at=data.get("fetched_at"),
        run_id=data.get("run_id"),
        revision=int(data.get("revision") or 1),
        reason=data.get("reason"),
        failures=int(data.get("failures") or 0),
        next_try=data.get("next_try"),
    )
