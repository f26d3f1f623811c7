"""The editorial plan: which story runs on which outlet, the copies, the special pages and their quirks.

Everything a crawler can meet on the site is declared here as data; rendering and ground truth both read it,
so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from tests.newssite import stories_de, stories_en, stories_es, stories_fr
from tests.newssite.model import Article, Rewrite
from tests.newssite.urls import HARBOUR, MERIDIAN


class Quirk(Enum):
    """Ways an article page deviates from its outlet's clean template."""

    MALFORMED_HTML = "malformed-html"
    NO_CHARSET_HEADER = "no-charset-header"
    WRONG_LANG_ATTR = "wrong-lang-attr"
    NO_LANG_ATTR = "no-lang-attr"
    FAILS_FIRST = "fails-first"


class ExtraKind(Enum):
    MISSING = "missing"
    PDF = "pdf"
    GARBAGE = "garbage"
    VIDEO = "video"
    PRIVATE = "private"


@dataclass(frozen=True)
class Duplicate:
    copy: Article
    original: Article
    kind: str


@dataclass(frozen=True)
class ExtraPage:
    """A page that is not a story: reachable like one, but never to be written."""

    outlet: str
    kind: ExtraKind
    path: str
    title: str
    text: str
    published: str
    in_sitemap: bool
    section: str = ""


@dataclass(frozen=True)
class Catalog:
    titles: Mapping[str, str]
    taglines: Mapping[str, str]
    sections: Mapping[str, Mapping[str, str]]
    articles: tuple[Article, ...]
    duplicates: tuple[Duplicate, ...]
    quirks: Mapping[tuple[str, str], frozenset[Quirk]]
    moved_from: Mapping[tuple[str, str], str]
    extras: tuple[ExtraPage, ...]
    bios: Mapping[str, str]
    sitemap_authors: Mapping[str, str]

    def article(self, outlet: str, slug: str) -> Article:
        for article in self.articles:
            if article.key == (outlet, slug):
                return article
        raise KeyError((outlet, slug))

    def quirks_of(self, article: Article) -> frozenset[Quirk]:
        return self.quirks.get(article.key, frozenset())

    def copies(self) -> frozenset[tuple[str, str]]:
        return frozenset(d.copy.key for d in self.duplicates)

    def family(self, article: Article) -> tuple[str, str]:
        """Pages carrying the same story share a family; teasers never point into one's own family."""
        for d in self.duplicates:
            if article.key in (d.copy.key, d.original.key):
                return d.original.key
        return article.key


def apply_rewrite(source: Article, rewrite: Rewrite) -> Article:
    """Build the lightly edited republication: new lede, a few words changed, one paragraph dropped."""
    paragraphs = list(source.paragraphs)
    first, _, rest = paragraphs[0].partition(". ")
    paragraphs[0] = rewrite.first_sentence + (f" {rest}" if rest else "")
    for old, new in rewrite.replacements:
        hits = [i for i, p in enumerate(paragraphs) if old in p]
        if len(hits) != 1:
            raise ValueError(f"rewrite replacement {old!r} must match exactly one paragraph")
        paragraphs[hits[0]] = paragraphs[hits[0]].replace(old, new)
    del paragraphs[rewrite.drop_paragraph]
    return Article(
        outlet=rewrite.outlet,
        slug=rewrite.slug,
        uid=rewrite.uid,
        lang=source.lang,
        section=rewrite.section,
        title=rewrite.title,
        standfirst=rewrite.standfirst,
        authors=rewrite.authors,
        published=rewrite.published,
        modified=rewrite.published,
        tags=rewrite.tags,
        paragraphs=tuple(paragraphs),
    )


_BIOS = {
    "Martha Quayle": "Martha Quayle covers the port, shipping and the waterfront economy for The Harbour Daily. "
    "Before joining the paper she spent a decade as a reporter for a trade journal on maritime freight.",
    "Priya Natarajan": "Priya Natarajan is the science correspondent of Meridian Wire, "
    "writing about space, the oceans and the climate from the desk in Kessa.",
}


def _generic_bio(name: str, outlet_title: str) -> str:
    return f"{name} writes for {outlet_title}."


