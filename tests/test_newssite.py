"""The local test news site is what every end-to-end test trusts, so its pages are checked against its own
ground truth here: if these pass, a failing crawl is the crawler's fault, not the site's."""

from __future__ import annotations

import collections
import gzip
import socket
import urllib.error
import urllib.request
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import lxml.html
import pytest
import trafilatura
from langdetect import DetectorFactory, detect

from tests.newssite import HARBOUR, MERIDIAN, NewsSite

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
BODY_XPATH = {
    HARBOUR: '//div[contains(@class, "entry-content")]//p[not(@class)]'
    '[not(ancestor::*[contains(@class, "comments-area") or contains(@class, "jp-relatedposts")])]',
    MERIDIAN: '//div[contains(@class, "c-article__body")]//p[not(@class)]',
}


@dataclass
class Fetched:
    url: str
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(
    url: str, *, follow: bool = True, headers: dict[str, str] | None = None, retry_5xx: bool = False
) -> Fetched:
    handlers = [] if follow else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": "newssite-test", **(headers or {})})
    for attempt in range(2):
        try:
            with opener.open(request, timeout=10) as response:
                return Fetched(response.geturl(), response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                result = Fetched(url, error.code, error.headers, error.read())
            if not (retry_5xx and error.code >= 500 and attempt == 0):
                return result
    raise AssertionError("unreachable")


def normalise(text: str) -> str:
    return " ".join(text.split())


def page_text(html: bytes) -> str:
    return normalise(lxml.html.fromstring(html).text_content())


def body_paragraphs(html: bytes, outlet: str) -> list[str]:
    """The story's own paragraphs, found by template markup (independently of the site's internals)."""
    nodes = lxml.html.fromstring(html).xpath(BODY_XPATH[outlet])
    return [normalise(n.text_content()) for n in nodes if n.text_content().strip()]


def xml_locs(url: str) -> list[str]:
    root = ET.fromstring(fetch(url).body)
    return [loc.text or "" for loc in root.iter(f"{SITEMAP_NS}loc")]


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture(scope="module")
def article_pages(site: NewsSite) -> dict[str, Fetched]:
    return {e.url: fetch(e.url, retry_5xx=True) for e in site.expected_articles()}


def listed(site: NewsSite, url: str) -> str:
    """Listings carry the old URL of a moved story; map it back to where it now lives."""
    return {r.url: r.location for r in site.expected_redirects()}.get(url, url)


def test_outlets_are_two_loopback_hosts(site: NewsSite) -> None:
    assert list(site.outlets) == [HARBOUR, MERIDIAN]
    a, b = site.outlets[HARBOUR], site.outlets[MERIDIAN]
    assert (a.host, b.host) == ("127.0.0.1", "127.0.0.2")
    assert (
        site.base_urls
        == [a.base_url, b.base_url]
        == [f"http://{a.host}:{a.port}", f"http://{b.host}:{b.port}"]
    )


def test_ground_truth_needs_a_running_site() -> None:
    with pytest.raises(RuntimeError):
        NewsSite().expected_articles()


def test_robots_txt_announces_sitemap_and_disallows_private(site: NewsSite) -> None:
    for base in site.base_urls:
        robots = fetch(f"{base}/robots.txt")
        assert robots.headers.get_content_type() == "text/plain"
        assert f"Sitemap: {base}/sitemap_index.xml" in robots.text.splitlines()
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(robots.text.splitlines())
        assert parser.can_fetch("newscorpus", f"{base}/")
        for path in site.disallowed_paths():
            assert path.startswith("/private/")
            assert not parser.can_fetch("newscorpus", f"{base}{path}")


def test_disallowed_pages_are_linked_nonetheless(site: NewsSite) -> None:
    linked = {
        path
        for base in site.base_urls
        for path in site.disallowed_paths()
        if base + path in fetch(base + "/").text
    }
    assert linked == set(site.disallowed_paths())
    assert len(linked) == 2


def test_sitemap_index_lists_news_and_plain_sitemaps(site: NewsSite) -> None:
    expected = {e.url for e in site.expected_articles()}
    for base in site.base_urls:
        children = xml_locs(f"{base}/sitemap_index.xml")
        assert children == [f"{base}/news-sitemap.xml", f"{base}/sitemap-articles.xml"]

        news = ET.fromstring(fetch(children[0]).body)
        urls = news.findall(f"{SITEMAP_NS}url")
        assert urls
        for url in urls:
            assert (url.findtext(f"{NEWS_NS}news/{NEWS_NS}publication_date") or "").startswith("2026-11-")
            assert url.findtext(f"{NEWS_NS}news/{NEWS_NS}title")
        plain = ET.fromstring(fetch(children[1]).body)
        assert all(u.findtext(f"{SITEMAP_NS}lastmod") for u in plain.findall(f"{SITEMAP_NS}url"))

        on_this_outlet = {u for u in expected if u.startswith(base + "/")}
        assert on_this_outlet <= {listed(site, u) for u in xml_locs(children[1])}
        assert on_this_outlet <= {listed(site, u) for u in xml_locs(children[0])}


def test_sitemaps_list_the_rejected_pages(site: NewsSite) -> None:
    plain = {u for base in site.base_urls for u in xml_locs(f"{base}/sitemap-articles.xml")}
    rejected = site.expected_rejected()
    assert {r.why for r in rejected} >= {
        "not-found",
        "non-html",
        "binary-garbage",
        "author-page",
        "video-page",
    }
    assert {r.url for r in rejected if r.in_sitemap} <= plain


def test_every_expected_article_is_served_with_metadata(
    site: NewsSite, article_pages: dict[str, Fetched]
) -> None:
    articles = site.expected_articles()
    assert len(articles) >= 24
    assert len({e.title for e in articles}) == len(articles)
    for e in articles:
        page = article_pages[e.url]
        assert page.status == 200, e.url
        assert page.headers.get_content_type() == "text/html"
        tree = lxml.html.fromstring(page.body)
        outlet_title = site.outlets[e.outlet].title
        assert tree.findtext(".//title") == f"{e.title} | {outlet_title}"
        assert tree.xpath('string(//meta[@property="og:type"]/@content)') == "article"
        assert tree.xpath('string(//meta[@property="og:title"]/@content)') == e.title
        assert tree.xpath('string(//link[@rel="canonical"]/@href)') == e.url
        published = tree.xpath('string(//meta[@property="article:published_time"]/@content)')
        assert published.startswith(e.date_published)
        assert e.date_published.startswith("2026-11-")
        assert f"By {e.authors[0]}" in page_text(page.body)
        assert tree.xpath('//a[@rel="tag" or contains(@class, "c-tags__link")]')


def test_ground_truth_matches_the_pages(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    for e in site.expected_articles():
        html = article_pages[e.url].body
        story = "\n".join(body_paragraphs(html, e.outlet))
        visible = page_text(html)
        assert e.must_contain and e.must_not_contain
        for snippet in e.must_contain:
            assert snippet in story, (e.url, snippet)
        for clutter in e.must_not_contain:
            assert clutter in visible, (e.url, clutter)
            assert clutter not in story, (e.url, clutter)


def test_related_teasers_quote_the_other_outlet(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    """Each story page quotes three stories of the other outlet word for word (the hard clutter case)."""
    bodies = {
        e.url: "\n".join(body_paragraphs(article_pages[e.url].body, e.outlet))
        for e in site.expected_articles()
    }
    for e in site.expected_articles():
        other_outlet = [u for u, text in bodies.items() if not u.startswith(site.outlets[e.outlet].base_url)]
        quoted = [c for c in e.must_not_contain if any(c in bodies[u] for u in other_outlet)]
        assert len(quoted) == 3, e.url


def test_trafilatura_recovers_every_story(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    """Including the malformed page: the site must be hard to clean, not impossible to extract."""
    for e in site.expected_articles():
        text = normalise(trafilatura.extract(article_pages[e.url].body, url=e.url) or "")
        for snippet in e.must_contain:
            assert snippet in text, (e.url, snippet)


def test_article_shape(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    copies = [fetch(d.url) for d in site.expected_duplicates()]
    pages = [(e.outlet, article_pages[e.url]) for e in site.expected_articles()]
    pages += [(HARBOUR if c.url.startswith(site.base_urls[0]) else MERIDIAN, c) for c in copies]
    for outlet, page in pages:
        paragraphs = body_paragraphs(page.body, outlet)
        words = sum(len(p.split()) for p in paragraphs)
        assert 4 <= len(paragraphs) <= 9, page.url
        assert 250 <= words <= 600, page.url


def test_languages_are_real_and_counted(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    DetectorFactory.seed = 0
    counts: collections.Counter[str] = collections.Counter()
    for e in site.expected_articles():
        text = "\n".join(body_paragraphs(article_pages[e.url].body, e.outlet))
        assert detect(text) == e.lang, e.url
        counts[e.lang] += 1
    assert counts["de"] >= 3 and counts["fr"] >= 3 and counts["es"] >= 1
    assert counts["en"] > sum(counts.values()) / 2


def test_one_page_declares_a_wrong_lang_and_one_none(
    site: NewsSite, article_pages: dict[str, Fetched]
) -> None:
    declared = {
        e.url: (lxml.html.fromstring(article_pages[e.url].body).get("lang"), e.lang)
        for e in site.expected_articles()
    }
    missing = [u for u, (lang, _) in declared.items() if lang is None]
    wrong = [u for u, (lang, true) in declared.items() if lang is not None and lang.split("-")[0] != true]
    assert len(missing) == 1 and len(wrong) == 1


def test_one_page_lacks_a_charset_header_but_declares_utf8(
    site: NewsSite, article_pages: dict[str, Fetched]
) -> None:
    bare = [p for p in article_pages.values() if p.headers.get_content_charset() is None]
    assert len(bare) == 1
    assert b'<meta charset="UTF-8" />' in bare[0].body
    assert any(ord(ch) > 127 for ch in bare[0].text)
    others = [p for p in article_pages.values() if p.headers.get_content_charset() is not None]
    assert all(p.headers.get_content_charset() == "utf-8" for p in others)


def test_malformed_page_still_parses(site: NewsSite, article_pages: dict[str, Fetched]) -> None:
    broken = [p for p in article_pages.values() if b"</html>" not in p.body]
    assert len(broken) == 1
    body = broken[0].text
    assert "<body" in body and "</div></div>" in body.split("<body", 1)[1][:200]
    assert "</p>" not in body and "</b></i>" in body


def test_inline_read_more_link_belongs_to_the_story(
    site: NewsSite, article_pages: dict[str, Fetched]
) -> None:
    found = []
    for e in site.expected_articles():
        tree = lxml.html.fromstring(article_pages[e.url].body)
        for anchor in tree.xpath(BODY_XPATH[e.outlet] + "/a"):
            paragraph = normalise(anchor.getparent().text_content())
            if "Read more:" in paragraph:
                found.append((e, paragraph, anchor.get("href")))
    assert len(found) == 1
    e, paragraph, href = found[0]
    assert any("Read more:" in s for s in e.must_contain)
    assert normalise(paragraph).startswith("The report adds")
    assert fetch(href).status == 200


def test_redirects(site: NewsSite) -> None:
    redirects = site.expected_redirects()
    assert len(redirects) == 1
    expected = {e.url for e in site.expected_articles()}
    for r in redirects:
        hop = fetch(r.url, follow=False)
        assert hop.status == 301 and hop.headers["Location"] == r.location
        final = fetch(r.url)
        assert final.status == 200 and final.url == r.location in expected
        assert r.url not in expected


def test_wordpress_style_redirects(site: NewsSite) -> None:
    base = site.outlets[HARBOUR].base_url
    story = next(e for e in site.expected_articles() if e.outlet == HARBOUR)
    assert fetch(story.url.rstrip("/"), follow=False).headers["Location"] == story.url
    feed = ET.fromstring(fetch(f"{base}/feed/").body)
    guid = feed.findtext("channel/item/guid") or ""
    assert guid.startswith(f"{base}/?p=")
    assert fetch(guid, follow=False).status == 301


def test_rejected_pages_respond_as_declared(site: NewsSite) -> None:
    for r in site.expected_rejected(include_linked=True):
        page = fetch(r.url)
        if r.why == "not-found":
            assert page.status == 404
            assert page.headers.get_content_type() == "text/html"
        elif r.why == "non-html":
            assert page.status == 200 and page.headers.get_content_type() == "application/pdf"
            assert page.body.startswith(b"%PDF-")
        elif r.why == "binary-garbage":
            assert page.status == 200 and page.headers.get_content_type() == "text/html"
            with pytest.raises(UnicodeDecodeError):
                page.body.decode("utf-8")
        else:
            assert page.status == 200, r.url
            og_type = lxml.html.fromstring(page.body).xpath('string(//meta[@property="og:type"]/@content)')
            assert og_type != "article", r.url
    kinds = collections.Counter(r.why for r in site.expected_rejected(include_linked=True))
    assert {"home-page", "section-page", "tag-page", "author-page", "login-page"} <= set(kinds)


def test_missing_story_is_linked_from_a_section_page(site: NewsSite) -> None:
    missing = next(r.url for r in site.expected_rejected() if r.why == "not-found")
    assert missing in fetch(site.outlets[HARBOUR].base_url + "/local/").text
    assert fetch(missing).status == 404


def test_feeds_parse_and_are_announced(site: NewsSite) -> None:
    a, b = site.outlets[HARBOUR], site.outlets[MERIDIAN]
    home_a = lxml.html.fromstring(fetch(a.base_url + "/").body)
    home_b = lxml.html.fromstring(fetch(b.base_url + "/").body)
    assert (
        home_a.xpath('string(//link[@rel="alternate"][@type="application/rss+xml"]/@href)')
        == f"{a.base_url}/feed/"
    )
    assert (
        home_b.xpath('string(//link[@rel="alternate"][@type="application/atom+xml"]/@href)')
        == f"{b.base_url}/atom.xml"
    )

    rss = ET.fromstring(fetch(f"{a.base_url}/feed/").body)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    rss_links = {listed(site, item.findtext("link") or "") for item in rss.iter("item")}
    atom = ET.fromstring(fetch(f"{b.base_url}/atom.xml").body)
    atom_links = {e.find(f"{ATOM_NS}link").get("href") for e in atom.iter(f"{ATOM_NS}entry")}  # type: ignore[union-attr]
    for e in site.expected_articles():
        assert e.url in (rss_links if e.outlet == HARBOUR else atom_links)
    for d in site.expected_duplicates():
        assert d.url in rss_links | atom_links


def test_duplicates_share_their_paragraphs(site: NewsSite) -> None:
    duplicates = {d.kind: d for d in site.expected_duplicates()}
    assert set(duplicates) == {"exact", "near"}
    expected = {e.url for e in site.expected_articles()}
    for d in duplicates.values():
        assert d.group == {d.url, d.duplicate_of_url}
        assert d.duplicate_of_url in expected and d.url not in expected
        assert d.url.split("/")[2] != d.duplicate_of_url.split("/")[2], "copies run on the other outlet"

    def paragraphs(url: str) -> list[str]:
        outlet = HARBOUR if url.startswith(site.outlets[HARBOUR].base_url) else MERIDIAN
        page = fetch(url, retry_5xx=True)
        return body_paragraphs(page.body, outlet)

    exact = duplicates["exact"]
    copy_page, original_page = fetch(exact.url), fetch(exact.duplicate_of_url)
    assert paragraphs(exact.url) == paragraphs(exact.duplicate_of_url)
    assert copy_page.body != original_page.body

    near = duplicates["near"]
    copy, original = paragraphs(near.url), paragraphs(near.duplicate_of_url)
    assert len(copy) == len(original) - 1
    assert copy[0] != original[0]
    shared = set(copy) & set(original)
    assert len(original) - 5 <= len(shared) < len(copy)
    headline = lxml.html.fromstring(fetch(near.url).body).findtext(".//h1")
    assert headline != lxml.html.fromstring(fetch(near.duplicate_of_url).body).findtext(".//h1")


def test_request_log_records_every_request(site: NewsSite) -> None:
    before = len(site.request_log)
    base = site.outlets[MERIDIAN].base_url
    fetch(f"{base}/robots.txt", headers={"User-Agent": "log-check/1.0"})
    fetch(f"{base}/no/such/page")
    urllib.request.urlopen(urllib.request.Request(f"{base}/", method="HEAD"), timeout=10).close()
    records = site.request_log.snapshot()[before:]
    assert [(r.outlet, r.method, r.path, r.status) for r in records] == [
        (MERIDIAN, "GET", "/robots.txt", 200),
        (MERIDIAN, "GET", "/no/such/page", 404),
        (MERIDIAN, "HEAD", "/", 200),
    ]
    assert records[0].user_agent == "log-check/1.0"
    assert records[0].time <= records[-1].time
    assert {"/robots.txt", "/no/such/page", "/"} <= site.paths_requested(MERIDIAN)
    assert "/no/such/page" not in site.paths_requested(HARBOUR)


def test_gzip_when_asked(site: NewsSite) -> None:
    url = site.expected_articles()[0].url
    plain = fetch(url, retry_5xx=True)
    packed = fetch(url, headers={"Accept-Encoding": "gzip, deflate"}, retry_5xx=True)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body


def test_server_logs_nothing_to_stderr(site: NewsSite, capfd: pytest.CaptureFixture[str]) -> None:
    fetch(site.base_urls[0] + "/nothing-here/")
    fetch(site.base_urls[1] + "/")
    assert capfd.readouterr().err == ""


def test_page_fails_once_then_recovers() -> None:
    with NewsSite() as fresh:
        flaky = next(e.url for e in fresh.expected_articles() if e.url.endswith("/budget-vote-delayed"))
        assert fetch(flaky).status == 500
        assert fetch(flaky).status == 200
        assert fetch(flaky).status == 200


def test_publish_reveals_hidden_stories() -> None:
    with NewsSite() as fresh:
        base = fresh.outlets[HARBOUR].base_url
        hidden = fresh.hidden_articles()
        assert (
            len(hidden) == 3
            and {a.outlet for a in hidden} == {HARBOUR}
            and {a.lang for a in hidden} == {"en"}
        )
        urls = [base + a.path for a in hidden]
        before = len(fresh.expected_articles())
        assert all(fetch(u).status == 404 for u in urls)
        assert not set(urls) & set(xml_locs(f"{base}/news-sitemap.xml"))

        fresh.publish(a.slug for a in hidden)

        assert len(fresh.expected_articles()) == before + 3
        assert set(urls) <= {e.url for e in fresh.expected_articles()}
        assert all(fetch(u).status == 200 for u in urls)
        assert set(urls) <= set(xml_locs(f"{base}/news-sitemap.xml"))
        assert set(urls) <= set(xml_locs(f"{base}/sitemap-articles.xml"))
        feed = fetch(f"{base}/feed/").text
        home = fetch(f"{base}/").text
        assert all(u in feed and u in home for u in urls)
        assert fresh.hidden_articles() == []
        with pytest.raises(KeyError):
            fresh.publish(["no-such-story"])


def test_without_hidden_stories_everything_is_published() -> None:
    with NewsSite(hidden=False) as full:
        assert full.hidden_articles() == []
        assert len(full.expected_articles()) == len(NewsSite().hidden_articles()) + 24


def test_stop_frees_the_ports() -> None:
    fresh = NewsSite()
    fresh.start()
    outlets = list(fresh.outlets.values())
    assert fetch(outlets[0].base_url + "/robots.txt").status == 200
    fresh.stop()
    fresh.stop()
    for outlet in outlets:
        with pytest.raises(OSError):
            socket.create_connection((outlet.host, outlet.port), timeout=2).close()
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind((outlet.host, outlet.port))
