"""The language stage: langdetect on the cleaned text, deterministic, with its probability recorded.

langdetect's answers, computed by ``pipelines.langdetect_model`` (its model and detector, with the hot loops
rewritten: the same labels and probabilities in half the time).

langdetect draws random samples of n-grams, so the same text can get different answers from run to run unless
the seed is fixed. Its module-level ``DetectorFactory`` is global mutable state; we build our own factory
instance with a fixed seed instead, so two detectors in one process cannot disturb each other.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipelines import ahead
from pipelines.ahead import Speculation
from pipelines.dedupe import TextFeatures, fingerprint_config_ahead, keep_features_ahead, text_features
from pipelines.drops import LanguageNotWanted
from pipelines.fingerprint import FingerprintConfig
from pipelines.langdetect_model import NgramModel
from pipelines.worker_pool import WorkerPool

logger = logging.getLogger(__name__)

UNDETERMINED = "und"


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    probability: float


@dataclass(frozen=True)
class LanguageConfig:
    """``max_chars`` and ``trials``: langdetect's answer settles early. On 1,057 news texts (the extraction
    benchmark's articles and the dedupe benchmark's texts) the first 1000 characters with 3 trials gave the
    label of the whole text with langdetect's default 7 trials on all but one (a Portuguese page that is
    mostly a table of English names), in 3.0 ms a text instead of 6.9 ms for 2000 characters and 7 trials.
    ``min_probability``: below it the text is labelled ``und`` (mixed or too short to tell)."""

    seed: int = 0
    max_chars: int = 1000
    trials: int = 3
    min_probability: float = 0.5


def normalise_code(code: str | None) -> str | None:
    """``en-US``, ``EN_gb`` -> ``en``; langdetect's ``zh-cn``/``zh-tw`` -> ``zh``."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary or None


class LanguageDetector:
    """Detects the language of a text; the profiles load once, in the constructor."""

    def __init__(self, config: LanguageConfig | None = None) -> None:
        self.config = config or LanguageConfig()
        self._model = NgramModel(self.config.seed)

    def detect(self, text: str) -> LanguageGuess:
        from langdetect.lang_detect_exception import LangDetectException

        sample = (text or "")[: self.config.max_chars]
        if not any(ch.isalpha() for ch in sample):
            return LanguageGuess(UNDETERMINED, 0.0)
        detector = self._model.detector()
        detector.n_trial = self.config.trials
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError, ZeroDivisionError):
            return LanguageGuess(UNDETERMINED, 0.0)
        language = normalise_code(best.lang) or UNDETERMINED
        if best.prob < self.config.min_probability:
            return LanguageGuess(UNDETERMINED, round(best.prob, 4))
        return LanguageGuess(language, round(best.prob, 4))


@functools.lru_cache(maxsize=4)
def shared_detector(config: LanguageConfig) -> LanguageDetector:
    """One detector a process and configuration: loading langdetect's profiles takes a while, using them not."""
    return LanguageDetector(config)


def detect_language(text: str, config: LanguageConfig) -> LanguageGuess:
    """The task a worker process runs for the language stage."""
    return shared_detector(config).detect(text)


def detect_language_and_features(
    text: str, config: LanguageConfig, wanted: frozenset[str], fingerprint: FingerprintConfig
) -> tuple[LanguageGuess, TextFeatures | None]:
    """The language stage's worker task when the dedupe stage runs later: the guess, and the dedupe stage's text
    features of a text the language filter keeps (computed here, the reactor hands the page out once less)."""
    guess = detect_language(text, config)
    if wanted and guess.language not in wanted:
        return guess, None
    return guess, text_features(text, guess.language, fingerprint)


LanguageSettings = tuple[LanguageConfig, frozenset[str], FingerprintConfig | None]


def language_settings(settings: Any) -> LanguageSettings:
    """The language stage's detector configuration, ``--lang`` filter and (when the dedupe stage runs later)
    the fingerprint configuration of the features its task computes, from Scrapy settings."""
    defaults = LanguageConfig()
    config = LanguageConfig(
        seed=settings.getint("NEWSCORPUS_LANGUAGE_SEED", defaults.seed),
        max_chars=settings.getint("NEWSCORPUS_LANGUAGE_MAX_CHARS", defaults.max_chars),
        trials=settings.getint("NEWSCORPUS_LANGUAGE_TRIALS", defaults.trials),
        min_probability=settings.getfloat("NEWSCORPUS_LANGUAGE_MIN_PROB", defaults.min_probability),
    )
    return config, parse_languages(settings.get("NEWSCORPUS_LANGUAGES")), fingerprint_config_ahead(settings)


