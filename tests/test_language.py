from __future__ import annotations

import asyncio

import pytest

from pipelines.drops import Duplicate, LanguageNotWanted
from pipelines.language.codes import parse_languages
from pipelines.language.detect import LanguageConfig, LanguageDetector
from pipelines.language.pipeline import LanguagePipeline
from pipelines.page_task import PageWork
from pipelines.worker.pool import WorkerPool

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
        pipeline = LanguagePipeline(LanguageConfig(), parse_languages("en"), Stats(), PageWork(pool))
        assert asyncio.run(pipeline.process_item({"text": TEXTS["en"]}))["language"] == "en"
        with pytest.raises(LanguageNotWanted):
            asyncio.run(pipeline.process_item({"text": TEXTS["ko"]}))
    finally:
        pool.kill()


# Texts for the comparison with langdetect's own detector: several scripts, capitals, URLs, mail addresses,
# Vietnamese marks, runs of spaces, Latin words inside a non-Latin text, and a prior map.
MIXED = [
    *TEXTS.values(),
    "BREAKING NEWS: the NATO summit in Vilnius ENDS with a joint statement on Ukraine and the IAEA report.",
    "Read more at https://news.example.com/world/2026/11/story?id=42 or write to desk@news.example.com today.",
    "Thủ tướng cho biết chính phủ sẽ tăng đầu tư vào cơ sở hạ tầng giao thông trong năm tới.",
    "Премьер-министр заявил, что правительство увеличит инвестиции в транспортную инфраструктуру.",
    "首相は来年、交通インフラへの投資を増やすと述べた。東京の記者会見で発表された。",
    "总理表示，政府明年将增加对交通基础设施的投资。Reuters 报道说。",
    "رئيس الوزراء قال إن الحكومة ستزيد الاستثمار في البنية التحتية للنقل العام المقبل.",
    "Ο πρωθυπουργός δήλωσε ότι η κυβέρνηση θα αυξήσει τις επενδύσεις στις υποδομές μεταφορών.",
    "प्रधानमंत्री ने कहा कि सरकार अगले साल परिवहन बुनियादी ढांचे में निवेश बढ़ाएगी।",
    "Der   Minister   sagte,    die   Regierung werde   investieren.  Ş ş Ţ ţ ș ț sind rumänisch.",
    "Samsung Electronics 삼성전자 said its Q3 operating profit rose 삼성 반도체 부문 실적 개선.",
    "a b c d e f g h i j k l m n o p",
    "IBM NASA FBI CIA UN EU USA UK",
]


def test_same_answers_as_langdetect_itself() -> None:
    """The rewritten loops (``pipelines.language.langdetect_model``) must give langdetect's own labels and probabilities,
    to the last bit, for every number of trials and with a prior map."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from pipelines.language.langdetect_model import NgramModel

    stock = DetectorFactory()
    stock.load_profile(PROFILES_DIRECTORY)
    stock.set_seed(0)
    model = NgramModel(seed=0)

    def answers(detector: object, text: str, trials: int, prior: dict[str, float] | None) -> object:
        detector.n_trial = trials  # type: ignore[attr-defined]
        if prior:
            detector.set_prior_map(prior)  # type: ignore[attr-defined]
        detector.append(text)  # type: ignore[attr-defined]
        try:
            return [(p.lang, p.prob) for p in detector.get_probabilities()]  # type: ignore[attr-defined]
        except Exception as exc:  # langdetect's "no features" error must be raised by both
            return type(exc).__name__

    compared = 0
    for text in [*MIXED, "", "1234 5678", "   "]:
        for trials in (1, 3, 7):
            for prior in (None, {"en": 0.5, "de": 0.3, "ko": 0.2}):
                ours = answers(model.detector(), text, trials, prior)
                theirs = answers(stock.create(), text, trials, prior)
                assert ours == theirs, (text, trials, prior)
                compared += isinstance(theirs, list)
    assert compared == 6 * len(MIXED)


def test_dedupe_features_computed_in_the_language_task() -> None:
    """With the dedupe stage's fingerprint configuration, the language task also computes the text features;
    the dedupe stage uses them (no task of its own) when text and language are still those they were made from,
    and computes them itself otherwise, or when the language filter dropped the need."""
    import numpy as np

    from pipelines.dedupe.config import DedupeConfig
    from pipelines.dedupe.features import text_features
    from pipelines.dedupe.pipeline import DedupePipeline
    from pipelines.record import FEATURES_AHEAD as FEATURES_AHEAD_KEY

    calls: list[str] = []

    class CountingPool(WorkerPool):
        async def run(self, function, *args):  # type: ignore[no-untyped-def]
            calls.append(function.__name__)
            return await super().run(function, *args)

    fp_config = DedupeConfig().fingerprint_config()
    work = PageWork(CountingPool(0))  # the stages of one crawl share it: the dedupe stage tells the plan
    language = LanguagePipeline(LanguageConfig(), parse_languages("en"), Stats(), work)
    dedupe = DedupePipeline(DedupeConfig(), None, "run", work)
    story = " ".join([TEXTS["en"]] * 3)

    item = asyncio.run(language.process_item({"text": story, "url": "https://a.test/1"}))
    ahead = item[FEATURES_AHEAD_KEY][1]
    direct = text_features(story, "en", fp_config)
    assert (ahead.quality, ahead.length, ahead.fingerprint.text_hash) == (
        direct.quality,
        direct.length,
        direct.fingerprint.text_hash,
    )
    assert np.array_equal(ahead.fingerprint.signature, direct.fingerprint.signature)
    asyncio.run(dedupe.process_item(item))
    assert calls == ["language_work"] and FEATURES_AHEAD_KEY not in item

    calls.clear()
    changed = asyncio.run(language.process_item({"text": story, "url": "https://a.test/2"}))
    changed["text"] = story + " A sentence a later stage added."
    with pytest.raises(Duplicate):  # the first story again, with one sentence more
        asyncio.run(dedupe.process_item(changed))
    assert calls == ["language_work", "text_features"]

    calls.clear()
    with pytest.raises(LanguageNotWanted):
        asyncio.run(language.process_item({"text": TEXTS["de"]}))
    assert calls == ["language_work"]
