"""The one page task: the CPU work of one page, in the order of the stages, as one call in a worker process.

Why one task: every task given to the worker pool costs the reactor a round trip (the page pickled to a worker,
the result back). The extract stage's task therefore also runs the pure work of the later stages on the text it
produced: the clean stage's text rules, then the language stage's detection and the dedupe stage's text
features. This module is the only place that knows that order; every source of pages calls it (the crawl's
extract stage, ``newscorpus extract``, the benchmarks, archive ingest).

Work done ahead is left in the item (``pipelines.record``'s ``*_AHEAD`` keys) with what it was made from: the
text and the task of the stage it belongs to. A later stage takes it only when both equal what it would use now
(a stage in between may change the text, as the clean stage's learned site lines do), and computes its own
otherwise. Which later stages run is told by the stages themselves when they are built (:class:`StagePlan`,
shared through :class:`PageWork`), never read from the names in ``ITEM_PIPELINES``; so a stage replaced by a
subclass, or configured by a distributed crawl, still gets its work done ahead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pipelines import record
from pipelines.clean.page_text import CleanedText, clean_page_text, finish_clean
from pipelines.clean.rules import CleanConfig
from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate
from pipelines.dedupe.features import TextFeatures, text_features
from pipelines.dedupe.fingerprint import FingerprintConfig
from pipelines.drops import Rejected
from pipelines.extract.article import fill_record
from pipelines.extract.config import ExtractConfig
from pipelines.language.detect import LanguageConfig, LanguageGuess, detect_language
from pipelines.quality.rules import QualityConfig, check_quality
from pipelines.worker.pool import WorkerPool
from pipelines.worker.speculation import Speculation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanTask:
    """The clean stage's part: its text rules, and the line-key settings when it learns each site's lines."""

    rules: CleanConfig
    learned: BoilerplateConfig | None = None


@dataclass(frozen=True)
class LanguageTask:
    """The language stage's part: the detector, the languages kept, and the dedupe stage's fingerprint
    configuration when that stage runs later (its text features are then computed in the same task)."""

    detector: LanguageConfig
    wanted: frozenset[str] = frozenset()
    features: FingerprintConfig | None = None


LanguageResult = tuple[LanguageGuess, TextFeatures | None]


def clean_work(text: str, task: CleanTask) -> CleanedText:
    """The clean stage's worker part: the text rules, and what the reactor would otherwise compute from them."""
    return clean_page_text(text, task.rules, task.learned)


def language_work(text: str, task: LanguageTask) -> LanguageResult:
    """The language stage's worker part: the guess, and the dedupe stage's features of a text the language
    filter keeps."""
    guess = detect_language(text, task.detector)
    if task.features is None or (task.wanted and guess.language not in task.wanted):
        return guess, None
    return guess, text_features(text, guess.language, task.features)


@dataclass(frozen=True)
class PageTask:
    """The work of one page in a worker: extraction (decoding, parsing, pruning, trafilatura, metadata and
    rights), then the later stages' worker parts that this crawl runs (``clean``, ``language``, ``quality``; None:
    not done ahead). ``exclude_reserved``: ``--tdm exclude``, the page's rights can drop it."""

    extract: ExtractConfig
    since: date | None = None
    clean: CleanTask | None = None
    language: LanguageTask | None = None
    until: date | None = None
    quality: QualityConfig | None = None
    exclude_reserved: bool = False

    def __call__(self, item: dict[str, Any]) -> dict[str, Any]:
        """Fill ``item`` (a spider's item: ``url`` and the page under ``record.HTML``) with the record's fields
        and leave the later stages' work in it; raises the extract stage's drops."""
        fill_record(item, self.extract, self.since, self.until, self.exclude_reserved)
        text = item.get("text") or ""
        if self.clean is not None:
            cleaned = clean_work(text, self.clean)
            leave(item, record.CLEANED_AHEAD, (text, self.clean), cleaned)
            text = cleaned.text
        if self.language is not None:
            leave(item, record.LANGUAGE_AHEAD, (text, self.language), language_work(text, self.language))
        if self.quality is not None:
            leave(item, record.QUALITY_AHEAD, (text, self.quality), (check_quality(text, self.quality),))
        return item


def run_page_task(task: PageTask, item: dict[str, Any]) -> dict[str, Any]:
    """``task(item)``, as a top-level function the worker pool can pickle by name."""
    return task(item)


# -- work ahead, taken by the later stages -------------------------------------------------------------------


def leave(item: dict[str, Any], key: str, made_from: tuple[Any, ...], result: Any) -> None:
    """Keep ``result`` in the item under the private ``key``, with what it was made from."""
    item[key] = (made_from, result)


def take(item: dict[str, Any], key: str, made_from: tuple[Any, ...]) -> Any:
    """The result left under ``key`` if it was made from ``made_from``, else None; the key is removed."""
    ahead = item.pop(key, None)
    if not isinstance(ahead, tuple) or len(ahead) != 2 or ahead[0] != made_from:
        return None
    return ahead[1]


