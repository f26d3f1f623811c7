"""Article metadata from a parsed page: dates with their source, authors, title, canonical URL, language, and
the rights the page declares (``pipelines.extract.rights``).

Why our own pass and not trafilatura's ``extract_metadata``: we need to know *where* a date came from
(``date_source``), to refuse dates later than the fetch, to keep the title free of the outlet suffix and the
author list free of bylines, dates and outlet names. Everything here reads an lxml tree already parsed by the
extract stage, so no page is parsed twice, and nothing here does I/O.

Date sources, in order of trust (the first one that yields a plausible date wins):

1. ``json-ld``: ``datePublished`` / ``dateModified`` of an article-like JSON-LD object;
2. ``meta``: ``article:published_time`` and the usual meta names, ``itemprop`` attributes;
3. the hint from discovery (``sitemap`` / ``feed`` ...: the caller names the source);
4. ``url``: a ``/YYYY/MM/DD/`` or ``YYYY-MM-DD`` date in the URL path;
5. ``time``: the first ``<time datetime>`` in the page;
6. ``htmldate``: htmldate's quick (non-extensive) search, last because it guesses.

A candidate later than the fetch time (plus the largest time-zone offset for dates without a zone) is skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from pipelines.dates import format_date, not_after, parse_date, parse_utc
from pipelines.extract.bylines import clean_authors, clean_title, plain_text, title_key
from pipelines.extract.rights import PageRights, page_rights
from pipelines.urls import domain_of, normalize_url

logger = logging.getLogger(__name__)


#: JSON-LD / og:type values of pages that are articles (compared lower-cased, without schema prefixes).
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "review",
        "posting",
        "story",
    }
)


#: Types that say "this page is not one article" (a home page, a section, a profile, a search page).
NON_ARTICLE_TYPES = frozenset(
    {
        "website",
        "webpage",
        "collectionpage",
        "itemlist",
        "searchresultspage",
        "profilepage",
        "profile",
        "aboutpage",
        "contactpage",
        "product",
        "video.other",
        "video.movie",
        "video.episode",
        "music.song",
        "book",
        "place",
        "organization",
        "person",
    }
)


_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "published_time",
    "datepublished",
    "date_published",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "cxenseparse:recs:publishtime",
    "article_date_original",
    "original-publish-date",
)


_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "modified_time",
    "datemodified",
    "date_modified",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
    "article.updated",
    "lastmod",
)


_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_.-](?P<m>0?[1-9]|1[0-2])[/_.-](?P<d>0?[1-9]|[12]\d|3[01])(?!\d)"
)


_URL_DATE_COMPACT = re.compile(
    r"/(?P<y>(?:19|20)\d{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?:/|[-_]|$)"
)


@dataclass
class Metadata:
    """What the page says about itself; every field may be empty."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date_published: str | None = None
    date_modified: str | None = None
    date_source: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    tags: list[str] = field(default_factory=list)
    declared_language: str | None = None
    page_type: str | None = None
    description: str | None = None
    rights: PageRights = field(default_factory=PageRights)


