"""End-to-end: the real ``newscorpus crawl`` against the two-outlet test site on 127.0.0.1/127.0.0.2."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_helpers import FAST, REPO, RunOutput, crawl, read_run
from tests.newssite import NewsSite

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture(scope="module")
def run(site: NewsSite, tmp_path_factory: pytest.TempPathFactory) -> RunOutput:
    return crawl(site.base_urls, tmp_path_factory.mktemp("corpus"))


def kept_urls(site: NewsSite) -> tuple[set[str], list[set[str]]]:
    """Articles that must be written: singles, and groups of copies of which exactly one must be written."""
    groups = [set(d.group) for d in site.expected_duplicates()]
    grouped = set().union(*groups) if groups else set()
    singles = {a.url for a in site.expected_articles()} - grouped
    return singles, groups


def test_every_article_written_exactly_once(site: NewsSite, run: RunOutput) -> None:
    urls = Counter(a["url"] for a in run.articles)
    assert all(n == 1 for n in urls.values()), [u for u, n in urls.items() if n > 1]
    assert len({a["id"] for a in run.articles}) == len(run.articles)
    singles, groups = kept_urls(site)
    assert singles <= set(urls), sorted(singles - set(urls))
    for group in groups:
        assert len(group & set(urls)) == 1, group
    expected_total = len(singles) + len(groups)
    assert len(run.articles) == expected_total, sorted(set(urls) - singles - set().union(*groups))


def test_article_text_is_clean(site: NewsSite, run: RunOutput) -> None:
    by_url = run.by_url()
    problems = []
    for expected in site.expected_articles():
        article = by_url.get(expected.url)
        if article is None:
            continue  # a copy that was dropped as a duplicate; checked elsewhere
        for snippet in expected.must_contain:
            if snippet not in article["text"]:
                problems.append(f"{expected.url}: missing {snippet!r}")
        for snippet in expected.must_not_contain:
            if snippet in article["text"]:
                problems.append(f"{expected.url}: clutter {snippet!r}")
    assert not problems, "\n".join(problems)


def test_metadata_and_language(site: NewsSite, run: RunOutput) -> None:
    by_url = run.by_url()
    for expected in site.expected_articles():
        article = by_url.get(expected.url)
        if article is None:
            continue
        assert article["language"] == expected.lang, expected.url
        assert article["language_prob"] > 0.8
        assert article["title"] == expected.title, expected.url
        assert (article["date_published"] or "")[:10] == expected.date_published[:10], expected.url
        assert article["source"] == "live" and article["fetched_at"]
        assert article["word_count"] > 100


def test_duplicates_recorded(site: NewsSite, run: RunOutput) -> None:
    written_ids = {a["id"]: a["url"] for a in run.articles}
    dropped = {d["url"]: d for d in run.duplicates}
    for expected in site.expected_duplicates():
        group = set(expected.group)
        (kept,) = group & set(written_ids.values())
        (copy,) = group - {kept}
        record = dropped.get(copy)
        assert record is not None, f"{copy} not in duplicates.jsonl"
        assert written_ids[record["duplicate_of"]] == kept
        assert record["score"] > 0 and record["kind"] in ("exact", "near", "reworded")
    kept_records = [a for a in run.articles if a.get("duplicates")]
    assert sum(a["duplicates"]["count"] for a in kept_records) == len(run.duplicates)


def test_disallowed_paths_never_requested(site: NewsSite, run: RunOutput) -> None:
    requested = set()
    for outlet in site.outlets:
        requested |= site.paths_requested(outlet)
    assert not any(path.startswith(tuple(site.disallowed_paths())) for path in requested)


def test_bad_pages_are_rejected_with_a_reason(site: NewsSite, run: RunOutput) -> None:
    rejected = {r["url"]: r for r in run.rejected}
    written = {a["url"] for a in run.articles}
    for expected in site.expected_rejected():
        assert expected.url not in written
        assert expected.url in rejected, f"{expected.url} ({expected.why}) not in rejected.jsonl"
        assert rejected[expected.url]["stage"] and rejected[expected.url]["reason"]


def test_manifest_describes_the_files(run: RunOutput) -> None:
    manifest = run.manifest
    assert manifest["counts"]["written"] == len(run.articles)
    assert manifest["counts"]["duplicates"] == len(run.duplicates)
    assert manifest["counts"]["rejected"] == len(run.rejected)
    for shard in manifest["shards"]:
        path = run.run_dir / shard["name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == shard["sha256"]
    assert manifest["settings"]["ROBOTSTXT_OBEY"] is True
    assert manifest["started_at"] <= manifest["finished_at"]
    assert "articles written" in run.stdout and "rejected: stage/reason" in run.stdout


def test_lang_filter_and_max_articles(site: NewsSite, tmp_path: Path) -> None:
    english = crawl(site.base_urls, tmp_path, "--lang", "en", "--max-articles", "4", run_id="en-only")
    assert len(english.articles) == 4
    assert {a["language"] for a in english.articles} == {"en"}
    assert english.manifest["counts"]["written"] == 4


def test_since_skips_older_articles_before_fetching(site: NewsSite, tmp_path: Path) -> None:
    dates = sorted({a.date_published[:10] for a in site.expected_articles()})
    cutoff = dates[len(dates) // 2]
    newer = crawl(site.base_urls, tmp_path, "--since", cutoff, "--compress", "zst", run_id="since")
    assert newer.articles
    assert all(a["date_published"][:10] >= cutoff for a in newer.articles)
    assert newer.manifest["shards"][0]["name"].endswith(".jsonl.zst")


def test_scrapy_crawl_works_from_the_repo_root(site: NewsSite, tmp_path: Path) -> None:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", "targets=" + ",".join(site.base_urls),
        "-a", "max_articles=2", "-s", f"NEWSCORPUS_OUT={tmp_path}", "-s", "NEWSCORPUS_RUN_ID=scrapy-run",
        "-s", "LOG_LEVEL=WARNING", *FAST,
    ]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=240)
    assert len(read_run(tmp_path / "runs" / "scrapy-run").articles) == 2


def test_bad_profile_fails_before_crawling(tmp_path: Path) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "x"\nstart_urls = ["https://x.example/"]\nfeeds = 3\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", str(profile), "--out", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"{profile}: key 'feeds' must be a list of strings" in done.stderr
