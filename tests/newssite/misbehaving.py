"""The Fenwick Valley Chronicle: a third outlet whose server misbehaves on purpose, for robustness crawls.

Good articles sit among pages that reset the connection, stall past any timeout, throttle with 429, redirect
in a loop, trap a link follower in an endless calendar, lie about their charset, explode when gunzipped, weigh
30 MB, and sitemaps and feeds that are not what they claim. ``MisbehavingSite`` serves it on 127.0.0.3 (or
127.0.0.1 where that cannot be bound) with a port the OS picks, and publishes its ground truth: the articles a
correct crawler writes (:meth:`MisbehavingSite.expected_articles`) and what each bad page does
(:meth:`MisbehavingSite.bad_pages`).

The misbehaviour needs the raw socket (no response at all, a reset, a body cut off or never ending), so this
outlet has its own small handler instead of the prepared-page server of the other two outlets.
"""

from __future__ import annotations

import gzip
import html
import json
import logging
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from tests.newssite.model import ExpectedArticle, RequestRecord
from tests.newssite.site import RequestLog, loopback_available
from tests.newssite.stories_misbehaving import (
    BAKERY,
    BUS_LANE,
    CHEESE_DAIRY,
    CHRISTMAS_MARKET,
    FLOOD_BARRIER,
    LIBRARY,
    ROBOTICS,
    STORIES,
    Story,
)

logger = logging.getLogger(__name__)

OUTLET = "chronicle"
TITLE = "Fenwick Valley Chronicle"
PREFERRED_HOST = "127.0.0.3"
SOFTWARE = "nginx/1.24.0"
FOOTER = "Fenwick Valley Chronicle, Market Street, Fenwick. All rights reserved."

# -- the bad pages (paths; every one is an article URL by its shape, listed in the sitemap) -----------------
RESET = "/news/2026/11/18/planning-committee-live-notes/"
RESET_MID_BODY = "/news/2026/11/18/winter-gritting-routes-published/"
STALL = "/news/2026/11/18/harvest-festival-photo-competition-results/"
STALL_MID_BODY = "/news/2026/11/18/bin-collection-changes-over-christmas/"
THROTTLED = LIBRARY.path  # a good article behind a few 429s
ALWAYS_THROTTLED = "/news/2026/11/18/weekend-sport-round-up/"
REDIRECT_LOOP_A = "/news/2026/11/18/road-closure-map/"
REDIRECT_LOOP_B = "/news/2026/11/18/road-closure-map-latest/"
REDIRECT_CHAIN = "/news/2026/11/18/market-square-consultation-extended/"
GZIP_BOMB = "/news/2026/11/18/council-budget-papers-in-full/"
GZIP_BOMB_LAYERED = "/news/2026/11/18/election-results-ward-by-ward/"
HUGE = "/news/2026/11/18/planning-applications-archive/"
HUGE_CHUNKED = "/news/2026/11/18/letters-to-the-editor-archive/"
CHARSET_LATIN1_LABEL = CHRISTMAS_MARKET.path  # says ISO-8859-1, is UTF-8
CHARSET_UTF8_LABEL = CHEESE_DAIRY.path  # says UTF-8, is windows-1252
# -- discovery documents ----------------------------------------------------------------------------------
SITEMAP = "/sitemap.xml"
SITEMAP_HTML = "/sitemap-news.xml"  # a soft-error HTML page served with 200
SITEMAP_TRUNCATED_GZIP = "/sitemap-archive.xml.gz"  # gzip magic, then cut off mid-stream
FEED_BROKEN_DATES = "/feed/"
FEED_OUT_OF_RANGE_DATE = "/feeds/schools.atom"
CALENDAR_PREFIX = "/events/"
CALENDAR_START = date(2026, 11, 18)

#: Where each good article can be found (the 429 one only in the sitemap, one only in each feed).
ROUTES = {
    BUS_LANE.key: ("sitemap", "home", "feed"),
    BAKERY.key: ("sitemap", "home", "feed"),
    FLOOD_BARRIER.key: ("feed",),
    LIBRARY.key: ("sitemap",),
    ROBOTICS.key: ("atom",),
    CHRISTMAS_MARKET.key: ("sitemap", "feed"),
    CHEESE_DAIRY.key: ("sitemap",),
}


def calendar_path(day: date) -> str:
    return f"{CALENDAR_PREFIX}{day:%Y/%m/%d}/"


