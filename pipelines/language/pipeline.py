"""The language stage's Scrapy adapter: the label (taken from the page task or computed in a worker), the
declared-language and profile checks, and the ``--lang`` filter."""

from __future__ import annotations

import logging
from typing import Any

from pipelines import record
from pipelines.drops import LanguageNotWanted
from pipelines.language.codes import UNDETERMINED, normalise_code
from pipelines.language.detect import LanguageConfig
from pipelines.page_task import (
    LanguageTask,
    PageWork,
    keep_features,
    language_ahead,
    language_work,
    page_work,
)
from pipelines.settings import CorpusOptions, from_settings
from pipelines.worker.pool import WorkerPool

logger = logging.getLogger(__name__)


class LanguagePipeline:
    """Labels ``language``/``language_prob`` and applies the ``--lang`` filter.

    When the dedupe stage runs later, its text features are computed in this stage's worker task too (the plan
    of ``work`` says so); the page task computes both ahead for the sites where that pays off, and this stage
    tells ``work.speculation`` whether it did."""

    def __init__(
        self, config: LanguageConfig, wanted: frozenset[str], stats: Any, work: PageWork | None = None
    ) -> None:
        self.config = config
        self.wanted = wanted
        self.stats = stats
        self.work = work or PageWork(WorkerPool(0))
        self.work.plan.language = LanguageTask(config, wanted)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LanguagePipeline:
        settings = crawler.settings
        wanted = from_settings(CorpusOptions, settings).languages
        return cls(from_settings(LanguageConfig, settings), wanted, crawler.stats, page_work(crawler))

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        task = self.work.plan.language_task()
        assert task is not None
        speculated = record.LANGUAGE_AHEAD in item
        result = language_ahead(item, task)
        if speculated and self.work.speculation is not None:
            self.work.speculation.outcome(item.get("domain") or "", result is not None)
        # Where this page's detection ran: in the page task, or here (``newscorpus/language/<code>`` counts labels).
        self.stats.inc_value("newscorpus/language_work/" + ("here" if result is None else "ahead"))
        if result is None:
            result = await self.work.pool.run(language_work, item.get("text") or "", task)
        guess, features = result
        item["language"] = guess.language
        item["language_prob"] = guess.probability
        if features is not None and task.features is not None:
            keep_features(item, task.features, features)
        self.stats.inc_value(f"newscorpus/language/{guess.language}")
        declared = normalise_code(item.get("declared_language"))
        if declared and guess.language != UNDETERMINED and declared != guess.language:
            self.stats.inc_value("newscorpus/language/declared_mismatch")
            logger.debug("%s declares %s but reads as %s", item.get("url"), declared, guess.language)
        expected = item.get(record.EXPECTED_LANGUAGES)
        if expected and guess.language != UNDETERMINED and guess.language not in expected:
            # The site profile names the languages the outlet publishes in: a page outside them is worth a look.
            self.stats.inc_value("newscorpus/language/unexpected_for_site")
            logger.debug("%s reads as %s; its profile expects %s", item.get("url"), guess.language, expected)
        if self.wanted and guess.language not in self.wanted:
            raise LanguageNotWanted(f"{guess.language} not in {','.join(sorted(self.wanted))}")
        return item
