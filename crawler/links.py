"""Which links of one site the spider fetches: what the site taught first, the generic rules after, probes for
the rest, within a budget.

A link whose shape says neither article nor listing (``/wire/000.html``, ``/a/Ard8wM/some-title``) is fetched
as a *probe*: an article candidate the page must prove (``pipelines.record.NEEDS_PROOF``), whose links are
harvested like a listing's. At most ``probes_per_shape`` probes of one shape are fetched (a probe that got no
page does not count); the other links of that shape wait for their outcome, and go as articles when the
probes turn out to be articles, or are left when they do not. The probes of a site are counted against ``probe_budget``: a site of endless odd links costs
that many fetches and no more. A link whose anchor reads like a headline (a teaser's) is probed the same way,
two of a shape, without drawing on the budget: its anchor is the evidence the URL does not give. What is still waiting when the crawl runs dry is probed while the budget lasts,
then left (counted). Pure bookkeeping: the spider turns decisions into requests.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from crawler.article_urls import ArticleUrlClassifier, UrlKind
from crawler.url_shapes import Level, SiteShapes, Verdict, shape_keys
from pipelines.settings import setting


class Follow(Enum):
    ARTICLE = "article"  # fetched as an article
    PROBE = "probe"  # fetched as an article candidate that must prove itself; its links are harvested
    HUB = "hub"  # fetched for its links
    WAIT = "wait"  # held until the probes of its shape come back, or the crawl runs dry
    SKIP = "skip"


@dataclass(frozen=True)
class LinkConfig:
    """``probe_budget``: links of a shape that says neither article nor listing fetched per site to learn what
    they are (0: never). ``probes_per_shape``: probes of one shape fetched before its links wait for them. ``max_waiting``: links a site
    may hold waiting (more are left, counted)."""

    probe_budget: int = setting("NEWSCORPUS_PROBE_BUDGET", 40)
    probes_per_shape: int = 2
    max_waiting: int = 20_000


@dataclass(frozen=True)
class Release:
    """A waiting link decided at last, with what the spider gave when it was found."""

    url: str
    follow: Follow
    context: Any


class SiteLinks:
    """The link decisions of one site, and what its sitemaps, feeds and fetched pages taught."""

    def __init__(self, classifier: ArticleUrlClassifier, config: LinkConfig | None = None) -> None:
        self.classifier = classifier
        self.config = config or LinkConfig()
        self.shapes = SiteShapes()
        self.budget_left = self.config.probe_budget
        self.counts: Counter[str] = Counter()
        self._probes: dict[str, str] = {}  # probe URL -> its fine shape key
        self._tried: Counter[str] = Counter()  # fine shape key -> probes out or answered by a page
        self._waiting: dict[str, dict[str, tuple[Any, bool]]] = defaultdict(dict)  # fine key -> url -> found
        self._by_prefix: dict[str, set[str]] = defaultdict(set)  # prefix key -> fine keys waiting
        self._prefix_of: dict[str, str] = {}  # fine key waiting -> its prefix key
        self._waiting_count = 0

    # -- what the spider tells ----------------------------------------------------------------------------------

    def listed(self, url: str) -> None:
        """A sitemap or feed of the site lists ``url``."""
        self.shapes.listed(url)

    def outcome(self, url: str, is_article: bool | None) -> list[Release]:
        """The page of ``url`` (as found) turned out to be an article or not (``None``: no page, no verdict).
        Returns the waiting links this decides."""
        fine = self._probes.pop(url, None)
        if fine is not None and is_article is None:
            self._tried[fine] -= 1  # no page, no verdict: the shape may be tried again
        if is_article is not None:
            self.shapes.learn(url, is_article)
        keys = shape_keys(url)
        affected = {keys[0], *self._by_prefix.get(keys[1], ())}
        return list(self._redecide(affected))

    def idle(self) -> list[Release]:
        """The crawl ran dry: probe what waits while the budget lasts; what cannot be probed is left."""
        for fine in self._probes.values():
            self._tried[fine] -= 1  # idle: nothing is out, what never came back taught nothing
        self._probes.clear()
        releases = list(self._redecide(set(self._waiting)))
        out = set(self._probes.values())
        for key in [k for k in self._waiting if k not in out]:
            entries = self._pop_waiting(key)
            self.counts["unfollowed"] += len(entries)
        return releases

    # -- decisions ----------------------------------------------------------------------------------------------

    def decide(self, url: str, context: Any = None, headline: bool = False) -> Follow:
        """What to do with a link found on a page of the site; ``headline``: its anchor text reads like a
        headline (:func:`is_headline`)."""
        follow = self._decide(url, context, headline)
        self.counts[follow.value] += 1
        return follow

    def _decide(self, url: str, context: Any, headline: bool) -> Follow:
        kind, ruled = self.classifier.judge(url)
        if ruled:
            return _FOLLOW[
                kind
            ]  # the site's host, the profile or the gate decided: nothing learned changes it
        learned = self.shapes.verdict(url)
        if learned is not None and learned.level is not Level.COARSE:
            if learned.verdict is Verdict.ARTICLE:
                return Follow.ARTICLE
            return Follow.HUB if kind is UrlKind.HUB else Follow.SKIP
        if kind is not UrlKind.UNCERTAIN:
            return _FOLLOW[kind]
        return self._probe_or_wait(url, context, headline)

    def _probe_or_wait(self, url: str, context: Any, headline: bool) -> Follow:
        fine, prefix, _ = shape_keys(url)
        if url in self._probes or url in self._waiting.get(fine, ()):
            return Follow.SKIP  # already out or waiting
        if self._tried[fine] < self.config.probes_per_shape and (headline or self.budget_left > 0):
            if headline:
                self.counts["headline_probes"] += 1  # a teaser's link: its anchor is the evidence
            else:
                self.budget_left -= 1
            self._tried[fine] += 1
            self._probes[url] = fine
            return Follow.PROBE
        if self._waiting_count >= self.config.max_waiting:
            self.counts["unfollowed"] += 1
            return Follow.SKIP
        self._waiting[fine][url] = (context, headline)
        self._by_prefix[prefix].add(fine)
        self._prefix_of[fine] = prefix
        self._waiting_count += 1
        return Follow.WAIT

    def _pop_waiting(self, fine: str) -> dict[str, tuple[Any, bool]]:
        entries = self._waiting.pop(fine, {})
        self._waiting_count -= len(entries)
        prefix = self._prefix_of.pop(fine, None)
        if prefix is not None:
            self._by_prefix[prefix].discard(fine)
        return entries

    def _redecide(self, keys: set[str]) -> Iterator[Release]:
        for key in keys:
            if key not in self._waiting:
                continue
            for url, (context, headline) in self._pop_waiting(key).items():
                follow = self._decide(url, context, headline)
                if follow is Follow.WAIT:
                    continue  # back in the queue
                self.counts[f"released_{follow.value}"] += 1
                if follow is not Follow.SKIP:
                    yield Release(url, follow, context)

    @property
    def waiting(self) -> int:
        return self._waiting_count


_FOLLOW = {UrlKind.ARTICLE: Follow.ARTICLE, UrlKind.HUB: Follow.HUB, UrlKind.SKIP: Follow.SKIP}


def page_verdict(exception: BaseException | None) -> bool | None:
    """What a page's way through the stages says it was: written or dropped as a copy, for its language or its
    date, it was an article; dropped as no article, no text or a list, it was not; a worker's failure or a cap
    says nothing."""
    from pipelines import drops

    if exception is None:
        return True
    if isinstance(exception, drops.NotAnArticle | drops.NoText | drops.NoTextAfterClean | drops.ListLike):
        return False
    if isinstance(exception, drops.UnreadablePage | drops.WorkerFailed | drops.MaxArticlesReached):
        return None
    if isinstance(exception, drops.TooShort | drops.FetchFailed):
        return None
    return True


_WORD = re.compile(r"[^\W\d_]+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f]")  # kana, CJK ideographs, Thai


def is_headline(text: str) -> bool:
    """Anchor text that reads like a headline: five words or more (in a script written without spaces, twelve
    characters), as a teaser's link has and a menu's, a tag's or a pager's has not."""
    words = _WORD.findall(text)
    if 5 <= len(words) <= 40:
        return True
    return len(_UNSPACED.findall(text)) >= 12
