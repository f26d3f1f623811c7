"""One fetched page in, the article's text and metadata out, or a counted reason why not."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import html as lxml_html

from pipelines.dates import parse_date
from pipelines.drops import (
    NotAnArticle,
    NoText,
    PublishedAfterUntil,
    PublishedBeforeSince,
    TdmReserved,
    UnreadablePage,
)
from pipelines.extract.config import ExtractConfig
from pipelines.extract.decode import decode_html
from pipelines.extract.main_text import _WORD, _main_text
from pipelines.extract.metadata import (
    ARTICLE_TYPES,
    NON_ARTICLE_TYPES,
    Metadata,
    extract_metadata,
    is_article_type,
)
from pipelines.extract.parse import parse_html, strip_inert
from pipelines.extract.prune import prune_tree
from pipelines.extract.rights import PageRights, article_rights, header_signals, reservations
from pipelines.extract.site_rights import SiteSignals
from pipelines.record import (
    DATE_HINT,
    DATE_HINT_SOURCE,
    HTML,
    HTTP_CHARSET,
    NEEDS_PROOF,
    PRUNE_SELECTORS,
    RESPONSE_HEADERS,
    SITE_RIGHTS,
    article_id,
)
from pipelines.text_stats import count_words
from pipelines.urls import domain_of, normalize_url, same_page

logger = logging.getLogger(__name__)


@dataclass
class Extracted:
    """The article as the page gives it; ``text`` has one paragraph a line."""

    text: str
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
    rights: PageRights = field(default_factory=PageRights)


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _headlines(tree: lxml_html.HtmlElement, title: str | None) -> set[str]:
    """The headline as the page shows it (title and first ``h1``), normalised, to recognise it in the text."""
    keys = {_key(title)} if title else set()
    h1 = tree.find(".//h1")
    if h1 is not None:
        keys.add(_key(h1.text_content() or ""))
    return {k for k in keys if len(k) >= 10}


def _drop_headline(text: str, headlines: set[str]) -> str:
    """The record has a ``title`` field; the headline repeated as the text's first lines is not body text."""
    if not headlines:
        return text
    lines = text.splitlines()
    start = 0
    while start < min(len(lines), 3) and (not lines[start].strip() or _key(lines[start]) in headlines):
        start += 1
    return "\n".join(lines[start:]) if start else text


def _link_share(tree: lxml_html.HtmlElement) -> tuple[float, int]:
    body = tree.find(".//body")
    if body is None:
        return 0.0, 0
    total = len(" ".join((body.text_content() or "").split()))
    links = list(body.iter("a"))
    link_chars = sum(len(" ".join((a.text_content() or "").split())) for a in links)
    return (link_chars / total if total else 0.0), len(links)


def _is_not_article_type(page_type: str | None) -> bool:
    if not page_type:
        return False
    kind = page_type.lower().rsplit("/", 1)[-1]
    return kind in NON_ARTICLE_TYPES and kind not in ARTICLE_TYPES


def extract_article(
    html: str | bytes,
    url: str,
    *,
    prune_selectors: Sequence[str] = (),
    date_hint: str | None = None,
    date_hint_source: str | None = None,
    fetched_at: str | None = None,
    config: ExtractConfig | None = None,
    declared_charset: str | None = None,
    needs_proof: bool = False,
) -> Extracted:
    """Extract one article; raises ``UnreadablePage``, ``NotAnArticle`` or ``NoText`` when there is none.

    ``declared_charset``: the charset of the HTTP ``Content-Type`` header, when the page came with one.
    ``needs_proof``: nothing but the page can say it is an article (a link of no known shape, a listing): it
    must declare an article type, or declare none and hold a main text of article length
    (``min_article_words``)."""
    config = config or ExtractConfig()
    text_html = decode_html(html, config.max_bytes, declared_charset)
    tree = parse_html(text_html)
    try:
        meta = extract_metadata(
            tree,
            url,
            date_hint=date_hint,
            date_hint_source=date_hint_source,
            fetched_at=fetched_at,
            use_htmldate=config.use_htmldate,
        )
    except Exception:  # metadata is best effort; the text decides whether there is an article
        logger.warning("metadata extraction failed on %s", url, exc_info=True)
        meta = Metadata(canonical_url=url)

    headings = _headlines(tree, meta.title)
    strip_inert(tree, config.strip_empty)
    prune_tree(tree, prune_selectors, config.prune, url=url)
    text = _drop_headline(_main_text(tree, url, config), headings)
    words = len(text.split())

    if _is_not_article_type(meta.page_type) and words < config.min_article_words:
        raise NotAnArticle(f"page type {meta.page_type!r} with {words} words")
    if needs_proof and not is_article_type(meta.page_type):
        if not meta.page_type and words < config.min_article_words:
            raise NotAnArticle(f"no page type and {words} words, on a page of no article URL shape")
        if meta.page_type and (words < config.proof_words or _link_share(tree)[0] >= config.proof_link_share):
            raise NotAnArticle(
                f"page type {meta.page_type!r} with {words} words, on a page of no article URL shape"
            )
    if len(text) < config.min_text_chars or not any(ch.isalnum() for ch in text):
        share, links = _link_share(tree)
        if share >= config.nav_link_share and links >= 10:
            raise NotAnArticle(f"navigation page: {links} links, {share:.0%} of the text in links")
        raise NoText("no main text found")
    return Extracted(
        text=text,
        title=meta.title,
        authors=meta.authors,
        date_published=meta.date_published,
        date_modified=meta.date_modified,
        date_source=meta.date_source,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        tags=meta.tags,
        declared_language=meta.declared_language,
        page_type=meta.page_type,
        rights=meta.rights,
    )


