"""robots.txt as RFC 9309 reads it, on Scrapy's own middleware and parser (Protego).

Scrapy parses whatever answer the robots.txt request got: a 500 error page has no rules, so everything is
allowed, and a robots.txt that cannot be fetched at all allows everything too. RFC 9309 (2.3.1) says:

- 2xx: parse it, at most the first 500 KiB (the RFC's lower bound on what a crawler must read);
- 3xx: follow at least five redirects (here: exactly five; past that the file is "unavailable");
- 4xx, "unavailable": no rules, everything is allowed;
- 5xx, or no answer at all (connection refused, timeout), "unreachable": complete disallow. The RFC lets a
  crawler try again later; here, the next run does (the pages are refused as ``fetch/robots-unreachable``,
  a reason the crawl state does not keep, so a later run fetches them).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 500 * 1024
MAX_ROBOTS_REDIRECTS = 5


class RobotsUnreachable(IgnoreRequest):
    """The site's robots.txt could not be had (5xx, no answer): nothing of the site is fetched this run."""


class Unreachable:
    """The parser that stands for an unreachable robots.txt: every URL is disallowed."""

    def __init__(self, why: str) -> None:
        self.why = why

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's reading of each kind of answer (see the module)."""

    async def process_request(self, request: Request, spider: Any = None) -> None:
        if _is_robots_fetch(request):
            request.meta.setdefault("redirect_ttl", MAX_ROBOTS_REDIRECTS)
            return None
        await super().process_request(request)
        return None

    def process_request_2(self, rp: Any, request: Request) -> None:
        if isinstance(rp, Unreachable):
            self._stats.inc_value("robotstxt/unreachable_refused")
            raise RobotsUnreachable(f"robots.txt unreachable ({rp.why}): the site is not crawled this run")
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> Any:
        """Scrapy's, without the error-level traceback for a robots.txt that cannot be fetched (a routine
        answer, logged as a warning by :meth:`_robots_error`), and with the same parser for every request that
        waited for the site's robots.txt (see below)."""
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots)
            except Exception as exc:  # any failure to fetch is an answer RFC 9309 gives a meaning to
                self._robots_error(exc, netloc)
            else:
                await self._parse_robots(response, netloc, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            # Not the Deferred's result: a Deferred hands its result to the first waiter's callback only, which
            # returns None to the next; Scrapy's middleware so lets every other waiting request through as if
            # the site had no robots.txt. The parser is read from where _settle put it.
            await maybe_deferred_to_future(parser)
            parser = self._parsers[netloc]
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        status = response.status
        parser: Any
        if 200 <= status < 300:
            parser = build_from_crawler(self._parserimpl, self.crawler, response.body[:MAX_ROBOTS_BYTES])
        elif 300 <= status < 500:
            # 4xx, or a redirect not followed (more than five, or without a Location): no rules.
            parser = build_from_crawler(self._parserimpl, self.crawler, b"")
        else:
            parser = Unreachable(f"HTTP {status}")
            logger.warning(
                "%s: robots.txt answered %d: nothing of the site is fetched this run", netloc, status
            )
        # As Scrapy's middleware does: the site's rights (crawler/site_rights.py) ask the same parser.
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        self._settle(netloc, parser)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            # Scrapy's redirect middleware gave up (more than five redirects): "unavailable", no rules.
            self._settle(netloc, build_from_crawler(self._parserimpl, self.crawler, b""))
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        logger.warning(
            "%s: robots.txt unreachable (%s): nothing of the site is fetched this run", netloc, exc
        )
        self._settle(netloc, Unreachable(type(exc).__name__))

    def _settle(self, netloc: str, parser: Any) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)


def _is_robots_fetch(request: Request) -> bool:
    """The request Scrapy's middleware makes for a site's robots.txt (not the spider's own, for sitemaps)."""
    return (
        bool(request.meta.get("dont_obey_robotstxt"))
        and request.callback is NO_CALLBACK
        and urlparse_cached(request).path == "/robots.txt"
    )
