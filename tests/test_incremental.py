"""Scheduled crawls: each run fetches only what is new and never writes a story an earlier run wrote."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.crawl_helpers import crawl
from tests.newssite import NewsSite

pytestmark = pytest.mark.e2e


@pytest.fixture()
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def article_paths(site: NewsSite, urls: set[str]) -> set[str]:
    return {urlsplit(u).path for u in urls}


def test_unchanged_site_then_three_new_articles(site: NewsSite, tmp_path: Path) -> None:
    first = crawl(site.base_urls, tmp_path, run_id="r1")
    known = {a.url for a in site.expected_articles()}
    assert first.articles

    mark = len(site.request_log)
    second = crawl(site.base_urls, tmp_path, run_id="r2")
    requested = {r.path for r in site.request_log.snapshot()[mark:]}
    assert not requested & article_paths(site, known), "an article page was fetched again"
    assert second.articles == [] and second.duplicates == []
    assert second.manifest["stats"]["newscorpus/discovery/not_modified"] > 0

    site.publish(a.slug for a in site.hidden_articles())
    new = {a.url for a in site.expected_articles()} - known
    assert len(new) == 3
    mark = len(site.request_log)
    third = crawl(site.base_urls, tmp_path, run_id="r3")
    requested = {r.path for r in site.request_log.snapshot()[mark:]}
    all_articles = article_paths(site, known | new)
    assert requested & all_articles == article_paths(site, new)
    assert {a["url"] for a in third.articles} == new


def test_revisit_records_a_correction_as_an_update(site: NewsSite, tmp_path: Path) -> None:
    first = crawl(site.base_urls, tmp_path, run_id="r1")

    def revisable(article: dict[str, object]) -> str | None:
        """The article's second paragraph's first sentence, if the page's HTML holds it as written (a sentence
        with an apostrophe is escaped in the HTML, and the site's revision replaces raw bytes)."""
        lines = str(article["text"]).split("\n")
        sentence = lines[1].split(". ")[0] if len(lines) > 1 else ""
        return sentence if sentence and sentence.encode("utf-8") in page_bytes(article) else None

    # The first suitable article by URL: the crawl's order of articles varies from run to run.
    target, sentence = next(
        (a, revised)
        for a in sorted(first.articles, key=lambda a: a["url"])
        if a["language"] == "en" and not a.get("duplicates") and (revised := revisable(a))
    )
    site.revise(target["url"], sentence, sentence + " (corrected: the figure was revised)")
    assert b"(corrected: the figure was revised)" in page_bytes(target), "the site did not revise the page"
    mark = len(site.request_log)
    # A window of 0 seconds re-visits everything; the age limit is lifted so the test does not age.
    second = crawl(
        site.base_urls,
        tmp_path,
        "--revisit-after",
        "0s",
        "-s",
        "NEWSCORPUS_REVISIT_MAX_AGE=36500d",
        run_id="r2",
    )
    assert second.articles == [], "a corrected article must not come back as a new story"
    refetched = {r.path for r in site.request_log.snapshot()[mark:] if r.status == 200}
    assert urlsplit(target["url"]).path in refetched, "the corrected article was not fetched again"
    updates = [r for r in _read(second.run_dir / "updates.jsonl")]
    assert [u["id"] for u in updates] == [target["id"]]
    assert updates[0]["revision"] == 2 and "(corrected: the figure was revised)" in updates[0]["text"]
    assert updates[0]["date_modified"]
    stats = second.manifest["stats"]
    assert stats["newscorpus/updates/changed"] == 1
    assert stats["newscorpus/updates/unchanged"] >= len(first.articles) - 1


def test_copy_published_later_points_at_the_earlier_run(site: NewsSite, tmp_path: Path) -> None:
    harbour, meridian = site.base_urls
    exact = next(d for d in site.expected_duplicates() if d.kind == "exact")
    first = crawl([meridian], tmp_path, run_id="today")
    original = next(a for a in first.articles if a["url"] in exact.group)
    second = crawl([harbour, meridian], tmp_path, run_id="tomorrow")
    (copy,) = exact.group - {original["url"]}
    assert copy not in {a["url"] for a in second.articles}
    record = next(d for d in second.duplicates if d["url"] == copy)
    assert record["duplicate_of"] == original["id"]


def page_bytes(article: dict[str, object]) -> bytes:
    """The article's page as the site serves it now."""
    with urllib.request.urlopen(str(article["url"]), timeout=30) as page:
        return page.read()


def _read(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
