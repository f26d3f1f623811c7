"""A crawl archived with ``--warc``, read back with ``newscorpus warc``: the same corpus.

The two ways run the same stages on the same page bytes, so the articles must be the same (ids, titles, texts,
dates, languages) and so must the copies dropped; the pages the crawl archived but never sent to its stages (its
hub pages, sitemaps, feeds, robots.txt) are not read as articles, by the crawl's own metadata records. Site line
learning is off in both, as its lines depend on the order the pages reach the clean stage.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawl_helpers import REPO, crawl, read_run
from tests.newssite import NewsSite

pytestmark = pytest.mark.e2e

SAME = ("id", "url", "title", "text", "date_published", "language", "word_count")


def test_a_crawl_read_back_from_its_archive_gives_the_same_corpus(tmp_path: Path) -> None:
    with NewsSite() as site:
        crawled = crawl(
            site.base_urls, tmp_path / "live", "--warc", "--no-state",
            "-s", "NEWSCORPUS_CLEAN_BOILERPLATE=False", run_id="live",
        )  # fmt: skip
    archive = crawled.run_dir / "warc"
    assert list(archive.glob("*.warc.gz"))
    done = subprocess.run(
        [
            sys.executable, "-m", "crawler.cli", "warc", str(archive), "--out", str(tmp_path / "again"),
            "--no-state", "--run-id", "again", "-s", "NEWSCORPUS_CLEAN_BOILERPLATE=False",
        ],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    read = read_run(tmp_path / "again" / "runs" / "again")

    assert crawled.articles, "the crawl wrote no article"
    live = {a["id"]: {k: a.get(k) for k in SAME} for a in crawled.articles}
    again = {a["id"]: {k: a.get(k) for k in SAME} for a in read.articles}
    assert again == live
    assert all(a["source"] == "warc" and a["warc"]["record_id"] for a in read.articles)
    copies = {(d["id"], d["duplicate_of"], d["kind"]) for d in crawled.duplicates}
    assert {(d["id"], d["duplicate_of"], d["kind"]) for d in read.duplicates} == copies

    # Every page the crawl fetched but did not treat as an article is accounted for as such, never written.
    skipped: dict[str, int] = {}
    for entry in read.manifest["archives"]:
        for reason, count in entry["skipped"].items():
            skipped[reason] = skipped.get(reason, 0) + count
    assert skipped.get("crawled-as-hub", 0) >= len(site.base_urls), json.dumps(skipped)