# ------------------------------------------------------------------------------------------------ markup


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _chrome(title: str, body: str, *, lang: str = "en", charset: str = "utf-8", head: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
{head}
<link rel="alternate" type="application/rss+xml" title="{TITLE}" href="{FEED_BROKEN_DATES}">
<link rel="alternate" type="application/atom+xml" title="Schools" href="{FEED_OUT_OF_RANGE_DATE}">
</head>
<body>
<header class="masthead">
<a class="brand" href="/">{TITLE}</a>
<nav><a href="/">Home</a> <a href="{calendar_path(CALENDAR_START)}">What's on</a></nav>
</header>
<main>
{body}
</main>
<footer><p>{FOOTER}</p></footer>
</body>
</html>
"""


def render_article(story: Story, url: str, charset: str = "utf-8") -> str:
    published = datetime.fromisoformat(story.published)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published,
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": TITLE},
        "inLanguage": story.lang,
        "mainEntityOfPage": url,
    }
    head = "\n".join(
        [
            f'<meta name="description" content="{_esc(story.standfirst)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{_esc(story.title)}">',
            f'<meta property="og:site_name" content="{TITLE}">',
            f'<meta property="article:published_time" content="{story.published}">',
            f'<meta name="author" content="{_esc(story.author)}">',
            f'<link rel="canonical" href="{_esc(url)}">',
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>',
        ]
    )
    paragraphs = "\n".join(f"<p>{_esc(p)}</p>" for p in story.paragraphs)
    body = f"""<article>
<p class="kicker">{_esc(story.section)}</p>
<h1>{_esc(story.title)}</h1>
<p class="standfirst">{_esc(story.standfirst)}</p>
<p class="byline">By {_esc(story.author)}, <time datetime="{story.published}">{published:%d %B %Y}</time></p>
<div class="article-body">
{paragraphs}
</div>
</article>"""
    return _chrome(f"{story.title} | {TITLE}", body, lang=story.lang, charset=charset, head=head)


def render_home() -> str:
    teasers = "\n".join(
        f'<li><a href="{s.path}">{_esc(s.title)}</a><p>{_esc(s.standfirst)}</p></li>'
        for s in STORIES
        if "home" in ROUTES[s.key]
    )
    body = f"""<h1>Latest news</h1>
<ul class="teasers">
{teasers}
</ul>
<p class="whats-on"><a href="{calendar_path(CALENDAR_START)}">See what's on in the valley today</a></p>"""
    return _chrome(f"{TITLE}: news from the Fenwick Valley", body)


_EVENTS = (
    "10:00 Rhyme time for toddlers, Central Library",
    "11:30 Guided walk along the riverside path, meet at Town Bridge",
    "14:00 Repair cafe: bring a broken lamp or a torn coat, St Anne's Hall",
    "18:30 Choir rehearsal, open to new voices, Methodist Church",
    "19:30 Quiz night in aid of the lifeboat station, The Drovers Arms",
    "20:00 Folk session, upstairs at the Corn Exchange",
)


def render_calendar(day: date) -> str:
    """One day of an endless events calendar: each page links to days and months that exist nowhere else."""
    events = "\n".join(f"<li>{_esc(_EVENTS[(day.toordinal() + i) % len(_EVENTS)])}</li>" for i in range(3))
    links = [
        (day - timedelta(days=1), "Previous day"),
        (day + timedelta(days=1), "Next day"),
        (_shift_month(day, -1), "Previous month"),
        (_shift_month(day, 1), "Next month"),
    ]
    pager = " ".join(f'<a href="{calendar_path(d)}">{label}: {d:%d %B %Y}</a>' for d, label in links)
    body = f"""<h1>What's on: {day:%A %d %B %Y}</h1>
<ul class="events">
{events}
</ul>
<nav class="pager">{pager}</nav>"""
    return _chrome(f"What's on, {day:%d %B %Y} | {TITLE}", body)


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))


