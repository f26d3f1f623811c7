"""Parsing what tells a crawler where the articles are: robots.txt sitemaps, sitemaps and feeds.

Scrapy's own ``Sitemap`` class reads only the direct children of ``<url>``, so the Google News
``<news:publication_date>`` (nested in ``<news:news>``) is lost; we read sitemaps with lxml ourselves. Feeds are
read the same way (RSS 2.0, RSS 1.0/RDF and Atom) to keep their dates, which trafilatura's feed module drops.
"""

from __future__ import annotations

import gzip
import html.entities
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from pipelines.dates import parse_utc

logger = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 50 << 20  # the sitemap protocol's own limit is 50 MB uncompressed


class DiscoveryError(ValueError):
    """A sitemap or feed that cannot be read (not XML, not a sitemap, too large)."""


@dataclass(frozen=True)
class LinkEntry:
    """One URL from a sitemap or feed, with the date the source gives for it (ISO 8601, UTC) if any."""

    url: str
    date: str | None = None
    date_kind: str | None = None  # "publication" (news sitemap, feed pubDate) or "lastmod"
    title: str | None = None
    news: bool = False  # a Google News sitemap entry (``<news:news>``)


@dataclass(frozen=True)
class Sitemap:
    is_index: bool
    entries: tuple[LinkEntry, ...]


def iso_date(value: str | None) -> str | None:
    parsed = parse_utc(value)
    return parsed.isoformat(timespec="seconds") if parsed else None


def maybe_gunzip(body: bytes, max_size: int = MAX_UNCOMPRESSED) -> bytes:
    """Sitemaps are often served as ``.xml.gz`` files; unpack them, refusing decompression bombs."""
    if body[:2] != b"\x1f\x8b":
        return body
    import io

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            data = fh.read(max_size + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError(f"bad gzip: {exc}") from exc
    if len(data) > max_size:
        raise DiscoveryError(f"uncompressed size over {max_size} bytes")
    return data


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


#: A CDATA section, a comment, or a named entity reference: only the last is rewritten.
_ENTITY_OR_LITERAL = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|&([A-Za-z][A-Za-z0-9]{0,31});", re.DOTALL)
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _declare_html_entities(body: bytes) -> bytes:
    """``&nbsp;`` and the other HTML entities feeds use are not XML: write them as character references
    (an unknown name as literal text), leaving CDATA sections and comments as they are.

    Why not lxml's recover mode alone: libxml2, having met one undefined entity, drops every later ``&amp;``
    of the document, so ``?a=1&amp;b=2`` became ``?a=1b=2``."""

    def rewrite(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name is None or name in _XML_ENTITIES:
            return match.group(0)
        text = html.entities.html5.get(name.decode("ascii") + ";")
        if text is None:
            return b"&amp;" + name + b";"
        return b"".join(b"&#x%x;" % ord(char) for char in text)

    return _ENTITY_OR_LITERAL.sub(rewrite, body)


def _root(body: bytes) -> etree._Element:
    body = maybe_gunzip(body)
    if not body.strip():
        raise DiscoveryError("empty document")
    root = None
    for attempt in (body, _declare_html_entities(body)):
        try:
            root = etree.fromstring(attempt, parser=_parser(recover=False))
            break
        except etree.XMLSyntaxError:
            continue
    if root is None:
        # Not well-formed even so (a truncated file, a stray '<'): take what libxml2 can recover.
        try:
            root = etree.fromstring(_declare_html_entities(body), parser=_parser(recover=True))
        except etree.XMLSyntaxError as exc:
            raise DiscoveryError(f"not XML: {exc}") from exc
    if root is None:
        raise DiscoveryError("not XML")
    return root


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(recover=recover, resolve_entities=False, no_network=True, huge_tree=False)


def _text(elem: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of ``names``."""
    for child in elem.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    """A ``urlset`` (plain or Google News) or a ``sitemapindex``."""
    root = _root(body)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"root element <{kind or '?'}> is not a sitemap")
    entries = []
    for elem in root:
        if _local(elem.tag) not in ("url", "sitemap"):
            continue
        loc = _text(elem, "loc")
        if not loc:
            continue
        published = _text(elem, "publication_date")
        lastmod = _text(elem, "lastmod")
        date: str | None = iso_date(published)
        date_kind: str | None = "publication"
        if date is None:
            date = iso_date(lastmod)
            date_kind = "lastmod" if date else None
        news = any(_local(child.tag) == "news" for child in elem)
        entries.append(LinkEntry(loc, date, date_kind, _text(elem, "title"), news))
    return Sitemap(kind == "sitemapindex", tuple(entries))


def parse_feed(body: bytes) -> list[LinkEntry]:
    """Entries of an RSS or Atom feed. Broken dates leave ``date`` empty; the entry is kept."""
    root = _root(body)
    kind = _local(root.tag)
    if kind not in ("rss", "feed", "RDF"):
        raise DiscoveryError(f"root element <{kind or '?'}> is not a feed")
    return list(_feed_entries(root))


def _feed_entries(root: etree._Element) -> Iterator[LinkEntry]:
    for elem in root.iter():
        name = _local(elem.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        for child in elem:
            if _local(child.tag) != "link":
                continue
            href = child.get("href")
            if href and child.get("rel", "alternate") == "alternate":
                link = href.strip()
                break
            if child.text and child.text.strip():
                link = child.text.strip()
                break
        if not link and elem.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"):
            link = elem.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if not link:
            continue
        raw_date = _text(elem, "pubDate", "published", "date", "updated", "issued")
        date = iso_date(raw_date)
        yield LinkEntry(link, date, "publication" if date else None, _text(elem, "title"))


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def is_feed_link(type_attr: str | None) -> bool:
    return bool(type_attr) and (type_attr or "").split(";")[0].strip().lower() in FEED_TYPES[:3]
