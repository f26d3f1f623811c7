"""NewsSite: the two-outlet local news site that end-to-end tests and ``make demo`` crawl.

One object owns everything (pages, publish state, request log, servers), so tests can run several sites
side by side and nothing leaks between them.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from tests.newssite.catalog import Catalog, build_catalog
from tests.newssite.hold import Hold
from tests.newssite.model import (
    Article,
    ExpectedArticle,
    ExpectedDuplicate,
    ExpectedRedirect,
    ExpectedRejection,
    Outlet,
    Page,
    RequestRecord,
)
from tests.newssite.render import SERVER_NAMES, Key, Rendering, render_site
from tests.newssite.server import OutletServer, Recorder, Responder
from tests.newssite.truth import (
    disallowed_paths,
    expected_articles,
    expected_duplicates,
    expected_redirects,
    expected_rejected,
)
from tests.newssite.urls import HARBOUR, MERIDIAN, OUTLETS

logger = logging.getLogger(__name__)

HOSTS = {HARBOUR: "127.0.0.1", MERIDIAN: "127.0.0.2"}

_SERVER_ERROR = (
    b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
    b"<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class RequestLog:
    """Append-only, thread-safe record of every request; reading yields a snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        with self._lock:
            return self._records[index]


def loopback_available(host: str) -> bool:
    """127.0.0.2 answers on Linux but not on every OS; check before binding an outlet there."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
    except OSError:
        return False
    return True


class OutletGroup:
    """The servers of several outlets, each bound on its host (127.0.0.1 where that host cannot be bound), started
    and stopped together: what a small test site of a few outlets needs before it serves its own pages."""

    def __init__(self, hosts: dict[str, str], respond: Responder, record: Recorder, software: str) -> None:
        self.servers: dict[str, OutletServer] = {}
        try:
            for outlet, host in hosts.items():
                bound = host if loopback_available(host) else "127.0.0.1"
                self.servers[outlet] = OutletServer(outlet, bound, 0, respond, record, software)
        except BaseException:
            self.stop()
            raise
        #: The origin of each outlet, ``http://host:port``.
        self.base_urls = {o: f"http://{s.server_address[0]}:{s.port}" for o, s in self.servers.items()}

    def start(self) -> None:
        for server in self.servers.values():
            server.start()

    def stop(self) -> None:
        servers, self.servers = self.servers, {}
        for server in servers.values():
            server.stop()


class NewsSite:
    """Two outlets on loopback (The Harbour Daily on 127.0.0.1, Meridian Wire on 127.0.0.2).

    ``hidden=True`` keeps three Harbour Daily stories unpublished until :meth:`publish`, for incremental
    crawls; ``ports`` fixes the ports (0 = let the OS pick); ``delay`` (seconds) slows every answer down.
    :meth:`hold` holds answers back until a test releases them, so that it can act while a crawl is certainly
    in the middle of its fetching. ``etags=False``: no ETag, no 304 (a server that ignores conditional requests).
    """

    def __init__(
        self, hidden: bool = True, ports: tuple[int, int] = (0, 0), delay: float = 0.0, etags: bool = True
    ) -> None:
        self.delay = delay
        self.etags = etags
        self._catalog: Catalog = build_catalog()
        self._lock = threading.Lock()
        self._published: frozenset[Key] = frozenset(
            a.key for a in self._catalog.articles if not (hidden and a.hidden)
        )
        self._ports = dict(zip(OUTLETS, ports, strict=True))
        self._log = RequestLog()
        self._servers: dict[str, OutletServer] = {}
        self._outlets: dict[str, Outlet] = {}
        self._failed_once: set[Key] = set()
        self._revisions: dict[str, tuple[bytes, bytes]] = {}
        self._holds: list[Hold] = []
        # Rendered now with provisional URLs so that content errors surface at construction; start()
        # re-renders once the real ports are known.
        self._base_urls = {o: f"http://{HOSTS[o]}:{self._ports[o]}" for o in OUTLETS}
        self._rendering: Rendering = render_site(self._catalog, self._published, self._base_urls)

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> NewsSite:
        if self._servers:
            raise RuntimeError("NewsSite is already running")
        try:
            for outlet in OUTLETS:
                host = HOSTS[outlet]
                if not loopback_available(host):
                    logger.warning("cannot bind %s; serving %s on 127.0.0.1 instead", host, outlet)
                    host = "127.0.0.1"
                server = OutletServer(
                    outlet, host, self._ports[outlet], self._respond, self._log.append, SERVER_NAMES[outlet]
                )
                server.etags = self.etags
                self._servers[outlet] = server
                self._outlets[outlet] = Outlet(outlet, self._catalog.titles[outlet], host, server.port)
            self._base_urls = {o: self._outlets[o].base_url for o in OUTLETS}
            self._rerender()
            for server in self._servers.values():
                server.start()
        except BaseException:
            self.stop()
            raise
        logger.info("news site serving %s", " and ".join(self.base_urls))
        return self

    def stop(self) -> None:
        """Release every hold, stop both servers and release their ports; safe to call twice."""
        for hold in self._holds:
            hold.release()
        servers, self._servers = self._servers, {}
        for server in servers.values():
            server.stop()

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- serving ---------------------------------------------------------------------------------------

    def _rerender(self) -> None:
        rendering = render_site(self._catalog, self._published, self._base_urls)
        with self._lock:
            self._rendering = rendering

    def _respond(self, outlet: str, method: str, target: str, agent: str = "") -> Page:
        page = self._page(outlet, method, target)
        if self._holds and page.status == 200:
            kind = self._rendering.kinds[outlet].get(urlsplit(target).path or "/")
            for hold in self._holds:
                if hold.matches(kind, agent):
                    hold.enter(agent)
        return page

    def _page(self, outlet: str, method: str, target: str) -> Page:
        if self.delay > 0:
            time.sleep(self.delay)
        parts = urlsplit(target)
        path = parts.path or "/"
        with self._lock:
            rendering = self._rendering
            if (outlet, path) in rendering.fails_first and (outlet, path) not in self._failed_once:
                self._failed_once.add((outlet, path))
                return Page(500, "text/html", _SERVER_ERROR)
        routes = rendering.routes[outlet]
        post_id = parse_qs(parts.query).get("p", [""])[0]
        if outlet == HARBOUR and path == "/" and post_id.isdigit():
            # WordPress shortlinks (?p=ID), which the RSS guids use.
            post = rendering.shortlinks.get(int(post_id))
            if post is not None:
                return Page(
                    301, "text/html; charset=UTF-8", b"", (("Location", self._base_urls[outlet] + post),)
                )
        page = routes.get(path)
        if page is None and outlet == HARBOUR and not path.endswith("/") and path + "/" in routes:
            # WordPress canonicalises permalinks to their trailing-slash form.
            return Page(
                301, "text/html; charset=UTF-8", b"", (("Location", self._base_urls[outlet] + path + "/"),)
            )
        if page is not None and path in self._revisions:
            old, new = self._revisions[path]
            page = dataclasses.replace(page, body=page.body.replace(old, new))
        return page if page is not None else rendering.not_found[outlet]

    def hold(
        self,
        kind: str | None = None,
        agent: str | None = None,
        after: int = 0,
        all_waiting: Iterable[str] = (),
        bound: float = 120.0,
    ) -> Hold:
        """Hold back the answers (200s) to matching requests from now on; see :class:`Hold`."""
        hold = Hold(kind, agent, after, frozenset(all_waiting), bound)
        with self._lock:
            self._holds = [*self._holds, hold]
        return hold

    # -- public state ----------------------------------------------------------------------------------

    @property
    def outlets(self) -> dict[str, Outlet]:
        self._require_started()
        return dict(self._outlets)

    @property
    def base_urls(self) -> list[str]:
        self._require_started()
        return [self._outlets[o].base_url for o in OUTLETS]

    @property
    def request_log(self) -> RequestLog:
        return self._log

    def paths_requested(self, outlet: str) -> set[str]:
        """Request targets seen by one outlet (as sent, query string included)."""
        return {r.path for r in self._log if r.outlet == outlet}

    def hidden_articles(self) -> list[Article]:
        """Stories not yet published; pass their slugs to :meth:`publish`."""
        return [a for a in self._catalog.articles if a.key not in self._published]

    def revise(self, url: str, old: str, new: str) -> None:
        """Correct a published article in place (same URL, new text), as newsrooms do after publication."""
        path = urlsplit(url).path
        with self._lock:
            self._revisions[path] = (old.encode("utf-8"), new.encode("utf-8"))

    def publish(self, slugs: Iterable[str]) -> None:
        """Make hidden stories live: their pages, and their entries in listings, sitemaps and the feed."""
        hidden = {a.slug: a.key for a in self.hidden_articles()}
        keys = set()
        for slug in slugs:
            if slug not in hidden:
                raise KeyError(f"no hidden article with slug {slug!r}")
            keys.add(hidden[slug])
        self._published = self._published | keys
        self._rerender()
        logger.info("published %d hidden article(s)", len(keys))

    # -- ground truth ----------------------------------------------------------------------------------

    def expected_articles(self) -> list[ExpectedArticle]:
        self._require_started()
        return expected_articles(self._catalog, self._rendering, self._published, self._base_urls)

    def expected_duplicates(self) -> list[ExpectedDuplicate]:
        self._require_started()
        return expected_duplicates(self._catalog, self._published, self._base_urls)

    def expected_rejected(self, include_linked: bool = False) -> list[ExpectedRejection]:
        """Sitemap-listed pages a crawler fetches but must not write; ``include_linked`` adds hub pages."""
        self._require_started()
        return expected_rejected(self._catalog, self._rendering, self._base_urls, include_linked)

    def expected_redirects(self) -> list[ExpectedRedirect]:
        self._require_started()
        return expected_redirects(self._catalog, self._base_urls)

    def disallowed_paths(self) -> list[str]:
        return disallowed_paths(self._catalog)

    def _require_started(self) -> None:
        if not self._outlets:
            raise RuntimeError("start the NewsSite first: URLs are only known once the ports are bound")
