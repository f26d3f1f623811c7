"""The quality stage's Scrapy adapter: the first rule a text breaks is its drop."""

from __future__ import annotations

from typing import Any

from pipelines.quality.rules import QualityConfig, check_quality
from pipelines.settings import from_settings


class QualityPipeline:
    """Scrapy adapter for :func:`check_quality`; settings ``NEWSCORPUS_QUALITY_*``."""

    def __init__(self, config: QualityConfig, stats: Any) -> None:
        self.config = config
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> QualityPipeline:
        return cls(from_settings(QualityConfig, crawler.settings), crawler.stats)

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        # The extract and clean stages keep ``word_count`` the count of the item's text (the writer writes it).
        words = item.get("word_count")
        problem = check_quality(
            item.get("text") or "", self.config, words if isinstance(words, int) else None
        )
        if problem is not None:
            raise problem
        self.stats.inc_value("newscorpus/quality/ok")
        return item
