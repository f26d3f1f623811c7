"""The page task: results computed ahead are taken only when made from what the taking stage would use (and
always removed), and the plan of the stages that run is told by the stages themselves."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from pipelines.page_task import leave, take
from pipelines.worker.speculation import Speculation


def test_taken_only_when_made_from_the_same_inputs() -> None:
    text = "The council approved the budget."
    item = {"text": text}
    leave(item, "_x", (text, "en"), 42)
    assert take(item, "_x", (item["text"], "en")) == 42
    assert "_x" not in item

    leave(item, "_x", (text, "en"), 42)
    item["text"] = text + " A later stage added this."
    assert take(item, "_x", (item["text"], "en")) is None
    assert "_x" not in item  # a stale result does not travel on to the writer

    leave(item, "_x", (item["text"], "en"), 42)
    assert take(item, "_x", (item["text"], "de")) is None
    item["_x"] = "not a pair"
    assert take(item, "_x", (item["text"], "en")) is None
    assert take(item, "_x", (item["text"], "en")) is None  # nothing left


def _stages(settings: dict[str, object], clean_class: type | None = None) -> tuple[object, ...]:
    """The crawl's stages built as Scrapy builds them, with the crawl's worker pool extension."""
    from crawler.extensions import WorkerPoolExtension
    from pipelines.clean.pipeline import CleanPipeline
    from pipelines.dedupe.pipeline import DedupePipeline
    from pipelines.extract.pipeline import ExtractPipeline
    from pipelines.language.pipeline import LanguagePipeline
    from pipelines.quality.pipeline import QualityPipeline

    crawler = get_crawler(settings_dict={"EXTENSIONS": {WorkerPoolExtension: 0}, **settings})
    built = [ExtractPipeline.from_crawler(crawler)]
    for stage in (clean_class or CleanPipeline, LanguagePipeline, DedupePipeline, QualityPipeline):
        try:
            built.append(stage.from_crawler(crawler))
        except Exception:  # NotConfigured: the stage does not run
            built.append(None)
    return tuple(built)


def test_the_page_task_does_the_work_of_the_stages_that_run() -> None:
    """Each later stage tells the plan when it is built: the extract stage's task then cleans with the clean
    stage's own configuration, and its language part carries the dedupe stage's fingerprints. A clean stage
    replaced by a subclass (as a deployment may) is in the plan too; one switched off is not."""
    from pipelines.clean.pipeline import CleanPipeline

    class MyClean(CleanPipeline):
        pass

    extract, clean, language, dedupe, quality = _stages({"NEWSCORPUS_WORKERS": 2}, MyClean)
    task = extract.task("https://a.test/1")  # type: ignore[attr-defined]
    assert task.clean == clean.task  # type: ignore[attr-defined]
    assert task.quality == quality.config  # type: ignore[attr-defined]
    assert task.language is not None and task.language.detector == language.config  # type: ignore[attr-defined]
    assert task.language.features == dedupe.fp_config  # type: ignore[attr-defined]

    extract, clean, language, dedupe, _ = _stages(
        {"NEWSCORPUS_WORKERS": 2, "NEWSCORPUS_CLEAN_ENABLED": False}
    )
    assert clean is None and extract.task("https://a.test/1").clean is None  # type: ignore[attr-defined]

    # Inline (no workers), a page's stages cost no round trip: the clean rules run ahead, the language not.
    extract, clean, _, _, _ = _stages({"NEWSCORPUS_WORKERS": 0})
    task = extract.task("https://a.test/1")  # type: ignore[attr-defined]
    assert task.clean == clean.task and task.language is None and task.quality is None  # type: ignore[attr-defined]


def test_the_quality_verdict_ahead_is_the_rules_verdict_on_the_text_the_stage_sees() -> None:
    """The page task checks the cleaned text with the quality stage's rules; the stage takes that verdict (a
    pass or the drop) when the text is still the one checked, and checks the changed text itself otherwise."""
    import pytest

    from pipelines import record
    from pipelines.drops import TooShort
    from pipelines.quality.pipeline import QualityPipeline
    from pipelines.quality.rules import QualityConfig

    stats = get_crawler().stats
    assert stats is not None
    stage = QualityPipeline(QualityConfig(min_words=3), stats)
    text = "Four words of text."
    item = {"text": text}
    leave(item, record.QUALITY_AHEAD, (text, stage.config), (TooShort("left ahead"),))
    with pytest.raises(TooShort, match="left ahead"):
        stage.process_item(item)
    item = {"text": text}
    leave(item, record.QUALITY_AHEAD, (text, stage.config), (None,))
    assert stage.process_item(item) is item and record.QUALITY_AHEAD not in item
    item = {"text": "Two words"}  # changed after the check ahead: checked here, and found too short
    leave(item, record.QUALITY_AHEAD, (text, stage.config), (None,))
    with pytest.raises(TooShort, match="2 words"):
        stage.process_item(item)
    assert stats.get_value("newscorpus/quality_work/ahead") == 2
    assert stats.get_value("newscorpus/quality_work/here") == 1


def test_speculation_stops_for_a_site_that_misses_and_probes_it_again() -> None:
    plan = Speculation(probe_every=4, max_sites=2)
    assert plan.wanted("a.test") and plan.wanted("a.test")  # nothing known: every page gets it
    plan.outcome("a.test", taken=False)
    assert [plan.wanted("a.test") for _ in range(8)] == [False, False, False, True] * 2
    assert plan.wanted("b.test")  # other sites are not affected
    plan.outcome("a.test", taken=True)
    assert plan.wanted("a.test")  # taken again: back to every page
    for site in ("a.test", "b.test", "c.test"):
        plan.outcome(site, taken=False)
    # Bounded: the least recently missed site is forgotten (and so gets the work again).
    assert plan.wanted("a.test") and not plan.wanted("b.test") and not plan.wanted("c.test")
