"""Quality gate: extraction F1 on each of the three shared sets may not fall more than 0.005 below the committed
baseline (``benchmarks/baseline.json``, figures of ``benchmarks/extraction.py``).

A set whose data (``../shared`` next to the repository) is absent is skipped. Raising the baseline is a commit of
its own; the scrapinghub baseline below the issue's bar there fails here, so it cannot be lowered silently.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "extraction"
BASELINE = ROOT / "benchmarks" / "baseline.json"
TOLERANCE = 0.005
SETS = ("scrapinghub", "l3s-gn1", "wcxb-dev")


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "newscorpus_extraction_benchmark", ROOT / "benchmarks" / "extraction.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _baseline() -> dict[str, dict[str, dict[str, float]]]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))["sets"]


def test_baseline_covers_the_three_sets_and_each_leads_where_it_did() -> None:
    baseline = _baseline()
    assert set(baseline) == set(SETS)
    lead = _benchmark().TARGETS["f1_lead"]
    ours, theirs = baseline["scrapinghub"]["newscorpus"], baseline["scrapinghub"]
    best = max(theirs["trafilatura"]["f1"], theirs["trafilatura_precision"]["f1"])
    assert ours["f1"] >= best + lead and ours["clutter_share"] <= 0.03
    for name in SETS:  # ahead of bare trafilatura on every set
        figures = baseline[name]
        assert figures["newscorpus"]["f1"] >= max(
            figures["trafilatura"]["f1"], figures["trafilatura_precision"]["f1"]
        )


def test_scoring_follows_the_benchmark_rules() -> None:
    bench = _benchmark()
    assert bench.page_prf(bench.score_page("a b c d e", "a b c d e")) == (1.0, 1.0, 1.0)
    assert bench.page_prf(bench.score_page("", "a b c d e"))[:2] == (
        None,
        0.0,
    )  # empty output costs recall only
    assert bench.score_page("x y", "x y")["exact"]  # fewer than 4 tokens: one shorter shingle
    score = bench.score_page("a b c d e f", "a b c d x y")
    assert score["tp"] == pytest.approx(1 / 5) and score["fp"] == pytest.approx(2 / 5)
    assert bench.clutter_found("Text.\nScroll to top", "Text.") == ["top-link"]
    assert bench.clutter_found("Sign up for our newsletter", "Sign up for our newsletter") == []


def test_bootstrap_of_the_difference() -> None:
    bench = _benchmark()
    same = [bench.score_page("a b c d e", "a b c d e")] * 20
    worse = [bench.score_page("a b c d", "a b c d e")] * 20
    b = bench.bootstrap_difference(same, worse, draws=200)
    assert b["difference"] > 0 and b["low"] > 0 and b["p_not_above"] == 0.0
    assert bench.bootstrap_difference(same, same, draws=200)["difference"] == 0.0


@pytest.mark.parametrize("name", SETS)
def test_f1_does_not_regress(name: str) -> None:
    data = DATA / name
    if not (data / "ground-truth.json").exists():
        pytest.skip(f"benchmark data {data} (../shared) not present")
    baseline = _baseline()[name]["newscorpus"]
    figures = _benchmark().run_benchmark(data, ["newscorpus"])["newscorpus"]["figures"]
    assert figures["f1"] >= baseline["f1"] - TOLERANCE, (
        f"{name}: extraction F1 {figures['f1']:.4f} fell more than {TOLERANCE} below the baseline "
        f"{baseline['f1']:.4f} (P {figures['precision']:.4f}, R {figures['recall']:.4f})"
    )
