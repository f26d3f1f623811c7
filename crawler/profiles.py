"""Site profiles: what a crawl needs to know about one outlet, from a TOML file or from a bare URL.

A profile overrides only the keys it sets; everything else falls back to the defaults below and to the
heuristics of :mod:`crawler.article_urls`. A bad profile is rejected with a message that names the file and
the key, before any request is made.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from w3lib.url import safe_url_string

from pipelines.language.codes import check_languages
from pipelines.urls import domain_of

#: A site profile is a few lines of TOML; a file far larger is a mistake (a binary or data file given instead).
MAX_PROFILE_BYTES = 1 << 20
_BUNDLED_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class ProfileError(ValueError):
    """A site profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class SiteProfile:
    """One outlet. ``source_priority``: higher wins when the dedupe stage picks which copy of a story to keep
    (mark the outlet that originates stories, e.g. a wire service, above its re-publishers)."""

    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    article_allow: tuple[str, ...] = ()
    article_deny: tuple[str, ...] = ()
    clutter_selectors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    source_priority: int = 0
    follow_links: bool = True
    discover_sitemaps: bool = True
    path: str | None = field(default=None, compare=False)

    def allows_host(self, url: str) -> bool:
        """Is ``url`` on one of the outlet's domains (subdomains included), read as the downloader reads it?"""
        return on_domains(request_host(url), self.domains)


def request_host(url: str) -> str:
    """The host a request for ``url`` connects to. Scrapy builds a request's URL with ``safe_url_string``, which
    reads ``http://other\\@site/`` as a request to ``other`` where ``urlsplit`` alone says ``site``."""
    return (urlsplit(safe_url_string(url.strip())).hostname or "").lower()


def on_domains(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


# key in the TOML file -> (field name, expected kind)
_LIST_KEYS = {
    "domains": "domains",
    "start_urls": "start_urls",
    "sitemaps": "sitemaps",
    "feeds": "feeds",
    "languages": "languages",
}
_NESTED = {
    ("articles", "allow"): "article_allow",
    ("articles", "deny"): "article_deny",
    ("clutter", "selectors"): "clutter_selectors",
}
_KNOWN_TOP = {
    "name",
    "source_priority",
    "follow_links",
    "discover_sitemaps",
    *_LIST_KEYS,
    "articles",
    "clutter",
}
_KNOWN_TABLES = {"articles": {"allow", "deny"}, "clutter": {"selectors"}}


def profile_from_url(url: str) -> SiteProfile:
    """The profile of a bare site URL: its own host, its robots.txt sitemaps, links from that page."""
    _check_url(url, "<command line>", "target")
    return SiteProfile(name=domain_of(url), domains=(domain_of(url),), start_urls=(url,))


def load_profile(path: str | Path) -> SiteProfile:
    """Read and check a TOML profile; raises :class:`ProfileError` naming the file and key."""
    path = Path(path)
    where = str(path)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(f"{where}: a profile of {path.stat().st_size} bytes is not a profile")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{where}: cannot read profile: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{where}: not a text file in UTF-8 (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}: not valid TOML: {exc}") from exc
    return profile_from_dict(data, where)


def profile_from_dict(data: dict[str, Any], where: str = "<profile>") -> SiteProfile:
    """Check a parsed profile and build it. Every problem names ``where`` and the key."""
    for key, value in data.items():
        if key not in _KNOWN_TOP:
            raise ProfileError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_KNOWN_TOP))})")
        if key in _KNOWN_TABLES:
            if not isinstance(value, dict):
                raise ProfileError(f"{where}: key {key!r} must be a table like [{key}]")
            for sub in value:
                if sub not in _KNOWN_TABLES[key]:
                    raise ProfileError(f"{where}: unknown key '{key}.{sub}'")
    values: dict[str, Any] = {}
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProfileError(f"{where}: key 'name' is required and must be a non-empty string")
    values["name"] = name.strip()
    for key, attr in _LIST_KEYS.items():
        values[attr] = _string_list(data.get(key, []), where, key)
    try:
        check_languages(values["languages"], f"{where}: key 'languages':")
    except ValueError as exc:
        raise ProfileError(str(exc)) from None
    for (table, sub), attr in _NESTED.items():
        values[attr] = _string_list(data.get(table, {}).get(sub, []), where, f"{table}.{sub}")
    if not values["start_urls"]:
        raise ProfileError(f"{where}: key 'start_urls' must list at least one URL")
    for key in ("start_urls", "sitemaps", "feeds"):
        for url in values[key]:
            _check_url(url, where, key)
    if not values["domains"]:
        values["domains"] = tuple(dict.fromkeys(domain_of(u) for u in values["start_urls"]))
    values["domains"] = tuple(d.lower().removeprefix("www.") for d in values["domains"])
    for key in ("articles.allow", "articles.deny"):
        attr = _NESTED[tuple(key.split("."))]  # type: ignore[index]
        for pattern in values[attr]:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ProfileError(
                    f"{where}: key '{key}': bad regular expression {pattern!r}: {exc}"
                ) from exc
    for selector in values["clutter_selectors"]:
        try:
            GenericTranslator().css_to_xpath(selector)
        except SelectorError as exc:
            raise ProfileError(
                f"{where}: key 'clutter.selectors': bad CSS selector {selector!r}: {exc}"
            ) from exc
    priority = data.get("source_priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise ProfileError(f"{where}: key 'source_priority' must be an integer")
    values["source_priority"] = priority
    for key in ("follow_links", "discover_sitemaps"):
        flag = data.get(key, True)
        if not isinstance(flag, bool):
            raise ProfileError(f"{where}: key {key!r} must be true or false")
        values[key] = flag
    values["path"] = where if where != "<profile>" else None
    known = {f.name for f in fields(SiteProfile)}
    return SiteProfile(**{k: v for k, v in values.items() if k in known})


def load_target(target: str) -> SiteProfile:
    """A command-line target: a ``.toml`` profile file, the name of a bundled profile, or a site URL."""
    if target.startswith(("http://", "https://")):
        return profile_from_url(target)
    path = Path(target)
    if path.suffix == ".toml" or path.exists():
        return load_profile(path)
    bundled = Path(__file__).parent / "profiles" / f"{target}.toml"
    if _BUNDLED_NAME.match(target) and bundled.exists():
        return load_profile(bundled)
    raise ProfileError(f"{target}: not a URL (http:// or https://), a profile file or a bundled profile name")


def _string_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: key {key!r} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _check_url(url: str, where: str, key: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"{where}: key {key!r}: {url!r} is not an absolute http(s) URL")
    try:
        parts.port  # noqa: B018 - raises for a port out of range, as Scrapy would later, mid-crawl
    except ValueError as exc:
        raise ProfileError(f"{where}: key {key!r}: {url!r}: {exc}") from None
