"""Two outlets whose article URLs do not look like news URLs, for the discovery tests.

The Nordhafen Rundschau (127.0.0.1) lists every story in a sitemap (news and plain, the plain one with two
section fronts in it) and a feed; the Kessa Courier (127.0.0.2) has neither, so only links lead to its stories:
a home page, three sections paged with ``?page=N`` (the older stories only on pages 2 and 3, and a pager that
links nine pages of which the last ones are empty), a "from the wire" box of ten verbatim copies of the
Rundschau's stories at ``/wire/000.html`` ... ``/wire/009.html``, twenty dossier pages (listings, not
articles) at a shape of their own, linked with headline-long anchors, and twelve picture galleries (not
articles either) linked by two words each. The URL shapes are those the issue found lost: ``/a/Ard8wM/some-title``,
``/artikel/522721.kenia.html``, ``...,leseforscher-100.html``, ``/news/article/A2026071220290000630``,
``/wire/000.html``. Pages declare themselves in different ways: a JSON-LD ``@type`` list, ``og:type`` only, or
nothing but a main text of article length.

The stories are the main site's (``tests.newssite.catalog``), which every other test already checks read well.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

from tests.newssite.catalog import build_catalog
from tests.newssite.excerpts import check_snippets, teaser_snippet
from tests.newssite.feeds import FeedEntry, news_sitemap, robots_txt, rss, sitemap_index, url_sitemap
from tests.newssite.model import Article, Page, RequestRecord
from tests.newssite.site import OutletGroup, RequestLog
from tests.newssite.theme_common import esc, json_ld
from tests.newssite.urls import slugify

logger = logging.getLogger(__name__)

LISTED = "listed"
LINKED = "linked"
OUTLETS = (LISTED, LINKED)
HOSTS = {LISTED: "127.0.0.1", LINKED: "127.0.0.2"}
TITLES = {LISTED: "Nordhafen Rundschau", LINKED: "Kessa Courier"}
SECTIONS = {LINKED: ("wissen", "welt", "kultur")}
WIRE_COPIES = 10
DOSSIERS = 20
GALLERIES = 12
PER_PAGE = 3
PAGER_LINKS = 9
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _token(seed: str, length: int = 6) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    token = "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:length])
    return token[:2] + "8" + token[3:]  # always one digit: an id, not a word


def _number(seed: str, digits: int) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))[:digits]


def odd_path(outlet: str, shape: int, a: Article) -> str:
    """Story ``a`` at the ``shape``-th of the odd URL shapes."""
    words = slugify(a.title).split("-")
    if shape == 0:
        return f"/a/{_token(a.slug)}/{'-'.join(words[:2])}"
    if shape == 1:
        return f"/artikel/{_number(a.slug, 6)}.{words[0]}.html"
    if shape == 2:
        folder = (
            "nachrichten/niedersachsen/osnabrueck_emsland" if outlet == LISTED else "sport/premier-league"
        )
        return f"/{folder}/{slugify(a.title)},{words[-1]}-100.html"
    return f"/news/article/A{a.published[:10].replace('-', '')}{_number(a.slug, 11)}"


@dataclass
class Story:
    """A story as one of these outlets carries it: where, and how its page declares itself."""

    article: Article
    outlet: str
    path: str
    declares: str  # "jsonld-list", "og", "nothing"
    section: str = ""
    copy_of: Story | None = None


@dataclass
class OddRendering:
    routes: dict[str, dict[str, Page]] = field(default_factory=dict)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)


def _plan() -> list[Story]:
    catalog = build_catalog()
    copies = catalog.copies()
    pool = [a for a in catalog.articles if not a.hidden and a.key not in copies]
    stories: list[Story] = []
    declares = ("jsonld-list", "og", "nothing")
    for n, a in enumerate(pool):
        outlet = LISTED if n % 2 == 0 else LINKED
        mine = sum(1 for s in stories if s.outlet == outlet)
        section = SECTIONS[LINKED][mine % 3] if outlet == LINKED else "nachrichten"
        stories.append(Story(a, outlet, odd_path(outlet, mine % 4, a), declares[n % 3], section))
    originals = [s for s in stories if s.outlet == LISTED][:WIRE_COPIES]
    for n, original in enumerate(originals):
        stories.append(Story(original.article, LINKED, f"/wire/{n:03d}.html", "og", "wire", copy_of=original))
    return stories


def _page(outlet: str, base: str, title: str, head: list[str], main: str) -> str:
    if outlet == LISTED:
        links = [("/nachrichten/", "Nachrichten"), ("/thema/hafen", "Hafen")]
    else:
        links = [(f"/ressort/{s}", s.title()) for s in SECTIONS[LINKED]]
    nav = "".join(f'<li><a href="{base}{path}">{name}</a></li>' for path, name in links)
    return f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{esc(title)} | {TITLES[outlet]}</title>
{"".join(head)}</head>
<body><header class="masthead"><a class="logo" href="{base}/">{TITLES[outlet]}</a>
<nav><ul>{nav}<li><a href="{base}/login">Anmelden</a></li><li><a href="{base}/suche?q=">Suche</a></li></ul></nav></header>
<main>{main}</main>
<footer><ul><li><a href="{base}/impressum">Impressum</a></li><li><a href="{base}/datenschutz">Datenschutz</a></li>
<li><a href="{base}/about-us/">About us</a></li></ul><p>&copy; 2026 {TITLES[outlet]}</p></footer></body></html>"""


