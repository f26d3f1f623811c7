"""Turn the catalog, the set of published stories and the live base URLs into every HTTP response.

Re-run whenever the base URLs become known or a hidden story is published; a rendering is never changed
after it is built, so the server can swap a new one in atomically.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.newssite.catalog import Catalog, ExtraKind, Quirk
from tests.newssite.excerpts import teaser_snippet
from tests.newssite.feeds import FeedEntry, atom, news_sitemap, robots_txt, rss, sitemap_index, url_sitemap
from tests.newssite.model import Article, Page
from tests.newssite.payloads import binary_garbage, fake_pdf
from tests.newssite.theme_common import (
    ArticleView,
    Chrome,
    Link,
    ListingView,
    Teaser,
    Theme,
    VideoView,
    paragraphs_html,
)
from tests.newssite.theme_harbour import LOCALES, HarbourTheme
from tests.newssite.theme_meridian import MeridianTheme
from tests.newssite.urls import (
    HARBOUR,
    MERIDIAN,
    OUTLETS,
    author_path,
    feed_path,
    login_path,
    section_path,
    tag_path,
)

Key = tuple[str, str]

THEMES: Mapping[str, Theme] = {HARBOUR: HarbourTheme(), MERIDIAN: MeridianTheme()}
HTML_TYPES = {HARBOUR: "text/html; charset=UTF-8", MERIDIAN: "text/html; charset=utf-8"}
SERVER_NAMES = {HARBOUR: "Apache/2.4.58 (Ubuntu)", MERIDIAN: "nginx"}
RELATED_COUNT = 3
MOST_READ_COUNT = 5


@dataclass(frozen=True)
class Rendering:
    """Every response of both outlets, plus what the ground truth needs to know about them."""

    routes: Mapping[str, Mapping[str, Page]]
    kinds: Mapping[str, Mapping[str, str]]
    not_found: Mapping[str, Page]
    clutter: Mapping[Key, tuple[str, ...]]
    fails_first: frozenset[Key]
    shortlinks: Mapping[int, str]


def listed_path(catalog: Catalog, article: Article) -> str:
    """Where listings point: the old URL of a story whose slug changed (it then redirects)."""
    return catalog.moved_from.get(article.key, article.path)


def _http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).astimezone(UTC), usegmt=True)


def _popularity(article: Article) -> int:
    """A stable, arbitrary 'most read' order."""
    return zlib.crc32(article.slug.encode())


def _rotate(items: list[Article], by: int) -> list[Article]:
    if not items:
        return items
    by %= len(items)
    return items[by:] + items[:by]


class _SiteRenderer:
    def __init__(self, catalog: Catalog, published: frozenset[Key], base_urls: Mapping[str, str]) -> None:
        self.catalog = catalog
        self.base_urls = base_urls
        self.visible = [a for a in catalog.articles if a.key in published]
        copies = catalog.copies()
        # Teasers and "most read" only use stories that are always there, so publishing a hidden story
        # changes listings and feeds but never the pages of existing stories.
        self.stable = [a for a in catalog.articles if not a.hidden and a.key not in copies]
        self.clutter: dict[Key, tuple[str, ...]] = {}
        self.fails_first: set[Key] = set()
        self.shortlinks: dict[int, str] = {}

    def url(self, outlet: str, path: str) -> str:
        return self.base_urls[outlet] + path

    def teaser(self, a: Article) -> Teaser:
        return Teaser(
            title=a.title,
            url=self.url(a.outlet, listed_path(self.catalog, a)),
            snippet=teaser_snippet(a),
            published=a.published,
            section=self.catalog.sections[a.outlet][a.section],
            authors=a.authors,
        )

    def most_read(self, outlet: str, exclude: Article | None = None) -> tuple[Teaser, ...]:
        pool = sorted((a for a in self.stable if a.outlet == outlet and a != exclude), key=_popularity)
        return tuple(self.teaser(a) for a in pool[:MOST_READ_COUNT])

    def related(self, a: Article) -> tuple[Teaser, ...]:
        """Teasers for the other outlet's stories: same language first, never the article's own story."""
        family = self.catalog.family(a)
        pool = [
            b
            for b in sorted(self.stable, key=lambda b: b.published, reverse=True)
            if b.outlet != a.outlet and self.catalog.family(b) != family
        ]
        same = [b for b in pool if b.lang == a.lang]
        other = [b for b in pool if b.lang != a.lang]
        picks = (_rotate(same, a.uid) + _rotate(other, a.uid))[:RELATED_COUNT]
        return tuple(self.teaser(b) for b in picks)

    def chrome(self, outlet: str) -> Chrome:
        private = next(e for e in self.catalog.extras if e.outlet == outlet and e.kind is ExtraKind.PRIVATE)
        return Chrome(
            outlet_title=self.catalog.titles[outlet],
            tagline=self.catalog.taglines[outlet],
            base_url=self.base_urls[outlet],
            nav=tuple(
                Link(title, self.url(outlet, section_path(outlet, key)))
                for key, title in self.catalog.sections[outlet].items()
            ),
            feed_url=self.url(outlet, feed_path(outlet)),
            login_url=self.url(outlet, login_path(outlet)),
            private=Link(private.title, self.url(outlet, private.path)),
            most_read=self.most_read(outlet),
        )

    def lang_attr(self, a: Article) -> str | None:
        quirks = self.catalog.quirks_of(a)
        if Quirk.NO_LANG_ATTR in quirks:
            return None
        if a.outlet == HARBOUR:
            return LOCALES["en"] if Quirk.WRONG_LANG_ATTR in quirks else LOCALES[a.lang]
        return "en" if Quirk.WRONG_LANG_ATTR in quirks else a.lang

    def inline_href(self, a: Article) -> str | None:
        if a.inline_link is None:
            return None
        target = self.catalog.article(a.outlet, a.inline_link.target_slug)
        return self.url(a.outlet, listed_path(self.catalog, target))

    def article_view(self, a: Article) -> ArticleView:
        outlet = a.outlet
        return ArticleView(
            article=a,
            url=self.url(outlet, a.path),
            section=Link(
                self.catalog.sections[outlet][a.section], self.url(outlet, section_path(outlet, a.section))
            ),
            authors=tuple(Link(n, self.url(outlet, author_path(outlet, n))) for n in a.authors),
            tags=tuple(Link(t, self.url(outlet, tag_path(outlet, t))) for t in a.tags),
            related=self.related(a),
            most_read=self.most_read(outlet, exclude=a),
            inline_href=self.inline_href(a),
            lang_attr=self.lang_attr(a),
            malformed=Quirk.MALFORMED_HTML in self.catalog.quirks_of(a),
        )

    def feed_entry(self, a: Article) -> FeedEntry:
        guid = (
            f"{self.base_urls[a.outlet]}/?p={a.uid}"
            if a.outlet == HARBOUR
            else f"tag:meridian-wire.example,2026:article-{a.uid}"
        )
        return FeedEntry(
            url=self.url(a.outlet, listed_path(self.catalog, a)),
            title=a.title,
            summary=a.standfirst,
            published=a.published,
            modified=a.modified,
            authors=a.authors,
            categories=(self.catalog.sections[a.outlet][a.section], *a.tags),
            lang=a.lang,
            guid=guid,
            content_html="\n".join(paragraphs_html(a, self.inline_href(a))) if a.outlet == HARBOUR else "",
        )

    def render(self) -> Rendering:
        routes: dict[str, Mapping[str, Page]] = {}
        kinds: dict[str, Mapping[str, str]] = {}
        not_found: dict[str, Page] = {}
        for outlet in OUTLETS:
            pages = _Pages(HTML_TYPES[outlet])
            chrome = self.chrome(outlet)
            mine = sorted(
                (a for a in self.visible if a.outlet == outlet), key=lambda a: a.published, reverse=True
            )
            self.add_articles(pages, chrome, mine)
            self.add_hubs(pages, chrome, outlet, mine)
            self.add_extras(pages, chrome, outlet)
            self.add_discovery(pages, outlet, mine)
            routes[outlet] = pages.pages
            kinds[outlet] = pages.kinds
            not_found[outlet] = pages.html(THEMES[outlet].not_found(chrome), status=404)
        return Rendering(
            routes=routes,
            kinds=kinds,
            not_found=not_found,
            clutter=self.clutter,
            fails_first=frozenset(self.fails_first),
            shortlinks=self.shortlinks,
        )

    def add_articles(self, pages: _Pages, chrome: Chrome, mine: list[Article]) -> None:
        for a in mine:
            rendered = THEMES[a.outlet].article(chrome, self.article_view(a))
            self.clutter[a.key] = rendered.clutter
            quirks = self.catalog.quirks_of(a)
            headers: tuple[tuple[str, str], ...] = (
                ("Last-Modified", _http_date(a.modified)),
                ("Cache-Control", "max-age=300, must-revalidate"),
            )
            if a.outlet == HARBOUR:
                headers += (("Link", f"<{self.base_urls[a.outlet]}/?p={a.uid}>; rel=shortlink"),)
                self.shortlinks[a.uid] = a.path
            # A misconfigured server drops the charset; the page's own <meta charset> still says UTF-8.
            content_type = "text/html" if Quirk.NO_CHARSET_HEADER in quirks else None
            pages.add(
                a.path, "article", pages.html(rendered.html, content_type=content_type, headers=headers)
            )
            if Quirk.FAILS_FIRST in quirks:
                self.fails_first.add((a.outlet, a.path))
            old = self.catalog.moved_from.get(a.key)
            if old is not None:
                location = (("Location", self.url(a.outlet, a.path)),)
                pages.add(old, "redirect", Page(301, pages.html_type, b"", location))

    def add_hubs(self, pages: _Pages, chrome: Chrome, outlet: str, mine: list[Article]) -> None:
        theme = THEMES[outlet]

        def listing(kind: str, title: str, path: str, items: list[Teaser], intro: str = "") -> None:
            view = ListingView(kind, title, self.url(outlet, path), intro, tuple(items))
            pages.add(path, f"{kind}-page", pages.html(theme.listing(chrome, view)))

        listing("home", chrome.outlet_title, "/", [self.teaser(a) for a in mine])
        for key, title in self.catalog.sections[outlet].items():
            items = [self.teaser(a) for a in mine if a.section == key]
            for extra in self.catalog.extras:
                if extra.outlet == outlet and extra.section == key and extra.kind is ExtraKind.MISSING:
                    items.append(
                        Teaser(extra.title, self.url(outlet, extra.path), extra.text, extra.published, title)
                    )
            items.sort(key=lambda t: t.published, reverse=True)
            listing("section", title, section_path(outlet, key), items)
        for tag in sorted({t for a in mine for t in a.tags}):
            listing("tag", tag, tag_path(outlet, tag), [self.teaser(a) for a in mine if tag in a.tags])
        for name in sorted({n for a in mine for n in a.authors}):
            items = [self.teaser(a) for a in mine if name in a.authors]
            listing("author", name, author_path(outlet, name), items, intro=self.catalog.bios[name])
        pages.add(login_path(outlet), "login-page", pages.html(theme.login(chrome)))

    def add_extras(self, pages: _Pages, chrome: Chrome, outlet: str) -> None:
        theme = THEMES[outlet]
        for extra in self.catalog.extras:
            if extra.outlet != outlet:
                continue
            if extra.kind is ExtraKind.VIDEO:
                view = VideoView(extra.title, self.url(outlet, extra.path), extra.text, extra.published)
                pages.add(extra.path, "video-page", pages.html(theme.video(chrome, view)))
            elif extra.kind is ExtraKind.PRIVATE:
                pages.add(extra.path, "private", pages.html(theme.private(chrome, extra.title, extra.text)))
            elif extra.kind is ExtraKind.PDF:
                filename = extra.path.rsplit("/", 1)[-1] + ".pdf"
                headers = (("Content-Disposition", f'inline; filename="{filename}"'),)
                pages.add(
                    extra.path, "non-html", Page(200, "application/pdf", fake_pdf(extra.title), headers)
                )
            elif extra.kind is ExtraKind.GARBAGE:
                noise = binary_garbage(zlib.crc32(extra.path.encode()))
                pages.add(extra.path, "binary-garbage", Page(200, pages.html_type, noise))

    def add_discovery(self, pages: _Pages, outlet: str, mine: list[Article]) -> None:
        base = self.base_urls[outlet]
        if outlet == HARBOUR:
            robots = robots_txt(base, ("/private/", "/wp-admin/"), allow=("/wp-admin/admin-ajax.php",))
        else:
            robots = robots_txt(base, ("/private/", "/search"), extra="User-agent: GPTBot\nDisallow: /\n\n")
        pages.add("/robots.txt", "robots", Page(200, "text/plain; charset=utf-8", robots.encode()))

        entries = [self.feed_entry(a) for a in mine]
        plain = [(e.url, e.modified) for e in entries]
        for extra in self.catalog.extras:
            if extra.outlet == outlet and extra.in_sitemap:
                plain.append((self.url(outlet, extra.path), extra.published))
        sitemap_author = self.catalog.sitemap_authors[outlet]
        author_dates = [a.modified for a in mine if sitemap_author in a.authors]
        plain.append((self.url(outlet, author_path(outlet, sitemap_author)), max(author_dates)))
        plain.sort(key=lambda entry: entry[1], reverse=True)
        xml = "application/xml; charset=UTF-8"
        news = news_sitemap(self.catalog.titles[outlet], entries)
        pages.add("/news-sitemap.xml", "sitemap", Page(200, xml, news.encode()))
        pages.add("/sitemap-articles.xml", "sitemap", Page(200, xml, url_sitemap(plain).encode()))
        index = sitemap_index(
            [
                (f"{base}/news-sitemap.xml", max(e.modified for e in entries)),
                (f"{base}/sitemap-articles.xml", max(m for _, m in plain)),
            ],
            stylesheet=f"{base}/main-sitemap.xsl" if outlet == HARBOUR else None,
        )
        pages.add("/sitemap_index.xml", "sitemap", Page(200, xml, index.encode()))
        title = self.catalog.titles[outlet]
        if outlet == HARBOUR:
            body = rss(title, base, f"{base}/feed/", self.catalog.taglines[outlet], entries)
            pages.add("/feed/", "feed", Page(200, "application/rss+xml; charset=UTF-8", body.encode()))
        else:
            body = atom(title, base, f"{base}/atom.xml", entries)
            pages.add("/atom.xml", "feed", Page(200, "application/atom+xml; charset=utf-8", body.encode()))


class _Pages:
    """One outlet's route table under construction."""

    def __init__(self, html_type: str) -> None:
        self.html_type = html_type
        self.pages: dict[str, Page] = {}
        self.kinds: dict[str, str] = {}

    def add(self, path: str, kind: str, page: Page) -> None:
        if path in self.pages:
            raise ValueError(f"two pages claim {path}")
        self.pages[path] = page
        self.kinds[path] = kind

    def html(
        self,
        body: str,
        status: int = 200,
        content_type: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Page:
        return Page(status, content_type or self.html_type, body.encode("utf-8"), headers)


def render_site(catalog: Catalog, published: frozenset[Key], base_urls: Mapping[str, str]) -> Rendering:
    """Render both outlets; pure apart from CPU."""
    return _SiteRenderer(catalog, published, base_urls).render()
