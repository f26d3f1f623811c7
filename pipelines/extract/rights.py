"""What the publisher of an article allows: text-and-data-mining reservations, AI opt-outs, licence and access.

The record's ``rights`` object, from three places, each read by a pure function so a crawl and an archive ingest
build it alike:

- the HTTP response headers (:func:`header_signals`): TDMRep's ``tdm-reservation`` and ``tdm-policy``, and
  ``noai`` in ``X-Robots-Tag``;
- the page (:func:`page_rights`, called by the metadata pass on the tree and JSON-LD it already parsed):
  TDMRep's meta tags, ``noai`` in ``<meta name="robots">``, ``rel="license"`` links, JSON-LD ``license``,
  ``copyrightHolder``, ``copyrightYear``, ``isAccessibleForFree``, ``<meta name="copyright">``;
- the site (:class:`~pipelines.extract.site_rights.SiteSignals`): the ``tdmrep.json`` rule of the article's
  path and the AI-training crawlers robots.txt keeps out of it.

TDMRep (https://www.w3.org/2022/tdmrep/) says which of its three places wins: the site file is read first, a
header supersedes it, the page's meta tags supersede both. A ``tdm-policy`` is kept only with a reservation
(the protocol says to ignore it when ``tdm-reservation`` is 0). ``noai`` is set by either of DeviantArt's two
directives, ``noai`` and ``noimageai``: its announcement asks datasets to exclude content carrying either
(https://www.deviantart.com/team/journal/UPDATE-All-Deviations-Are-Opted-Out-of-AI-Datasets-934500371).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pipelines.extract.site_rights import SiteSignals, tdm_reservation_value

if TYPE_CHECKING:  # the writer and the summary count signals without loading lxml
    from lxml import html as lxml_html

logger = logging.getLogger(__name__)

#: Response headers the rights are read from (lower-case): what the spider keeps of a response.
RIGHTS_HEADERS = ("tdm-reservation", "tdm-policy", "x-robots-tag")

#: The per-article signals a summary counts, each a test of the ``rights`` object.
SIGNALS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "tdm_reserved": lambda r: r.get("tdm_reserved") is True,
    "tdm_policy": lambda r: bool(r.get("tdm_policy")),
    "ai_crawlers_disallowed": lambda r: bool(r.get("ai_crawlers_disallowed")),
    "noai": lambda r: r.get("noai") is True,
    "license": lambda r: bool(r.get("license")),
    "paywalled": lambda r: r.get("accessible_for_free") is False,
}

#: ``X-Robots-Tag: googlebot: noindex`` names the crawler a directive is for: the name before the colon.
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*:\s*(?!//)")
#: DeviantArt's directives: either opts the content out of AI datasets.
NOAI_DIRECTIVES = frozenset({"noai", "noimageai"})
#: Robots directives that carry a value after a colon (``max-snippet: 20``): not a crawler's name.
_VALUED_DIRECTIVES = frozenset({"max-snippet", "max-image-preview", "max-video-preview", "unavailable_after"})


@dataclass(frozen=True)
class PageRights:
    """What the page itself declares; every field may be empty."""

    tdm_reservation: int | None = None
    tdm_policy: str | None = None
    noai: bool = False
    license: str | None = None
    accessible_for_free: bool | None = None
    copyright_holder: str | None = None
    copyright_year: int | None = None
    copyright_notice: str | None = None


@dataclass(frozen=True)
class HeaderRights:
    """What the response headers declare."""

    tdm_reservation: int | None = None
    tdm_policy: str | None = None
    noai: bool = False


def robots_directives(values: Iterable[str]) -> set[str]:
    """The directives of ``X-Robots-Tag`` headers or robots meta tags, lower-cased, whichever crawler they name
    (a ``noai`` meant for one AI crawler is an AI opt-out all the same)."""
    found: set[str] = set()
    for value in values:
        match = _AGENT_PREFIX.match(value)
        if match and match.group(1).lower() not in _VALUED_DIRECTIVES:
            value = value[match.end() :]
        for part in re.split(r"[,\s]+", value):
            directive = part.lower().split(":", 1)[0]
            if directive:
                found.add(directive)
    return found


def _http_url(value: Any, base: str) -> str | None:
    """An absolute http(s) URL from ``value``, resolved against ``base`` (the page; "" for none: only an
    absolute URL is one); None for anything else, such as a licence's name."""
    if not isinstance(value, str) or not value.strip() or any(ch.isspace() for ch in value.strip()):
        return None
    absolute = urljoin(base, value.strip())
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None


def header_signals(headers: Mapping[str, Sequence[str]] | None, base: str = "") -> HeaderRights:
    """The rights a response's headers declare; ``headers``: lower-case name -> values (as the spider keeps
    them, or as an archive records them). The first value of a repeated TDMRep header counts."""
    if not headers:
        return HeaderRights()
    lowered = {name.lower(): list(values) for name, values in headers.items()}
    reservations = lowered.get("tdm-reservation") or []
    policies = lowered.get("tdm-policy") or []
    return HeaderRights(
        tdm_reservation=tdm_reservation_value(reservations[0]) if reservations else None,
        tdm_policy=_http_url(policies[0], base) if policies else None,
        noai=bool(NOAI_DIRECTIVES & robots_directives(lowered.get("x-robots-tag") or [])),
    )


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _name(value: Any) -> str | None:
    """A person's or organisation's name from a JSON-LD value (a string, an object, or a list of either)."""
    if isinstance(value, list):
        return next((n for n in (_name(v) for v in value) if n), None)
    if isinstance(value, dict):
        value = value.get("name")
    return " ".join(value.split())[:200] or None if isinstance(value, str) else None


