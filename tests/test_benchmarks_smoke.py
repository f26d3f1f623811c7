"""The throughput benchmarks still run: each script on a tiny input, as a user runs it, in a child process.

Figures are not checked (benchmarks are scripts, never timed tests); only that each script finishes, measures
every way it claims to, and writes its JSON. The pages are made here from the project's own dedupe stories,
so neither ``../shared`` nor the network is needed.
"""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
STORIES = BENCHMARKS / "dedupe_eval" / "stories"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Smoke News</title>
<meta property="og:type" content="article"><link rel="canonical" href="https://smoke.example/{slug}"></head>
<body><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/sport/">Sport</a></nav>
<main><article><h1>{title}</h1>{paragraphs}</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Another story about something else entirely</a></li></ul></aside>
</main><footer><p>Copyright Smoke News. All rights reserved.</p></footer></body></html>
"""


def run(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six article pages, half of them gzipped, as a folder of saved pages looks."""
    folder = tmp_path_factory.mktemp("pages")
    for n, path in enumerate(sorted(STORIES.glob("*-1.txt"))[:6]):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
        page = PAGE.format(title=html.escape(lines[0]), slug=path.stem, paragraphs=body).encode("utf-8")
        if n % 2:
            (folder / f"{path.stem}.html.gz").write_bytes(gzip.compress(page))
        else:
            (folder / f"{path.stem}.html").write_bytes(page)
    return folder


def test_pipeline_benchmark(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "pipeline.json"
    done = run("pipeline.py", "--data", str(pages), "--out", str(out), "--no-pin")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["pages"] == 6
    assert set(report["systems"]) == {"trafilatura", "newscorpus"}
    assert report["ratio"] > 0
    assert set(report["stages"]) == {"extract", "clean", "language", "signature"}
    assert all(stage["ms_per_page"] > 0 for stage in report["stages"].values())
    assert "speed ratio" in done.stdout


def test_crawl_benchmark(pages: Path, tmp_path: Path) -> None:
    out = tmp_path / "crawl.json"
    plot = tmp_path / "timeline.svg"
    done = run(
        "crawl.py",
        "--pages",
        "20",
        "--data",
        str(pages),
        "--out",
        str(out),
        "--workers",
        "1",
        "--plot",
        str(plot),
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    (results,) = report["rounds"]
    assert [r["mode"] for r in results] == ["bare", "inline", "newscorpus"]
    for r in results:
        assert r["returncode"] == 0, r.get("stderr_tail")
        assert r["server_requests"] >= 20  # every article page, plus robots.txt and the sitemap
        assert r["cpu_seconds"] > 0 and r["peak_rss_tree_bytes"] > 0
    by_mode = {r["mode"]: r for r in results}
    assert by_mode["inline"]["written"] == 20
    assert by_mode["newscorpus"]["written"] >= 15  # distinct copies: dedupe keeps (nearly) all
    assert "(c)/(b)" in done.stdout
    # The timeline: every way's first request seen by the site, half seconds up to its exit, a drawn plot.
    (timelines,) = report["timelines"]
    for line in timelines:
        assert 0 < line["first_request"] < line["wall"]
        assert line["seconds"][-1] == line["wall"] and len(line["cores"]) == len(line["done"])
    assert sum(next(t for t in timelines if t["mode"] == "inline")["done"]) > 0
    assert "<svg" in plot.read_text(encoding="utf-8")


def test_dedupe_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "dedupe.json"
    # No ground-truth.json there: documents come from the project's own stories.
    run("dedupe.py", "--sizes", "200", "--data", str(tmp_path), "--out", str(out), "--tmp", str(tmp_path))
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["index"], r["documents"]) for r in report["results"]] == [("memory", 200), ("sqlite", 200)]
    for r in report["results"]:
        # The split of a check into its parts still finds the calls it times inside Deduplicator.check.
        assert r["ms_signature"] > 0 and r["ms_word_quality"] > 0 and r["ms_index"] > 0
        assert r["peak_rss_bytes"] > 0
        assert r["decisions"].get("new", 0) >= 150


@pytest.mark.parametrize("script", ["pipeline.py", "crawl.py"])
def test_without_pages_says_so_and_exits_0(script: str, tmp_path: Path) -> None:
    done = run(script, "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out.json"))
    assert "no pages found" in done.stdout
    assert not (tmp_path / "out.json").exists()


def test_report_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = run("report.py", "--articles", "3000", "--domains", "20", "--out", str(out))
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["articles"] == 3000 and report["wall_seconds"] > 0
    assert "newscorpus report:" in done.stdout
