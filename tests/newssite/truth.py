"""Ground truth for end-to-end assertions, derived from the same catalog and rendering the server uses."""

from __future__ import annotations

from collections.abc import Mapping

from tests.newssite.catalog import Catalog, ExtraKind
from tests.newssite.excerpts import check_snippets
from tests.newssite.model import ExpectedArticle, ExpectedDuplicate, ExpectedRedirect, ExpectedRejection
from tests.newssite.render import Key, Rendering
from tests.newssite.urls import OUTLETS, author_path

# Pages that only a link-following crawler reaches (none of them is in a sitemap).
_LINKED_KINDS = ("home-page", "section-page", "tag-page", "author-page", "login-page")


def expected_articles(
    catalog: Catalog, rendering: Rendering, published: frozenset[Key], base_urls: Mapping[str, str]
) -> list[ExpectedArticle]:
    """Published stories minus the copies a deduplicator must drop, at their final URL."""
    copies = catalog.copies()
    return [
        ExpectedArticle(
            url=base_urls[a.outlet] + a.path,
            outlet=a.outlet,
            slug=a.slug,
            lang=a.lang,
            title=a.title,
            must_contain=check_snippets(a),
            must_not_contain=list(rendering.clutter[a.key]),
            date_published=a.date,
            authors=list(a.authors),
        )
        for a in catalog.articles
        if a.key in published and a.key not in copies
    ]


def expected_duplicates(
    catalog: Catalog, published: frozenset[Key], base_urls: Mapping[str, str]
) -> list[ExpectedDuplicate]:
    out = []
    for d in catalog.duplicates:
        if d.copy.key in published and d.original.key in published:
            copy_url = base_urls[d.copy.outlet] + d.copy.path
            original_url = base_urls[d.original.outlet] + d.original.path
            out.append(ExpectedDuplicate(copy_url, original_url, d.kind, frozenset({copy_url, original_url})))
    return out


def expected_rejected(
    catalog: Catalog, rendering: Rendering, base_urls: Mapping[str, str], include_linked: bool
) -> list[ExpectedRejection]:
    """Fetched but never written: sitemap-listed non-articles always, hub pages when asked."""
    out = []
    for extra in catalog.extras:
        url = base_urls[extra.outlet] + extra.path
        if extra.kind is ExtraKind.MISSING:
            out.append(ExpectedRejection(url, "not-found", extra.in_sitemap))
        elif extra.kind is ExtraKind.PDF:
            out.append(ExpectedRejection(url, "non-html", extra.in_sitemap))
        elif extra.kind is ExtraKind.GARBAGE:
            out.append(ExpectedRejection(url, "binary-garbage", extra.in_sitemap))
        elif extra.kind is ExtraKind.VIDEO and (extra.in_sitemap or include_linked):
            out.append(ExpectedRejection(url, "video-page", extra.in_sitemap))
    sitemap_authors = {(o, author_path(o, catalog.sitemap_authors[o])) for o in OUTLETS}
    for outlet in OUTLETS:
        for path, kind in sorted(rendering.kinds[outlet].items()):
            in_sitemap = (outlet, path) in sitemap_authors
            if in_sitemap or (include_linked and kind in _LINKED_KINDS):
                out.append(ExpectedRejection(base_urls[outlet] + path, kind, in_sitemap))
    return out


def expected_redirects(catalog: Catalog, base_urls: Mapping[str, str]) -> list[ExpectedRedirect]:
    return [
        ExpectedRedirect(base_urls[outlet] + old, base_urls[outlet] + catalog.article(outlet, slug).path)
        for (outlet, slug), old in catalog.moved_from.items()
    ]


def disallowed_paths(catalog: Catalog) -> list[str]:
    return sorted({extra.path for extra in catalog.extras if extra.kind is ExtraKind.PRIVATE})
