"""End-to-end: articles whose URLs do not look like news URLs are found, by sitemap and feed on one outlet and by
links only on the other, and every syndicated copy is fetched and recorded as a duplicate.

The site is ``tests.newssite.odd_outlets``: the page decides what is an article, the Kessa Courier's odd shapes
are learned from probes, its dossier pages (listings at a shape of their own) cost at most the probes of their
shape, its sections are followed page by page up to ``NEWSCORPUS_FOLLOW_PAGES``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.links import LinkConfig
from tests.crawl_helpers import RunOutput, crawl
from tests.newssite.model import RequestRecord
from tests.newssite.odd_outlets import LINKED, LISTED, OddSite, Story

pytestmark = pytest.mark.e2e

FOLLOW_PAGES = 5


@pytest.fixture(scope="module")
def site() -> Iterator[OddSite]:
    with OddSite() as running:
        yield running


@pytest.fixture(scope="module")
def start_article(site: OddSite) -> Story:
    """One of the Courier's stories given as a start URL, as a user who wants that page passes it."""
    return next(s for s in site.articles(LINKED) if s.path.startswith("/news/article/"))


@pytest.fixture(scope="module")
def odd_crawl(
    site: OddSite, start_article: Story, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunOutput, list[RequestRecord]]:
    """The module's crawl and the requests the site received during it (another test crawls the same site, before
    or after, in a random order)."""
    targets = [*site.base_urls, site.url(start_article)]
    before = len(site.requests())
    run = crawl(targets, tmp_path_factory.mktemp("odd"), "--no-state", run_id="odd")
    return run, site.requests()[before:]


@pytest.fixture(scope="module")
def run(odd_crawl: tuple[RunOutput, list[RequestRecord]]) -> RunOutput:
    return odd_crawl[0]


@pytest.fixture(scope="module")
def run_requests(odd_crawl: tuple[RunOutput, list[RequestRecord]]) -> list[RequestRecord]:
    return odd_crawl[1]


def copies(site: OddSite) -> list[Story]:
    return [s for s in site.stories if s.copy_of is not None]


def test_every_story_is_written_or_recorded_as_a_copy(site: OddSite, run: RunOutput) -> None:
    written = Counter(a["url"] for a in run.articles)
    assert all(n == 1 for n in written.values()), [u for u, n in written.items() if n > 1]
    copied = {site.url(s.copy_of) for s in copies(site) if s.copy_of is not None} | {
        site.url(s) for s in copies(site)
    }
    singles = [site.url(s) for s in site.stories if site.url(s) not in copied]
    assert not [u for u in singles if u not in written], "not written"
    for copy in copies(site):
        assert copy.copy_of is not None
        pair = {site.url(copy), site.url(copy.copy_of)}
        assert len(pair & set(written)) == 1, pair
    assert len(run.articles) == len(singles) + len(copies(site))


def test_every_syndicated_copy_is_fetched_and_recorded_in_duplicates(
    site: OddSite, run: RunOutput, run_requests: list[RequestRecord]
) -> None:
    requested = {(r.outlet, r.path) for r in run_requests}
    ids = {a["id"]: a["url"] for a in run.articles}
    dropped = {d["url"]: d for d in run.duplicates}
    for copy in copies(site):
        assert copy.copy_of is not None
        assert (LINKED, copy.path) in requested
        pair = {site.url(copy), site.url(copy.copy_of)}
        (kept,) = pair & set(ids.values())
        (lesser,) = pair - {kept}
        assert lesser in dropped, f"{lesser} not in duplicates.jsonl"
        assert ids[dropped[lesser]["duplicate_of"]] == kept
    assert len(run.duplicates) == len(copies(site))


def test_text_of_the_odd_pages_is_the_story(site: OddSite, run: RunOutput) -> None:
    by_url = run.by_url()
    problems = []
    for story in site.stories:
        article = by_url.get(site.url(story))
        if article is None:
            continue  # a copy dropped as a duplicate, checked above
        problems += [
            f"{site.url(story)}: missing {s!r}" for s in site.snippets(story) if s not in article["text"]
        ]
        if article["title"] != story.article.title:
            problems.append(f"{site.url(story)}: title {article['title']!r}")
    assert not problems, "\n".join(problems)


