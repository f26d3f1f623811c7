"""The write stage: a run folder with article shards, ``duplicates.jsonl``, ``rejected.jsonl`` and a manifest.

Layout of one run (``DIR/runs/<run-id>/``):

- ``articles-00000.jsonl`` (more shards past the size limit, ``.gz``/``.zst`` when compressed),
- ``duplicates.jsonl``: every dropped copy, with the id of the article it repeats,
- ``rejected.jsonl``: every page that did not become an article, with the stage and reason,
- ``manifest.json``: counts, shards with line counts and sha256, settings, times; written last, atomically.

A kept article can be superseded later in the run by a better copy of the same story (see the dedupe stage);
it is then retracted: removed from its shard when the run closes and recorded as a duplicate instead. Kept
articles that gained duplicates get their ``duplicates`` field filled in at the same time.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipelines.shards import (
    PART_SUFFIX,
    ShardInfo,
    ShardWriter,
    dumps,
    file_digest,
    fsync_dir,
    iter_records,
    read_jsonl,
    rewrite_shard,
    salvage_part,
    shard_index,
    truncate_torn_line,
)

logger = logging.getLogger(__name__)


def new_run_id(now: float | None = None) -> str:
    """A sortable, unique run id: UTC time plus a random suffix (two workers may start the same second)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"{stamp}-{secrets.token_hex(3)}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json_atomic(path: Path, data: Any, before_rename: Callable[[], None] | None = None) -> None:
    """Write JSON under a temporary name, fsync, then rename: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    if before_rename is not None:
        before_rename()
    os.replace(tmp, path)
    fsync_dir(path.parent)


@dataclass(frozen=True)
class WriterConfig:
    """How a run is written. ``shard_max_bytes`` bounds each shard before compression."""

    shard_max_bytes: int = 256 << 20
    compress: str | None = None
    shard_prefix: str = "articles"
    #: Distributed crawls: the worker writing this part of the run. Its files are then
    #: ``articles-<worker>-NNNNN.jsonl``, ``duplicates-<worker>.jsonl``, ``rejected-<worker>.jsonl``,
    #: ``updates-<worker>.jsonl`` and ``manifest-<worker>.json`` (``newscorpus merge`` writes ``manifest.json``).
    worker: str | None = None
    #: Fault tests only: kill this process with SIGKILL at one of these points ("line:N" after the N-th
    #: article line, "shard-rename" before a finished shard is renamed, "manifest" before the manifest is).
    crash_at: str | None = None

    def file_name(self, stem: str, suffix: str = ".jsonl") -> str:
        """``duplicates.jsonl``, or ``duplicates-<worker>.jsonl`` for a worker of a distributed crawl."""
        return f"{stem}-{self.worker}{suffix}" if self.worker else f"{stem}{suffix}"


class CorpusWriter:
    """Writes one run folder. Plain class: crawls, ``newscorpus dedupe`` and tests use it alike."""

    def __init__(self, run_dir: Path, config: WriterConfig | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.config = config or WriterConfig()
        self.started_at = utc_now()
        self.written = 0
        self.duplicates = 0
        self.rejected = 0
        self.per_domain: dict[str, Counter[str]] = defaultdict(Counter)
        self.rejected_reasons: Counter[str] = Counter()
        self.duplicate_kinds: Counter[str] = Counter()
        self._retracted: dict[str, dict[str, Any]] = {}
        self._duplicate_ids: dict[str, list[str]] = defaultdict(list)
        self._shards: ShardWriter | None = None
        self._dup_fh: IO[str] | None = None
        self._rej_fh: IO[str] | None = None
        #: Distributed crawls: ids in this worker's shards. A retraction of an article another worker wrote
        #: is recorded here and applied by ``newscorpus merge``.
        self._own_ids: set[str] | None = set() if self.config.worker else None

    def open(self, resume: bool = False) -> None:
        """Start writing. With ``resume``, continue a run folder that an earlier process left: its finished
        shards are kept and counted, a shard it was writing is salvaged, and new shards follow them."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        existing = self._recover_files() if resume else []
        self._shards = ShardWriter(
            self.run_dir,
            self.config.shard_prefix,
            self.config.shard_max_bytes,
            self.config.compress,
            existing,
            before_rename=(lambda: crash_now("shard-rename"))
            if self.config.crash_at == "shard-rename"
            else None,
        )
        self._dup_fh = open(self.run_dir / self.config.file_name("duplicates"), "a", encoding="utf-8")  # noqa: SIM115
        self._rej_fh = open(self.run_dir / self.config.file_name("rejected"), "a", encoding="utf-8")  # noqa: SIM115

    def _recover_files(self) -> list[ShardInfo]:
        """Bring an interrupted run folder to a consistent state and load its counts."""
        prefix = self.config.shard_prefix
        repair_run_files(self.run_dir, prefix, self.config.worker)
        shards = []
        written_ids: set[str] = set()
        for path in sorted(self.run_dir.iterdir()):
            if shard_index(path.name, prefix) is None or path.name.endswith(PART_SUFFIX):
                continue
            lines = 0
            for record in iter_records(path):
                lines += 1
                written_ids.add(record.get("id") or "")
                if self._own_ids is not None:
                    self._own_ids.add(record.get("id") or "")
                self.per_domain[record.get("domain") or "?"]["written"] += 1
            self.written += lines
            sha, size = file_digest(path)
            shards.append(ShardInfo(path.name, lines, size, sha))
        for record in read_jsonl(self.run_dir / self.config.file_name("duplicates")):
            retracted = record.get("id") in written_ids and record.get("id") != record.get("duplicate_of")
            self._note_duplicate(record, retracted)
        for record in read_jsonl(self.run_dir / self.config.file_name("rejected")):
            self._note_rejected(record)
        if shards:
            logger.info(
                "resuming %s: %d articles in %d shards already written",
                self.run_dir,
                self.written,
                len(shards),
            )
        return shards

    def write_article(self, record: dict[str, Any]) -> None:
        assert self._shards is not None, "open() first"
        self._shards.write(record)
        self.written += 1
        if self._own_ids is not None:
            self._own_ids.add(record.get("id") or "")
        if self.config.crash_at == f"line:{self.written}":
            crash_now(self.config.crash_at)
        self.per_domain[record.get("domain") or "?"]["written"] += 1

    def write_duplicate(self, record: dict[str, Any]) -> None:
        """Record a dropped copy; the kept article's ``duplicates`` field is filled in at close."""
        self._append(self._dup_fh, record)
        self._note_duplicate(record, retracted=False)

    def retract(self, article_id: str, duplicate: dict[str, Any]) -> None:
        """A written article turned out to be the lesser copy of a story: remove it at close.

        The retraction is the duplicate record itself (its ``id`` is in a shard), so a resumed or recovered
        run applies it too."""
        self._append(self._dup_fh, duplicate)
        self._note_duplicate(duplicate, retracted=self._own_ids is None or article_id in self._own_ids)

    def write_rejected(self, record: dict[str, Any]) -> None:
        self._append(self._rej_fh, record)
        self._note_rejected(record)

    def _note_duplicate(self, record: dict[str, Any], retracted: bool) -> None:
        self.duplicates += 1
        self.duplicate_kinds[record.get("kind") or "?"] += 1
        domain = record.get("domain") or "?"
        self.per_domain[domain]["duplicates"] += 1
        kept = record.get("duplicate_of")
        if retracted:
            self._retracted[record["id"]] = record
            self.written -= 1
            self.per_domain[domain]["written"] -= 1
        if retracted and kept:
            # Copies that pointed at the retracted article now point at its replacement.
            self._duplicate_ids[kept].extend(self._duplicate_ids.pop(record["id"], []))
        if kept and record.get("id"):
            self._duplicate_ids[kept].append(record["id"])

    def _note_rejected(self, record: dict[str, Any]) -> None:
        self.rejected += 1
        self.rejected_reasons[f"{record.get('stage')}/{record.get('reason')}"] += 1
        domain = record.get("domain") or _domain_of(record.get("url"))
        self.per_domain[domain]["rejected"] += 1

    def close(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Finish shards, apply retractions and duplicate lists, and write the manifest last."""
        shards = self._shards.close() if self._shards else []
        for fh in (self._dup_fh, self._rej_fh):
            if fh is not None:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
        shards = self._apply_edits(shards)
        manifest = {
            "run_id": self.run_dir.name,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "counts": {
                "written": self.written,
                "duplicates": self.duplicates,
                "rejected": self.rejected,
                "rejected_by_reason": dict(sorted(self.rejected_reasons.items())),
                "duplicates_by_kind": dict(sorted(self.duplicate_kinds.items())),
            },
            "per_domain": {d: dict(c) for d, c in sorted(self.per_domain.items())},
            "shards": [s.as_dict() for s in shards],
            "duplicates_file": self.config.file_name("duplicates"),
            "rejected_file": self.config.file_name("rejected"),
        }
        if self.config.worker:
            manifest["worker"] = self.config.worker
        manifest.update(extra or {})
        before = (lambda: crash_now("manifest")) if self.config.crash_at == "manifest" else None
        name = self.config.file_name("manifest", ".json")
        write_json_atomic(self.run_dir / name, manifest, before_rename=before)
        return manifest

    def _apply_edits(self, shards: list[ShardInfo]) -> list[ShardInfo]:
        if not self._retracted and not self._duplicate_ids:
            return shards
        compress = self.config.compress

        def edit(record: dict[str, Any]) -> dict[str, Any] | None:
            rid = record.get("id")
            if rid in self._retracted:
                return None
            if rid in self._duplicate_ids:
                earlier = record.get("duplicates") or {"count": 0, "ids": []}
                ids = list(dict.fromkeys([*earlier.get("ids", []), *self._duplicate_ids[rid]]))
                record["duplicates"] = {"count": len(ids), "ids": ids}
            return record

        return [rewrite_shard(self.run_dir / shard.name, compress, edit) for shard in shards]

    @staticmethod
    def _append(fh: IO[str] | None, record: dict[str, Any]) -> None:
        assert fh is not None, "open() first"
        fh.write(dumps(record) + "\n")
        fh.flush()


def repair_run_files(run_dir: Path, prefix: str = "articles", worker: str | None = None) -> None:
    """Make a run folder a killed process left readable: finish its open shard with the complete lines,
    cut torn last lines off the append-only files, drop temporary files. Idempotent. ``worker``: repair only
    that worker's files (a distributed run, where other workers may still be writing theirs)."""
    for part in sorted(run_dir.glob(f"{prefix}-*{PART_SUFFIX}")):
        if shard_index(part.name.removesuffix(PART_SUFFIX), prefix) is not None:
            salvage_part(part)
    names = WriterConfig(worker=worker)
    for leftover in run_dir.glob(names.file_name("manifest", ".json.tmp") if worker else "*.tmp"):
        leftover.unlink()
    for name in (names.file_name(stem) for stem in ("duplicates", "rejected", "updates")):
        if removed := truncate_torn_line(run_dir / name):
            logger.warning("cut a torn last line (%d bytes) off %s", removed, run_dir / name)


def _domain_of(url: str | None) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "?") if url else "?"