def published_before(date_published: str | None, since: date | None) -> bool:
    """True when the article has a date and it is earlier than ``since`` (undated articles are kept)."""
    if since is None or not date_published:
        return False
    parsed = parse_date(date_published)
    if parsed is None:
        return False
    moment = parsed[0]
    day = moment.date() if hasattr(moment, "date") and callable(moment.date) else moment
    return day < since


def published_after(date_published: str | None, until: date | None) -> bool:
    """True when the article has a date and it is later than ``until`` (undated articles are kept)."""
    if until is None or not date_published:
        return False
    parsed = parse_date(date_published)
    if parsed is None:
        return False
    moment = parsed[0]
    day = moment.date() if hasattr(moment, "date") and callable(moment.date) else moment
    return day > until


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValueError(f"NEWSCORPUS_SINCE is not an ISO date: {value!r}")
    moment = parsed[0]
    return moment.date() if hasattr(moment, "date") and callable(moment.date) else moment


def fill_record(
    item: dict[str, Any],
    config: ExtractConfig | None = None,
    since: date | None = None,
    until: date | None = None,
    exclude_reserved: bool = False,
) -> dict[str, Any]:
    """Run ``extract_article`` on an item dict and fill the record fields (shared by the crawl and the CLI).

    ``rights`` combines the page's signals with the response headers and the site's facts the item carries
    (``record.RESPONSE_HEADERS``, ``record.SITE_RIGHTS``; a saved page has neither). ``exclude_reserved``
    (``--tdm exclude``): an article whose publisher reserved text and data mining is ``rights/tdm-reserved``,
    once it is known to be an article (a page that is not one keeps its own reason)."""
    html = item.pop(HTML, None)
    headers = item.pop(RESPONSE_HEADERS, None)
    site = item.pop(SITE_RIGHTS, None)
    url = item.get("url") or ""
    if html is None:
        raise UnreadablePage("no HTML in the item")
    result = extract_article(
        html,
        url,
        prune_selectors=item.pop(PRUNE_SELECTORS, None) or (),
        date_hint=item.pop(DATE_HINT, None),
        date_hint_source=item.pop(DATE_HINT_SOURCE, None),
        fetched_at=item.get("fetched_at"),
        config=config,
        declared_charset=item.pop(HTTP_CHARSET, None),
        needs_proof=bool(item.pop(NEEDS_PROOF, False)),
    )
    canonical = result.canonical_url or normalize_url(url)
    # The id comes from the canonical URL only when it names this very page: a page cannot take the id (and
    # so the place) of another article by naming it; copies at other URLs are found by their text.
    item["id"] = article_id(canonical if same_page(canonical, url) else normalize_url(url))
    item["canonical_url"] = canonical
    item["domain"] = domain_of(url)
    item["title"] = result.title
    item["authors"] = result.authors
    item["date_published"] = result.date_published
    item["date_modified"] = result.date_modified
    item["date_source"] = result.date_source
    item["declared_language"] = result.declared_language
    item["text"] = result.text
    item["word_count"] = count_words(result.text)
    item["site_name"] = result.site_name
    item["tags"] = result.tags
    item["source"] = item.get("source") or "live"
    item["rights"] = article_rights(
        result.rights, header_signals(headers, url), site if isinstance(site, SiteSignals) else None
    )
    if published_before(result.date_published, since):
        raise PublishedBeforeSince(f"published {result.date_published}, before {since}")
    if published_after(result.date_published, until):
        raise PublishedAfterUntil(f"published {result.date_published}, after {until}")
    if exclude_reserved:
        reserved = reservations(item["rights"])
        if reserved:
            raise TdmReserved("; ".join(reserved))
    return item
