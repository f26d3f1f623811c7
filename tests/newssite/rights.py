"""Two outlets that declare what they allow, for the rights tests: every signal the crawl reads, on known pages.

- The Ashford Courier (127.0.0.1) sends ``tdm-reservation: 1`` and a ``tdm-policy`` header with every
  response: all its articles are reserved, by the header.
- The Birchfield Post (127.0.0.2, or 127.0.0.1 where that cannot be bound) has a ``tdmrep.json`` reserving
  ``/premium/`` (its other paths: not reserved), the TDMRep meta tag on two pages, a robots.txt keeping GPTBot
  and CCBot out of ``/opinion/``, ``noai`` in the ``X-Robots-Tag`` of one page, a licence link with JSON-LD
  copyright on another, and a paywalled premium article (JSON-LD ``isAccessibleForFree: false``).

Each article is a story of the main test site's (``stories_en``), each used once, so none is a copy of another.
:meth:`RightsSite.expected_rights` is the ``rights`` object a correct crawl records for each article URL,
:meth:`RightsSite.expected_reservations` the detail ``--tdm exclude`` gives each one it drops.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from tests.newssite.model import Article, Page
from tests.newssite.site import OutletGroup, RequestLog
from tests.newssite.stories_en import (
    BRIDGE_CLOSED,
    CITY_BUDGET,
    DERBY,
    DREDGING_AUDIT,
    MUSEUM,
    NIGHT_FERRY,
    PORT_STRIKE,
    SCHOOL_MEALS,
    STORM,
)

logger = logging.getLogger(__name__)

COURIER = "courier"
POST = "post"
HOSTS = {COURIER: "127.0.0.1", POST: "127.0.0.2"}
TITLES = {COURIER: "Ashford Courier", POST: "Birchfield Post"}
POST_TDM_POLICY = "https://licensing.birchfield.example/tdm-policy.json"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class RightsPage:
    """One article of the site and what it declares on top of its outlet's defaults."""

    outlet: str
    path: str
    story: Article
    headers: tuple[tuple[str, str], ...] = ()
    metas: tuple[tuple[str, str], ...] = ()
    head: str = ""
    jsonld: dict[str, Any] = field(default_factory=dict)


PAGES = (
    RightsPage(COURIER, "/2026/11/18/port-workers-strike-enters-third-day/", PORT_STRIKE),
    RightsPage(COURIER, "/2026/11/05/city-council-approves-budget/", CITY_BUDGET),
    # The Birchfield Post: its tdmrep.json says "not reserved" for everything outside /premium/.
    RightsPage(
        POST, "/news/2026/11/14/rovers-snatch-late-winner/", DERBY, jsonld={"isAccessibleForFree": True}
    ),
    RightsPage(
        POST,
        "/news/2026/11/10/maritime-museum-reopens/",
        MUSEUM,
        metas=(("tdm-reservation", "1"), ("tdm-policy", "https://birchfield.example/ai-licensing")),
    ),
    RightsPage(POST, "/news/2026/11/12/storm-floods-lower-town/", STORM, metas=(("tdm-reservation", "1"),)),
    RightsPage(
        POST,
        "/premium/2026/11/16/dredging-costs-double/",
        DREDGING_AUDIT,
        jsonld={"isAccessibleForFree": False},
    ),
    RightsPage(POST, "/opinion/2026/11/15/night-ferry-must-return/", NIGHT_FERRY),
    RightsPage(
        POST,
        "/news/2026/11/17/holm-bridge-closed/",
        BRIDGE_CLOSED,
        headers=(("X-Robots-Tag", "noai, noimageai"),),
    ),
    RightsPage(
        POST,
        "/news/2026/11/13/free-school-meals-for-every-pupil/",
        SCHOOL_MEALS,
        metas=(("copyright", "© 2026 Birchfield Post Ltd. Some rights reserved."),),
        head=f'<link rel="license" href="{CC_BY}">',
        jsonld={
            "copyrightHolder": {"@type": "Organization", "name": "Birchfield Post Ltd"},
            "copyrightYear": 2026,
        },
    ),
)

TDMREP = [
    {"location": "/premium/", "tdm-reservation": 1, "tdm-policy": POST_TDM_POLICY},
    {"location": "/", "tdm-reservation": 0},
]

ROBOTS = {
    COURIER: "User-agent: *\nDisallow: /search/\n\nSitemap: {base}/sitemap.xml\n",
    POST: (
        "User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /opinion/\n\n"
        "User-agent: *\nDisallow: /search/\n\nSitemap: {base}/sitemap.xml\n"
    ),
}


def _rights(**declared: Any) -> dict[str, Any]:
    rights: dict[str, Any] = {
        "tdm_reserved": None,
        "tdm_source": None,
        "tdm_policy": None,
        "ai_crawlers_disallowed": [],
        "noai": False,
        "license": None,
        "accessible_for_free": None,
        "copyright_holder": None,
        "copyright_year": None,
        "copyright_notice": None,
    }
    rights.update(declared)
    return rights


