"""End-to-end: the real ``newscorpus crawl`` of the rights outlets (``tests/newssite/rights.py``): every article's
``rights`` as declared, ``--tdm exclude``, the site files fetched once and kept in the crawl state, the
summary, the report, the dataset card and the Parquet export."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import requests

from crawler.cli import main
from crawler.report import write_report
from crawler.state.sqlite import CrawlState
from pipelines.extract.rights import RIGHTS_HEADERS, SIGNALS, reservations, signals_of
from pipelines.urls import domain_of
from tests.crawl_helpers import REPO, RunOutput, crawl, read_run
from tests.newssite.rights import RightsSite
from tests.warc_fixtures import Capture, write_warc

pytestmark = pytest.mark.e2e

TDMREP = "/.well-known/tdmrep.json"


@pytest.fixture(scope="module")
def site() -> Iterator[RightsSite]:
    with RightsSite() as running:
        yield running


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rights")


@pytest.fixture(scope="module")
def run(site: RightsSite, out: Path) -> RunOutput:
    return crawl(site.targets, out, run_id="r1")


def test_every_article_carries_its_rights_exactly(site: RightsSite, run: RunOutput) -> None:
    expected = site.expected_rights()
    assert {a["url"]: a["rights"] for a in run.articles} == expected
    assert run.rejected == [] and run.duplicates == []
    for article in run.articles:
        assert list(article)[-1] == "rights"  # in the record's field order, never a private key


def test_summary_and_manifest_count_each_signal_per_domain(site: RightsSite, run: RunOutput) -> None:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for url, rights in site.expected_rights().items():
        counts[domain_of(url)].update(signals_of(rights))
    assert run.manifest["rights_per_domain"] == {d: dict(c) for d, c in counts.items() if c}
    assert "rights: share of articles" in run.stdout
    if len(counts) == 2:  # the Birchfield Post on 127.0.0.2: 3 of its 7 articles reserved
        (row,) = [line for line in run.stdout.splitlines() if line.startswith("127.0.0.2 ") and "%" in line]
        assert row.split()[1:] == ["43%", "29%", "14%", "14%", "14%", "14%"]


def test_site_files_are_fetched_once_and_kept_in_the_state(site: RightsSite, tmp_path: Path) -> None:
    mark = len(site.request_log)

    def fetched() -> list[str]:
        return sorted(r.outlet for r in site.request_log.snapshot()[mark:] if r.path == TDMREP)

    first = crawl(site.targets, tmp_path, run_id="s1")
    assert fetched() == ["courier", "post"]
    assert first.manifest["stats"]["newscorpus/rights/sites_fetched"] == 2
    again = crawl(site.targets, tmp_path, run_id="s2")  # nothing new, the files a day from stale
    assert again.articles == []
    assert fetched() == ["courier", "post"]
    assert again.manifest["stats"]["newscorpus/rights/sites_from_state"] == 2
    stale = crawl(site.targets, tmp_path, "-s", "NEWSCORPUS_RIGHTS_MAX_AGE=0s", run_id="s3")
    assert fetched() == ["courier", "courier", "post", "post"]
    assert stale.manifest["stats"]["newscorpus/rights/sites_fetched"] == 2


def archived(rights: dict[str, Any]) -> dict[str, Any]:
    """What an archive of the page tells: its headers and its page, not the site's tdmrep.json or robots.txt."""
    if rights["tdm_source"] == "tdmrep.json":
        rights = {**rights, "tdm_reserved": None, "tdm_source": None, "tdm_policy": None}
    return {**rights, "ai_crawlers_disallowed": []}


