"""One off-site policy for every request a site's crawl makes: links, sitemaps, feeds, 3xx redirects and meta
refreshes, each checked against the profile's domains where the downloader will connect.

Scrapy's own ``OffsiteMiddleware`` reads one ``allowed_domains`` list per spider; a crawl of ours holds several
sites, each with its own domains, and a request off its site must leave a line in ``rejected.jsonl`` (naming the
target, so that a user can add the domain), not vanish. The host is read from the request as Scrapy built it
(``w3lib.url.safe_url_string`` reads ``http://other\\@site/`` as a request to ``other``), with the same parse the
HTTP download handler uses (``urlparse_cached``); a redirect or a meta refresh reaches the downloader as a new
request and meets the same check.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

from crawler.profiles import on_domains

logger = logging.getLogger(__name__)


class Offsite(IgnoreRequest):
    """A request to a host outside its site's domains; ``target`` is where it would have gone."""

    def __init__(self, target: str, domains: tuple[str, ...]) -> None:
        super().__init__(f"off-site: {target} is not on {', '.join(domains) or 'the site'}")
        self.target = target


class OffsiteMiddleware:
    """Refuses a request whose host is not on the domains of the profile it belongs to (``meta["profile"]``).

    The profile's own sitemap and feed URLs are allowed wherever they are (a profile may name a feed host of its
    outlet's); what they list is checked like any link."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> OffsiteMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        index = request.meta.get("profile")
        profiles = getattr(self.crawler.spider, "profiles", None)
        if index is None or not profiles or not isinstance(index, int) or not 0 <= index < len(profiles):
            return None
        profile = profiles[index]
        host = (urlparse_cached(request).hostname or "").lower()
        if on_domains(host, profile.domains):
            return None
        listed = request.meta.get("redirect_urls") is None and request.url in (
            *profile.sitemaps,
            *profile.feeds,
        )
        if listed:
            return None
        self.crawler.stats.inc_value("newscorpus/offsite/refused")
        logger.debug("off-site request to %s refused (profile %s)", request.url, profile.name)
        raise Offsite(request.url, profile.domains)
