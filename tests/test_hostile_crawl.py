"""Crawls of a hostile site (tests/hostile_site.py on 127.0.0.1, "another host" on 127.0.0.2): nothing fetched
off-site, no page taking another article's id, robots.txt read as RFC 9309 says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_helpers import crawl
from tests.hostile_site import STORY, Answer, HostileSite, article_page, home_page

pytestmark = pytest.mark.e2e

OTHER = [
    "A page on another host that must never be fetched, let alone written into the corpus of this site.",
    "If this text appears in a run, the crawl followed a link, a redirect or a refresh off its site.",
    "It is long enough to be an article, so that nothing but the off-site policy can keep it out.",
    "The words go on for a while longer, about tides, ferries, gulls and the price of fresh fish at dawn.",
    "And they end with a line about the weather, which was grey and windy, as it is most days of the year.",
]


@pytest.fixture()
def elsewhere() -> Iterator[HostileSite]:
    pages = {
        f"/2026/11/20/{name}/": Answer(body=article_page("Elsewhere", OTHER))
        for name in ("backslash-story", "redirected-here", "refreshed-here")
    }
    with HostileSite("127.0.0.2", {"/robots.txt": Answer(body="User-agent: *\nAllow: /\n"), **pages}) as site:
        yield site


@pytest.mark.parametrize("target", ["url", "profile"])
def test_nothing_is_fetched_off_site_and_every_refusal_is_recorded(
    elsewhere: HostileSite, tmp_path: Path, target: str
) -> None:
    with HostileSite("127.0.0.1") as site:
        # Python's urlsplit reads the host as 127.0.0.1; a browser, w3lib and so Scrapy connect to 127.0.0.2.
        sneaky = f"http://{elsewhere.origin.removeprefix('http://')}\\@{site.origin.removeprefix('http://')}"
        site.routes.update(
            {
                "/": Answer(
                    body=home_page(
                        [
                            "/2026/11/20/harbour-pier-rebuilt/",
                            f"{sneaky}/2026/11/20/backslash-story/",
                            "/2026/11/20/moved-away/",
                            "/2026/11/20/refreshing-away/",
                        ]
                    )
                ),
                "/2026/11/20/harbour-pier-rebuilt/": Answer(body=article_page("Pier rebuilt", STORY)),
                "/2026/11/20/moved-away/": Answer(
                    301, headers=[("Location", elsewhere.url("/2026/11/20/redirected-here/"))]
                ),
                "/2026/11/20/refreshing-away/": Answer(
                    body=f"<html><head><meta http-equiv='refresh' content='0; url="
                    f"{elsewhere.url('/2026/11/20/refreshed-here/')}'></head><body>moved</body></html>"
                ),
            }
        )
        start = site.url("/")
        if target == "profile":  # the case of a profile that names its domains
            profile = tmp_path / "profile" / "site.toml"
            profile.parent.mkdir()
            profile.write_text(f'name = "Site"\ndomains = ["127.0.0.1"]\nstart_urls = ["{start}"]\n')
            start = str(profile)
        run = crawl([start], tmp_path / "out")
    assert elsewhere.requests == [], f"fetched off-site: {elsewhere.requests}"
    assert [a["url"] for a in run.articles] == [site.url("/2026/11/20/harbour-pier-rebuilt/")]
    offsite = {r["url"]: r for r in run.rejected if r["reason"] == "offsite"}
    moved, refreshed = site.url("/2026/11/20/moved-away/"), site.url("/2026/11/20/refreshing-away/")
    assert set(offsite) == {moved, refreshed}, run.rejected
    assert elsewhere.url("/2026/11/20/redirected-here/") in offsite[moved]["detail"]
    assert elsewhere.url("/2026/11/20/refreshed-here/") in offsite[refreshed]["detail"]
    assert offsite[moved]["stage"] == "fetch"
    assert run.manifest["counts"]["rejected_by_reason"]["fetch/offsite"] == 2


def test_the_backslash_link_is_read_as_the_downloader_reads_it() -> None:
    from crawler.profiles import profile_from_url

    profile = profile_from_url("http://site.example/")
    assert not profile.allows_host("http://other.example\\@site.example/2026/11/20/story/")
    assert profile.allows_host("http://www.site.example/2026/11/20/story/")
    assert profile.allows_host("http://user@site.example/a")


SPAM = [
    "Cheap watches and miracle pills, delivered overnight to every harbour town on the coast, order now.",
    "This page names a real article of the site as its canonical URL, hoping to be filed under its id.",
    "Its words share nothing with the article it names, so no duplicate check can call them one story.",
    "Buy two and get a third free, with a leather strap, a gift box and a card signed by a famous captain.",
    "Offer ends at midnight; shipping is free to any address, and returns are accepted within thirty days.",
]


def test_a_page_cannot_take_the_id_of_the_article_its_canonical_names(tmp_path: Path) -> None:
    real, spam = "/2026/11/20/harbour-pier-rebuilt/", "/2026/11/20/cheap-watches-for-sailors/"
    with HostileSite("127.0.0.1") as site:
        head = f"<link rel='canonical' href='{site.url(real)}'>"
        site.routes.update(
            {
                "/": Answer(body=home_page([spam])),
                spam: Answer(body=article_page("Cheap watches", SPAM, head)),
                real: Answer(body=article_page("Pier rebuilt", STORY)),
            }
        )
        first = crawl([site.url("/")], tmp_path, run_id="first")
        site.routes["/"] = Answer(body=home_page([real]))
        second = crawl([site.url("/")], tmp_path, run_id="second")
    (spam_record,) = first.articles
    assert spam_record["url"] == site.url(spam)
    assert [a["url"] for a in second.articles] == [site.url(real)], (second.duplicates, second.rejected)
    assert second.articles[0]["id"] != spam_record["id"]
    assert not second.duplicates


def test_canonical_links_that_name_the_page_itself_still_give_the_id() -> None:
    from pipelines.record import article_id
    from pipelines.urls import same_page

    page = "http://www.site.example/2026/11/20/story/?utm_source=rss&b=2&a=1"
    assert same_page("https://site.example/2026/11/20/story?a=1&b=2", page)
    assert not same_page("https://site.example/2026/11/20/other-story/", page)
    from pipelines.extract.article import fill_record

    head = "<link rel='canonical' href='https://site.example/2026/11/20/story?a=1&amp;b=2'>"
    item = fill_record({"url": page, "_html": article_page("Story", STORY, head).encode()})
    assert item["id"] == article_id("https://site.example/2026/11/20/story?a=1&b=2")
    head = "<link rel='canonical' href='https://site.example/2026/11/20/another-story/'>"
    item = fill_record({"url": page, "_html": article_page("Story", STORY, head).encode()})
    assert item["id"] != article_id("https://site.example/2026/11/20/another-story/")
    assert item["canonical_url"] == "https://site.example/2026/11/20/another-story/"
