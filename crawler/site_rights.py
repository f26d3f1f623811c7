"""Each site's rights files for the spider: its ``tdmrep.json`` and the robots.txt groups of AI-training crawlers.

TDMRep asks an agent to read a site's ``/.well-known/tdmrep.json`` before it mines the site, and to keep it (the
specification's own words: "in cache"). So the file is fetched once per site and run, at the start next to
robots.txt, and kept in the crawl state with its fetch time; a scheduled crawl reads it from there until it is
older than ``NEWSCORPUS_RIGHTS_MAX_AGE`` (a day by default: publishers change it seldom, and a day-old answer
is what an hourly crawl can afford to act on). A failed fetch (timeout, 5xx) is not kept: the next run asks
again. The fetch goes straight to the downloader, as Scrapy's robots.txt middleware fetches robots.txt, so it
is this process's own in every mode (a distributed worker's queue is shared; its facts are shared through the
state instead).

robots.txt is read by the parser the crawl obeys it with: Scrapy's robots.txt middleware announces each one it
parsed (the ``robots_parsed`` signal), and the AI crawlers' answers come from it. Only a crawl that does not
obey robots.txt (``ROBOTSTXT_OBEY`` off) fetches robots.txt here, and keeps it with the site's facts.

The spider awaits :meth:`SiteRights.signals_for` for each article: the facts are then known before any page of
the site is extracted. The matching itself is ``pipelines.extract.site_rights``'s, shared with archive ingest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from pipelines.dates import parse_duration, parse_utc, utc_now
from pipelines.extract.site_rights import (
    TDMREP_PATH,
    SiteSignals,
    TdmrepError,
    TdmrepRules,
    TdmRule,
    parse_tdmrep,
    site_signals,
)
from pipelines.settings import setting

logger = logging.getLogger(__name__)

#: Above every request the spider makes: the articles of the site wait for these answers.
PRIORITY = 50


@dataclass(frozen=True)
class SiteRightsConfig:
    """``max_age``: a site's rights files kept in the crawl state are fetched again once they are this old."""

    max_age: timedelta = setting("NEWSCORPUS_RIGHTS_MAX_AGE", timedelta(days=1), parse_duration)