def build_catalog() -> Catalog:
    """Assemble the whole site plan; pure, so every NewsSite gets an identical, fresh copy."""
    titles = {HARBOUR: "The Harbour Daily", MERIDIAN: "Meridian Wire"}
    originals = stories_en.ARTICLES + stories_de.ARTICLES + stories_fr.ARTICLES + stories_es.ARTICLES

    syndicated = dataclasses.replace(
        stories_en.WATER_VAPOUR,
        outlet=HARBOUR,
        uid=48066,
        section="science",
        published="2026-11-11T15:30:00+00:00",
        modified="2026-11-11T15:30:00+00:00",
        tags=("Science", "Space"),
    )
    rewrite_source = next(
        a for a in originals if a.key == (HARBOUR, stories_en.PORT_STRIKE_REWRITE.source_slug)
    )
    rewritten = apply_rewrite(rewrite_source, stories_en.PORT_STRIKE_REWRITE)
    duplicates = (
        Duplicate(copy=syndicated, original=stories_en.WATER_VAPOUR, kind="exact"),
        Duplicate(copy=rewritten, original=rewrite_source, kind="near"),
    )
    articles = tuple(sorted((*originals, syndicated, rewritten), key=lambda a: (a.published, a.outlet)))

    quirks = {
        stories_en.NIGHT_FERRY.key: frozenset({Quirk.MALFORMED_HTML}),
        stories_fr.FISH_MARKET.key: frozenset({Quirk.NO_CHARSET_HEADER}),
        stories_de.LIGHT_FESTIVAL.key: frozenset({Quirk.WRONG_LANG_ATTR}),
        stories_fr.GLACIERS.key: frozenset({Quirk.NO_LANG_ATTR}),
        stories_en.BUDGET_VOTE.key: frozenset({Quirk.FAILS_FIRST}),
    }
    moved_from = {stories_en.CITY_BUDGET.key: f"/2026/11/05/{stories_en.CITY_BUDGET_OLD_SLUG}/"}

    extras = (
        ExtraPage(
            outlet=HARBOUR,
            kind=ExtraKind.MISSING,
            path="/2026/11/09/ferry-timetable-changes-announced/",
            title="Ferry timetable changes announced",
            text="New winter sailing times for the Holm Island ferry take effect from December.",
            published="2026-11-09T08:00:00+00:00",
            in_sitemap=True,
            section="local",
        ),
        ExtraPage(
            outlet=HARBOUR,
            kind=ExtraKind.GARBAGE,
            path="/2026/11/12/council-minutes-archive/",
            title="Council minutes archive",
            text="",
            published="2026-11-12T09:00:00+00:00",
            in_sitemap=True,
        ),
        ExtraPage(
            outlet=HARBOUR,
            kind=ExtraKind.VIDEO,
            path="/video/2026/11/storm-ilse-waves-over-the-harbour-wall/",
            title="Watch: Storm Ilse waves crash over the harbour wall",
            text="Waves break over the harbour wall at Fishmarket Square shortly after high tide on Wednesday.",
            published="2026-11-12T10:15:00+00:00",
            in_sitemap=True,
        ),
        ExtraPage(
            outlet=HARBOUR,
            kind=ExtraKind.PRIVATE,
            path="/private/staff-portal/",
            title="Staff portal",
            text="Shift rota, expenses and the newsroom contact sheet for Harbour Daily staff.",
            published="2026-11-01T09:00:00+00:00",
            in_sitemap=False,
        ),
        ExtraPage(
            outlet=MERIDIAN,
            kind=ExtraKind.PDF,
            path="/news/business/7404012/port-of-kessa-annual-report",
            title="Port of Kessa annual report 2026",
            text="Port of Kessa annual report 2026. Cargo volumes, finances and outlook.",
            published="2026-11-09T12:00:00+00:00",
            in_sitemap=True,
        ),
        ExtraPage(
            outlet=MERIDIAN,
            kind=ExtraKind.VIDEO,
            path="/video/7407302/glass-sponge-reef-filmed-on-tern-ridge",
            title="Video: glass sponge reef filmed three kilometres down",
            text="A remotely operated vehicle lights up a field of glass sponges on the flank of Tern Ridge.",
            published="2026-11-13T12:00:00+00:00",
            in_sitemap=True,
        ),
        ExtraPage(
            outlet=MERIDIAN,
            kind=ExtraKind.PRIVATE,
            path="/private/editorial-planning",
            title="Editorial planning",
            text="Story budget and desk assignments for the coming week.",
            published="2026-11-01T09:00:00+00:00",
            in_sitemap=False,
        ),
    )

    authors = {(a.outlet, name) for a in articles for name in a.authors}
    bios = {name: _BIOS.get(name) or _generic_bio(name, titles[outlet]) for outlet, name in sorted(authors)}

    return Catalog(
        titles=MappingProxyType(titles),
        taglines=MappingProxyType(
            {HARBOUR: "News from the waterfront and beyond", MERIDIAN: "Independent news, around the clock"}
        ),
        sections=MappingProxyType(
            {
                HARBOUR: MappingProxyType(
                    {
                        "local": "Local",
                        "business": "Business",
                        "sport": "Sport",
                        "culture": "Culture",
                        "science": "Science",
                        "international": "Partner Cities",
                    }
                ),
                MERIDIAN: MappingProxyType(
                    {
                        "world": "World",
                        "business": "Business",
                        "science": "Science",
                        "sport": "Sport",
                        "culture": "Culture",
                        "europe": "Europe",
                    }
                ),
            }
        ),
        articles=articles,
        duplicates=duplicates,
        quirks=MappingProxyType(quirks),
        moved_from=MappingProxyType(moved_from),
        extras=extras,
        bios=MappingProxyType(bios),
        sitemap_authors=MappingProxyType({HARBOUR: "Martha Quayle", MERIDIAN: "Priya Natarajan"}),
    )
