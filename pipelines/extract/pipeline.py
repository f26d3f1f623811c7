"""The extract stage's Scrapy adapter: the page task in a worker, the item filled with the record's fields."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from pipelines.extract.config import ExtractConfig
from pipelines.extract.rights import signals_of
from pipelines.page_task import PageTask, PageWork, page_work, run_page_task
from pipelines.settings import CorpusOptions, from_settings
from pipelines.urls import domain_of
from pipelines.worker.pool import WorkerPool

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Pops the page out of the item and fills the record's text and metadata fields.

    The work runs in a worker process (the reactor keeps downloading meanwhile), as one page task that also does
    the later stages' work ahead (``pipelines.page_task``): the clean stage's rules when it runs, and, for the
    sites where that pays off (``work.speculation``), the language stage's detection and the dedupe features.
    """

    def __init__(
        self,
        config: ExtractConfig | None = None,
        since: date | None = None,
        stats: Any = None,
        work: PageWork | None = None,
        until: date | None = None,
        exclude_reserved: bool = False,
    ) -> None:
        self.config = config or ExtractConfig()
        self.since = since
        self.until = until
        self.stats = stats
        self.work = work or PageWork(WorkerPool(0))
        self.exclude_reserved = exclude_reserved

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        config = from_settings(ExtractConfig, settings)
        if not config.enabled:
            raise NotConfigured("NEWSCORPUS_EXTRACT_ENABLED is off")
        if settings.get("LOG_LEVEL") != "DEBUG":
            # trafilatura warns on every page without text; our drop reasons record it once per page already.
            logging.getLogger("trafilatura").setLevel(logging.ERROR)
        options = from_settings(CorpusOptions, settings)
        since = options.since.date() if options.since else None
        until = options.until.date() if options.until else None
        return cls(config, since, crawler.stats, page_work(crawler), until, options.exclude_reserved)

    def task(self, url: str) -> PageTask:
        """The page task for a page at ``url``, with the later stages that run in this crawl."""
        plan, speculation = self.work.plan, self.work.speculation
        language = plan.language_task()
        quality = plan.quality
        if speculation is None or not speculation.wanted(domain_of(url)):
            # Work ahead on the cleaned text pays only where nothing in between changes it (see Speculation).
            language = quality = None
        return PageTask(
            self.config,
            self.since,
            plan.clean,
            language,
            self.until,
            quality=quality,
            exclude_reserved=self.exclude_reserved,
        )

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        result = await self.work.pool.run(run_page_task, self.task(item.get("url") or ""), item)
        # Keep the same dict: Scrapy reports a later drop with the item object the spider yielded.
        if result is not item:
            item.clear()
            item.update(result)
        if self.stats is not None:
            self.stats.inc_value("newscorpus/extract/ok")
            for signal in signals_of(item.get("rights")):
                self.stats.inc_value(f"newscorpus/rights/{signal}")
        return item