def cleaned_ahead(item: dict[str, Any], task: CleanTask) -> CleanedText | None:
    """The clean stage's result left by the page task, if made with ``task`` from the item's current text."""
    cleaned = take(item, record.CLEANED_AHEAD, (item.get("text") or "", task))
    return cleaned if isinstance(cleaned, CleanedText) else None


def language_ahead(item: dict[str, Any], task: LanguageTask) -> LanguageResult | None:
    """The language stage's result left by the page task, if made with ``task`` from the item's current text."""
    result = take(item, record.LANGUAGE_AHEAD, (item.get("text") or "", task))
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[0], LanguageGuess):
        return None
    return result


def quality_ahead(item: dict[str, Any], config: QualityConfig) -> tuple[Rejected | None] | None:
    """The quality rules' verdict left by the page task (as a 1-tuple: the drop, or None for a pass), if made
    with ``config`` from the item's current text."""
    verdict = take(item, record.QUALITY_AHEAD, (item.get("text") or "", config))
    if not isinstance(verdict, tuple) or len(verdict) != 1:
        return None
    return verdict if verdict[0] is None or isinstance(verdict[0], Rejected) else None


def keep_features(item: dict[str, Any], config: FingerprintConfig, features: TextFeatures) -> None:
    """Leave features computed from the item's current text and language for the dedupe stage."""
    leave(item, record.FEATURES_AHEAD, (item.get("text") or "", item.get("language"), config), features)


def features_ahead(item: dict[str, Any], config: FingerprintConfig) -> TextFeatures | None:
    """The features :func:`keep_features` left, if made with ``config`` from the item's current text and
    language (a stage in between may change either)."""
    features = take(item, record.FEATURES_AHEAD, (item.get("text") or "", item.get("language"), config))
    return features if isinstance(features, TextFeatures) else None


# -- what the stages of one crawl share ------------------------------------------------------------------------


@dataclass
class StagePlan:
    """The later stages that run in this crawl, as each told it when it was built (None: it does not run)."""

    clean: CleanTask | None = None
    language: LanguageTask | None = None
    fingerprint: FingerprintConfig | None = None
    quality: QualityConfig | None = None

    def language_task(self) -> LanguageTask | None:
        """The language stage's part, with the dedupe stage's features when that stage runs too."""
        if self.language is None:
            return None
        return replace(self.language, features=self.fingerprint)


class PageWork:
    """What the stages of one crawl share to run a page's work in worker processes: the pool, the plan of the
    stages that run, and the record of the sites where work ahead pays off (None: never speculate, as when the
    work runs inline and costs no round trip).

    Implemented by the crawl's worker pool extension (``crawler.extensions``); a stage finds it with
    :func:`page_work`.
    """

    def __init__(self, pool: WorkerPool, speculation: Speculation | None = None) -> None:
        self.pool = pool
        self.plan = StagePlan()
        self.speculation = speculation


def page_work(crawler: Any) -> PageWork:
    """The crawl's :class:`PageWork`, or one of the stage's own running inline when the crawl has none (a
    script or a test building the pipelines alone: no plan is shared, so nothing is done ahead)."""
    get = getattr(crawler, "get_extension", None)
    found = None
    if get is not None:
        try:
            found = get(PageWork)
        except RuntimeError:  # the extension manager does not exist yet
            found = None
    return found if found is not None else PageWork(WorkerPool(0))


# -- the same chain in one process ---------------------------------------------------------------------------


class LocalChain:
    """The stages of a crawl before the quality rules, run in this process on one page after another: for saved
    pages (``newscorpus extract``), the benchmarks and tests. The site line learning spans the pages given."""

    def __init__(
        self,
        extract: ExtractConfig | None = None,
        clean: CleanConfig | None = None,
        learned: BoilerplateConfig | None = None,
        language: LanguageConfig | None = None,
    ) -> None:
        """``clean`` None: no cleaning; ``learned`` None: no site line learning; ``language`` None: no detection."""
        self.extract = extract or ExtractConfig()
        self.clean = CleanTask(clean, learned) if clean is not None else None
        self.boilerplate = SiteBoilerplate(learned) if clean is not None and learned is not None else None
        self.language = language

    def steps(self) -> list[tuple[str, Any]]:
        """The chain's steps in order, each a function of the item (``benchmarks/pipeline.py`` times them)."""
        out: list[tuple[str, Any]] = [("extract", lambda item: fill_record(item, self.extract))]
        if self.clean is not None:
            out.append(("clean", self._clean))
        if self.language is not None:
            out.append(("language", self._language))
        return out

    def __call__(self, item: dict[str, Any]) -> dict[str, Any]:
        """Run every step on ``item``; raises the stages' drops."""
        for _, step in self.steps():
            step(item)
        return item

    def _clean(self, item: dict[str, Any]) -> None:
        assert self.clean is not None
        cleaned = clean_work(item.get("text") or "", self.clean)
        item[record.REVISION_DIGEST] = cleaned.digest
        finish_clean(item, cleaned.text, self.boilerplate, cleaned.line_keys, cleaned.words)

    def _language(self, item: dict[str, Any]) -> None:
        assert self.language is not None
        guess = detect_language(item.get("text") or "", self.language)
        item["language"], item["language_prob"] = guess.language, guess.probability
