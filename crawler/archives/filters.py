"""Which archive records are pages to extract, decided with the cheapest test first.

Order, before any HTML is parsed: the record type, the host (``--hosts``), the WARC-Date against ``--since`` /
``--until``, then, once the HTTP head is read, the status, the MIME type and the size. Each drop has a reason,
counted in the run's manifest.

Hosts match on label boundaries, never as substrings: ``example.com`` matches ``example.com``,
``www.example.com`` and ``news.example.com``, not ``badexample.com`` nor ``example.com.evil.net``; a leading
``www.`` is ignored on both sides.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.archives.http import content_type
from crawler.archives.records import Head, Http
from pipelines.dates import parse_utc

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PAGE_KINDS = frozenset({"response"})


def normal_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def parse_hosts(value: str | Iterable[str] | None) -> frozenset[str]:
    """``--hosts``: a comma list, or ``@file`` with one host a line (``#`` comments); empty: every host."""
    if not value:
        return frozenset()
    items: list[str] = []
    for part in value.split(",") if isinstance(value, str) else value:
        part = part.strip()
        if part.startswith("@"):
            path = Path(part[1:])
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"--hosts {part}: cannot read {path} ({exc})") from None
            items.extend(line.split("#", 1)[0].strip() for line in lines)
        else:
            items.append(part)
    hosts = set()
    for item in items:
        if not item:
            continue
        host = normal_host(urlsplit(item).hostname or "" if "://" in item else item)
        if not host or "/" in host or " " in host:
            raise ValueError(f"--hosts: {item!r} is not a host name")
        hosts.add(host)
    return frozenset(hosts)


def host_matches(host: str, hosts: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``hosts`` or a subdomain of one."""
    if not hosts:
        return True
    host = normal_host(host)
    while host:
        if host in hosts:
            return True
        _, dot, host = host.partition(".")
        if not dot:
            return False
    return False


@dataclass(frozen=True)
class RecordFilter:
    hosts: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    max_bytes: int = 8 << 20

    def head(self, head: Head) -> str | None:
        """Why a record is not a page, from its WARC head alone; None when it may be one."""
        if head.kind not in PAGE_KINDS:
            return "revisit" if head.kind == "revisit" else "not-a-response"
        if not head.target_uri:
            return "no-uri"
        parts = urlsplit(head.target_uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "not-http"
        if not host_matches(parts.hostname, self.hosts):
            return "host"
        if self.since is not None or self.until is not None:
            when = parse_utc(head.date)
            if when is not None and self.since is not None and when < self.since:
                return "before-since"
            if when is not None and self.until is not None and when > self.until:
                return "after-until"
        return None

    def http(self, head: Head, http: Http, declared: int) -> str | None:
        """Why a response is not a page, from its HTTP head; None when it is one to extract."""
        if http.status is None or not 200 <= http.status < 300:
            return f"status-{http.status}" if http.status is not None else "no-status"
        mime, _ = content_type(http.headers)
        if mime and mime not in HTML_TYPES:
            return "not-html"
        if declared > self.max_bytes:
            return "too-large"
        return None