def _rfc822(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S +0000")


# -------------------------------------------------------------------------------------------------- site


class MisbehavingSite:
    """The misbehaving outlet, started and stopped as a context manager.

    ``stall_seconds`` bounds how long a stalled response waits (stopping the site ends every stall at once),
    ``throttle_responses`` is how many 429s the throttled article answers before its page, and ``bomb_bytes``
    / ``huge_bytes`` size the gzip bombs (uncompressed) and the oversized pages (``chunked_bytes``, when given,
    the chunked one alone).
    """

    def __init__(
        self,
        *,
        stall_seconds: float = 60.0,
        throttle_responses: int = 2,
        retry_after: int = 1,
        bomb_bytes: int = 1 << 30,
        huge_bytes: int = 30 << 20,
        chunked_bytes: int | None = None,
        port: int = 0,
    ) -> None:
        self.stall_seconds = stall_seconds
        self.throttle_responses = throttle_responses
        self.retry_after = retry_after
        self.bomb_bytes = bomb_bytes
        self.huge_bytes = huge_bytes
        self.chunked_bytes = huge_bytes if chunked_bytes is None else chunked_bytes
        self._port = port
        self._log = RequestLog()
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""
        self._bomb = b""
        self._layered_bomb = b""
        self._truncated_gzip = b""

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> MisbehavingSite:
        if self._server is not None or self._stopping.is_set():
            raise RuntimeError("a MisbehavingSite starts once")
        host = PREFERRED_HOST
        if not loopback_available(host):
            logger.warning("cannot bind %s; serving the misbehaving outlet on 127.0.0.1", host)
            host = "127.0.0.1"
        self._bomb, self._layered_bomb = _gzip_bombs(self.bomb_bytes)
        self._server = _Server((host, self._port), self)
        self._base_url = f"http://{host}:{self._server.server_address[1]}"
        self._truncated_gzip = _truncated_sitemap(self._base_url)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="newssite-misbehaving",
            daemon=True,
        )
        self._thread.start()
        logger.info("misbehaving outlet serving %s", self._base_url)
        return self

    def stop(self) -> None:
        """End every stalled response, stop accepting and release the port; safe to call twice."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> MisbehavingSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- public state ------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("start the MisbehavingSite first: its URL is known once the port is bound")
        return self._base_url

    @property
    def request_log(self) -> RequestLog:
        return self._log

    def url(self, path: str) -> str:
        return self.base_url + path

    def requests_to(self, path: str, *, prefix: bool = False) -> list[RequestRecord]:
        """Requests whose path (query string dropped) is ``path``, or starts with it when ``prefix``."""

        def matches(record: RequestRecord) -> bool:
            target = urlsplit(record.path).path
            return target.startswith(path) if prefix else target == path

        return [r for r in self._log if matches(r)]

    def expected_articles(self) -> list[ExpectedArticle]:
        """Every good article, as a correct crawler writes it (the charset liars with their accents intact)."""
        return [
            ExpectedArticle(
                url=self.url(s.path),
                outlet=OUTLET,
                slug=s.key,
                lang=s.lang,
                title=s.title,
                must_contain=list(s.checks),
                must_not_contain=[FOOTER, "Rhyme time for toddlers", "See what's on"],
                date_published=s.published,
                authors=[s.author],
            )
            for s in STORIES
        ]

    def bad_pages(self) -> dict[str, str]:
        """URL of each misbehaving page or document -> what it does."""
        return {
            self.url(RESET): "closes the connection with a TCP reset before answering",
            self.url(RESET_MID_BODY): "sends headers and part of the body, then resets the connection",
            self.url(STALL): f"accepts the request and answers nothing for {self.stall_seconds:g}s",
            self.url(STALL_MID_BODY): "sends headers and part of the body, then stalls",
            self.url(THROTTLED): (
                f"429 with Retry-After: {self.retry_after} {self.throttle_responses} times, then the article"
            ),
            self.url(ALWAYS_THROTTLED): f"429 with Retry-After: {self.retry_after}, every time",
            self.url(REDIRECT_LOOP_A): f"302 to {REDIRECT_LOOP_B}, which redirects back here",
            self.url(REDIRECT_CHAIN): "302 to ?hop=N+1, for ever (a new URL at every hop)",
            self.url(GZIP_BOMB): (
                f"Content-Encoding: gzip, {len(self._bomb)} bytes compressed, {self.bomb_bytes} uncompressed"
            ),
            self.url(GZIP_BOMB_LAYERED): (
                f"Content-Encoding: gzip, gzip, {len(self._layered_bomb)} bytes compressed,"
                f" {self.bomb_bytes} uncompressed"
            ),
            self.url(HUGE): f"an HTML page of {self.huge_bytes} bytes, with Content-Length",
            self.url(HUGE_CHUNKED): (
                f"an HTML page of {self.chunked_bytes} bytes, chunked (no Content-Length), two Set-Cookie headers"
            ),
            self.url(CHARSET_LATIN1_LABEL): "declares ISO-8859-1 (header and meta), body is UTF-8 French",
            self.url(CHARSET_UTF8_LABEL): "declares UTF-8 (header and meta), body is windows-1252 French",
            self.url(SITEMAP_HTML): "robots.txt sitemap that is an HTML error page served with 200",
            self.url(SITEMAP_TRUNCATED_GZIP): "robots.txt sitemap: gzip cut off mid-stream",
            self.url(FEED_BROKEN_DATES): "RSS feed whose pubDates are unreadable, zero or in the year 2999",
            self.url(FEED_OUT_OF_RANGE_DATE): "Atom feed with <updated>0001-01-01T00:00:00+01:00</updated>",
            self.url(
                calendar_path(CALENDAR_START)
            ): "calendar: every day links to new days and months, endlessly",
        }

    # -- serving -----------------------------------------------------------------------------------------

    def handle(self, h: _Handler) -> None:
        """Route one request; each behaviour records it in the log before it acts."""
        path = urlsplit(h.path).path or "/"
        special: dict[str, Callable[[_Handler], None]] = {
            RESET: self._reset,
            RESET_MID_BODY: self._reset_mid_body,
            STALL: self._stall,
            STALL_MID_BODY: self._stall_mid_body,
            THROTTLED: self._throttled,
            ALWAYS_THROTTLED: self._always_throttled,
            REDIRECT_LOOP_A: lambda h: self._redirect(h, REDIRECT_LOOP_B),
            REDIRECT_LOOP_B: lambda h: self._redirect(h, REDIRECT_LOOP_A),
            REDIRECT_CHAIN: self._redirect_chain,
            GZIP_BOMB: lambda h: self._bytes(h, 200, "text/html", self._bomb, [("Content-Encoding", "gzip")]),
            GZIP_BOMB_LAYERED: lambda h: self._bytes(
                h, 200, "text/html", self._layered_bomb, [("Content-Encoding", "gzip, gzip")]
            ),
            HUGE: lambda h: self._huge(h, chunked=False),
            HUGE_CHUNKED: lambda h: self._huge(h, chunked=True),
            CHARSET_LATIN1_LABEL: lambda h: self._bytes(
                h,
                200,
                "text/html; charset=iso-8859-1",
                render_article(CHRISTMAS_MARKET, self.url(CHRISTMAS_MARKET.path), "iso-8859-1").encode(),
            ),
            CHARSET_UTF8_LABEL: lambda h: self._bytes(
                h,
                200,
                "text/html; charset=utf-8",
                render_article(CHEESE_DAIRY, self.url(CHEESE_DAIRY.path), "utf-8").encode("cp1252"),
            ),
            "/": lambda h: self._text(h, 200, "text/html; charset=utf-8", render_home()),
            "/robots.txt": lambda h: self._text(h, 200, "text/plain; charset=utf-8", self._robots()),
            SITEMAP: lambda h: self._text(h, 200, "application/xml; charset=utf-8", self._sitemap()),
            SITEMAP_HTML: lambda h: self._text(h, 200, "text/html; charset=utf-8", _SOFT_ERROR),
            SITEMAP_TRUNCATED_GZIP: lambda h: self._bytes(h, 200, "application/x-gzip", self._truncated_gzip),
            FEED_BROKEN_DATES: lambda h: self._text(
                h, 200, "application/rss+xml; charset=utf-8", self._rss()
            ),
            FEED_OUT_OF_RANGE_DATE: lambda h: self._text(
                h, 200, "application/atom+xml; charset=utf-8", self._atom()
            ),
        }
        behaviour = special.get(path)
        if behaviour is not None:
            behaviour(h)
            return
        story = next((s for s in STORIES if s.path == path), None)
        if story is not None:
            self._text(h, 200, "text/html; charset=utf-8", render_article(story, self.url(story.path)))
            return
        day = _calendar_day(path)
        if day is not None:
            self._text(h, 200, "text/html; charset=utf-8", render_calendar(day))
            return
        self._text(h, 404, "text/html; charset=utf-8", _NOT_FOUND)

    def _record(self, h: _Handler, status: int) -> None:
        """Log the request as it arrives; ``status`` 0 means no HTTP response was (or will be) sent."""
        self._log.append(
            RequestRecord(OUTLET, h.command, h.path, status, h.headers.get("User-Agent", ""), time.time())
        )

    # behaviours -----------------------------------------------------------------------------------------

    def _text(self, h: _Handler, status: int, content_type: str, text: str) -> None:
        self._bytes(h, status, content_type, text.encode("utf-8"))

    def _bytes(
        self,
        h: _Handler,
        status: int,
        content_type: str,
        body: bytes,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self._record(h, status)
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for name, value in headers or []:
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _redirect(self, h: _Handler, target: str) -> None:
        self._record(h, 302)
        h.send_response(302)
        h.send_header("Location", self.url(target))
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "0")
        h.end_headers()

    def _redirect_chain(self, h: _Handler) -> None:
        hop = parse_qs(urlsplit(h.path).query).get("hop", ["0"])[0]
        self._redirect(h, f"{REDIRECT_CHAIN}?hop={int(hop) + 1 if hop.isdigit() else 1}")

    def _reset(self, h: _Handler) -> None:
        self._record(h, 0)
        h.reset()

    def _reset_mid_body(self, h: _Handler) -> None:
        self._record(h, 200)
        body = render_article(BUS_LANE, self.url(RESET_MID_BODY)).encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 3])
        h.wfile.flush()
        h.reset()

    def _stall(self, h: _Handler) -> None:
        self._record(h, 0)
        self._stopping.wait(self.stall_seconds)
        h.close_connection = True

    def _stall_mid_body(self, h: _Handler) -> None:
        self._record(h, 200)
        body = render_article(BAKERY, self.url(STALL_MID_BODY)).encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[:2000])
        h.wfile.flush()
        self._stopping.wait(self.stall_seconds)
        h.close_connection = True

    def _throttled(self, h: _Handler) -> None:
        with self._lock:
            self._hits[THROTTLED] += 1
            hits = self._hits[THROTTLED]
        if hits <= self.throttle_responses:
            self._too_many(h)
        else:
            self._text(h, 200, "text/html; charset=utf-8", render_article(LIBRARY, self.url(LIBRARY.path)))

    def _always_throttled(self, h: _Handler) -> None:
        self._too_many(h)

    def _too_many(self, h: _Handler) -> None:
        self._record(h, 429)
        body = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
        h.send_response(429)
        h.send_header("Content-Type", "text/html")
        h.send_header("Retry-After", str(self.retry_after))
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _huge(self, h: _Handler, *, chunked: bool) -> None:
        """An archive page of ``huge_bytes`` (``chunked_bytes``), streamed: the server never holds it whole."""
        self._record(h, 200)
        size = self.chunked_bytes if chunked else self.huge_bytes
        h.close_connection = True
        block = (
            b"<p>" + b"Planning application 26/0412: single-storey rear extension. " * 16 + b"</p>\n"
        ) * 64
        head = b"<!DOCTYPE html><html><head><title>Archive</title></head><body>\n"
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
            # Repeated headers, which a client must keep apart (cookies cannot be joined with commas).
            h.send_header("Set-Cookie", "archive_session=1; Path=/")
            h.send_header("Set-Cookie", "archive_consent=yes; Path=/")
        else:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        sent = 0
        try:
            while sent < size and not self._stopping.is_set():
                piece = (head if sent == 0 else block)[: size - sent]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            if chunked:
                h.wfile.write(b"0\r\n\r\n")
        except OSError:
            logger.debug("client hung up after %d bytes of %s", sent, h.path)

    # documents ------------------------------------------------------------------------------------------

    def _robots(self) -> str:
        return (
            "User-agent: *\nDisallow: /search/\n\n"
            f"Sitemap: {self.url(SITEMAP)}\n"
            f"Sitemap: {self.url(SITEMAP_HTML)}\n"
            f"Sitemap: {self.url(SITEMAP_TRUNCATED_GZIP)}\n"
        )

    def _sitemap(self) -> str:
        paths = [s.path for s in STORIES if "sitemap" in ROUTES[s.key]] + [
            RESET,
            RESET_MID_BODY,
            STALL,
            STALL_MID_BODY,
            ALWAYS_THROTTLED,
            REDIRECT_LOOP_A,
            REDIRECT_CHAIN,
            GZIP_BOMB,
            GZIP_BOMB_LAYERED,
            HUGE,
            HUGE_CHUNKED,
        ]
        return _urlset(self.url(p) for p in paths)

    def _rss(self) -> str:
        """Good entries whose dates are broken in the ways CMSs break them; one entry has no link at all."""
        dated = [
            (FLOOD_BARRIER, "Fri, 31 Dec 2999 23:59:59 GMT"),
            (BUS_LANE, "0000-00-00 00:00:00"),
            (BAKERY, "Wednesday 18th Novembre 2026, 7:05am"),
            (CHRISTMAS_MARKET, "Mon, 31 Feb 2026 25:61:00 +0000"),
        ]
        items = [
            f"""<item>
