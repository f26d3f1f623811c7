"""The ``news`` spider: finds a site's articles through sitemaps, feeds and links, and fetches them.

Discovery, in order of preference (earlier sources get higher request priority, so an article listed in a
sitemap is fetched with the sitemap's date before a link to it is seen): sitemaps named in robots.txt or the
profile, RSS/Atom feeds from the profile or announced on the start page, then links from start and section
pages up to ``NEWSCORPUS_FOLLOW_DEPTH`` (the pages of a listing, up to ``NEWSCORPUS_FOLLOW_PAGES``, do not
count). Scrapy's duplicate filter keeps each URL to one fetch.

Every sitemap and feed entry is an article candidate unless the profile denies it, ``--since`` rules it out or
its shape cannot be an article (:func:`crawler.article_urls.non_article_shape`); the page decides in the extract
stage. Links go through the site's :class:`crawler.links.SiteLinks`: shapes its sitemaps, feeds and fetched
pages taught, the generic rules, and probes within a budget; the outcome of every page an item came from (Scrapy's
item signals) teaches the site more.

The spider only fetches and routes: an article response becomes an item carrying the raw page, the discovery
hints, the response headers the rights are read from and the site's rights facts (``crawler.site_rights``);
extraction and everything after happen in the item pipelines.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.archives.http import content_type
from crawler.article_urls import (
    ArticleUrlClassifier,
    UrlKind,
    listing_sitemap,
    non_article_shape,
)
from crawler.conditional import Revalidation
from crawler.discovery import DiscoveryError, LinkEntry, is_feed_link, parse_feed, parse_sitemap
from crawler.distributed.config import DistributedConfig
from crawler.links import LinkConfig, SiteLinks
from crawler.profiles import ProfileError, SiteProfile, load_target
from crawler.site_rights import SiteRights, SiteRightsConfig
from crawler.spiders.failures import failure_reason
from crawler.spiders.following import LinkFollowing, origin_of
from crawler.state.backoff import BackoffPolicy
from crawler.state.extension import CrawlStateExtension
from crawler.state.incremental import Decision, RevisitPolicy, backing_off, decide, known_verdict, update_meta
from crawler.state.sqlite import ATTEMPTED, REJECTED
from pipelines import record
from pipelines.dates import parse_since, parse_utc, utc_now
from pipelines.extract.metadata import is_article_type, page_type
from pipelines.extract.rights import RIGHTS_HEADERS
from pipelines.settings import CorpusOptions, RunOptions, from_settings, setting
from pipelines.urls import domain_of
from pipelines.write.run_manifest import PAGES_FETCHED, START_TARGETS
from pipelines.write.signals import page_rejected

logger = logging.getLogger(__name__)

PRIORITY_ROBOTS = 40
PRIORITY_SITEMAP = 30
PRIORITY_FEED = 20
PRIORITY_PROBE = 15  # before articles: links of the probe's shape wait for its outcome
PRIORITY_ARTICLE = 10
PRIORITY_HUB = 0

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


@dataclass(frozen=True)
class SpiderConfig:
    """``targets``: what to crawl when the spider is given none (``-a targets=...``): site URLs, profile files or
    bundled profile names, comma-separated. ``follow_depth``: how far links are followed from start and section
    pages (sitemaps and feeds do not count against it). ``follow_pages``: the pages of a listing followed
    (``?page=2`` ... up to this page number), at the listing's own depth."""

    targets: str = setting("NEWSCORPUS_TARGETS", "")
    follow_depth: int = setting("NEWSCORPUS_FOLLOW_DEPTH", 2)
    follow_pages: int = setting("NEWSCORPUS_FOLLOW_PAGES", 5)


