"""The write stage's Scrapy adapter: owns the run folder, records every drop any stage raised, and tells the
crawl's ledger (when there is one) each outcome right after its line is written."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any

from pipelines.drops import Duplicate, MaxArticlesReached, Rejected
from pipelines.record import REQUESTED_URL, RETRACT, REVISION_DIGEST, UPDATE_OF, known_urls, public_record
from pipelines.run_names import run_folder
from pipelines.settings import CorpusOptions, RunOptions, from_settings
from pipelines.text_stats import revision_digest
from pipelines.write.archive import RunArchive
from pipelines.write.card import write_dataset_card
from pipelines.write.ledger import CrawlLedger
from pipelines.write.run_manifest import manifest_extra, run_status
from pipelines.write.shards import dumps
from pipelines.write.signals import page_rejected
from pipelines.write.writer import CorpusWriter, WriterConfig, new_run_id, writer_config

logger = logging.getLogger(__name__)


class WritePipeline:
    """Writes kept articles to the run's shards, corrections to ``updates.jsonl``, and every drop to
    ``duplicates.jsonl`` or ``rejected.jsonl``; the manifest when the spider closes."""

    def __init__(
        self,
        out_dir: Path,
        run_id: str,
        config: WriterConfig,
        max_articles: int | None,
        resume: bool = False,
        ledger: CrawlLedger | None = None,
        archive: RunArchive | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.run_id = run_id
        self.writer = CorpusWriter(run_folder(out_dir, run_id), config)
        self.max_articles = max_articles
        self.resume = resume
        self.ledger = ledger
        self.archive = archive
        self.crawler: Any = None
        self._updates: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> WritePipeline:
        from scrapy import signals

        settings = crawler.settings
        run = from_settings(RunOptions, settings)
        ledger = crawler.get_extension(CrawlLedger)
        pipeline = cls(
            Path(run.out),
            run.run_id or new_run_id(),
            writer_config(settings, ledger.worker if ledger is not None else None),
            from_settings(CorpusOptions, settings).max_articles,
            resume=run.resume,
            ledger=ledger,
            archive=crawler.get_extension(RunArchive),
        )
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_rejected, signal=page_rejected)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        self.writer.open(resume=self.resume)
        if self.ledger is not None:
            # On resume the state extension already repaired the folder and re-derived the state from it.
            self.ledger.begin_run(self.run_id, str(self.writer.run_dir), resumed=self.resume)
        updates = self.writer.run_dir / self.writer.config.file_name("updates")
        self._updates = open(updates, "a", encoding="utf-8")  # noqa: SIM115
        logger.info("writing run %s to %s", self.run_id, self.writer.run_dir)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        stats = self.crawler.stats
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            self._release(item)
            raise MaxArticlesReached(f"limit of {self.max_articles} articles reached")
        if item.get(UPDATE_OF):
            self._write_update(item)
            return item
        for duplicate in item.pop(RETRACT, None) or []:
            self.writer.retract(duplicate["id"], duplicate)
            stats.inc_value(f"newscorpus/duplicates/{duplicate['kind']}")
            stats.inc_value("newscorpus/written", -1)
            if self.ledger is not None:
                self.ledger.duplicate([duplicate.get("url")], duplicate["id"], self.run_id)
        self.writer.write_article(public_record(item))
        stats.inc_value("newscorpus/written")
        self._record_article(item, updated=False)
        if self.max_articles is not None and self.writer.written >= self.max_articles:
            self._stop("max_articles")
        return item

    def _write_update(self, item: dict[str, Any]) -> None:
        """A re-fetched article: a new revision when its text changed, nothing when it did not."""
        previous = item[UPDATE_OF]
        fingerprint = item.get(REVISION_DIGEST) or revision_digest(item.get("text") or "")
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
        self._record_article(item, updated=changed)

    def _record_article(self, item: dict[str, Any], updated: bool) -> None:
        if self.ledger is not None:
            urls = known_urls(item, item.get(REQUESTED_URL))
            self.ledger.written(item, urls, self.run_id, updated)
        self._release(item)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        stats = self.crawler.stats
        item = dict(item) if isinstance(item, dict) else {}
        urls = [item.get("url"), item.get(REQUESTED_URL)]
        if isinstance(exception, Duplicate):
            self.writer.write_duplicate(exception.record(item))
            stats.inc_value(f"newscorpus/duplicates/{exception.kind}")
            if self.ledger is not None:
                self.ledger.duplicate(urls, item.get("id"), self.run_id)
        else:
            if isinstance(exception, Rejected):
                line = exception.record(item)
            else:
                line = {
                    "url": item.get("url"),
                    "stage": "pipeline",
                    "reason": "dropped",
                    "detail": str(exception),
                }
            self._rejected(line, urls)
        self._release(item)

    def page_rejected(self, record: dict[str, Any]) -> None:
        """A page the spider rejected before any stage ran (``pipelines.write.signals.page_rejected``)."""
        requested = record.pop("requested_url", None)
        self._rejected(record, [record.get("url"), requested])
        self._release({REQUESTED_URL: requested})

    def _rejected(self, line: dict[str, Any], urls: list[str | None]) -> None:
        """A rejection an earlier run recorded alike is counted, not written again: ``rejected.jsonl`` holds
        what is new or changed."""
        reason = f"{line.get('stage')}/{line.get('reason')}"
        if self.ledger is not None and self.ledger.repeated(urls, line, self.run_id):
            self.writer.note_rejected_again(reason)
            self.crawler.stats.inc_value(f"newscorpus/rejected_again/{reason}")
        else:
            self.writer.write_rejected(line)
            self.crawler.stats.inc_value(f"newscorpus/rejected/{reason}")
        if self.ledger is not None:
            self.ledger.rejected(urls, line, self.run_id)

    def _release(self, item: dict[str, Any]) -> None:
        if self.ledger is not None:
            self.ledger.finished(item, self.run_id)

    def close_spider(self, spider: Any = None) -> None:
        """Nothing to do yet: the run is finished in ``spider_closed``, the first moment the reason is known."""

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._updates is not None:
            self._updates.close()
        if self.archive is not None:
            self.archive.close_archive()  # its files are final before the manifest lists them
        manifest = self.writer.close(manifest_extra(self.crawler, spider, reason))
        status = manifest.get("status") or run_status(reason)
        if self.ledger is not None:
            self.ledger.finish_run(self.run_id, status, manifest["counts"])
        write_dataset_card(self.writer.run_dir, manifest)
        counts = manifest["counts"]
        logger.info(
            "run %s %s: %d written, %d duplicates, %d rejected",
            self.run_id,
            status,
            counts["written"],
            counts["duplicates"],
            counts["rejected"],
        )

    def _stop(self, reason: str) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))