def writer_config(settings: Any) -> WriterConfig:
    """The writer's settings: ``NEWSCORPUS_SHARD_MAX_BYTES``, ``NEWSCORPUS_COMPRESS``."""
    worker = (
        settings.get("NEWSCORPUS_WORKER_ID") or None if settings.getbool("NEWSCORPUS_DISTRIBUTED") else None
    )
    return WriterConfig(
        shard_max_bytes=settings.getint("NEWSCORPUS_SHARD_MAX_BYTES", 256 << 20),
        compress=settings.get("NEWSCORPUS_COMPRESS") or None,
        shard_prefix=f"articles-{worker}" if worker else "articles",
        worker=worker,
        crash_at=settings.get("NEWSCORPUS_CRASH_AT") or None,
    )


def crash_now(point: str) -> None:
    """Fault tests: die as a power cut or the OOM killer would, with no clean-up at all."""
    logger.warning("NEWSCORPUS_CRASH_AT=%s: killing this process", point)
    logging.shutdown()
    os.kill(os.getpid(), signal.SIGKILL)


#: How a crawl's close reason reads in the manifest and the run ledger. ("reaped": a distributed worker that
#: lost Redis or was taken for dead, whose work the others took back.)
_RUN_STATUS = {
    "shutdown": "stopped",
    "cancelled": "stopped",
    "reaped": "interrupted",
    "redis-error": "interrupted",
}


