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
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pipelines.shards import ShardInfo, ShardWriter, dumps, fsync_dir, rewrite_shard

logger = logging.getLogger(__name__)


def new_run_id(now: float | None = None) -> str:
    """A sortable, unique run id: UTC time plus a random suffix (two workers may start the same second)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"{stamp}-{secrets.token_hex(3)}"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON under a temporary name, fsync, then rename: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


@dataclass(frozen=True)
class WriterConfig:
    """How a run is written. ``shard_max_bytes`` bounds each shard before compression."""

    shard_max_bytes: int = 256 << 20
    compress: str | None = None
    shard_prefix: str = "articles"


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

    def open(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._shards = ShardWriter(
            self.run_dir, self.config.shard_prefix, self.config.shard_max_bytes, self.config.compress
        )
        self._dup_fh = open(self.run_dir / "duplicates.jsonl", "a", encoding="utf-8")  # noqa: SIM115
        self._rej_fh = open(self.run_dir / "rejected.jsonl", "a", encoding="utf-8")  # noqa: SIM115

    def write_article(self, record: dict[str, Any]) -> None:
        assert self._shards is not None, "open() first"
        self._shards.write(record)
        self.written += 1
        self.per_domain[record.get("domain") or "?"]["written"] += 1

    def write_duplicate(self, record: dict[str, Any]) -> None:
        """Record a dropped copy; the kept article's ``duplicates`` field is filled in at close."""
        self._append(self._dup_fh, record)
        self.duplicates += 1
        self.duplicate_kinds[record.get("kind") or "?"] += 1
        self.per_domain[record.get("domain") or "?"]["duplicates"] += 1
        if record.get("duplicate_of") and record.get("id"):
            self._duplicate_ids[record["duplicate_of"]].append(record["id"])

    def retract(self, article_id: str, duplicate: dict[str, Any]) -> None:
        """A written article turned out to be the lesser copy of a story: remove it at close."""
        self._retracted[article_id] = duplicate
        self.written -= 1
        self.per_domain[duplicate.get("domain") or "?"]["written"] -= 1
        self.write_duplicate(duplicate)
        # Copies that pointed at the retracted article now point at its replacement.
        moved = self._duplicate_ids.pop(article_id, [])
        self._duplicate_ids[duplicate["duplicate_of"]].extend(moved)

    def write_rejected(self, record: dict[str, Any]) -> None:
        self._append(self._rej_fh, record)
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
            "duplicates_file": "duplicates.jsonl",
            "rejected_file": "rejected.jsonl",
        }
        manifest.update(extra or {})
        write_json_atomic(self.run_dir / "manifest.json", manifest)
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


def _domain_of(url: str | None) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "?") if url else "?"


class WritePipeline:
    """Scrapy adapter: owns the run folder and records every drop that any stage raised."""

    def __init__(self, out_dir: Path, run_id: str, config: WriterConfig, max_articles: int | None) -> None:
        self.out_dir = out_dir
        self.run_id = run_id
        self.writer = CorpusWriter(out_dir / "runs" / run_id, config)
        self.max_articles = max_articles
        self.crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WritePipeline:
        from scrapy import signals

        from crawler.signals import page_rejected

        settings = crawler.settings
        compress = settings.get("NEWSCORPUS_COMPRESS") or None
        config = WriterConfig(
            shard_max_bytes=settings.getint("NEWSCORPUS_SHARD_MAX_BYTES", 256 << 20),
            compress=compress,
        )
        max_articles = settings.getint("NEWSCORPUS_MAX_ARTICLES", 0) or None
        run_id = settings.get("NEWSCORPUS_RUN_ID") or new_run_id()
        pipeline = cls(Path(settings.get("NEWSCORPUS_OUT", "output")), run_id, config, max_articles)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_rejected, signal=page_rejected)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        self.writer.open()
        logger.info("writing run %s to %s", self.run_id, self.writer.run_dir)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        from crawler.items import public_record
        from pipelines.drops import MaxArticlesReached

        stats = self.crawler.stats
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            raise MaxArticlesReached(f"limit of {self.max_articles} articles reached")
        for duplicate in item.pop("_retract", None) or []:
            self.writer.retract(duplicate["id"], duplicate)
            stats.inc_value(f"newscorpus/duplicates/{duplicate['kind']}")
            stats.inc_value("newscorpus/written", -1)
        self.writer.write_article(public_record(item))
        stats.inc_value("newscorpus/written")
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            self._stop("max_articles")
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        from pipelines.drops import Duplicate, Rejected

        stats = self.crawler.stats
        if isinstance(exception, Duplicate):
            self.writer.write_duplicate(exception.record(dict(item)))
            stats.inc_value(f"newscorpus/duplicates/{exception.kind}")
        elif isinstance(exception, Rejected):
            self.writer.write_rejected(exception.record(dict(item)))
            stats.inc_value(f"newscorpus/rejected/{exception.stage}/{exception.reason}")
        else:
            url = item.get("url") if isinstance(item, dict) else None
            self.writer.write_rejected(
                {"url": url, "stage": "pipeline", "reason": "dropped", "detail": str(exception)}
            )
            stats.inc_value("newscorpus/rejected/pipeline/dropped")

    def page_rejected(self, record: dict[str, Any]) -> None:
        self.writer.write_rejected(record)
        self.crawler.stats.inc_value(f"newscorpus/rejected/{record.get('stage')}/{record.get('reason')}")

    def close_spider(self, spider: Any = None) -> None:
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
            )
        }
        manifest = self.writer.close(
            {
                "source": "live",
                "spider": getattr(self.crawler.spider, "name", None),
                "targets": getattr(self.crawler.spider, "target_names", None),
                "stats": {**newscorpus_stats, **fetch_stats},
                "settings": _jsonable(used),
            }
        )
        logger.info(
            "run %s: %d written, %d duplicates, %d rejected",
            self.run_id,
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
