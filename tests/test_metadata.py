"""Metadata: dates with their source and never after the fetch, clean author lists, titles without the outlet."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipelines.dates import parse_date
from pipelines.extract.bylines import clean_authors, clean_title
from pipelines.extract.metadata import extract_metadata, is_article_type, page_type, url_date
from pipelines.urls import normalize_url


def tree(head: str = "", body: str = "<p>text</p>", lang: str = "") -> lxml_html.HtmlElement:
    attr = f' lang="{lang}"' if lang else ""
    return lxml_html.document_fromstring(f"<html{attr}><head>{head}</head><body>{body}</body></html>")


JSONLD = """<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
{"@type":"WebPage","datePublished":"2020-01-01"},
{"@type":"NewsArticle","headline":"Dam repairs finished early","datePublished":"%s","dateModified":"2024-05-02T10:00:00+02:00",
 "author":{"@type":"Person","name":"Lea Novak"},"publisher":{"@type":"Organization","name":"River Post"},
 "keywords":["dams","water"]}]}</script>"""


def test_jsonld_article_beats_webpage_and_meta() -> None:
    head = (
        JSONLD % "2024-05-01T08:00:00+02:00" + '<meta property="article:published_time" content="2024-04-30">'
    )
    meta = extract_metadata(tree(head), "https://riverpost.test/a", fetched_at="2024-05-03T00:00:00Z")
    assert meta.date_published == "2024-05-01T08:00:00+02:00"
    assert meta.date_source == "json-ld"
    assert meta.date_modified == "2024-05-02T10:00:00+02:00"
    assert meta.authors == ["Lea Novak"]
    assert meta.site_name == "River Post"
    assert meta.tags == ["dams", "water"]
    assert meta.page_type == "newsarticle"


def test_date_after_fetch_time_is_skipped_for_the_next_source() -> None:
    head = (
        JSONLD % "2031-01-01T00:00:00Z"
        + '<meta property="article:published_time" content="2024-04-30T12:00:00Z">'
    )
    meta = extract_metadata(tree(head), "https://riverpost.test/a", fetched_at="2024-05-03T00:00:00Z")
    assert meta.date_published == "2024-04-30T12:00:00+00:00"
    assert meta.date_source == "meta"


def test_hint_then_url_then_time_element() -> None:
    url = "https://riverpost.test/2024/04/29/dam-repairs"
    hinted = extract_metadata(
        tree(), url, date_hint="2024-04-29T06:00:00Z", date_hint_source="feed", use_htmldate=False
    )
    assert (hinted.date_published, hinted.date_source) == ("2024-04-29T06:00:00+00:00", "feed")
    from_url = extract_metadata(tree(), url, use_htmldate=False)
    assert (from_url.date_published, from_url.date_source) == ("2024-04-29", "url")
    body = '<time datetime="2024-04-28T09:00">28 April</time><p>text</p>'
    from_time = extract_metadata(tree(body=body), "https://riverpost.test/dam", use_htmldate=False)
    assert (from_time.date_published, from_time.date_source) == ("2024-04-28T09:00:00", "time")


def test_future_hint_is_refused() -> None:
    meta = extract_metadata(
        tree(),
        "https://riverpost.test/x",
        date_hint="2024-06-01",
        fetched_at="2024-05-03T00:00:00Z",
        use_htmldate=False,
    )
    assert meta.date_published is None and meta.date_source is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["By Jane Doe | March 3, 2024"], ["Jane Doe"]),
        (["Jane Doe, River Post"], ["Jane Doe"]),
        (["River Post Staff"], []),
        (["jane@riverpost.test", "Jane Doe"], ["Jane Doe"]),
        (["Von Anna Schmidt und Paul Weber"], ["Anna Schmidt", "Paul Weber"]),
        (["Por María López"], ["María López"]),
        (["Jane Doe", "jane doe"], ["Jane Doe"]),
        (["Updated 5 hours ago"], []),
        (["Analysis by Jane Doe"], ["Jane Doe"]),
        (["JANE DOE", "The Associated Press"], ["Jane Doe"]),
        (["Jane Doe, MS, RDN"], ["Jane Doe"]),
        (["Bruce Y. Lee"], ["Bruce Y. Lee"]),
        (["Lucas Da Silva y Ana De Souza"], ["Lucas Da Silva", "Ana De Souza"]),
        (["jdadmin"], []),
        (["Jane Doe, Reuters", "AFP"], ["Jane Doe"]),
        (["Jos&eacute; Mart&iacute;nez"], ["José Martínez"]),
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, site_name="River Post", domain="riverpost.test") == expected


@pytest.mark.parametrize(
    ("title", "site", "h1", "expected"),
    [
        ("Dam repairs finished early | River Post", "River Post", None, "Dam repairs finished early"),
        ("River Post - Dam repairs finished early", "River Post", None, "Dam repairs finished early"),
        ("Dam repairs finished early – RiverPost.test", None, None, "Dam repairs finished early"),
        (
            "Dam repairs finished early | Local news | RP",
            None,
            "Dam repairs finished early",
            "Dam repairs finished early",
        ),
        ("Dam repairs: what comes next", "River Post", None, "Dam repairs: what comes next"),
        ("Dam repairs finished early | Regional", None, None, "Dam repairs finished early"),
    ],
)
def test_clean_title(title: str, site: str | None, h1: str | None, expected: str) -> None:
    assert clean_title(title, site, "riverpost.test", h1) == expected


def test_canonical_and_language() -> None:
    head = '<link rel="canonical" href="/2024/04/29/dam-repairs?utm_campaign=x&amp;page=2">'
    meta = extract_metadata(
        tree(head, lang="pt-BR"), "https://www.riverpost.test/dam?fbclid=1", use_htmldate=False
    )
    assert meta.canonical_url == "https://www.riverpost.test/2024/04/29/dam-repairs?page=2"
    assert meta.declared_language == "pt"
    root = extract_metadata(
        tree('<link rel="canonical" href="https://riverpost.test/">'), "https://riverpost.test/dam#top"
    )
    assert root.canonical_url == "https://riverpost.test/dam"


def test_helpers() -> None:
    assert normalize_url("HTTPS://Example.TEST:443/a?utm_source=x&b=1#frag") == "https://example.test/a?b=1"
    assert str(url_date("https://x.test/news/2023/11/05/story")) == "2023-11-05"
    assert (
        url_date("https://x.test/news/story-20231105/") is None
        or str(url_date("https://x.test/20231105/")) == "2023-11-05"
    )
    assert parse_date("not a date") is None
    assert parse_date("Tue, 19 Nov 2019 08:57:40 EST") is not None
    assert parse_date("2019-11-19T08:57:40.123456789+0100") is not None


def test_entities_site_name_forms_and_logo_h1() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"BlogPosting","headline":"River Post",'
        '"publisher":{"name":"https://www.riverpost.test"}}</script>'
        '<meta property="og:title" content="Dam repairs &#8220;finished&#8221; early &#8211; RiverPost">'
    )
    body = "<h1>RiverPost</h1><h1>Dam repairs “finished” early</h1><p>text</p>"
    meta = extract_metadata(tree(head, body), "https://riverpost.test/a", use_htmldate=False)
    assert meta.site_name == "riverpost.test"
    assert meta.title == "Dam repairs “finished” early"


def test_broken_jsonld_does_not_break_metadata() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x",,}</script><title>Plain title here</title>'
    meta = extract_metadata(tree(head), "https://riverpost.test/a", use_htmldate=False)
    assert meta.title == "Plain title here"


def test_canonical_pointing_at_the_section_is_ignored() -> None:
    head = '<link rel="canonical" href="https://riverpost.test/news/">'
    meta = extract_metadata(
        tree(head), "https://riverpost.test/news/2024/04/29/dam-repairs", use_htmldate=False
    )
    assert meta.canonical_url == "https://riverpost.test/news/2024/04/29/dam-repairs"
    other = extract_metadata(
        tree('<link rel="canonical" href="https://origin.test/news/dam-repairs">'),
        "https://riverpost.test/syndicated/dam-repairs",
        use_htmldate=False,
    )
    assert other.canonical_url == "https://origin.test/news/dam-repairs"


def test_byline_elements_as_the_union_of_both_searches() -> None:
    """The one-scan search finds what ``//*[@rel|@itemprop="author"] | //body//*[byline class]`` finds."""
    from lxml import etree

    from pipelines.extract.metadata import _BYLINE_ELEMENTS

    page = """<html><head><link rel="author" href="/staff/ann"><title>T</title></head><body>
    <div class="article-byline">By Ann Lee</div><span class="bylines">not a byline class</span>
    <p class="x byline y">By Bo Chan</p><a rel="author" href="/staff/cy">Cy Dee</a>
    <span itemprop="author">Di Ek</span><div class="author-name-wrap"><b class="byline__name">Ed Fo</b></div>
    <div class="byline-box">no token</div></body></html>"""
    tree = lxml_html.fromstring(page)
    union = etree.XPath(
        '//*[@rel="author" or @itemprop="author"] | //body//*[contains(concat(" ", normalize-space(@class), " "),'
        ' " byline ") or contains(@class, "author-name") or contains(@class, "byline__name")'
        ' or contains(@class, "article-byline")]'
    )
    expected = union(tree)
    assert len(expected) == 7
    assert _BYLINE_ELEMENTS(tree) == expected


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ('<script type="application/ld+json">{"@type": ["AboutPage", "Article"]}</script>', "article"),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle"}]}</script>',
            "newsarticle",
        ),
        ('<meta property="og:type" content="article">', "article"),
        ('<script type="application/ld+json">{"@type": "CollectionPage"}</script>', "collectionpage"),
        ("", None),
    ],
)
def test_page_type_takes_an_article_type_from_any_place_of_a_type_list(head: str, kind: str | None) -> None:
    assert page_type(tree(head)) == kind
    assert is_article_type(kind) is (kind in ("article", "newsarticle"))
