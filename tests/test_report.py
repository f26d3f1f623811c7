"""``newscorpus report``: the figures of small run folders written by the real writer, the page drawn from
them, and what bad input gives (a one-line error or a counted skip, never a traceback)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.report.build import build_figures
from crawler.report.figures import quantiles
from crawler.report.runs import ReportError
from tests.run_folders import two_runs


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    two_runs(tmp_path / "out")
    return tmp_path / "out"


def test_funnel_sums_the_manifests(corpus: Path) -> None:
    funnel = build_figures(corpus)["funnel"]
    assert funnel["entered"] == {"label": "pages fetched", "count": 38}
    assert funnel["article_pages"] == 17
    assert (funnel["written"], funnel["duplicates"], funnel["rejected"], funnel["updates"]) == (10, 5, 5, 1)
    assert funnel["duplicates_by_kind"] == {"exact": 1, "near": 3, "reworded": 1}
    assert list(funnel["rejected_by_reason"]) == [
        "discover/robots-disallowed",
        "fetch/http-404",
        "fetch/timeout",
        "extract/no-text",
        "quality/too-short",
    ]
    assert funnel["steps"][0] == {"step": "article pages fetched", "count": 17, "share": 1.0}
    assert funnel["steps"][-1]["count"] == 10
    shares = {row["outcome"]: row["share"] for row in funnel["outcome_rows"]}
    assert shares["written"] == round(10 / 20, 4)


def test_sites_time_languages_lengths(corpus: Path) -> None:
    figures = build_figures(corpus)
    sites = {row["domain"]: row for row in figures["sites"]}
    assert [row["domain"] for row in figures["sites"]] == ["a.example", "b.example", "c.example"]
    a, b, c = sites["a.example"], sites["b.example"], sites["c.example"]
    assert (a["written"], a["duplicates"], a["rejected"]) == (6, 0, 2)
    # A fetch failure is not an article page; the page with no text is.
    assert a["article_pages"] == 7 and a["empty_share"] == round(1 / 7, 4)
    assert a["median_words"] == 330
    assert (b["written"], b["duplicates"], b["rejected"]) == (4, 2, 2)
    assert b["languages"] == [{"value": "de", "count": 4, "share": 1.0}]
    assert b["date_sources"][0]["value"] == "json-ld"
    assert (c["written"], c["duplicates"]) == (0, 3)  # the retracted article counts as the copy it became
    assert c["top_rejection"] == {"reason": "discover/robots-disallowed", "count": 1}

    time = figures["time"]
    assert time["by_day"] == {"2026-11-10": 8, "2026-11-12": 1}
    assert time["no_date"] == 1
    lag = {row["lag"]: row["count"] for row in time["lag"]}
    assert lag["1 to 6 hours"] == 8 and lag["under 1 hour"] == 1
    assert time["lag_median_hours"] == 2

    languages = figures["languages"]
    assert [(r["language"], r["count"]) for r in languages["detected"]] == [("en", 6), ("de", 4)]
    assert languages["agreement"] == 1.0  # de-DE is de
    lengths = figures["lengths"]
    assert lengths["articles"] == 10 and lengths["quantiles"]["p50"] == 260
    assert sum(b["count"] for b in lengths["histogram"]) == 10

    runs = figures["runs"]
    assert [(r["run_id"], r["written"], r["duplicates"], r["failures"], r["updates"]) for r in runs] == [
        ("run-1", 8, 4, 1, 0),
        ("run-2", 2, 1, 1, 1),
    ]


def test_syndication_follows_retractions_and_runs(corpus: Path) -> None:
    syndication = build_figures(corpus)["syndication"]
    assert syndication["copies"] == 5 and syndication["across_sites"] == 5
    matrix = syndication["matrix"]
    assert matrix["rows"] == ["a.example"]
    assert dict(zip(matrix["columns"], matrix["counts"][0], strict=True)) == {"c.example": 3, "b.example": 2}
    largest, second = syndication["clusters"]
    assert (largest["kept_id"], largest["kept_title"], largest["copies"]) == ("a1", "Story a1", 3)
    assert largest["kinds"] == {"exact": 1, "near": 2}
    assert {c["id"] for c in largest["shown"]} == {"b9", "c9", "b8"}  # b8 is in the second run
    assert all(c["title"] for c in largest["shown"])
    # c8 copied c1, which was replaced by a2: both belong to a2's story now.
    assert (second["kept_id"], second["copies"], second["kinds"]) == ("a2", 2, {"near": 1, "reworded": 1})


def test_run_and_last_select_runs(corpus: Path) -> None:
    assert build_figures(corpus, run_id="run-2")["funnel"]["written"] == 2
    assert build_figures(corpus, last=1)["report"]["first_run"] == "run-2"
    assert build_figures(corpus / "runs" / "run-1")["funnel"]["written"] == 8  # a run folder given directly
    with pytest.raises(ReportError, match="no run 'nope'"):
        build_figures(corpus, run_id="nope")


def test_compressed_shards_read_alike(tmp_path: Path) -> None:
    two_runs(tmp_path / "plain")
    two_runs(tmp_path / "zst", compress="zst")
    plain, packed = build_figures(tmp_path / "plain"), build_figures(tmp_path / "zst")
    for key in ("funnel", "sites", "time", "languages", "lengths", "syndication"):
        assert plain[key] == packed[key]


def test_command_writes_a_self_contained_page(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "report of 2 run(s), 10 articles" in out and str(corpus / "report" / "index.html") in out
    page = (corpus / "report" / "index.html").read_text(encoding="utf-8")
    figures = json.loads((corpus / "report" / "report.json").read_text(encoding="utf-8"))
    assert figures["funnel"]["written"] == 10
    # Nothing loaded from elsewhere: no script, style sheet or image by URL; a policy that forbids it.
    assert not re.search(r"<(script|img|link)[^>]+(src|href)=\"(https?:)?//", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert '<td class="n" data-sort="10" data-figure="funnel.step.written">10</td>' in page
    assert 'data-figure="funnel.written">10<' in page
    assert page.count("<svg") >= 6
    for section in ("funnel", "sites", "time", "languages", "lengths", "syndication"):
        assert f'id="{section}"' in page
    assert "Story a1" in page  # the largest cluster's title
    assert '<a href="https://b.example/b9" rel="noreferrer">Story b9</a>' in page  # its copies, linked
    assert "&lt;a " not in page
    assert '<table class="sortable">' in page


def test_report_out_option(corpus: Path, tmp_path: Path) -> None:
    assert main(["report", str(corpus), "--last", "1", "--out", str(tmp_path / "elsewhere")]) == 0
    figures = json.loads((tmp_path / "elsewhere" / "report.json").read_text(encoding="utf-8"))
    assert figures["report"]["runs"] == 1


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err


def test_missing_or_non_run_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "no such folder" in one_line_error(capsys)
    (tmp_path / "plain").mkdir()
    assert main(["report", str(tmp_path / "plain")]) == 2
    assert "not an output folder" in one_line_error(capsys)
    (tmp_path / "plain" / "runs").mkdir()
    assert main(["report", str(tmp_path / "plain")]) == 2
    assert "no finished run" in one_line_error(capsys)
    assert main(["report", str(tmp_path / "plain"), "--last", "0"]) == 2
    assert "--last" in one_line_error(capsys)


def test_manifest_that_does_not_parse(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "runs" / "run-2" / "manifest.json").write_text('{"run_id": "run-2", "coun', encoding="utf-8")
    (corpus / "runs" / "run-3").mkdir()  # a run still running: no manifest yet
    assert main(["report", str(corpus)]) == 0
    figures = json.loads((corpus / "report" / "report.json").read_text(encoding="utf-8"))
    assert figures["report"]["runs"] == 1
    skipped = {s["reason"]: s["count"] for s in figures["report"]["skipped"]}
    assert skipped == {
        "run whose manifest.json does not parse": 1,
        "run without a manifest (still running, or killed)": 1,
    }
    page = (corpus / "report" / "index.html").read_text(encoding="utf-8")
    assert "Skipped while reading" in page and "manifest.json is not JSON" in page
    # Given directly, the run with the bad manifest is an error of one line.
    assert main(["report", str(corpus / "runs" / "run-2")]) == 2
    assert "manifest.json is not JSON" in one_line_error(capsys)


def test_torn_and_truncated_shards_are_counted_skips(corpus: Path) -> None:
    shard = corpus / "runs" / "run-1" / "articles-00000.jsonl"
    with open(shard, "a", encoding="utf-8") as fh:
        fh.write('{"id": "torn", "text": "half a li')
    run2 = corpus / "runs" / "run-2"
    data = gzip.compress((run2 / "articles-00000.jsonl").read_bytes())
    (run2 / "articles-00000.jsonl").unlink()
    (run2 / "articles-00000.jsonl.gz").write_bytes(data[: len(data) // 2])
    manifest = json.loads((run2 / "manifest.json").read_text(encoding="utf-8"))
    manifest["shards"][0]["name"] = "articles-00000.jsonl.gz"
    (run2 / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["report", str(corpus)]) == 0
    figures = json.loads((corpus / "report" / "report.json").read_text(encoding="utf-8"))
    skipped = {s["reason"]: s for s in figures["report"]["skipped"]}
    assert skipped["article shard line that is not JSON (torn or corrupt)"]["examples"] == [
        "articles-00000.jsonl:9"
    ]
    assert any(reason.startswith("article shard that ends early") for reason in skipped)
    assert figures["sites"][0]["written"] >= 5


def test_quantiles_are_exact_nearest_rank() -> None:
    from collections import Counter

    counts = Counter({1: 1, 2: 1, 3: 1, 4: 1})
    assert quantiles(counts, (0.25, 0.5, 0.75, 1.0)) == {"p25": 1, "p50": 2, "p75": 3, "p100": 4}
    assert quantiles(Counter(), (0.5,)) == {"p50": None}


def test_text_cells_are_escaped_and_html_cells_are_not() -> None:
    from crawler.report.page import Cell, table

    html = table([("title", False)], [["<script>alert(1)</script>"], [Cell("<b>kept</b>")]])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<b>kept</b>" in html