def _article_html(story: Story, base: str) -> str:
    a = story.article
    url = base + story.path
    head = [
        f'<link rel="canonical" href="{url}">',
        f'<meta name="description" content="{esc(a.standfirst)}">',
    ]
    if story.declares == "og":
        head += [
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(a.title)}">',
        ]
    elif story.declares == "jsonld-list":
        ld = {
            "@context": "https://schema.org",
            "@type": ["NewsArticle", "ReportageNewsArticle"],
            "headline": a.title,
            "datePublished": a.published,
            "author": [{"@type": "Person", "name": n} for n in a.authors],
        }
        head.append(f'<script type="application/ld+json">{json_ld(ld)}</script>')
    if story.declares != "nothing":
        head.append(f'<meta property="article:published_time" content="{a.published}">')
    body = "\n".join(f"<p>{esc(p)}</p>" for p in a.paragraphs)
    main = f"""<article><h1>{esc(a.title)}</h1><p class="byline">Von {esc(" und ".join(a.authors))},
<time datetime="{a.published}">{a.published[:10]}</time></p>
<p class="standfirst"><strong>{esc(a.standfirst)}</strong></p>
{body}</article>"""
    return _page(story.outlet, base, a.title, head, main)


Teasers = list[tuple[str, str, str]]


def _listing_html(
    outlet: str, base: str, title: str, items: Teasers, extra: str = "", head: tuple[str, ...] = ()
) -> str:
    teasers = "\n".join(
        f'<li class="teaser"><h3><a href="{esc(url)}">{esc(headline)}</a></h3><p>{esc(snippet)}</p></li>'
        for url, headline, snippet in items
    )
    head = ('<meta property="og:type" content="website">', *head)
    main = f'<h1>{esc(title)}</h1><ul class="teasers">{teasers}</ul>{extra}'
    return _page(outlet, base, title, list(head), main)


