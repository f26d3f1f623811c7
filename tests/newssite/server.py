"""A threaded loopback HTTP server for one outlet; it only copies out responses that the site prepared.

Routing and state live in NewsSite; this module knows HTTP (keep-alive, HEAD, gzip, ETag and 304, quiet logging)
only.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.newssite.model import Page, RequestRecord

logger = logging.getLogger(__name__)

#: (outlet, method, request target, User-Agent) -> the page to send.
Responder = Callable[[str, str, str, str], Page]
Recorder = Callable[[RequestRecord], None]


class OutletServer(ThreadingHTTPServer):
    """Serves one outlet on (host, port); port 0 lets the OS pick a free one."""

    daemon_threads = True

    def __init__(
        self, outlet: str, host: str, port: int, respond: Responder, record: Recorder, software: str
    ) -> None:
        self.outlet = outlet
        self.respond = respond
        self.record = record
        self.software = software
        #: Answers 200s with an ETag, and a request whose If-None-Match names it with 304 (as most servers do).
        self.etags = True
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"newssite-{self.outlet}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and wait for the serving thread."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-response are routine for a crawler test site: keep stderr clean.
        # socketserver only calls this from inside its except block, so exc_info is the live exception.
        logger.debug("%s: error while serving %s", self.outlet, client_address, exc_info=True)  # noqa: LOG014


class _Handler(BaseHTTPRequestHandler):
    server: OutletServer
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections are dropped after this many seconds, so stop() never waits on a client.
    timeout = 10

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        page = self.server.respond(
            self.server.outlet, self.command, self.path, self.headers.get("User-Agent", "")
        )
        body = page.body
        headers = list(page.headers)
        status = page.status
        if self.server.etags and status == 200:
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'  # noqa: S324 - a version tag, not security
            headers.append(("ETag", etag))
            if etag in (self.headers.get("If-None-Match") or ""):
                status, body = 304, b""
        if page.compressible and "gzip" in self.headers.get("Accept-Encoding", "") and body:
            body = gzip.compress(body, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        if page.compressible:
            headers.append(("Vary", "Accept-Encoding"))
        self.server.record(
            RequestRecord(
                outlet=self.server.outlet,
                method=self.command,
                path=self.path,
                status=status,
                user_agent=self.headers.get("User-Agent", ""),
                time=time.time(),
            )
        )
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", page.content_type)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def version_string(self) -> str:
        return self.server.software

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature fixed by the base class
        logger.debug("%s %s", self.server.outlet, format % args)
