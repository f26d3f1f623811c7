"""The quality stage's Scrapy adapter: the first rule a text breaks is its drop."""

from __future__ import annotations

from typing import Any

from pipelines import record
from pipelines.page_task import PageWork, page_work, quality_ahead
from pipelines.quality.rules import QualityConfig, check_quality
from pipelines.settings import from_settings


class QualityPipeline:
    """Scrapy adapter for :func:`check_quality`; settings ``NEWSCORPUS_QUALITY_*``."""

    def __init__(self, config: QualityConfig, stats: Any, work: PageWork | None = None) -> None:
        self.config = config
        self.stats = stats
        self.work = work
        if work is not None:
            work.plan.quality = config  # the page task checks the cleaned text ahead for this stage

    @classmethod
    def from_crawler(cls, crawler: Any) -> QualityPipeline:
        return cls(from_settings(QualityConfig, crawler.settings), crawler.stats, page_work(crawler))

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        speculated = record.QUALITY_AHEAD in item
        verdict = quality_ahead(item, self.config)
        if speculated and self.work is not None and self.work.speculation is not None:
            self.work.speculation.outcome(item.get("domain") or "", verdict is not None)
        self.stats.inc_value("newscorpus/quality_work/" + ("here" if verdict is None else "ahead"))
        if verdict is not None:
            problem = verdict[0]
        else:
            # The extract and clean stages keep ``word_count`` the count of the item's text (the writer writes it).
            words = item.get("word_count")
            problem = check_quality(
                item.get("text") or "", self.config, words if isinstance(words, int) else None
            )
        if problem is not None:
            raise problem
        self.stats.inc_value("newscorpus/quality/ok")
        return item
