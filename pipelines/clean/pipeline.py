"""The clean stage's Scrapy adapter: the text rules in a worker (or taken from the page task), the site's learned
lines here, where the counts are."""

from __future__ import annotations

from typing import Any

from pipelines import record
from pipelines.clean.line_stores import LineStoreSource
from pipelines.clean.page_text import finish_clean
from pipelines.clean.rules import CleanConfig
from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate
from pipelines.page_task import CleanTask, PageWork, clean_work, cleaned_ahead, page_work
from pipelines.settings import from_settings
from pipelines.worker.pool import WorkerPool


class CleanPipeline:
    """Cleans ``item["text"]``, strips the domain's learned boilerplate, recounts words."""

    def __init__(
        self,
        config: CleanConfig | None = None,
        boilerplate: SiteBoilerplate | None = None,
        stats: Any = None,
        work: PageWork | None = None,
    ) -> None:
        self.config = config or CleanConfig()
        self.boilerplate = boilerplate
        self.stats = stats
        self.work = work or PageWork(WorkerPool(0))
        self.task = CleanTask(self.config, boilerplate.config if boilerplate is not None else None)
        self.work.plan.clean = self.task  # the page task cleans ahead for this stage

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        from scrapy.exceptions import NotConfigured

        config = from_settings(CleanConfig, crawler.settings)
        if not config.enabled:
            raise NotConfigured("NEWSCORPUS_CLEAN_ENABLED is off")
        learned = from_settings(BoilerplateConfig, crawler.settings)
        boilerplate = None
        if learned.enabled:
            # What earlier runs learned about each site's repeated lines is kept where the crawl says.
            source = crawler.get_extension(LineStoreSource)
            store = source.line_store(learned.max_lines_per_domain) if source is not None else None
            boilerplate = SiteBoilerplate(learned, store)
        return cls(config, boilerplate, crawler.stats, page_work(crawler))

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        cleaned = cleaned_ahead(item, self.task)
        if self.stats is not None:  # where this page's text rules ran: in the page task, or here
            self.stats.inc_value("newscorpus/clean/" + ("here" if cleaned is None else "ahead"))
        if cleaned is None:
            cleaned = await self.work.pool.run(clean_work, item.get("text") or "", self.task)
        # The article's fingerprint for re-visits is taken before the site-level stripping: what a site repeats
        # on every page is not part of an article's revision, and the learned set grows from run to run.
        item[record.REVISION_DIGEST] = cleaned.digest
        finish_clean(item, cleaned.text, self.boilerplate, cleaned.line_keys, cleaned.words)
        if self.stats is not None:
            self.stats.inc_value("newscorpus/clean/ok")
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self.boilerplate is not None:
            self.boilerplate.close()
