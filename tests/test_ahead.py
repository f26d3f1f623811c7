"""Results computed ahead: taken only when made from what the taking stage would use, and always removed."""

from __future__ import annotations

from pipelines import ahead


def test_taken_only_when_made_from_the_same_inputs() -> None:
    text = "The council approved the budget."
    item = {"text": text}
    ahead.leave(item, "_x", (text, "en"), 42)
    assert ahead.take(item, "_x", (item["text"], "en")) == 42
    assert "_x" not in item

    ahead.leave(item, "_x", (text, "en"), 42)
    item["text"] = text + " A later stage added this."
    assert ahead.take(item, "_x", (item["text"], "en")) is None
    assert "_x" not in item  # a stale result does not travel on to the writer

    ahead.leave(item, "_x", (item["text"], "en"), 42)
    assert ahead.take(item, "_x", (item["text"], "de")) is None
    item["_x"] = "not a pair"
    assert ahead.take(item, "_x", (item["text"], "en")) is None
    assert ahead.take(item, "_x", (item["text"], "en")) is None  # nothing left


def test_stage_runs_reads_item_pipelines_as_scrapy_does() -> None:
    from scrapy.settings import Settings

    from pipelines.clean import CleanPipeline

    def runs(pipelines: dict[object, object]) -> bool:
        return ahead.stage_runs(Settings({"ITEM_PIPELINES": pipelines}), "pipelines.clean.CleanPipeline")

    assert runs({"pipelines.clean.CleanPipeline": 200})
    assert runs({CleanPipeline: 200})
    assert not runs({"pipelines.clean.CleanPipeline": None})
    assert not runs({"pipelines.quality.QualityPipeline": 400})


def test_speculation_stops_for_a_site_that_misses_and_probes_it_again() -> None:
    plan = ahead.Speculation(probe_every=4, max_sites=2)
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