def test_warc_ingest_reads_the_archived_headers_and_pages(site: RightsSite, tmp_path: Path) -> None:
    captures = []
    for url in site.expected_rights():
        response = requests.get(url, timeout=10)
        kept = [(k, v) for k, v in response.headers.items() if k.lower() in ("content-type", *RIGHTS_HEADERS)]
        captures.append(Capture(url, response.content, headers=kept))
    path = write_warc(tmp_path / "rights.warc.gz", captures)
    expected = {url: archived(r) for url, r in site.expected_rights().items()}
    for mode, out in (("record", tmp_path / "record"), ("exclude", tmp_path / "exclude")):
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "warc", str(path), "--out", str(out), "--no-state", "--tdm", mode],
            cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        (run_dir,) = (out / "runs").iterdir()
        run = read_run(run_dir)
        if mode == "record":
            assert {a["url"]: a["rights"] for a in run.articles} == expected
        else:
            reserved = {u for u, r in expected.items() if reservations(r)}
            assert {a["url"] for a in run.articles} == set(expected) - reserved
            assert {r["url"] for r in run.rejected if r["reason"] == "tdm-reserved"} == reserved


def test_a_crawl_not_obeying_robots_txt_reads_it_for_the_ai_crawlers(
    site: RightsSite, tmp_path: Path
) -> None:
    loose = crawl(site.targets, tmp_path, "-s", "ROBOTSTXT_OBEY=False", run_id="loose")
    assert {a["url"]: a["rights"] for a in loose.articles} == site.expected_rights()
    state = CrawlState.open(tmp_path / "state", lock=False)
    try:
        facts = state.site_facts(site.base_urls["post"])
    finally:
        state.close()
    assert facts is not None and "User-agent: GPTBot" in facts[1]["robots"]


def test_tdm_exclude_drops_exactly_the_reserved_articles(site: RightsSite, tmp_path: Path) -> None:
    excluded = crawl(site.targets, tmp_path, "--tdm", "exclude", run_id="x1")
    reserved = site.expected_reservations()
    expected = site.expected_rights()
    assert {a["url"] for a in excluded.articles} == set(expected) - set(reserved)
    for article in excluded.articles:
        assert article["rights"] == expected[article["url"]]
    assert {r["url"]: (r["stage"], r["reason"], r["detail"]) for r in excluded.rejected} == {
        url: ("rights", "tdm-reserved", detail) for url, detail in reserved.items()
    }
    assert excluded.manifest["counts"]["rejected_by_reason"] == {"rights/tdm-reserved": len(reserved)}
    assert excluded.manifest["settings"]["NEWSCORPUS_TDM"] == "exclude"
    card = (excluded.run_dir / "README.md").read_text(encoding="utf-8")
    assert "--tdm exclude" in card and "`NEWSCORPUS_TDM` | `exclude`" in card
    # The reservation depends on the run's option: a later run without it fetches those pages again.
    later = crawl(site.targets, tmp_path, run_id="x2")
    assert {a["url"] for a in later.articles} == set(reserved)


def test_report_card_and_export_show_the_rights(site: RightsSite, run: RunOutput, out: Path) -> None:
    _, figures = write_report(out, run_id="r1")
    rights = figures["rights"]
    assert rights["articles"] == len(run.articles) and rights["signals"] == list(SIGNALS)
    reserved = sum(r["tdm_reserved"] is True for r in site.expected_rights().values())
    assert rights["total"]["tdm_reserved"] == {
        "count": reserved,
        "share": round(reserved / len(run.articles), 4),
    }
    assert sum(s["articles"] for s in rights["sites"]) == len(run.articles)
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert 'id="rights"' in page and f'data-figure="rights.total.tdm_reserved">{reserved}<' in page
    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    assert report["rights"] == rights

    card = (run.run_dir / "README.md").read_text(encoding="utf-8")
    assert f"Of the {len(run.articles)} articles, {reserved} carry a TDMRep" in card
    assert "| `rights` |" in card

    assert main(["export", str(run.run_dir), "--out", str(out / "parquet")]) == 0
    rows = pq.read_table(next((out / "parquet").glob("*.parquet"))).to_pylist()
    assert {r["url"]: r["rights"] for r in rows} == site.expected_rights()