<title>{_esc(s.title)}</title>
<link>{self.url(s.path)}</link>
<guid isPermaLink="true">{self.url(s.path)}</guid>
<description>{_esc(s.standfirst)}</description>
<pubDate>{pub}</pubDate>
</item>"""
            for s, pub in dated
        ]
        items.append(
            "<item>\n<title>Live: council budget meeting</title>\n<link></link>\n"
            "<pubDate>2026-11-18T14:30:00+25:00</pubDate>\n</item>"
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{TITLE}</title>
<link>{self.base_url}/</link>
<description>News from the Fenwick Valley</description>
<lastBuildDate>{_rfc822(LIBRARY.published)}</lastBuildDate>
{chr(10).join(items)}
</channel>
</rss>
"""

    def _atom(self) -> str:
        """A schools feed whose one entry carries .NET's DateTime.MinValue with a UTC offset."""
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{TITLE}: Schools</title>
<id>{self.url(FEED_OUT_OF_RANGE_DATE)}</id>
<updated>{ROBOTICS.published}</updated>
<entry>
<title>{_esc(ROBOTICS.title)}</title>
<link rel="alternate" href="{self.url(ROBOTICS.path)}"/>
<id>{self.url(ROBOTICS.path)}</id>
<updated>0001-01-01T00:00:00+01:00</updated>
<summary>{_esc(ROBOTICS.standfirst)}</summary>
</entry>
</feed>
"""


_SOFT_ERROR = """<!DOCTYPE html>
<html><head><title>Temporarily unavailable</title></head>
<body><h1>Sorry, this page is temporarily unavailable</h1>
<p>Our news sitemap is being rebuilt. Please try again in a few minutes.</p></body></html>
"""

_NOT_FOUND = """<!DOCTYPE html>
<html><head><title>Page not found</title></head>
<body><h1>Page not found</h1><p>The page you asked for does not exist.</p></body></html>
"""


def _calendar_day(path: str) -> date | None:
    if not path.startswith(CALENDAR_PREFIX):
        return None
    parts = path[len(CALENDAR_PREFIX) :].strip("/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def _urlset(urls: Iterable[str]) -> str:
    entries = "\n".join(f"  <url><loc>{_esc(u)}</loc><lastmod>2026-11-18</lastmod></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</urlset>\n"
    )


def _gzip_bombs(size: int) -> tuple[bytes, bytes]:
    """A page of ``size`` bytes (mostly spaces) as concatenated gzip members, and that gzipped again.

    Concatenated members are one valid gzip stream (RFC 1952), so a megabyte compressed once is repeated
    instead of compressing a gigabyte; the second layer brings the whole to a few kilobytes.
    """
    head = b"<!DOCTYPE html><html><head><title>Budget papers</title></head><body><p>"
    block = 1 << 20
    member = gzip.compress(b" " * block, compresslevel=9, mtime=0)
    count, rest = divmod(max(size - len(head), 0), block)
    single = gzip.compress(head, mtime=0) + member * count + gzip.compress(b" " * rest, mtime=0)
    return single, gzip.compress(single, compresslevel=9, mtime=0)


def _truncated_sitemap(base_url: str) -> bytes:
    full = gzip.compress(_urlset(base_url + s.path for s in STORIES).encode(), mtime=0)
    return full[: len(full) // 2]


# -------------------------------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: MisbehavingSite) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients giving up on a stalled or oversized page are the point of this outlet: keep stderr clean.
        logger.debug("misbehaving outlet: error while serving %s", client_address, exc_info=True)  # noqa: LOG014


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 5

    def do_GET(self) -> None:
        self.server.site.handle(self)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), whatever was sent so far."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The socket closes for real only once its file objects are closed too.
        self.rfile.close()
        self.connection.close()

    def version_string(self) -> str:
        return SOFTWARE

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature fixed by the base class
        logger.debug("%s %s", OUTLET, format % args)
