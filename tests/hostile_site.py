"""A small hostile web site for the tests of issue-style attacks: each test gives the pages it needs.

``HostileSite`` serves a table of paths on one loopback host (127.0.0.1, or 127.0.0.2 for "another host") with a
port the OS picks, and logs every request, so a test can say both what the crawl wrote and what it fetched.
A page can be a fixed answer or a function of the request (to stall, or to answer differently the second time).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    #: Seconds to wait before answering (a stalled server), bounded by the test's DOWNLOAD_TIMEOUT.
    stall: float = 0.0

    def data(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Answer | Callable[[str], Answer]


#: An article's paragraphs, long enough to pass the quality stage.
STORY = [
    "The harbour board voted on Tuesday to rebuild the north pier after the winter storms left it unsafe.",
    "Work starts in March and is expected to last eighteen months, the board's chair told the meeting.",
    "Fishing crews will move to the south quay while the pier is closed, at no cost to them, she said.",
    "The council will pay a third of the bill; the rest comes from the port's own reserves and a grant.",
    "Harbour users asked for the old lamp posts to be kept, and the board agreed to store them until the end.",
    "A public exhibition of the plans opens at the library next week, with staff on hand every afternoon.",
]

#: Another article, sharing nothing with :data:`STORY`.
MINUTES = [
    "The draft minutes of the board's November meeting record a long debate on the price of mooring permits.",
    "Members disagreed on whether visiting yachts should pay more in summer, and the vote was put off.",
    "The treasurer reported that the ferry company had paid its landing fees late for the third month.",
    "A letter from the lifeboat crew asked for a new slipway; the chair promised an answer by spring.",
    "The meeting closed at nine with thanks to the caretaker, who retires at Christmas after thirty years.",
    "The next meeting is on the second Tuesday of December, in the old customs house on the quay.",
]


def home_page(links: list[str]) -> str:
    """A start page linking to ``links``."""
    anchors = "".join(f"<li><a href='{href}'>story</a></li>" for href in links)
    return f"<!doctype html><html><head><title>Home</title></head><body><ul>{anchors}</ul></body></html>"


def article_page(title: str, paragraphs: list[str], head: str = "") -> str:
    """An article page trafilatura reads: a title, a date, paragraphs of text."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}"
        f"<meta property='article:published_time' content='2026-11-20T08:00:00Z'></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


class HostileSite:
    """Serves ``routes`` (path with query -> answer) on ``host``; unknown paths answer 404."""

    def __init__(self, host: str = "127.0.0.1", routes: dict[str, Route] | None = None) -> None:
        self.host = host
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def do_GET(self) -> None:
                with site._lock:
                    site.requests.append(self.path)
                route = site.routes.get(self.path)
                answer = (route(self.path) if callable(route) else route) or Answer(404, "<html>no</html>")
                if answer.stall:
                    site._stop.wait(answer.stall)
                data = answer.data()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the crawler gave up on a stalled answer

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def fetched(self, path: str) -> bool:
        with self._lock:
            return path in self.requests

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def closed_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