def _year(value: Any) -> int | None:
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    match = re.match(r"^(1[89]\d{2}|2\d{3})\b", text)
    return int(match.group(1)) if match else None


def _licence_of(value: Any) -> str | None:
    """A licence URL from JSON-LD ``license``: an absolute URL, an object with ``url`` or ``@id``, or a list
    (a licence's name, "CC-BY-4.0", is no URL)."""
    if isinstance(value, list):
        return next((u for u in (_licence_of(v) for v in value) if u), None)
    if isinstance(value, dict):
        return _http_url(value.get("url"), "") or _http_url(value.get("@id"), "")
    return _http_url(value, "")


def _rel_licence(tree: lxml_html.HtmlElement, base: str) -> str | None:
    """``<link rel="license">`` first, then ``<a rel="license">`` (Creative Commons' own markup)."""
    for tag in ("link", "a"):
        for el in tree.iter(tag):
            if "license" in (el.get("rel") or "").lower().split():
                url = _http_url(el.get("href"), base)
                if url:
                    return url
    return None


def page_rights(
    tree: lxml_html.HtmlElement,
    metas: Mapping[str, list[str]],
    articles: Sequence[dict[str, Any]],
    objects: Sequence[dict[str, Any]],
    url: str,
) -> PageRights:
    """The rights the page declares: ``metas`` (lower-cased meta names -> contents) and the JSON-LD objects as
    the metadata pass read them (``articles``: those of an article type, preferred over any other object)."""
    first = {
        key: next(iter(metas.get(key) or []), None) for key in ("tdm-reservation", "tdm-policy", "copyright")
    }
    reservation = tdm_reservation_value(first["tdm-reservation"])
    preferred = list(articles) or list(objects)

    def jsonld(key: str) -> Any:
        return next((o[key] for o in preferred if o.get(key) is not None), None)

    free = _as_bool(jsonld("isAccessibleForFree"))
    if free is None:
        free = _as_bool(next(iter(metas.get("isaccessibleforfree") or []), None))
    notice = first["copyright"]
    return PageRights(
        tdm_reservation=reservation,
        tdm_policy=_http_url(first["tdm-policy"], url),
        noai=bool(NOAI_DIRECTIVES & robots_directives(metas.get("robots") or [])),
        license=_licence_of(jsonld("license")) or _rel_licence(tree, url),
        accessible_for_free=free,
        copyright_holder=_name(jsonld("copyrightHolder")),
        copyright_year=_year(jsonld("copyrightYear")),
        copyright_notice=" ".join(notice.split())[:200] if notice else None,
    )


def article_rights(
    page: PageRights | None, headers: HeaderRights | None = None, site: SiteSignals | None = None
) -> dict[str, Any]:
    """The record's ``rights`` object from the three places (any may be None: nothing known there)."""
    page = page or PageRights()
    headers = headers or HeaderRights()
    site = site or SiteSignals()
    # TDMRep's processing order: the site file, then the header, then the page's meta tags, each superseding.
    tdm: tuple[int, str | None, str] | None = None
    for reservation, policy, source in (
        (site.tdm_reservation, site.tdm_policy, "tdmrep.json"),
        (headers.tdm_reservation, headers.tdm_policy, "header"),
        (page.tdm_reservation, page.tdm_policy, "meta"),
    ):
        if reservation is not None:
            tdm = (reservation, policy, source)
    return {
        "tdm_reserved": None if tdm is None else tdm[0] == 1,
        "tdm_source": None if tdm is None else tdm[2],
        "tdm_policy": tdm[1] if tdm is not None and tdm[0] == 1 else None,
        "ai_crawlers_disallowed": list(site.ai_crawlers_disallowed),
        "noai": headers.noai or page.noai,
        "license": page.license,
        "accessible_for_free": page.accessible_for_free,
        "copyright_holder": page.copyright_holder,
        "copyright_year": page.copyright_year,
        "copyright_notice": page.copyright_notice,
    }


def reservations(rights: Mapping[str, Any]) -> list[str]:
    """Each signal by which the publisher reserved text and data mining, as a short phrase (the detail of a
    ``rights/tdm-reserved`` drop); empty when none did."""
    out = []
    if rights.get("tdm_reserved") is True:
        out.append(f"tdm-reservation 1 ({rights.get('tdm_source')})")
    crawlers = rights.get("ai_crawlers_disallowed") or []
    if crawlers:
        out.append("robots.txt disallows " + ", ".join(crawlers))
    if rights.get("noai") is True:
        out.append("noai")
    return out


def signals_of(rights: Any) -> list[str]:
    """The names of :data:`SIGNALS` an article's ``rights`` carries (none for a record without one)."""
    if not isinstance(rights, Mapping):
        return []
    return [name for name, test in SIGNALS.items() if test(rights)]