def _meta_map(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    """All ``<meta>`` values by lower-cased name/property/itemprop/http-equiv, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        content = plain_text(content)
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                found.setdefault(key.strip().lower(), []).append(content)
    return found


def _first(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        values = metas.get(key)
        if values:
            return values[0]
    return None


#: Elements that hold a byline when no metadata names the authors: ``rel``/``itemprop`` "author" anywhere, or a
#: byline class inside the body. One scan of the tree, each element's class tested first for the substrings
#: every byline class holds ("byline", "author-name"), the body ancestor last: the same elements, in document
#: order, as the union of ``//*[@rel="author" or @itemprop="author"]`` and ``//body//*[<class tests>]`` (tested
#: against that union), in about 0.7 ms a page where the union takes 1.2.
_BYLINE_CLASS = (
    'contains(concat(" ", normalize-space(@class), " "), " byline ")'
    ' or contains(@class, "author-name") or contains(@class, "byline__name") or contains(@class, "article-byline")'
)


_BYLINE_ELEMENTS = etree.XPath(
    '/descendant::*[@rel="author" or @itemprop="author"'
    ' or ((contains(@class, "byline") or contains(@class, "author-name")) and ('
    + _BYLINE_CLASS
    + ") and ancestor::body)]"
)


def _jsonld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts, flattened through ``@graph`` and lists."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            # Some sites put several objects or trailing commas in one script: try the lenient fixes once.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        objects.extend(_flatten_jsonld(data))
    return objects


def _flatten_jsonld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_jsonld(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _flatten_jsonld(graph, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _flatten_jsonld(main, depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organisation value (string, object, or list of either)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [str(n) for n in name if n]
        return [str(name)] if name else []
    if isinstance(value, list):
        return [n for entry in value for n in _names(entry)]
    return []


def url_date(url: str) -> date | None:
    path = urlsplit(url).path
    for pattern in (_URL_DATE, _URL_DATE_COMPACT):
        match = pattern.search(path)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def _jsonld_dates(objects: list[dict[str, Any]], key: str) -> Iterator[str]:
    """Dates of the article objects; of any object only when the page has no article object (a WebPage's
    date is often the template's, not the story's)."""
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    for obj in articles or objects:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str):
            yield value


def _time_elements(tree: lxml_html.HtmlElement, modified: bool) -> Iterator[str]:
    for el in tree.iter("time"):
        value = el.get("datetime")
        if not value:
            continue
        label = " ".join(filter(None, (el.get("itemprop"), el.get("class"), el.get("pubdate")))).lower()
        is_modified = any(word in label for word in ("modif", "updat"))
        if is_modified == modified:
            yield value


def _is_hub_of(canonical: Any, fetched: Any) -> bool:
    """True when the canonical is a "folder" above the fetched page on the same host (``/news/`` for
    ``/news/2024/05/story``): a section page, not this article."""
    if (canonical.hostname or "").lower() != (fetched.hostname or "").lower() or canonical.query:
        return False
    hub = canonical.path.rstrip("/") + "/"
    page = fetched.path.rstrip("/") + "/"
    return page != hub and page.startswith(hub)


def _canonical(tree: lxml_html.HtmlElement, metas: dict[str, list[str]], url: str) -> str:
    """The page's canonical URL when it names an article URL; the fetched URL otherwise."""
    candidates: list[str] = []
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            candidates.append(link.get("href", ""))
    og = _first(metas, "og:url")
    if og:
        candidates.append(og)
    for candidate in candidates:
        candidate = candidate.strip()
        if not candidate or candidate.startswith(("javascript:", "mailto:", "#")):
            continue
        absolute = urljoin(url, candidate)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if parts.path.strip("/") == "" and not parts.query:
            continue  # a canonical pointing at the home page is a template mistake
        if _is_hub_of(parts, urlsplit(url)):
            continue  # so is one pointing at the section the article sits in
        return normalize_url(absolute)
    return normalize_url(url)


def _language(tree: lxml_html.HtmlElement, metas: dict[str, list[str]]) -> str | None:
    values = [
        tree.get("lang"),
        tree.get("xml:lang"),
        _first(metas, "content-language", "language", "dc.language", "og:locale"),
    ]
    for value in values:
        if value:
            code = re.split(r"[-_,\s]", value.strip())[0].lower()
            if re.fullmatch(r"[a-z]{2,3}", code):
                return code
    return None


def _site_name(value: str) -> str | None:
    """The outlet's name as pages give it, minus the odd forms: a URL becomes its host, a handle loses its "@"."""
    name = plain_text(value)
    if re.match(r"^https?://", name):
        name = domain_of(name)
    return name.lstrip("@").strip() or None


def _h1(tree: lxml_html.HtmlElement, outlet: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The first ``h1`` that is not the outlet's name (templates often set the logo as an ``h1``)."""
    for el in tree.iter("h1"):
        text = plain_text(el.text_content())
        if 3 <= len(text) <= 300 and title_key(text) not in outlet:
            return text
    return None


def page_type(tree: lxml_html.HtmlElement) -> str | None:
    """What the page says it is (``newsarticle``, ``website``...): the spider asks it of a listing or a probe
    before deciding to hand it to the extract stage, which asks the same of every page."""
    return _page_type(_meta_map(tree), _jsonld_objects(tree))


def is_article_type(kind: str | None) -> bool:
    return bool(kind) and (kind or "").lower().rsplit("/", 1)[-1] in ARTICLE_TYPES


def _page_type(metas: dict[str, list[str]], objects: list[dict[str, Any]]) -> str | None:
    """JSON-LD article (any type of its ``@type`` list) beats og:type, which beats the JSON-LD WebPage every
    CMS emits."""
    for obj in objects:
        kinds = _types(obj) & ARTICLE_TYPES
        if kinds:
            return sorted(kinds)[0]
    og_type = (_first(metas, "og:type") or "").strip().lower()
    if og_type:
        return og_type
    other = [t for o in objects for t in _types(o) if t in NON_ARTICLE_TYPES]
    return other[0] if other else None


def extract_metadata(
    tree: lxml_html.HtmlElement,
    url: str,
    *,
    date_hint: str | None = None,
    date_hint_source: str | None = None,
    fetched_at: str | None = None,
    use_htmldate: bool = True,
) -> Metadata:
    """Read everything the page says about itself. Never raises on odd markup."""
    metas = _meta_map(tree)
    objects = _jsonld_objects(tree)
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    meta = Metadata()
    meta.page_type = _page_type(metas, objects)

    # Site name.
    publisher = next((_names(o.get("publisher")) for o in articles if o.get("publisher")), [])
    site_names = [
        _first(metas, "og:site_name"),
        publisher[0] if publisher else None,
        _first(metas, "application-name"),
    ]
    meta.site_name = next((_site_name(s) for s in site_names if s and _site_name(s)), None)

    domain = domain_of(url)
    meta.canonical_url = _canonical(tree, metas, url)
    meta.declared_language = _language(tree, metas)

    # Title: the first candidate that is not just the outlet's name (some blogs put it in the headline field).
    outlet = {title_key(meta.site_name), title_key(domain), title_key(domain.split(".")[0])} - {""}
    candidates = [obj.get("headline") for obj in articles if isinstance(obj.get("headline"), str)]
    candidates += [_first(metas, "og:title"), _first(metas, "twitter:title")]
    title_el = tree.find(".//title")
    candidates.append(title_el.text_content() if title_el is not None else None)
    raw_title = next(
        (c for c in candidates if c and plain_text(c) and title_key(plain_text(c)) not in outlet), None
    )
    meta.title = clean_title(raw_title, meta.site_name, domain, _h1(tree, outlet))

    # Authors.
    raw_authors: list[str] = []
    for obj in articles:
        raw_authors.extend(_names(obj.get("author")))
    if not raw_authors:
        for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
            raw_authors.extend(v for v in metas.get(key, []) if not v.startswith("http"))
    if not raw_authors:
        for el in _BYLINE_ELEMENTS(tree)[:5]:
            text = plain_text(el.text_content())
            if len(text) <= 150:
                raw_authors.append(text)
    meta.authors = clean_authors(raw_authors, meta.site_name, domain)

    # Tags.
    tags: list[str] = list(metas.get("article:tag", []))
    for obj in articles:
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            tags.extend(keywords.split(","))
        elif isinstance(keywords, list):
            tags.extend(str(k) for k in keywords)
    if not tags:
        for key in ("news_keywords", "keywords"):
            for value in metas.get(key, []):
                tags.extend(value.split(","))
    meta.tags = list(dict.fromkeys(t for t in (plain_text(t) for t in tags) if t and len(t) <= 80))[:30]
    meta.description = _first(metas, "og:description", "description")
    meta.rights = page_rights(tree, metas, articles, objects, url)

    # Dates.
    limit = parse_utc(fetched_at)

    def pick(candidates: Iterable[tuple[str, str | date | None]]) -> tuple[str, str] | None:
        for source, value in candidates:
            if value is None:
                continue
            parsed = (
                (value, False)
                if isinstance(value, date) and not isinstance(value, datetime)
                else parse_date(str(value))
            )
            if parsed is None:
                continue
            moment = parsed[0]
            if not_after(moment, limit):
                return format_date(moment), source
        return None

    def published_candidates() -> Iterator[tuple[str, str | date | None]]:
        for value in _jsonld_dates(objects, "datePublished"):
            yield "json-ld", value
        for value in _jsonld_dates(objects, "dateCreated"):
            yield "json-ld", value
        for key in _PUBLISHED_META:
            for value in metas.get(key, []):
                yield "meta", value
        if date_hint:
            yield (date_hint_source or "hint"), date_hint
        yield "url", url_date(url)
        for value in _time_elements(tree, modified=False):
            yield "time", value
        if use_htmldate:
            yield "htmldate", _htmldate(tree, url, limit, original=True)

    published = pick(published_candidates())
    if published:
        meta.date_published, meta.date_source = published
    modified = pick(
        [("json-ld", v) for v in _jsonld_dates(objects, "dateModified")]
        + [("meta", v) for key in _MODIFIED_META for v in metas.get(key, [])]
        + [("time", v) for v in _time_elements(tree, modified=True)]
    )
    if modified:
        meta.date_modified = modified[0]
    return meta


def _htmldate(tree: lxml_html.HtmlElement, url: str, limit: datetime | None, original: bool) -> str | None:
    try:
        from htmldate import find_date

        max_date = (limit or datetime.now(UTC)).strftime("%Y-%m-%d")
        return find_date(tree, url=url, original_date=original, extensive_search=False, max_date=max_date)
    except Exception:  # htmldate is a guesser; a failure here only means "no date"
        logger.debug("htmldate failed on %s", url, exc_info=True)
        return None