class _Routes:
    """One outlet's pages by request target (path, or path and query for the pages of a section)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.kinds: dict[str, str] = {}

    def add(self, target: str, kind: str, body: str, content_type: str = HTML) -> None:
        if target in self.pages:
            raise ValueError(f"two pages claim {target}")
        self.pages[target] = Page(200, content_type, body.encode("utf-8"))
        self.kinds[target] = kind


class OddSite:
    """The two outlets on loopback; ``stories`` and the ground truth need the site started."""

    def __init__(self) -> None:
        self.stories = _plan()
        self._log = RequestLog()
        self._outlets: OutletGroup | None = None
        self._base: dict[str, str] = {}
        self._rendering = OddRendering()
        self._lock = threading.Lock()

    def __enter__(self) -> OddSite:
        self._outlets = OutletGroup(HOSTS, self._respond, self._log.append, "nginx")
        try:
            self._base = self._outlets.base_urls
            self._rendering = self._render()
            self._outlets.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self._outlets is not None:
            self._outlets.stop()

    # -- what a test asks -------------------------------------------------------------------------------------

    @property
    def base_urls(self) -> list[str]:
        return [self._base[o] for o in OUTLETS]

    def url(self, story: Story) -> str:
        return self._base[story.outlet] + story.path

    def articles(self, outlet: str | None = None) -> list[Story]:
        """Every story page of one outlet or both, copies included."""
        return [s for s in self.stories if outlet is None or s.outlet == outlet]

    def snippets(self, story: Story) -> list[str]:
        return check_snippets(story.article)

    def pages_of_kind(self, kind: str) -> list[str]:
        return sorted(
            self._base[o] + path for o in OUTLETS for path, k in self._rendering.kinds[o].items() if k == kind
        )

    def requests(self) -> list[RequestRecord]:
        return self._log.snapshot()

    # -- serving ------------------------------------------------------------------------------------------------

    def _respond(self, outlet: str, method: str, target: str, agent: str = "") -> Page:
        with self._lock:
            routes = self._rendering.routes[outlet]
        page = routes.get(target if urlsplit(target).query else urlsplit(target).path)
        return page or Page(404, HTML, b"<html><body><h1>404 Not Found</h1></body></html>")

    def _render(self) -> OddRendering:
        out = OddRendering()
        for outlet in OUTLETS:
            routes = _Routes()
            base = self._base[outlet]
            mine = sorted(self.articles(outlet), key=lambda s: s.article.published, reverse=True)
            for story in mine:
                routes.add(story.path, "copy" if story.copy_of else "article", _article_html(story, base))
            originals = [s for s in mine if s.copy_of is None]
            teaser = [(base + s.path, s.article.title, teaser_snippet(s.article)) for s in originals]
            if outlet == LISTED:
                feed = f'<link rel="alternate" type="application/rss+xml" href="{base}/feed/">'
                routes.add("/", "home", _listing_html(outlet, base, TITLES[outlet], teaser, head=(feed,)))
                routes.add("/nachrichten/", "section", _listing_html(outlet, base, "Nachrichten", teaser[:4]))
                routes.add(
                    "/nachrichten/niedersachsen/",
                    "section",
                    _listing_html(outlet, base, "Niedersachsen", teaser[4:8]),
                )
                routes.add("/thema/hafen", "section", _listing_html(outlet, base, "Thema Hafen", teaser[:2]))
                self._discovery(routes, base, originals)
            else:
                self._linked_hubs(routes, base, originals, [s for s in mine if s.copy_of])
            routes.add("/login", "service", _listing_html(outlet, base, "Anmelden", []))
            routes.add("/about-us/", "service", _listing_html(outlet, base, "About us", []))
            out.routes[outlet] = routes.pages
            out.kinds[outlet] = routes.kinds
        return out

    def _discovery(self, routes: _Routes, base: str, stories: list[Story]) -> None:
        add = routes.add
        add("/robots.txt", "robots", robots_txt(base, ("/private/",)), "text/plain; charset=utf-8")
        entries = [
            FeedEntry(base + s.path, s.article.title, s.article.standfirst, s.article.published,
                      s.article.modified, s.article.authors, (), "de", base + s.path)
            for s in stories
        ]  # fmt: skip
        news = news_sitemap(TITLES[LISTED], entries[: len(entries) // 2])
        plain = [(e.url, e.modified) for e in entries] + [
            (base + "/nachrichten/", "2026-11-18T00:00:00+00:00"),
            (base + "/nachrichten/niedersachsen/", "2026-11-18T00:00:00+00:00"),
            (base + "/thema/hafen", "2026-11-18T00:00:00+00:00"),
        ]
        add("/news-sitemap.xml", "sitemap", news, XML)
        add("/sitemap-articles.xml", "sitemap", url_sitemap(plain), XML)
        add("/post_tag-sitemap.xml", "sitemap", url_sitemap([(base + "/thema/hafen", "2026-11-18")]), XML)
        index = sitemap_index(
            [(f"{base}/news-sitemap.xml", "2026-11-18"), (f"{base}/sitemap-articles.xml", "2026-11-18"),
             (f"{base}/post_tag-sitemap.xml", "2026-11-18")]
        )  # fmt: skip
        add("/sitemap_index.xml", "sitemap", index, XML)
        feed = rss(TITLES[LISTED], base, base + "/feed/", "Nachrichten", entries[len(entries) // 2 :])
        add("/feed/", "feed", feed, "application/rss+xml; charset=utf-8")

    def _linked_hubs(self, routes: _Routes, base: str, stories: list[Story], copies: list[Story]) -> None:
        add = routes.add
        add("/robots.txt", "robots", "User-agent: *\nDisallow: /private/\n", "text/plain; charset=utf-8")
        dossiers = []
        for n in range(DOSSIERS):
            path = f"/dossier/{_token(f'dossier-{n}')}/{['hafen', 'klima', 'wahl', 'kultur'][n % 4]}-{n}"
            intro = f"Alles zum Thema, Folge {n}: Hintergründe, Analysen und Kommentare der Redaktion."
            add(path, "dossier", _listing_html(LINKED, base, f"Dossier {n}", [], f"<p>{esc(intro)}</p>"))
            dossiers.append(
                (
                    base + path,
                    f"Dossier: alles über {['den Hafen', 'das Klima', 'die Wahl', 'die Kultur'][n % 4]} ({n})",
                    "",
                )
            )
        galleries = []
        for n in range(GALLERIES):
            path = f"/bilder/{_token(f'gallery-{n}')}.html"
            add(path, "gallery", _listing_html(LINKED, base, f"Bilder {n}", [], "<p>Zwölf Bilder.</p>"))
            galleries.append((base + path, f"Bilder {n}", ""))
        wire = [(base + c.path, c.article.title, teaser_snippet(c.article)) for c in copies]
        latest = [(base + s.path, s.article.title, teaser_snippet(s.article)) for s in stories[:3]]
        extra = (
            '<h2>Aus dem Agenturticker</h2><ul class="wire">'
            + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t, _ in wire)
            + '</ul><h2>Dossiers</h2><ul class="dossiers">'
            + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t, _ in dossiers)
            + '</ul><h2>Bilder</h2><ul class="galleries">'
            + "".join(f'<li><a href="{esc(u)}">{esc(t)}</a></li>' for u, t, _ in galleries)
            + "</ul>"
        )
        add("/", "home", _listing_html(LINKED, base, TITLES[LINKED], latest, extra))
        for section in SECTIONS[LINKED]:
            mine = [s for s in stories if s.section == section]
            for page in range(1, PAGER_LINKS + 1):
                chunk = mine[(page - 1) * PER_PAGE : page * PER_PAGE]
                items = [(base + s.path, s.article.title, teaser_snippet(s.article)) for s in chunk]
                pager = (
                    '<nav class="pager">'
                    + "".join(
                        f'<a href="{base}/ressort/{section}?page={n}">{n}</a> '
                        for n in range(2, PAGER_LINKS + 1)
                    )
                    + "</nav>"
                )
                path = f"/ressort/{section}" + (f"?page={page}" if page > 1 else "")
                add(
                    path,
                    "section" if page == 1 else "section-page",
                    _listing_html(LINKED, base, section.title(), items, pager),
                )