class WritePipeline:
    """Scrapy adapter: owns the run folder, records every drop any stage raised, and keeps the crawl state
    (when there is one) in step with what is written: an outcome is recorded right after its line."""

    def __init__(
        self, out_dir: Path, run_id: str, config: WriterConfig, max_articles: int | None, resume: bool = False
    ) -> None:
        self.out_dir = out_dir
        self.run_id = run_id
        self.writer = CorpusWriter(out_dir / "runs" / run_id, config)
        self.max_articles = max_articles
        self.resume = resume
        self.crawler: Any = None
        self.state_ext: Any = None
        self._updates: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WritePipeline:
        from scrapy import signals

        from crawler.extensions import crawl_state_extension
        from crawler.signals import page_rejected

        settings = crawler.settings
        max_articles = settings.getint("NEWSCORPUS_MAX_ARTICLES", 0) or None
        run_id = settings.get("NEWSCORPUS_RUN_ID") or new_run_id()
        pipeline = cls(
            Path(settings.get("NEWSCORPUS_OUT", "output")),
            run_id,
            writer_config(settings),
            max_articles,
            resume=settings.getbool("NEWSCORPUS_RESUME"),
        )
        pipeline.crawler = crawler
        pipeline.state_ext = crawl_state_extension(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_rejected, signal=page_rejected)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def state(self) -> Any:
        return self.state_ext.state if self.state_ext is not None else None

    def open_spider(self, spider: Any = None) -> None:
        self.writer.open(resume=self.resume)
        if self.state is not None:
            # On resume the state extension already repaired the folder and re-derived the state from it.
            self.state.begin_run(self.run_id, str(self.writer.run_dir), resumed=self.resume)
        updates = self.writer.run_dir / self.writer.config.file_name("updates")
        self._updates = open(updates, "a", encoding="utf-8")  # noqa: SIM115
        logger.info("writing run %s to %s", self.run_id, self.writer.run_dir)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        from crawler.items import public_record
        from pipelines.drops import MaxArticlesReached

        stats = self.crawler.stats
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            self._release(item)
            raise MaxArticlesReached(f"limit of {self.max_articles} articles reached")
        if item.get("_update_of"):
            self._write_update(item)
            return item
        for duplicate in item.pop("_retract", None) or []:
            self.writer.retract(duplicate["id"], duplicate)
            stats.inc_value(f"newscorpus/duplicates/{duplicate['kind']}")
            stats.inc_value("newscorpus/written", -1)
            if self.state is not None:
                from crawler.state import DUPLICATE

                self.state.record(
                    [duplicate.get("url")], DUPLICATE, article_id=duplicate["id"], run_id=self.run_id
                )
        self.writer.write_article(public_record(item))
        stats.inc_value("newscorpus/written")
        self._record_article(item)
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            self._stop("max_articles")
        return item

    def _write_update(self, item: dict[str, Any]) -> None:
        """A re-fetched article: a new revision when its text changed, nothing when it did not."""
        from crawler.items import public_record
        from pipelines.text_stats import text_fingerprint

        previous = item["_update_of"]
        fingerprint = item.get("_content_fingerprint") or text_fingerprint(item.get("text") or "")
        changed = fingerprint != previous.get("fingerprint")
        if changed:
            item["revision"] = int(previous.get("revision") or 1) + 1
            item["id"] = previous.get("id") or item.get("id")
            item["date_modified"] = item.get("date_modified") or item.get("fetched_at")
            assert self._updates is not None
            self._updates.write(dumps(public_record(item)) + "\n")
            self._updates.flush()
            self.crawler.stats.inc_value("newscorpus/updates/changed")
        else:
            item["revision"] = int(previous.get("revision") or 1)
            self.crawler.stats.inc_value("newscorpus/updates/unchanged")
        from crawler.state import UPDATED, WRITTEN

        self._record_article(item, UPDATED if changed else WRITTEN)

    def _record_article(self, item: dict[str, Any], outcome: str | None = None) -> None:
        if self.state is not None:
            from crawler.recovery import record_article
            from crawler.state import WRITTEN

            item["_urls"] = [item.get("_requested_url")]
            record_article(self.state, item, self.run_id, outcome or WRITTEN)
        self._release(item)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        from crawler.recovery import is_permanent_rejection
        from crawler.state import DUPLICATE, REJECTED
        from pipelines.drops import Duplicate, Rejected

        stats = self.crawler.stats
        item = dict(item) if isinstance(item, dict) else {}
        urls = [item.get("url"), item.get("_requested_url")]
        if isinstance(exception, Duplicate):
            self.writer.write_duplicate(exception.record(item))
            stats.inc_value(f"newscorpus/duplicates/{exception.kind}")
            if self.state is not None:
                self.state.record(urls, DUPLICATE, article_id=item.get("id"), run_id=self.run_id)
        else:
            if isinstance(exception, Rejected):
                record = exception.record(item)
            else:
                record = {
                    "url": item.get("url"),
                    "stage": "pipeline",
                    "reason": "dropped",
                    "detail": str(exception),
                }
            self.writer.write_rejected(record)
            stats.inc_value(f"newscorpus/rejected/{record['stage']}/{record['reason']}")
            if self.state is not None and is_permanent_rejection(record):
                reason = f"{record['stage']}/{record['reason']}"
                self.state.record(urls, REJECTED, run_id=self.run_id, reason=reason)
        self._release(item)

    def page_rejected(self, record: dict[str, Any]) -> None:
        from crawler.recovery import is_permanent_rejection
        from crawler.state import REJECTED

        requested = record.pop("requested_url", None)
        self.writer.write_rejected(record)
        self.crawler.stats.inc_value(f"newscorpus/rejected/{record.get('stage')}/{record.get('reason')}")
        if self.state is not None and is_permanent_rejection(record):
            reason = f"{record['stage']}/{record['reason']}"
            self.state.record([record.get("url"), requested], REJECTED, run_id=self.run_id, reason=reason)
        self._release({"_requested_url": requested})

    def _release(self, item: dict[str, Any]) -> None:
        if self.state_ext is not None and item.get("_requested_url"):
            self.state_ext.inflight.discard(item["_requested_url"])

    def close_spider(self, spider: Any = None) -> None:
        """Nothing to do yet: the run is finished in ``spider_closed``, the first moment the reason is known."""

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._updates is not None:
            self._updates.close()
        stats = self.crawler.stats.get_stats()
        newscorpus_stats = {k: v for k, v in sorted(stats.items()) if k.startswith("newscorpus/")}
        fetch_stats = {
            k: v
            for k, v in sorted(stats.items())
            if k.startswith(("downloader/response_status_count", "retry/", "robotstxt/", "httperror/"))
            or k in ("response_received_count", "downloader/request_count")
        }
        settings = self.crawler.settings
        used = {
            key: settings.get(key)
            for key in sorted(settings.attributes)
            if key.startswith("NEWSCORPUS_")
            or key
            in (
                "USER_AGENT",
                "ROBOTSTXT_OBEY",
                "AUTOTHROTTLE_ENABLED",
                "CONCURRENT_REQUESTS",
                "CONCURRENT_REQUESTS_PER_DOMAIN",
                "DOWNLOAD_DELAY",
                "DOWNLOAD_MAXSIZE",
                "DEPTH_LIMIT",
                "RETRY_TIMES",
                "JOBDIR",
            )
        }
        status = _RUN_STATUS.get(reason, "finished")
        manifest = self.writer.close(
            {
                "status": status,
                "finish_reason": reason,
                "source": "live",
                "spider": getattr(spider, "name", None),
                "targets": getattr(spider, "target_names", None),
                "stats": {**newscorpus_stats, **fetch_stats},
                "settings": _jsonable(used),
            }
        )
        if self.state is not None:
            self.state.finish_run(self.run_id, status, manifest["counts"])
        from pipelines.dataset_card import write_dataset_card

        write_dataset_card(self.writer.run_dir, manifest)
        logger.info(
            "run %s %s: %d written, %d duplicates, %d rejected",
            self.run_id,
            status,
            manifest["counts"]["written"],
            manifest["counts"]["duplicates"],
            manifest["counts"]["rejected"],
        )

    def _stop(self, reason: str) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))


def _jsonable(value: Any) -> Any:
    """Settings hold tuples, frozensets and objects: make them JSON-safe for the manifest."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
