"""What one site's article URLs look like, learned from its sitemaps and feeds and from the pages fetched.

A URL's shape is its path with each segment reduced to a signature: runs of letters become ``a``, of digits
``9`` (``#`` from five digits on), of both ``x``; two or more runs joined by ``-`` or ``_`` become one slug
``s``; other punctuation and a web extension stay as they are. ``/artikel/522721.kenia.html`` is
``artikel/#.a.html``, ``/a/Ard8wM/some-title`` is ``a/x/s``, ``/wire/000.html`` is ``wire/9.html``, and
``...,leseforscher-100.html`` ends in ``s,s.html``. A segment that is one word stays literal at the fine level
(``wire``, ``artikel``, ``news``), so a site's article folders are told from its topic folders.

Evidence is counted at three levels of one URL: *fine* (every word literal), *prefix* (the first segment
literal, the rest signatures: ``/news/world/...`` and ``/news/sport/...`` agree) and *coarse* (signatures
only). The most specific level with enough evidence gives the verdict; the coarse level only ever hints, since
two folders of one site often share a coarse shape and hold different kinds of pages. Nothing here fetches or
knows Scrapy: the spider tells a site's :class:`SiteShapes` what it listed and what each page turned out to be.

Hand-written: courlan's ``UrlStore`` keeps URLs per host but learns no shapes, and no library we know of
induces URL templates from a few examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import parse_qsl, urlsplit

_WEB_EXTENSION = re.compile(r"\.(s?html?|php\d?|aspx?|jspx?|cfm|cgi|do|stm|ece|cms|amp)$", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]+")
#: Runs of letters and digits joined by ``-`` or ``_``: one group, a slug when it holds two runs or more.
_GROUP = re.compile(r"[^\W_]+(?:[-_]+[^\W_]+)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_TRACKING = ("utm_", "fbclid", "gclid", "srsltid", "mc_", "icid", "cmpid", "ito", "at_", "cm_", "ref", "mod")


class Level(Enum):
    FINE = "fine"
    PREFIX = "prefix"
    COARSE = "coarse"


class Verdict(Enum):
    ARTICLE = "article"
    OTHER = "other"


def _run_class(run: str) -> str:
    if run.isdigit():
        return "9" if len(run) <= 4 else "#"
    if any(ch.isdigit() for ch in run):
        return "x"
    return "a"


def _group_signature(match: re.Match[str]) -> str:
    runs = _ALNUM.findall(match.group(0))
    return "s" if len(runs) > 1 else _run_class(runs[0])


def segment_signature(segment: str) -> str:
    """``522721.kenia.html`` -> ``#.a.html``; ``some-title`` -> ``s``; ``Ard8wM`` -> ``x``."""
    extension = ""
    match = _WEB_EXTENSION.search(segment)
    if match and match.start() > 0:
        extension = match.group(0).lower()
        segment = segment[: match.start()]
    return _GROUP.sub(_group_signature, segment) + extension


def _word(segment: str) -> str | None:
    """The segment in lower case when it is one word (an extension allowed), else ``None``."""
    bare = _WEB_EXTENSION.sub("", segment)
    return segment.lower() if _LETTERS.fullmatch(bare) else None


def _query_shape(query: str) -> str:
    """The names of a query's parameters (not tracking ones) with their values' signatures: ``id=#``."""
    pairs = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower().startswith(_TRACKING):
            continue
        pairs.append(f"{name.lower()}={segment_signature(value) if value else ''}")
    return "&".join(sorted(pairs)[:4])


def shape_keys(url: str) -> tuple[str, str, str]:
    """The fine, prefix and coarse keys of a URL's shape (the host is left out: shapes are per site)."""
    parts = urlsplit(url)
    segments = [s for s in (parts.path or "/").split("/") if s]
    signatures = [segment_signature(s) for s in segments]
    fine = [_word(s) or sig for s, sig in zip(segments, signatures, strict=True)]
    prefix = [fine[0], *signatures[1:]] if segments else []
    query = _query_shape(parts.query)
    tail = f"?{query}" if query else ""
    return (
        "/" + "/".join(fine) + tail,
        "/" + "/".join(prefix) + tail,
        "/" + "/".join(signatures) + tail,
    )


@dataclass
class Evidence:
    """What a shape's URLs were: listed in a sitemap or feed, fetched and found an article or something else."""

    listed: int = 0
    articles: int = 0
    others: int = 0

    def verdict(self, level: Level) -> Verdict | None:
        """Fine level: one article and no more others than articles, or two others and no article; the wider
        levels want more, and at least four articles to one other."""
        a, o = self.articles, self.others
        need = {Level.FINE: 1, Level.PREFIX: 2, Level.COARSE: 3}[level]
        if level is Level.FINE:
            if a >= 1 and a >= o:
                return Verdict.ARTICLE
            if o >= 2 and a == 0:
                return Verdict.OTHER
        else:
            if a >= need and a >= 4 * o:
                return Verdict.ARTICLE
            if o >= need and 4 * a <= o:
                return Verdict.OTHER
        if a + o == 0 and self.listed >= need:
            return Verdict.ARTICLE
        return None


@dataclass(frozen=True)
class ShapeVerdict:
    verdict: Verdict
    level: Level


class SiteShapes:
    """The learned shapes of one site. ``max_keys`` bounds the memory a level may take (new shapes past it
    are not remembered, which only costs their learning)."""

    def __init__(self, max_keys: int = 20_000) -> None:
        self.max_keys = max_keys
        self._levels: dict[Level, dict[str, Evidence]] = {level: {} for level in Level}

    def _evidence(self, url: str, create: bool) -> list[Evidence | None]:
        out: list[Evidence | None] = []
        for level, key in zip(Level, shape_keys(url), strict=True):
            table = self._levels[level]
            found = table.get(key)
            if found is None and create and len(table) < self.max_keys:
                found = table[key] = Evidence()
            out.append(found)
        return out

    def listed(self, url: str) -> None:
        """A sitemap or feed lists the URL as a page of the site."""
        for evidence in self._evidence(url, create=True):
            if evidence is not None:
                evidence.listed += 1

    def learn(self, url: str, is_article: bool) -> None:
        """A fetched page of the URL turned out to be an article, or not."""
        for evidence in self._evidence(url, create=True):
            if evidence is not None:
                if is_article:
                    evidence.articles += 1
                else:
                    evidence.others += 1

    def verdict(self, url: str) -> ShapeVerdict | None:
        """The verdict of the most specific level that has one; ``None`` when the site taught nothing yet."""
        for level, evidence in zip(Level, self._evidence(url, create=False), strict=True):
            if evidence is not None:
                verdict = evidence.verdict(level)
                if verdict is not None:
                    return ShapeVerdict(verdict, level)
        return None

    def __len__(self) -> int:
        return len(self._levels[Level.FINE])
