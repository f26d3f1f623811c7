from __future__ import annotations

import gzip

import pytest

from crawler.discovery import DiscoveryError, is_feed_link, parse_feed, parse_sitemap
from pipelines.dates import parse_utc as parse_date

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://x.example/2026/11/18/a-b-c-d/</loc>
    <news:news><news:publication><news:name>X</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2026-11-18T09:30:00+01:00</news:publication_date><news:title>A B</news:title>
    </news:news></url>
  <url><loc>https://x.example/2026/11/17/e-f-g-h/</loc><lastmod>2026-11-17</lastmod></url>
  <url><lastmod>2026-11-17</lastmod></url>
</urlset>"""


def test_news_sitemap_keeps_publication_date() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP)
    assert not sitemap.is_index
    first, second = sitemap.entries
    assert first.date == "2026-11-18T08:30:00+00:00" and first.date_kind == "publication"
    assert first.title == "A B"
    assert second.date == "2026-11-17T00:00:00+00:00" and second.date_kind == "lastmod"


def test_sitemap_index_and_gzip() -> None:
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.example/news.xml</loc><lastmod>2026-11-18T00:00:00Z</lastmod></sitemap>
    </sitemapindex>"""
    sitemap = parse_sitemap(gzip.compress(body))
    assert sitemap.is_index
    assert [e.url for e in sitemap.entries] == ["https://x.example/news.xml"]


@pytest.mark.parametrize("body", [b"", b"this is not xml at all", b"<html><body>hi</body></html>"])
def test_bad_sitemaps_raise(body: bytes) -> None:
    with pytest.raises(DiscoveryError):
        parse_sitemap(body)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (60 << 20) + b"</urlset>")
    with pytest.raises(DiscoveryError, match="uncompressed size"):
        parse_sitemap(bomb)


def test_rss_with_broken_date_keeps_entry() -> None:
    body = b"""<rss version="2.0"><channel>
      <item><title>One</title><link>https://x.example/one-two-three-four</link>
        <pubDate>Wed, 18 Nov 2026 10:00:00 GMT</pubDate></item>
      <item><title>Two</title><link>https://x.example/five-six-seven-eight</link><pubDate>last Tuesday</pubDate></item>
    </channel></rss>"""
    one, two = parse_feed(body)
    assert one.date == "2026-11-18T10:00:00+00:00"
    assert two.url.endswith("five-six-seven-eight") and two.date is None


def test_atom_links_and_dates() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>X</title>
      <entry><title>A</title><link rel="alternate" href="https://x.example/a-b-c-d"/>
        <link rel="enclosure" href="https://x.example/a.mp3"/><published>2026-11-18T10:00:00Z</published></entry>
    </feed>"""
    (entry,) = parse_feed(body)
    assert entry.url == "https://x.example/a-b-c-d"
    assert entry.date == "2026-11-18T10:00:00+00:00"


def test_feed_detection_and_dates() -> None:
    assert is_feed_link("application/rss+xml") and is_feed_link("application/atom+xml; charset=utf-8")
    assert not is_feed_link("text/html") and not is_feed_link(None)
    assert parse_date("2026-11-18") is not None
    assert parse_date("not a date") is None and parse_date("") is None


def test_truncated_gzip_sitemap_is_a_discovery_error() -> None:
    body = gzip.compress(NEWS_SITEMAP)
    with pytest.raises(DiscoveryError, match="bad gzip"):
        parse_sitemap(body[: len(body) // 2])


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "31 Feb 25:61"])
def test_out_of_range_dates_are_none(value: str) -> None:
    assert parse_date(value) is None


def test_an_html_entity_does_not_eat_later_ampersands_in_feeds() -> None:
    from crawler.discovery import parse_feed

    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News&nbsp;&copy; &madeup;</title>
    <!-- &nbsp; in a comment -->
    <item><title>One&nbsp;story</title><link>https://s.test/2026/11/20/a/?utm_source=rss&amp;utm_medium=feed</link></item>
    <item><title>Two</title><link><![CDATA[https://s.test/2026/11/20/b/?a=1&b=2&nbsp;x]]></link></item>
    <item><title>Three</title><link>
        https://s.test/2026/11/20/c/?a=1&#38;b=2&#x26;c=3
    </link></item>
    </channel></rss>"""
    entries = parse_feed(feed)
    assert [e.url for e in entries] == [
        "https://s.test/2026/11/20/a/?utm_source=rss&utm_medium=feed",
        "https://s.test/2026/11/20/b/?a=1&b=2&nbsp;x",  # CDATA is literal text
        "https://s.test/2026/11/20/c/?a=1&b=2&c=3",
    ]
    assert entries[0].title == "One\u00a0story"


def test_an_html_entity_does_not_eat_later_ampersands_in_sitemaps_and_atom() -> None:
    from crawler.discovery import parse_feed, parse_sitemap

    sitemap = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://s.test/2026/11/20/caf&eacute;/</loc></url>
    <url><loc>https://s.test/2026/11/20/a/?p=1&amp;q=2</loc></url></urlset>"""
    assert [e.url for e in parse_sitemap(sitemap).entries] == [
        "https://s.test/2026/11/20/caf\u00e9/",
        "https://s.test/2026/11/20/a/?p=1&q=2",
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>A&nbsp;B</title>
    <entry><title>x</title><link href="https://s.test/2026/11/20/a/?x=1&amp;y=2"/></entry></feed>"""
    assert [e.url for e in parse_feed(atom)] == ["https://s.test/2026/11/20/a/?x=1&y=2"]