def test_discovered_via_says_how_each_article_was_found(
    site: OddSite, start_article: Story, run: RunOutput
) -> None:
    by_url = run.by_url()
    via = {url: a["discovered_via"] for url, a in by_url.items()}
    listed = {site.url(s) for s in site.articles(LISTED)}
    assert {via[u] for u in listed if u in via} <= {"news-sitemap", "sitemap", "feed"}
    assert "news-sitemap" in via.values()
    linked = {site.url(s) for s in site.articles(LINKED)} - {site.url(start_article)}
    assert {via[u] for u in linked if u in via} == {"link"}
    assert via[site.url(start_article)] == "start"


def test_listings_are_followed_and_never_written(
    site: OddSite, run: RunOutput, run_requests: list[RequestRecord]
) -> None:
    written = {a["url"] for a in run.articles}
    listings = [
        u
        for kind in ("home", "section", "section-page", "dossier", "service")
        for u in site.pages_of_kind(kind)
    ]
    assert not written & set(listings)
    requested = {r.path for r in run_requests if r.outlet == LINKED}
    for section in ("wissen", "welt", "kultur"):
        assert {f"/ressort/{section}?page={n}" for n in range(2, FOLLOW_PAGES + 1)} <= requested
        assert not {f"/ressort/{section}?page={n}" for n in range(FOLLOW_PAGES + 1, 10)} & requested


def fetched_of_kind(site: OddSite, requests: list[RequestRecord], kind: str) -> list[str]:
    paths = {urlsplit(u).path for u in site.pages_of_kind(kind)}
    return [r.path for r in requests if r.outlet == LINKED and r.path in paths]


def test_non_articles_cost_no_more_than_their_probes(
    site: OddSite, run: RunOutput, run_requests: list[RequestRecord]
) -> None:
    """Dossiers (headline-long anchors) and galleries (two-word anchors): two probes of each shape, the rest
    left once the probes came back as no articles."""
    config = LinkConfig()
    dossiers, galleries = (
        fetched_of_kind(site, run_requests, "dossier"),
        fetched_of_kind(site, run_requests, "gallery"),
    )
    assert 0 < len(dossiers) <= config.probes_per_shape, dossiers
    assert 0 < len(galleries) <= config.probes_per_shape, galleries
    stats = run.manifest["stats"]
    probes = stats.get("newscorpus/discovery/links/probe", 0) + stats.get(
        "newscorpus/discovery/links/released_probe", 0
    )
    assert probes <= config.probe_budget
    rejected = {r["url"]: r for r in run.rejected}
    for url in (site.base_urls[1] + path for path in dossiers + galleries):
        assert (rejected[url]["stage"], rejected[url]["reason"]) == ("extract", "not-article")


def test_listed_non_articles_are_accounted_for(
    site: OddSite, run: RunOutput, run_requests: list[RequestRecord]
) -> None:
    base = site.base_urls[0]
    rejected = {r["url"]: (r["stage"], r["reason"]) for r in run.rejected}
    assert rejected[base + "/nachrichten/"] == ("extract", "not-article")
    assert rejected[base + "/nachrichten/niedersachsen/"] == ("extract", "not-article")
    assert rejected[base + "/thema/hafen"] == ("discover", "not-article-url")
    assert ("listed", "/post_tag-sitemap.xml") not in {(r.outlet, r.path) for r in run_requests}


def test_without_a_probe_budget_only_headline_links_are_probed(site: OddSite, tmp_path: Path) -> None:
    before = len(site.requests())
    out = crawl([site.base_urls[1]], tmp_path, "--no-state", "-s", "NEWSCORPUS_PROBE_BUDGET=0", run_id="none")
    galleries = {urlsplit(u).path for u in site.pages_of_kind("gallery")}
    assert not [r for r in site.requests()[before:] if r.path in galleries]
    written = {urlsplit(a["url"]).path for a in out.articles} | {
        urlsplit(d["url"]).path for d in out.duplicates
    }
    assert {s.path for s in site.articles(LINKED)} <= written  # teasers' links: headline anchors
    assert out.manifest["stats"]["newscorpus/discovery/links/unfollowed"] >= len(galleries)