def split_targets(value: str | Sequence[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    return [str(t).strip() for t in value if str(t).strip()]


class NewsSpider(LinkFollowing, scrapy.Spider):
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
        self.follow_pages = 5
        self.link_config = LinkConfig()
        self.links: dict[int, SiteLinks] = {}
        # A site's start pages wait until its robots.txt, sitemaps and feeds are read, so that an article
        # listed there is fetched with its listed date and the shapes they teach are known before links are.
        self._discovering: Counter[int] = Counter()
        self._held: dict[int, list[Request]] = {}
        self._retried: set[int] = set()  # sites whose due retries are scheduled
        self._sitemaps_asked: set[str] = set()
        self._robots_asked: set[str] = set()
        # Entries of news sitemaps (small by the protocol), to say so of a page a plain sitemap listed too.
        self._news_entries: dict[str, LinkEntry] = {}
        self.revisit = RevisitPolicy()
        self.backoff = BackoffPolicy()
        self.revalidation = Revalidation(None)
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
        spider.follow_pages = config.follow_pages
        spider.link_config = from_settings(LinkConfig, settings)
        spider.revisit = from_settings(RevisitPolicy, settings)
        spider.backoff = from_settings(BackoffPolicy, settings)
        spider.run_id = from_settings(RunOptions, settings).run_id
        from scrapy import signals

        crawler.signals.connect(spider.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.closed_run, signal=signals.spider_closed)
        return spider

    def closed_run(self, spider: Any = None, reason: str = "") -> None:
        """Only a run that read everything it was given keeps what its discovery requests answered."""
        if reason == "finished":
            kept = self.revalidation.commit()
            self.crawler.stats.set_value("newscorpus/discovery/validators_kept", kept)

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
        # --revisit-after D: discovery is read in full at least every D, so that articles due are seen.
        self.revalidation = Revalidation(
            self.state_ext.state if self.state_ext is not None else None,
            self.revisit.revisit_after,
            self.crawler.stats,
            self.backoff.clock(),
        )
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
            for origin in dict.fromkeys(origin_of(u) for u in profile.start_urls):
                if self.rights is not None:
                    self.rights.prefetch(origin)  # tdmrep.json, straight to the downloader
                if profile.discover_sitemaps and origin not in self._robots_asked:
                    self._robots_asked.add(origin)  # another target of the same host may read it too
                    self._discovering[index] += 1
                    yield self.revalidation.prepare(
                        Request(
                            origin + "/robots.txt",
                            callback=self.parse_robots,
                            errback=self.discovery_failed,
                            priority=PRIORITY_ROBOTS,
                            meta={"profile": index, "newscorpus_stage": "discover", "discovering": True},
                        )
                    )
            for url in profile.sitemaps:
                yield from self._sitemap_request(url, index)
            for url in profile.feeds:
                yield self._feed_request(url, index, counted=True)
            starts = [self._hub_request(url, index, 0) for url in profile.start_urls]
            if self._discovering[index]:
                self._held.setdefault(index, []).extend(starts)
            else:
                yield from starts

    # -- discovery ---------------------------------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[Request]:
        try:
            kept = self.revalidation.not_modified(response)
            if kept is not None:
                urls = list((kept.data or {}).get("sitemaps") or [])
            else:
                urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
                self.revalidation.answered(response, {"sitemaps": urls})
            for url in urls:
                yield from self._sitemap_request(url, response.meta["profile"])
        finally:
            self._discovered(response.meta)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        try:
            if self.revalidation.not_modified(response) is None:
                yield from self._sitemap_entries(response)
        finally:
            self._discovered(response.meta)

    def _sitemap_entries(self, response: Response) -> Iterator[Request]:
        index = response.meta["profile"]
        try:
            sitemap = parse_sitemap(response.body)
        except DiscoveryError as exc:
            self._reject(response.url, "discover", "bad-sitemap", str(exc))
            return
        self.crawler.stats.inc_value("newscorpus/discovery/sitemaps")
        self.revalidation.answered(response)
        for entry in sitemap.entries:
            if sitemap.is_index:
                if self._older_than_since(entry.date):
                    self.crawler.stats.inc_value("newscorpus/discovery/skipped_old_sitemap")
                    continue
                if listing_sitemap(entry.url):
                    self.crawler.stats.inc_value("newscorpus/discovery/skipped_listing_sitemaps")
                    continue
                if self.revalidation.unchanged_child(entry.url, entry.date):
                    self.crawler.stats.inc_value("newscorpus/discovery/sitemaps_unchanged")
                    continue
                if self.profiles[index].allows_host(entry.url):
                    yield from self._sitemap_request(entry.url, index, entry.date)
            else:
                yield from self._entry_request(entry, index, "news-sitemap" if entry.news else "sitemap")

    def parse_feed(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        if self.revalidation.not_modified(response) is not None:
            self._discovered(response.meta)
            return
        try:
            entries = parse_feed(response.body)
        except DiscoveryError as exc:
            self._reject(response.url, "discover", "bad-feed", str(exc))
            return
        finally:
            self._discovered(response.meta)
        self.crawler.stats.inc_value("newscorpus/discovery/feeds")
        self.revalidation.answered(response)
        for entry in entries:
            yield from self._entry_request(entry, index, "feed")

    async def parse_hub(self, response: Response) -> AsyncIterator[Any]:
        """Home, section and listing pages: feeds they announce (start pages only) and the links they hold. A
        page that declares itself an article is one, whatever its URL looked like."""
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        depth = response.meta.get("hub_depth", 0)
        kept = self.revalidation.not_modified(response)
        if kept is not None:
            # Unchanged: its links to articles were decided when it was read; its listings and feeds are asked.
            for url in (kept.data or {}).get("feeds") or []:
                yield self._feed_request(url, index)
            for url, hub_depth in (kept.data or {}).get("hubs") or []:
                yield self._hub_request(url, index, hub_depth)
            return
        if not isinstance(response, TextResponse):
            return
        leads: dict[str, list[Any]] = {"feeds": [], "hubs": []}
        if depth == 0:
            for link in response.xpath("//link[@rel='alternate']"):
                href = link.attrib.get("href")
                if href and is_feed_link(link.attrib.get("type")):
                    leads["feeds"].append(response.urljoin(href))
                    yield self._feed_request(response.urljoin(href), index)
        declared = is_article_type(page_type(response.selector.root))
        start_article = depth == 0 and self.classifiers[index].classify(response.url) is UrlKind.ARTICLE
        if (declared or start_article) and not self._known(response.url):
            self.crawler.stats.inc_value("newscorpus/discovery/listings_declared_articles")
            yield await self._item(response, index, "start" if depth == 0 else "link")
            if depth > 0:
                return  # an article: its links are not followed, as no article's are
        for request in self._follow_links(response, index, depth):
            if request.callback == self.parse_hub:
                leads["hubs"].append([request.url, request.meta.get("hub_depth", 0)])
            yield request
        self.revalidation.answered(response, leads)

    def _entry_request(self, entry: LinkEntry, index: int, via: str) -> Iterator[Request]:
        """A sitemap or feed entry: an article candidate unless the profile's deny patterns, its shape or
        ``--since`` rule it out; the page decides the rest."""
        url = urldefrag(entry.url)[0]
        classifier = self.classifiers[index]
        if not self.profiles[index].allows_host(url) or urlsplit(url).scheme not in ("http", "https"):
            self.crawler.stats.inc_value(f"newscorpus/discovery/{via}_offsite")
            return
        reason = "denied by the profile" if classifier.denied(url) else non_article_shape(url)
        if reason is not None:
            # A sitemap or feed lists it as a page of the site: say why it is not fetched as an article.
            self.crawler.stats.inc_value(f"newscorpus/discovery/{via}_non_article")
            self._reject(url, "discover", "not-article-url", f"{reason}, listed in {via}")
            return
        if self._older_than_since(entry.date):
            self.crawler.stats.inc_value("newscorpus/discovery/skipped_before_since")
            return
        if entry.news:
            self._news_entries[url] = entry
        self.site_links(index).listed(url)
        # A plain sitemap lists section fronts too: of those, only a page that proves it is an article is one.
        proof = via == "sitemap" and classifier.classify(url) is UrlKind.HUB
        yield from self._article_request(
            url, index, via=via, date=entry.date, date_kind=entry.date_kind, needs_proof=proof
        )

    # -- articles ----------------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[dict[str, Any]]:
        self.crawler.stats.inc_value(PAGES_FETCHED)
        index = response.meta["profile"]
        mime = (response.headers.get("Content-Type") or b"").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (mime and mime not in HTML_TYPES):
            detail = mime.decode("latin-1") or type(response).__name__
            self._reject(
                response.url, "fetch", "not-html", detail, response.meta.get("newscorpus_requested_url")
            )
            self._no_outcome(response.meta)
            return
        self.crawler.stats.inc_value("newscorpus/fetched_articles")
        yield await self._item(response, index, response.meta.get("via") or "link")

    async def _item(self, response: Response, index: int, via: str) -> dict[str, Any]:
        profile = self.profiles[index]
        first = (response.meta.get("redirect_urls") or [response.url])[0]
        found = response.meta.get("found_url") or first
        news = self._news_entries.pop(found, None)
        date_hint = response.meta.get("date_hint")
        if news is not None and via != "news-sitemap":
            # Found first in a plain sitemap or a feed; a news sitemap lists it too, with its publication date.
            via = "news-sitemap"
            date_hint = news.date if news.date_kind == "publication" else date_hint
        item: dict[str, Any] = {
            "url": response.url,
            "fetched_at": utc_now(),
            "source": "live",
            "discovered_via": via,
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
            record.DISCOVERY: {"site": index, "url": found},
        }
        if self.rights is not None:
            item[record.SITE_RIGHTS] = await self.rights.signals_for(response.url)
        if response.meta.get("needs_proof"):
            item[record.NEEDS_PROOF] = True
        if response.meta.get("update_of"):
            item[record.UPDATE_OF] = response.meta["update_of"]
        if date_hint:
            item[record.DATE_HINT] = date_hint
            item[record.DATE_HINT_SOURCE] = "sitemap" if via == "news-sitemap" else via
        return item

    # -- errors ------------------------------------------------------------------------------------------

    def article_failed(self, failure: Failure) -> None:
        from crawler.middlewares import AlreadyFetched

        request = failure.request  # type: ignore[attr-defined]
        self._no_outcome(request.meta)
        if failure.check(AlreadyFetched):
            return  # counted by the middleware: another copy of the request did or does the work
        reason, detail = failure_reason(failure, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        # A redirected request failed: record the URL that was listed or linked, not the last hop.
        listed = (request.meta.get("redirect_urls") or [request.url])[0]
        self._reject(listed, "fetch", reason, detail, request.meta.get("newscorpus_requested_url"))

    def discovery_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._discovered(request.meta)
        reason, detail = failure_reason(failure)
        if request.url.endswith("/robots.txt") and reason.startswith("http-"):
            return  # no robots.txt: nothing to discover there, and nothing is lost
        self._reject(request.url, "discover", reason, detail)

    # -- helpers -----------------------------------------------------------------------------------------

    def _known(self, url: str) -> bool:
        return self.state_ext is not None and self.state_ext.state.lookup(url) is not None

    def _article_request(
        self,
        url: str,
        index: int,
        via: str,
        date: str | None = None,
        date_kind: str | None = None,
        needs_proof: bool = False,
        probe_depth: int | None = None,
    ) -> Iterator[Request]:
        """The request for an article candidate, unless the crawl state says an earlier run already has it. A
        probe (``probe_depth``: the depth its links would have as a listing's) must prove it is an article."""
        meta: dict[str, Any] = {
            "profile": index,
            "via": via,
            "newscorpus_article": True,
            "date_hint": date if date_kind == "publication" else None,
            "listed_date": date,
            "found_url": url,
            "needs_proof": needs_proof or probe_depth is not None,
        }
        callback, priority = self.parse_article, PRIORITY_ARTICLE
        if probe_depth is not None:
            meta.update(probe=True, hub_depth=probe_depth)
            callback, priority = self.parse_probe, PRIORITY_PROBE
        if self.state_ext is not None:
            seen = self.state_ext.state.lookup(url)
            now = self.backoff.clock()
            decision = decide(seen, date, now, self.revisit, self.run_id)
            if decision is Decision.SKIP:
                assert seen is not None
                if backing_off(seen, now):
                    self.crawler.stats.inc_value("newscorpus/incremental/backing_off")
                else:
                    self.crawler.stats.inc_value("newscorpus/incremental/skipped_known")
                # What an earlier run found the page to be teaches the site's shapes as the page would (this
                # run's own pages taught them through the item signals).
                if seen.run_id == self.run_id:
                    if probe_depth is not None:
                        self.site_links(index).outcome(url, True)  # settled in this run
                elif (verdict := known_verdict(seen)) is not None or probe_depth is not None:
                    self._schedule(index, self.site_links(index).outcome(url, verdict))
                return
            if decision is Decision.UPDATE:
                assert seen is not None
                self.crawler.stats.inc_value("newscorpus/incremental/revisits")
                meta["update_of"] = update_meta(seen)
        yield Request(url, callback=callback, errback=self.article_failed, priority=priority, meta=meta)

    def _hub_request(self, url: str, index: int, depth: int) -> Request:
        """Listings deeper from the start come later."""
        request = Request(
            url,
            callback=self.parse_hub,
            errback=self.discovery_failed,
            priority=PRIORITY_HUB - depth,
            meta={"profile": index, "hub_depth": depth},
        )
        return self.revalidation.prepare(request)

    def _sitemap_request(self, url: str, index: int, listed: str | None = None) -> Iterator[Request]:
        """``listed``: the child's ``lastmod`` in its sitemap index, kept once the child is read."""
        if url in self._sitemaps_asked:
            return  # named twice (robots.txt and the profile, or two targets): read once
        self._sitemaps_asked.add(url)
        self._discovering[index] += 1
        request = Request(
            url,
            callback=self.parse_sitemap,
            errback=self.discovery_failed,
            priority=PRIORITY_SITEMAP,
            meta={"profile": index, "discovering": True, "listed_lastmod": listed},
        )
        yield self.revalidation.prepare(request)

    def _feed_request(self, url: str, index: int, counted: bool = False) -> Request:
        if counted:
            self._discovering[index] += 1
        request = Request(
            url,
            callback=self.parse_feed,
            errback=self.discovery_failed,
            priority=PRIORITY_FEED,
            meta={"profile": index, "discovering": counted},
        )
        return self.revalidation.prepare(request)

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
