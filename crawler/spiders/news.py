"""The ``news`` spider: finds a site's articles through sitemaps, feeds and links, and fetches them.

Discovery, in order of preference (earlier sources get higher request priority, so an article listed in a
sitemap is fetched with the sitemap's date before a link to it is seen): sitemaps named in robots.txt or the
profile, RSS/Atom feeds from the profile or announced on the start page, then links from start and section
pages up to ``NEWSCORPUS_FOLLOW_DEPTH``. Scrapy's duplicate filter keeps each URL to one fetch.

The spider only fetches and routes: an article response becomes an item carrying the raw page, the discovery
hints, the response headers the rights are read from and the site's rights facts (``crawler.site_rights``);
extraction and everything after happen in the item pipelines.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.archives.http import content_type
from crawler.article_urls import ArticleUrlClassifier, UrlKind
from crawler.discovery import DiscoveryError, LinkEntry, is_feed_link, parse_feed, parse_sitemap
from crawler.distributed.config import DistributedConfig
from crawler.profiles import ProfileError, SiteProfile, load_target
from crawler.site_rights import SiteRights, SiteRightsConfig
from crawler.state.extension import CrawlStateExtension
from crawler.state.incremental import Decision, RevisitPolicy, decide, update_meta
from crawler.state.sqlite import ATTEMPTED, REJECTED
from pipelines import record
from pipelines.dates import parse_since, parse_utc, utc_now
from pipelines.extract.rights import RIGHTS_HEADERS
from pipelines.settings import CorpusOptions, RunOptions, from_settings, setting
from pipelines.urls import domain_of
from pipelines.write.run_manifest import PAGES_FETCHED, START_TARGETS
from pipelines.write.signals import page_rejected

logger = logging.getLogger(__name__)

PRIORITY_ROBOTS = 40
PRIORITY_SITEMAP = 30
PRIORITY_FEED = 20
PRIORITY_ARTICLE = 10
PRIORITY_HUB = 0

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


@dataclass(frozen=True)
class SpiderConfig:
    """``targets``: what to crawl when the spider is given none (``-a targets=...``): site URLs, profile files or
    bundled profile names, comma-separated. ``follow_depth``: how far links are followed from start and section
    pages (sitemaps and feeds do not count against it)."""

    targets: str = setting("NEWSCORPUS_TARGETS", "")
    follow_depth: int = setting("NEWSCORPUS_FOLLOW_DEPTH", 2)


def split_targets(value: str | Sequence[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    return [str(t).strip() for t in value if str(t).strip()]


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self,
        targets: str | Sequence[str] | None = None,
        since: str | None = None,
        max_articles: str | int | None = None,
        lang: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.target_names = split_targets(targets)
        self.since_arg = since
        self.max_articles_arg = max_articles
        self.lang_arg = lang
        self.profiles: list[SiteProfile] = []
        self.classifiers: list[ArticleUrlClassifier] = []
        self.since: datetime | None = None
        self.follow_depth = 2
        self.revisit = RevisitPolicy()
        self.state_ext: Any = None
        self.rights: SiteRights | None = None
        self.run_id: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # Spider arguments (-a) are the `scrapy crawl` way of giving what `newscorpus crawl` puts in settings.
        if spider.since_arg:
            since_arg = parse_since(spider.since_arg).isoformat(timespec="seconds")
            settings.set("NEWSCORPUS_SINCE", since_arg, priority="spider")
        if spider.max_articles_arg:
            settings.set("NEWSCORPUS_MAX_ARTICLES", int(spider.max_articles_arg), priority="spider")
        if spider.lang_arg:
            settings.set("NEWSCORPUS_LANGUAGES", spider.lang_arg, priority="spider")
        config = from_settings(SpiderConfig, settings)
        if not spider.target_names:
            spider.target_names = split_targets(config.targets)
        if from_settings(DistributedConfig, settings).distributed:
            # Targets are seeded into Redis (newscorpus seed); requests refer to them by their shared index.
            from crawler.distributed.targets import shared_targets

            spider.profiles, spider.classifiers = shared_targets(crawler)  # type: ignore[assignment]
        else:
            if not spider.target_names:
                raise ValueError(
                    "no targets: pass -a targets=URL[,URL|profile.toml...] or NEWSCORPUS_TARGETS"
                )
            try:
                spider.profiles = [load_target(t) for t in spider.target_names]
            except ProfileError as exc:
                raise ValueError(str(exc)) from None
            spider.classifiers = [ArticleUrlClassifier(p) for p in spider.profiles]
        spider.since = from_settings(CorpusOptions, settings).since
        spider.follow_depth = config.follow_depth
        spider.revisit = from_settings(RevisitPolicy, settings)
        spider.run_id = from_settings(RunOptions, settings).run_id
        return spider

    # -- start -------------------------------------------------------------------------------------------

    def _count_bytes(self, data: bytes, request: Request, spider: Any = None) -> None:
        request.meta["newscorpus_bytes"] = request.meta.get("newscorpus_bytes", 0) + len(data)

    def _reset_bytes(self, headers: Any, body_length: int, request: Request, spider: Any = None) -> None:
        request.meta["newscorpus_bytes"] = 0

    async def start(self) -> AsyncIterator[Any]:
        from scrapy import signals

        # Scrapy cancels a body without Content-Length that grows past DOWNLOAD_MAXSIZE with a bare
        # cancellation; counting what arrived lets the errback say "too-large".
        self.crawler.signals.connect(self._count_bytes, signal=signals.bytes_received)
        self.crawler.signals.connect(self._reset_bytes, signal=signals.headers_received)

        self.state_ext = self.crawler.get_extension(CrawlStateExtension)
        self.rights = SiteRights(
            self.crawler,
            self.state_ext.state if self.state_ext is not None else None,
            from_settings(SiteRightsConfig, self.settings),
        )
        if from_settings(DistributedConfig, self.settings).distributed:
            from crawler.distributed.extension import WorkerExtension

            worker = self.crawler.get_extension(WorkerExtension)
            if worker is not None:
                # The seeds this worker takes from the shared queue; later ones when it is idle.
                for request in worker.start_requests(self):
                    yield request
                return
        self.crawler.stats.set_value(START_TARGETS, len(self.profiles))
        for request in self.start_requests_for_profiles():
            yield request

    def start_requests_for_profiles(self, indexes: Sequence[int] | None = None) -> Iterator[Request]:
        for index in range(len(self.profiles)) if indexes is None else indexes:
            profile = self.profiles[index]
            meta = {"profile": index}
            for origin in dict.fromkeys(_origin(u) for u in profile.start_urls):
                if self.rights is not None:
                    self.rights.prefetch(origin)  # tdmrep.json, straight to the downloader
                if profile.discover_sitemaps:
                    yield Request(
                        origin + "/robots.txt",
                        callback=self.parse_robots,
                        errback=self.discovery_failed,
                        priority=PRIORITY_ROBOTS,
                        meta={**meta, "newscorpus_stage": "discover"},
                    )
            for url in profile.sitemaps:
                yield self._sitemap_request(url, index)
            for url in profile.feeds:
                yield self._feed_request(url, index)
            for url in profile.start_urls:
                yield Request(
                    url,
                    callback=self.parse_hub,
                    errback=self.discovery_failed,
                    priority=PRIORITY_HUB,
                    meta={**meta, "hub_depth": 0},
                )

    # -- discovery ---------------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self._sitemap_request(url, response.meta["profile"])

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        try:
            sitemap = parse_sitemap(response.body)
        except DiscoveryError as exc:
            self._reject(response.url, "discover", "bad-sitemap", str(exc))
            return
        self.crawler.stats.inc_value("newscorpus/discovery/sitemaps")
        for entry in sitemap.entries:
            if sitemap.is_index:
                if self._older_than_since(entry.date):
                    self.crawler.stats.inc_value("newscorpus/discovery/skipped_old_sitemap")
                    continue
                if self.profiles[index].allows_host(entry.url):
                    yield self._sitemap_request(entry.url, index)
            else:
                yield from self._entry_request(entry, index, "sitemap")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        try:
            entries = parse_feed(response.body)
        except DiscoveryError as exc:
            self._reject(response.url, "discover", "bad-feed", str(exc))
            return
        self.crawler.stats.inc_value("newscorpus/discovery/feeds")
        for entry in entries:
            yield from self._entry_request(entry, index, "feed")

    def parse_hub(self, response: Response) -> Iterator[Request]:
        """Home and section pages: feeds they announce (start pages only) and the links they hold."""
        self.crawler.stats.inc_value(PAGES_FETCHED)
        if not isinstance(response, TextResponse):
            return
        index = response.meta["profile"]
        depth = response.meta.get("hub_depth", 0)
        profile = self.profiles[index]
        if depth == 0:
            for link in response.xpath("//link[@rel='alternate']"):
                href = link.attrib.get("href")
                if href and is_feed_link(link.attrib.get("type")):
                    yield self._feed_request(response.urljoin(href), index)
        if not profile.follow_links:
            return
        classifier = self.classifiers[index]
        for href in response.xpath("//a/@href").getall():
            url = urldefrag(urljoin(response.url, href.strip()))[0]
            kind = classifier.classify(url)
            if kind is UrlKind.ARTICLE:
                yield from self._article_request(url, index, via="link")
            elif kind is UrlKind.HUB and depth < self.follow_depth:
                yield Request(
                    url,
                    callback=self.parse_hub,
                    errback=self.discovery_failed,
                    priority=PRIORITY_HUB - depth - 1,
                    meta={"profile": index, "hub_depth": depth + 1},
                )

    def _entry_request(self, entry: LinkEntry, index: int, via: str) -> Iterator[Request]:
        url = urldefrag(entry.url)[0]
        kind = self.classifiers[index].classify(url)
        if kind is not UrlKind.ARTICLE:
            # A sitemap or feed lists it as a page of the site: say why it is not fetched as an article.
            self.crawler.stats.inc_value(f"newscorpus/discovery/{via}_non_article")
            if self.profiles[index].allows_host(url):
                self._reject(url, "discover", "not-article-url", f"{kind.value} page listed in {via}")
            return
        if self._older_than_since(entry.date):
            self.crawler.stats.inc_value("newscorpus/discovery/skipped_before_since")
            return
        yield from self._article_request(url, index, via=via, date=entry.date, date_kind=entry.date_kind)

    # -- articles ----------------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[dict[str, Any]]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        profile = self.profiles[index]
        mime = (response.headers.get("Content-Type") or b"").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (mime and mime not in HTML_TYPES):
            detail = mime.decode("latin-1") or type(response).__name__
            self._reject(
                response.url, "fetch", "not-html", detail, response.meta.get("newscorpus_requested_url")
            )
            return
        self.crawler.stats.inc_value("newscorpus/fetched_articles")
        item: dict[str, Any] = {
            "url": response.url,
            "fetched_at": utc_now(),
            "source": "live",
            # Bytes, not response.text: Scrapy decodes by the declared charset and replaces what does not
            # fit, so a page labelled UTF-8 but written in windows-1252 would lose its accents for good.
            record.HTML: response.body,
            record.HTTP_CHARSET: content_type(list(_header_pairs(response)))[1],
            record.PRUNE_SELECTORS: list(profile.clutter_selectors),
            record.SOURCE_PRIORITY: profile.source_priority,
            record.EXPECTED_LANGUAGES: list(profile.languages),
            record.REQUESTED_URL: response.meta.get("newscorpus_requested_url", response.url),
            record.LASTMOD: response.meta.get("listed_date"),
            record.RESPONSE_HEADERS: {
                name: [v.decode("latin-1") for v in response.headers.getlist(name)]
                for name in RIGHTS_HEADERS
                if name in response.headers
            },
        }
        if self.rights is not None:
            item[record.SITE_RIGHTS] = await self.rights.signals_for(response.url)
        if response.meta.get("update_of"):
            item[record.UPDATE_OF] = response.meta["update_of"]
        if response.meta.get("date_hint"):
            item[record.DATE_HINT] = response.meta["date_hint"]
            item[record.DATE_HINT_SOURCE] = response.meta.get("via")
        yield item

    # -- errors ------------------------------------------------------------------------------------------

    def article_failed(self, failure: Failure) -> None:
        from crawler.middlewares import AlreadyFetched

        request = failure.request  # type: ignore[attr-defined]
        if failure.check(AlreadyFetched):
            return  # counted by the middleware: another copy of the request did or does the work
        reason, detail = _failure_reason(failure, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        # A redirected request failed: record the URL that was listed or linked, not the last hop.
        listed = (request.meta.get("redirect_urls") or [request.url])[0]
        self._reject(listed, "fetch", reason, detail, request.meta.get("newscorpus_requested_url"))

    def discovery_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason, detail = _failure_reason(failure)
        if request.url.endswith("/robots.txt") and reason.startswith("http-"):
            return  # no robots.txt: nothing to discover there, and nothing is lost
        self._reject(request.url, "discover", reason, detail)

    # -- helpers -----------------------------------------------------------------------------------------

    def _article_request(
        self, url: str, index: int, via: str, date: str | None = None, date_kind: str | None = None
    ) -> Iterator[Request]:
        """The request for an article URL, unless the crawl state says an earlier run already has it."""
        meta: dict[str, Any] = {
            "profile": index,
            "via": via,
            "newscorpus_article": True,
            "date_hint": date if date_kind == "publication" else None,
            "listed_date": date,
        }
        if self.state_ext is not None:
            seen = self.state_ext.state.lookup(url)
            decision = decide(seen, date, datetime.now(UTC), self.revisit, self.run_id)
            if decision is Decision.SKIP:
                self.crawler.stats.inc_value("newscorpus/incremental/skipped_known")
                return
            if decision is Decision.UPDATE:
                assert seen is not None
                self.crawler.stats.inc_value("newscorpus/incremental/revisits")
                meta["update_of"] = update_meta(seen)
        yield Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            priority=PRIORITY_ARTICLE,
            meta=meta,
        )

    def _sitemap_request(self, url: str, index: int) -> Request:
        return Request(
            url,
            callback=self.parse_sitemap,
            errback=self.discovery_failed,
            priority=PRIORITY_SITEMAP,
            meta={"profile": index},
        )

    def _feed_request(self, url: str, index: int) -> Request:
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.discovery_failed,
            priority=PRIORITY_FEED,
            meta={"profile": index},
        )

    def _older_than_since(self, date: str | None) -> bool:
        if self.since is None or not date:
            return False
        parsed = parse_utc(date)
        return parsed is not None and parsed < self.since

    def _reject(
        self, url: str, stage: str, reason: str, detail: str = "", requested_url: str | None = None
    ) -> None:
        record = {
            "url": url,
            "domain": domain_of(url) or "?",
            "stage": stage,
            "reason": reason,
            "detail": detail,
        }
        if requested_url:
            record["requested_url"] = requested_url
        if self.state_ext is not None and self.run_id:
            # A resumed run discovers again: what its first part already rejected is not rejected twice.
            seen = self.state_ext.state.lookup(url)
            if seen is not None and seen.run_id == self.run_id and seen.outcome in (ATTEMPTED, REJECTED):
                self.crawler.stats.inc_value("newscorpus/incremental/rejected_before_resume")
                if requested_url:
                    self.state_ext.inflight.discard(requested_url)
                return
        self.crawler.signals.send_catch_log(page_rejected, record=record)


def _header_pairs(response: Response) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _failure_reason(failure: Failure, maxsize: int = 0) -> tuple[str, str]:
    """A short reason code and a detail for a failed request."""
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
    from twisted.internet.defer import CancelledError
    from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

    from crawler.offsite import Offsite
    from crawler.robots import RobotsUnreachable

    exc = failure.value
    request = getattr(failure, "request", None)
    if failure.check(DownloadCancelledError, CancelledError) and request is not None:
        received = request.meta.get("newscorpus_bytes", 0)
        if maxsize and received > maxsize:
            return "too-large", f"{received} bytes received without Content-Length, over {maxsize}"
    if failure.check(HttpError):
        return f"http-{exc.response.status}", ""
    message = str(exc)
    if "DOWNLOAD_MAXSIZE" in message or "max size" in message or "maxsize" in message:
        return "too-large", message[:200]
    if failure.check(Offsite):
        hops = (
            " -> ".join([*(request.meta.get("redirect_urls") or []), exc.target]) if request else exc.target
        )
        return "offsite", f"{hops}: not on the site's domains (add the domain to the profile to crawl it)"[
            :500
        ]
    if failure.check(RobotsUnreachable):
        return "robots-unreachable", message[:200]
    if failure.check(IgnoreRequest):
        if "robots.txt" in message.lower():
            return "robots-disallowed", ""
        if message.startswith("redirect loop"):
            return "redirect-loop", message[:200]
        if "max redirections reached" in message:
            return "too-many-redirects", " -> ".join(request.meta.get("redirect_urls", []))[
                :200
            ] if request else ""
        return "ignored", message[:200]
    if failure.check(DNSLookupError):
        return "dns", message[:200]
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout", message[:200]
    if failure.check(CancelledError):
        return "cancelled", message[:200]
    return "error", f"{type(exc).__name__}: {message[:200]}"