def language_task(text: str, settings: LanguageSettings) -> tuple[LanguageGuess, TextFeatures | None]:
    """The task a worker process runs for the language stage: the guess, and the dedupe stage's features when
    it runs later."""
    config, wanted, features = settings
    if features is None:
        return detect_language(text, config), None
    return detect_language_and_features(text, config, wanted, features)


#: Item key of the language stage's result computed ahead, in the extract stage's task (``pipelines.ahead``).
AHEAD_KEY = "_language_ahead"


def language_ahead(item: dict[str, Any], text: str, settings: LanguageSettings) -> dict[str, Any]:
    """In a worker, after extraction and cleaning: the language stage's task on ``text`` (the text the clean
    stage will hand on unless it strips the site's repeated lines), for the language stage to take."""
    ahead.leave(item, AHEAD_KEY, (text, settings), language_task(text, settings))
    return item


def guessed_ahead(
    item: dict[str, Any], settings: LanguageSettings
) -> tuple[LanguageGuess, TextFeatures | None] | None:
    """The result ``language_ahead`` left, if made with these settings from the item's current text."""
    result = ahead.take(item, AHEAD_KEY, (item.get("text") or "", settings))
    if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[0], LanguageGuess):
        return None
    return result


def parse_languages(value: str | Iterable[str] | None) -> frozenset[str]:
    """``"en,ko"`` or ``["en", "ko"]`` -> ``{"en", "ko"}``; empty means every language."""
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(code for item in items if (code := normalise_code(item)))


class LanguagePipeline:
    """Scrapy adapter: labels ``language``/``language_prob`` and applies the ``--lang`` filter."""

    def __init__(
        self,
        config: LanguageConfig,
        wanted: frozenset[str],
        stats: Any,
        pool: WorkerPool | None = None,
        features: FingerprintConfig | None = None,
        speculation: Speculation | None = None,
    ) -> None:
        """``features``: the dedupe stage's fingerprint configuration when it runs later; its text features are
        then computed in this stage's worker task. ``speculation``: shared with the extract stage, which
        computes this stage's result ahead for the sites where that pays off (told here whether it did)."""
        self.config = config
        self.wanted = wanted
        self.stats = stats
        self.pool = pool or WorkerPool(0)
        self.features = features
        self.speculation = speculation

    @property
    def settings(self) -> LanguageSettings:
        return self.config, self.wanted, self.features

    @classmethod
    def from_crawler(cls, crawler: Any) -> LanguagePipeline:
        from crawler.extensions import speculation, worker_pool

        config, wanted, features = language_settings(crawler.settings)
        return cls(config, wanted, crawler.stats, worker_pool(crawler), features, speculation(crawler))

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        text = item.get("text") or ""
        speculated = AHEAD_KEY in item
        result = guessed_ahead(item, self.settings)
        if speculated and self.speculation is not None:
            self.speculation.outcome(item.get("domain") or "", result is not None)
        if result is None:
            result = await self.pool.run(language_task, text, self.settings)
        guess, features = result
        item["language"] = guess.language
        item["language_prob"] = guess.probability
        if features is not None and self.features is not None:
            keep_features_ahead(item, self.features, features)
        self.stats.inc_value(f"newscorpus/language/{guess.language}")
        declared = normalise_code(item.get("declared_language"))
        if declared and guess.language != UNDETERMINED and declared != guess.language:
            self.stats.inc_value("newscorpus/language/declared_mismatch")
            logger.debug("%s declares %s but reads as %s", item.get("url"), declared, guess.language)
        expected = item.get("_expected_languages")
        if expected and guess.language != UNDETERMINED and guess.language not in expected:
            # The site profile names the languages the outlet publishes in: a page outside them is worth a look.
            self.stats.inc_value("newscorpus/language/unexpected_for_site")
            logger.debug("%s reads as %s; its profile expects %s", item.get("url"), guess.language, expected)
        if self.wanted and guess.language not in self.wanted:
            raise LanguageNotWanted(f"{guess.language} not in {','.join(sorted(self.wanted))}")
        return item
