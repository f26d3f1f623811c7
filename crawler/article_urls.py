"""Which links are articles, which are hub pages worth following, and which to leave alone.

A profile's allow/deny patterns decide when given. Otherwise courlan's filters (navigation pages such as tag,
category, author and pagination pages; pages not worth crawling such as login and feeds) and the shape of
news URLs (a date or a long numeric id in the path, or a headline slug) decide.
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import urlsplit

from courlan import is_navigation_page, is_not_crawlable

from crawler.profiles import SiteProfile


class UrlKind(Enum):
    ARTICLE = "article"
    HUB = "hub"
    SKIP = "skip"


_DATE_IN_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2]|[a-z]{3})([/-]\d{1,2})?(/|-|$)")
_NUMERIC_ID = re.compile(r"(^|[/_-])\d{5,}([/_.-]|$)")
_SLUG = re.compile(r"[a-z0-9\u00c0-\uffff]+(-[a-z0-9\u00c0-\uffff]+){3,}", re.IGNORECASE)
_NOT_HTML = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|json|mp[34]|m4a|wav|avi|mov|webm|zip|gz|rar|7z|exe|dmg|pdf|docx?"
    r"|xlsx?|pptx?|woff2?|ttf|eot|rss|atom)$",
    re.IGNORECASE,
)
# Non-article page types that courlan does not know about.
_MEDIA_PAGE = re.compile(
    r"/(video|videos|watch|gallery|galleries|photos?|podcasts?|live|liveblog|search|newsletters?|subscribe"
    r"|account|signin|sign-in|register)(/|$)"
    # Site furniture pages: about-us, privacy-policy, terms-of-use, cookies, contact, imprint...
    r"|/(about|privacy|terms|cookies?|contact|imprint|impressum|legal|careers|jobs|advertise)([-_][a-z]{1,8}){0,2}/?$",
    re.IGNORECASE,
)


class ArticleUrlClassifier:
    """Classifies URLs for one site profile."""

    def __init__(self, profile: SiteProfile) -> None:
        self.profile = profile
        self._allow = [re.compile(p) for p in profile.article_allow]
        self._deny = [re.compile(p) for p in profile.article_deny]

    def classify(self, url: str) -> UrlKind:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not self.profile.allows_host(url):
            return UrlKind.SKIP
        path = parts.path or "/"
        if _NOT_HTML.search(path):
            return UrlKind.SKIP
        if any(p.search(url) for p in self._deny):
            return UrlKind.SKIP
        if self._allow:
            return (
                UrlKind.ARTICLE if any(p.search(url) for p in self._allow) else self._hub_or_skip(url, path)
            )
        if is_not_crawlable(url) or _MEDIA_PAGE.search(path):
            return UrlKind.SKIP
        if is_navigation_page(url):
            return UrlKind.HUB
        if looks_like_article_path(path):
            return UrlKind.ARTICLE
        return self._hub_or_skip(url, path)

    @staticmethod
    def _hub_or_skip(url: str, path: str) -> UrlKind:
        if is_not_crawlable(url) or _MEDIA_PAGE.search(path):
            return UrlKind.SKIP
        return UrlKind.HUB


def looks_like_article_path(path: str) -> bool:
    """A date or a long numeric id in the path, or a last segment that reads like a headline slug."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(s?html?|php|aspx?)$", "", last, flags=re.IGNORECASE)
    if last.isdigit() and len(last) <= 4:
        return False  # a date archive such as /2026/11/18/, or page 2 of a list
    if _DATE_IN_PATH.search(path) and len(path.strip("/").split("/")) >= 3:
        return True
    if _NUMERIC_ID.search(path):
        return True
    return bool(_SLUG.fullmatch(last))
