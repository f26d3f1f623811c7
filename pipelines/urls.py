"""URL helpers every layer shares: the canonical form of a URL and the domain a record is filed under."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger(__name__)


_TRACKING_PARAM = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_[ce]id|icid|ocid|cmpid|ref|ref_src|_ga)$"
)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment or tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAM.match(k)]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def same_page(a: str, b: str) -> bool:
    """Do two URLs name one page once the differences a site's canonical link legitimately makes are set aside:
    scheme (http to https), ``www.``, default port, tracking parameters, parameter order, a trailing slash,
    the fragment?"""
    return _page_key(a) == _page_key(b)


def _page_key(url: str) -> tuple[str, int | None, str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(normalize_url(url))
    host = (parts.hostname or "").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return host, port, parts.path.rstrip("/") or "/", query


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