def _article_html(page: RightsPage, base: str) -> bytes:
    story = page.story
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published,
        "author": [{"@type": "Person", "name": a} for a in story.authors],
        **page.jsonld,
    }
    metas = "".join(f'<meta name="{html.escape(n)}" content="{html.escape(v)}">' for n, v in page.metas)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    title = TITLES[page.outlet]
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(story.title)} | {title}'
        f'</title><link rel="canonical" href="{base}{page.path}">{metas}{page.head}'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body>'
        f'<header><a href="/">{title}</a></header><main><article><h1>{html.escape(story.title)}</h1>'
        f'<p class="byline">By {html.escape(" and ".join(story.authors))}</p>{paragraphs}</article></main>'
        f"<footer>{title}, High Street.</footer></body></html>"
    ).encode()


class RightsSite:
    """The two outlets, on loopback with ports the OS picks; :attr:`request_log` records every request."""

    def __init__(self) -> None:
        self.request_log = RequestLog()
        self._outlets: OutletGroup | None = None
        self.base_urls: dict[str, str] = {}

    def __enter__(self) -> RightsSite:
        self._outlets = OutletGroup(HOSTS, self._respond, self.request_log.append, "nginx/1.24.0")
        self.base_urls = self._outlets.base_urls
        self._outlets.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self._outlets is not None:
            self._outlets.stop()

    @property
    def targets(self) -> list[str]:
        return [self.base_urls[o] + "/" for o in HOSTS]

    def url(self, page: RightsPage) -> str:
        return self.base_urls[page.outlet] + page.path

    def requests_for(self, path: str) -> list[str]:
        """The outlets that were asked for ``path``, once a request."""
        return [r.outlet for r in self.request_log if r.path == path]

    # -- serving ----------------------------------------------------------------------------------------------

    def _respond(self, outlet: str, method: str, target: str, agent: str = "") -> Page:
        page = self._page(outlet, target.split("?", 1)[0])
        if outlet == COURIER:
            # The header technique: on every response of the outlet.
            tdm = (("tdm-reservation", "1"), ("tdm-policy", self.base_urls[COURIER] + "/tdm-policy.json"))
            page = Page(page.status, page.content_type, page.body, page.headers + tdm)
        return page

    def _page(self, outlet: str, path: str) -> Page:
        base = self.base_urls[outlet]
        pages = [p for p in PAGES if p.outlet == outlet]
        if path == "/robots.txt":
            return Page(200, "text/plain", ROBOTS[outlet].format(base=base).encode())
        if path == "/.well-known/tdmrep.json" and outlet == POST:
            return Page(200, "application/json", json.dumps(TDMREP).encode())
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}{p.path}</loc></url>" for p in pages)
            body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return Page(200, "application/xml", body.encode())
        if path == "/":
            links = "".join(f'<li><a href="{p.path}">{html.escape(p.story.title)}</a></li>' for p in pages)
            body = f"<!doctype html><html><head><title>{TITLES[outlet]}</title></head><body><ul>{links}</ul></body></html>"
            return Page(200, HTML_TYPE, body.encode())
        for page in pages:
            if page.path == path:
                return Page(200, HTML_TYPE, _article_html(page, base), page.headers)
        return Page(404, HTML_TYPE, b"<html><body><h1>Not found</h1></body></html>")

    # -- ground truth -----------------------------------------------------------------------------------------

    def expected_rights(self) -> dict[str, dict[str, Any]]:
        """The ``rights`` of every article, by URL."""
        header = _rights(
            tdm_reserved=True, tdm_source="header", tdm_policy=self.base_urls[COURIER] + "/tdm-policy.json"
        )
        not_reserved = {"tdm_reserved": False, "tdm_source": "tdmrep.json"}
        by_story = {
            PORT_STRIKE.slug: header,
            CITY_BUDGET.slug: header,
            DERBY.slug: _rights(**not_reserved, accessible_for_free=True),
            MUSEUM.slug: _rights(
                tdm_reserved=True, tdm_source="meta", tdm_policy="https://birchfield.example/ai-licensing"
            ),
            STORM.slug: _rights(tdm_reserved=True, tdm_source="meta"),
            DREDGING_AUDIT.slug: _rights(
                tdm_reserved=True,
                tdm_source="tdmrep.json",
                tdm_policy=POST_TDM_POLICY,
                accessible_for_free=False,
            ),
            NIGHT_FERRY.slug: _rights(**not_reserved, ai_crawlers_disallowed=["GPTBot", "CCBot"]),
            BRIDGE_CLOSED.slug: _rights(**not_reserved, noai=True),
            SCHOOL_MEALS.slug: _rights(
                **not_reserved,
                license=CC_BY,
                copyright_holder="Birchfield Post Ltd",
                copyright_year=2026,
                copyright_notice="© 2026 Birchfield Post Ltd. Some rights reserved.",
            ),
        }
        return {self.url(p): by_story[p.story.slug] for p in PAGES}

    def expected_reservations(self) -> dict[str, str]:
        """The detail of ``rights/tdm-reserved`` for each article ``--tdm exclude`` drops, by URL."""
        details = {
            PORT_STRIKE.slug: "tdm-reservation 1 (header)",
            CITY_BUDGET.slug: "tdm-reservation 1 (header)",
            MUSEUM.slug: "tdm-reservation 1 (meta)",
            STORM.slug: "tdm-reservation 1 (meta)",
            DREDGING_AUDIT.slug: "tdm-reservation 1 (tdmrep.json)",
            NIGHT_FERRY.slug: "robots.txt disallows GPTBot, CCBot",
            BRIDGE_CLOSED.slug: "noai",
        }
        return {self.url(p): details[p.story.slug] for p in PAGES if p.story.slug in details}
