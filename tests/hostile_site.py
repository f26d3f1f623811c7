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