@dataclass(frozen=True)
class SiteFacts:
    """One site's rights files as read: its ``tdmrep.json`` rules (None: no file) and, for a crawl that does
    not obey robots.txt, its robots.txt parser (None: the crawl's own parser answers)."""

    tdmrep: TdmrepRules | None = None
    robots_allowed: Callable[[str, str], bool] | None = None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SiteRights:
    """The rights files of every site the spider meets, fetched once a site (or taken from the crawl state)."""

    def __init__(self, crawler: Any, state: Any = None, config: SiteRightsConfig | None = None) -> None:
        """``state``: the crawl's state store (None: ``--no-state``, the facts live for this run only)."""
        self.crawler = crawler
        self.state = state
        self.max_age = (config or SiteRightsConfig()).max_age
        self.stats = crawler.stats
        self.obeys_robots = crawler.settings.getbool("ROBOTSTXT_OBEY")
        self._parsers: dict[str, Callable[[str, str], bool]] = {}
        self._sites: dict[str, SiteFacts | None] = {}
        self._waiting: dict[str, list[Deferred[SiteFacts]]] = {}
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        self._parsers[urlsplit(request.url).netloc] = robotparser.allowed

    # -- the facts of one URL -------------------------------------------------------------------------------

    def prefetch(self, url: str) -> None:
        """Start reading the site's files (the spider calls this with robots.txt, before any article)."""
        origin = origin_of(url)
        if origin not in self._sites:
            self._start(origin)

    async def signals_for(self, url: str) -> SiteSignals:
        """The site's facts for ``url``; waits for the site's files when they are still being fetched."""
        origin = origin_of(url)
        facts = self._sites.get(origin)
        if facts is None:
            waiter: Deferred[SiteFacts] = Deferred()
            self._waiting.setdefault(origin, []).append(waiter)
            if origin not in self._sites:
                self._start(origin)
            facts = await maybe_deferred_to_future(waiter)
        allowed = self._parsers.get(urlsplit(url).netloc) or facts.robots_allowed
        return site_signals(url, facts.tdmrep, allowed)

    def _start(self, origin: str) -> None:
        self._sites[origin] = None  # being read
        loading = deferred_from_coro(self._load(origin))
        loading.addBoth(self._loaded, origin)

    def _loaded(self, result: SiteFacts | Failure, origin: str) -> None:
        if isinstance(result, Failure):
            # A bug here must not cost the site its articles: they are kept, with no site facts.
            logger.error("rights files of %s: %s", origin, result.getErrorMessage(), exc_info=result.value)
            result = SiteFacts()
        self._sites[origin] = result
        for waiter in self._waiting.pop(origin, []):
            waiter.callback(result)

    # -- reading, from the state or the site --------------------------------------------------------------------

    async def _load(self, origin: str) -> SiteFacts:
        cached = self.state.site_facts(origin) if self.state is not None else None
        if cached is not None and self._fresh(cached[0]) and (self.obeys_robots or "robots" in cached[1]):
            self.stats.inc_value("newscorpus/rights/sites_from_state")
            return self._facts(origin, cached[1])
        facts = await self._fetch(origin)
        if facts is None:  # the site did not answer: keep what the state knew, if anything
            return self._facts(origin, cached[1]) if cached is not None else SiteFacts()
        self.stats.inc_value("newscorpus/rights/sites_fetched")
        if self.state is not None:
            self.state.save_site_facts(origin, utc_now(), facts)
        return self._facts(origin, facts)

    def _fresh(self, fetched_at: str) -> bool:
        moment = parse_utc(fetched_at)
        return moment is not None and datetime.now(UTC) - moment < self.max_age

    def _facts(self, origin: str, facts: dict[str, Any]) -> SiteFacts:
        rules = facts.get("tdmrep")
        tdmrep = None
        if isinstance(rules, list):
            tdmrep = TdmrepRules(
                TdmRule(r["location"], int(r["tdm-reservation"]), r.get("tdm-policy"))
                for r in rules
                if isinstance(r, dict) and "location" in r and "tdm-reservation" in r
            )
        robots = facts.get("robots")
        allowed = None
        if isinstance(robots, str):
            parser = build_from_crawler(
                load_object(self.crawler.settings.get("ROBOTSTXT_PARSER")), self.crawler, robots.encode()
            )
            allowed = parser.allowed
        return SiteFacts(tdmrep, allowed)

    async def _fetch(self, origin: str) -> dict[str, Any] | None:
        """The site's files as the state keeps them: ``{"tdmrep": [rules] | None}``, with ``"robots"`` (its
        text, "" for none) when the crawl does not obey robots.txt; None when the site did not answer."""
        tdmrep = await self._get(origin + TDMREP_PATH)
        if tdmrep is None:
            return None
        facts: dict[str, Any] = {"tdmrep": None}
        status, body = tdmrep
        if status == 200:
            try:
                facts["tdmrep"] = [rule.as_dict() for rule in parse_tdmrep(body)]
                self.stats.inc_value("newscorpus/rights/tdmrep_files")
            except TdmrepError as exc:
                logger.warning("%s%s is not a TDMRep file (%s): read as none", origin, TDMREP_PATH, exc)
                self.stats.inc_value("newscorpus/rights/tdmrep_invalid")
        if not self.obeys_robots:
            robots = await self._get(origin + "/robots.txt", obey_robots=False)
            if robots is None:
                return None
            facts["robots"] = robots[1].decode("utf-8", "replace") if robots[0] == 200 else ""
        return facts

    async def _get(self, url: str, obey_robots: bool = True) -> tuple[int, bytes] | None:
        """(status, body) of ``url``; (404, b"") when robots.txt keeps it out; None when it could not be had
        (a failure the next run may not meet: timeouts, 5xx after retries)."""
        request = Request(
            url,
            priority=PRIORITY,
            callback=NO_CALLBACK,
            meta={"dont_obey_robotstxt": not obey_robots, "newscorpus_stage": "discover"},
        )
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest:
            return 404, b""
        except Exception as exc:  # any download failure: the site's files are unknown this run
            logger.info("could not fetch %s: %s", url, exc)
            self.stats.inc_value("newscorpus/rights/fetch_failed")
            return None
        if response.status >= 500:
            self.stats.inc_value("newscorpus/rights/fetch_failed")
            return None
        return response.status, response.body
