from __future__ import annotations

import asyncio

import pytest

from pipelines.drops import LanguageNotWanted
from pipelines.language import LanguageConfig, LanguageDetector, LanguagePipeline, parse_languages
from pipelines.worker_pool import WorkerPool

TEXTS = {
    "en": "The harbour authority said on Tuesday that the new container terminal would open next spring, "
    "after two years of delays caused by flooding and a dispute with the builders.",
    "de": "Die Hafenbehörde teilte am Dienstag mit, dass das neue Containerterminal im nächsten Frühjahr "
    "eröffnet werde, nach zwei Jahren Verzögerung durch Hochwasser und einen Streit mit den Baufirmen.",
    "fr": "L'autorité portuaire a annoncé mardi que le nouveau terminal à conteneurs ouvrirait au printemps "
    "prochain, après deux ans de retard causés par des inondations et un conflit avec les constructeurs.",
    "ko": "항만청은 화요일 새 컨테이너 터미널이 홍수와 건설사와의 분쟁으로 2년간 지연된 끝에 내년 봄에 문을 열 것이라고 밝혔다.",
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_detects(detector: LanguageDetector, lang: str) -> None:
    guess = detector.detect(TEXTS[lang])
    assert guess.language == lang
    assert guess.probability > 0.9


def test_deterministic_on_ambiguous_text(detector: LanguageDetector) -> None:
    text = "Hotel Taxi Restaurant Bar Pizza Radio"
    assert len({LanguageDetector().detect(text) for _ in range(5)} | {detector.detect(text)}) == 1


@pytest.mark.parametrize("text", ["", "   ", "12345 678 -- %%%", "\x00\x01\x02"])
def test_no_letters_is_undetermined(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text).language == "und"


def test_parse_languages() -> None:
    assert parse_languages("en, ko,de-DE") == {"en", "ko", "de"}
    assert parse_languages(None) == frozenset() and parse_languages("") == frozenset()


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def test_pipeline_filters_and_flags_mismatch() -> None:
    stats = Stats()
    pipeline = LanguagePipeline(LanguageConfig(), parse_languages("en,fr"), stats)
    item = asyncio.run(pipeline.process_item({"text": TEXTS["fr"], "declared_language": "en-GB"}))
    assert item["language"] == "fr" and item["language_prob"] > 0.9
    assert stats.values["newscorpus/language/declared_mismatch"] == 1
    with pytest.raises(LanguageNotWanted):
        asyncio.run(pipeline.process_item({"text": TEXTS["de"]}))
    asyncio.run(pipeline.process_item({"text": TEXTS["en"], "_expected_languages": ["ko"]}))
    assert stats.values["newscorpus/language/unexpected_for_site"] == 1


def test_pipeline_in_worker_processes() -> None:
    pool = WorkerPool(workers=1)
    try:
        pipeline = LanguagePipeline(LanguageConfig(), parse_languages("en"), Stats(), pool)
        assert asyncio.run(pipeline.process_item({"text": TEXTS["en"]}))["language"] == "en"
        with pytest.raises(LanguageNotWanted):
            asyncio.run(pipeline.process_item({"text": TEXTS["ko"]}))
    finally:
        pool.kill()
