"""The news spider's link following: which links of a page are fetched and how, the pages of a listing, what
the stages made of each page (Scrapy's item signals) taught back to the site's :class:`crawler.links.SiteLinks`,
the links released when their shape becomes known, and the start pages held until a site's sitemaps are read.

A mixin of :class:`crawler.spiders.news.NewsSpider`, which builds the requests; kept apart so that the spider's
module stays one concern: finding and fetching.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy.http import Request, Response, TextResponse

from crawler.article_urls import ArticleUrlClassifier, page_number
from crawler.links import Follow, LinkConfig, Release, SiteLinks, is_headline, page_verdict
from crawler.profiles import SiteProfile
from crawler.state.backoff import BackoffPolicy
from pipelines import record
from pipelines.extract.metadata import is_article_type, page_type


class LinkFollowing:
    """Link decisions and their outcomes, for a spider that gives ``parse_article``, ``_article_request`` and
    ``_hub_request``."""

    crawler: Any
    profiles: Sequence[SiteProfile]
    classifiers: Sequence[ArticleUrlClassifier]
    links: dict[int, SiteLinks]
    link_config: LinkConfig
    follow_depth: int
    follow_pages: int
    _discovering: Counter[int]
    _held: dict[int, list[Request]]
    _retried: set[int]
    state_ext: Any
    backoff: BackoffPolicy

    def parse_article(self, response: Response) -> AsyncIterator[dict[str, Any]]:
        raise NotImplementedError

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
        raise NotImplementedError

    def _hub_request(self, url: str, index: int, depth: int) -> Request:
        raise NotImplementedError

    def site_links(self, index: int) -> SiteLinks:
        """The link decisions and learned shapes of the ``index``-th site (made when first asked for)."""
        links = self.links.get(index)
        if links is None:
            links = self.links[index] = SiteLinks(self.classifiers[index], self.link_config)
        return links

    def _discovered(self, meta: dict[str, Any]) -> None:
        """One of a site's robots.txt, sitemap or feed requests answered: at the last, its start pages go."""
        if not meta.get("discovering"):
            return
        index = meta["profile"]
        self._discovering[index] -= 1
        if self._discovering[index] <= 0:
            self._release_starts(index)

    def _release_starts(self, index: int) -> int:
        held = self._held.pop(index, [])
        if index not in self._retried:
            self._retried.add(index)
            held.extend(self._retries_due(index))
        for request in held:
            self.crawler.engine.crawl(request)
        return len(held)

    def _retries_due(self, index: int) -> Iterator[Request]:
        """Pages of the site whose back-off ran out (``crawler.state.backoff``), asked again even though no page
        read anew lists them; once the site's sitemaps are read, so that a listed one goes with its date."""
        if self.state_ext is None:
            return
        now = self.backoff.clock()
        for origin in dict.fromkeys(origin_of(u) for u in self.profiles[index].start_urls):
            for url in self.state_ext.state.due(origin + "/", now):
                self.crawler.stats.inc_value("newscorpus/incremental/retries_due")
                yield from self._article_request(url, index, via="retry", needs_proof=True)

    async def parse_probe(self, response: Response) -> AsyncIterator[Any]:
        """A link of a shape that said nothing: the page goes to the stages, which decide, and its links are
        followed as a listing's unless it declares itself an article."""
        async for item in self.parse_article(response):
            yield item
        if isinstance(response, TextResponse) and not is_article_type(page_type(response.selector.root)):
            depth = response.meta.get("hub_depth", 1)
            if depth <= self.follow_depth:
                for request in self._follow_links(response, response.meta["profile"], depth):
                    yield request

    def _follow_links(self, response: TextResponse, index: int, depth: int) -> Iterator[Request]:
        if not self.profiles[index].follow_links:
            return
        links = self.site_links(index)
        seen: set[str] = set()
        for anchor in response.selector.root.iter("a"):
            href = anchor.get("href")
            if not href:
                continue
            url = urldefrag(urljoin(response.url, href.strip()))[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            number = page_number(url, response.url)
            if number is not None:
                if 1 < number <= self.follow_pages and self.profiles[index].allows_host(url):
                    yield self._hub_request(url, index, depth)  # the same listing: the same depth
                continue
            follow = links.decide(url, depth + 1, is_headline(" ".join(anchor.itertext())))
            self.crawler.stats.inc_value(f"newscorpus/discovery/links/{follow.value}")
            yield from self._follow(index, Release(url, follow, depth + 1))

    def _follow(self, index: int, release: Release) -> Iterator[Request]:
        """The request a link decision asks for (none for a listing past the follow depth). ``context``: the
        depth the linked page has."""
        depth = int(release.context or 1)
        if release.follow is Follow.ARTICLE:
            yield from self._article_request(release.url, index, via="link")
        elif release.follow is Follow.PROBE:
            yield from self._article_request(release.url, index, via="link", probe_depth=depth)
        elif release.follow is Follow.HUB and depth <= self.follow_depth:
            yield self._hub_request(release.url, index, depth)

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        self._outcome(item, None)

    def item_dropped(
        self, item: Any, response: Any = None, exception: Any = None, spider: Any = None
    ) -> None:
        self._outcome(item, exception)

    def _outcome(self, item: Any, exception: BaseException | None) -> None:
        found = item.get(record.DISCOVERY) if isinstance(item, dict) else None
        if not found:
            return
        releases = self.site_links(found["site"]).outcome(found["url"], page_verdict(exception))
        self._schedule(found["site"], releases)

    def spider_idle(self, spider: Any = None) -> None:
        """Links still waiting for their shape to be known: probe them while the budget lasts, or leave them."""
        from scrapy.exceptions import DontCloseSpider

        unretried = set(range(len(self.profiles))) - self._retried
        scheduled = sum(self._release_starts(index) for index in sorted(set(self._held) | unretried))
        for index, links in list(self.links.items()):
            before = links.counts["unfollowed"]
            scheduled += self._schedule(index, links.idle())
            self.crawler.stats.inc_value(
                "newscorpus/discovery/links/unfollowed", links.counts["unfollowed"] - before
            )
        if scheduled:
            raise DontCloseSpider

    def _schedule(self, index: int, releases: Sequence[Release]) -> int:
        count = 0
        for release in releases:
            self.crawler.stats.inc_value(f"newscorpus/discovery/links/released_{release.follow.value}")
            for request in self._follow(index, release):
                self.crawler.engine.crawl(request)
                count += 1
        return count

    def _no_outcome(self, meta: dict[str, Any]) -> None:
        """A candidate that never became an item: its probe slot is free again, and nothing is learned."""
        if meta.get("probe"):
            self._schedule(meta["profile"], self.site_links(meta["profile"]).outcome(meta["found_url"], None))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
