"""A fast static HTTP/1.1 server for the crawl benchmark: every response is built in memory before it listens.

Usage::

    .venv/bin/python benchmarks/bench_server.py SITE_DIR --port 8000
    .venv/bin/python benchmarks/bench_server.py SITE_DIR --fd 3     # a listening socket passed by the parent

It prints one line, ``listening on http://HOST:PORT/``, once every response is ready, and serves until SIGINT or
SIGTERM. A file is served at its path relative to ``SITE_DIR``; ``index.html`` also at its folder's path;
``NAME.gz`` as ``NAME`` with ``Content-Encoding: gzip`` (decompressed for a client that does not accept gzip).
``GET /__stats`` answers the counts served so far (JSON) and is not counted itself. ``GET /__log?from=N``
answers the site's own log from its N-th entry on: ``[time, path, status]`` of every request served, the time
read from ``time.monotonic()`` (the system's monotonic clock, which the benchmark reads too), so a crawl's first
request is timed from the server's side.

Why not ``http.server`` or Twisted: the benchmark must measure the crawler, not the server. Here a request
costs a dictionary look-up and one ``transport.write`` of pre-built bytes on an asyncio event loop (uvloop when
it is installed), with keep-alive and pipelining, so one core serves thousands of pages a second; the crawl
benchmark reports this process's CPU time beside the crawler's to show it.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import signal
import socket
import sys
import time
from pathlib import Path

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".json": "application/json",
}


class Site:
    """Pre-built responses by path, and counters."""

    def __init__(self) -> None:
        self.gzipped: dict[bytes, bytes] = {}  # path -> full response with a gzip body
        self.identity: dict[bytes, bytes] = {}  # path -> full response with a plain body
        self.plain_of_gzipped: dict[bytes, tuple[str, bytes]] = {}  # built on demand
        self.requests = 0
        self.bytes_sent = 0
        self.by_status: dict[int, int] = {}
        self.log: list[tuple[float, str, int]] = []  # (monotonic time, path, status) of each request served

    @staticmethod
    def response(status: str, content_type: str, body: bytes, encoding: str | None = None) -> bytes:
        head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        if encoding:
            head.append(f"Content-Encoding: {encoding}")
            head.append("Vary: Accept-Encoding")
        return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body

    @staticmethod
    def content_type(name: str, body: bytes) -> str:
        suffix = Path(name).suffix.lower()
        kind = CONTENT_TYPES.get(suffix, "application/octet-stream")
        if kind.startswith(("text/", "application/xml")):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return kind  # let the page's own <meta charset> speak
            return kind + "; charset=utf-8"
        return kind

    def load(self, folder: Path) -> int:
        count = 0
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            relative = "/" + path.relative_to(folder).as_posix()
            data = path.read_bytes()
            if relative.endswith(".gz"):
                relative = relative[:-3]
                kind = self.content_type(relative, gzip.decompress(data))
                paths = self._paths(relative)
                for p in paths:
                    self.gzipped[p] = self.response("200 OK", kind, data, "gzip")
                    self.plain_of_gzipped[p] = (kind, data)
            else:
                kind = self.content_type(relative, data)
                for p in self._paths(relative):
                    self.identity[p] = self.response("200 OK", kind, data)
            count += 1
        return count

    @staticmethod
    def _paths(relative: str) -> list[bytes]:
        paths = [relative.encode("utf-8")]
        if relative.endswith("/index.html"):
            paths.append(relative[: -len("index.html")].encode("utf-8"))
        return paths

    def lookup(self, path: bytes, accepts_gzip: bool, query: bytes = b"") -> tuple[int, bytes]:
        if accepts_gzip and path in self.gzipped:
            return 200, self.gzipped[path]
        if path in self.identity:
            return 200, self.identity[path]
        if path in self.plain_of_gzipped:
            kind, data = self.plain_of_gzipped[path]
            built = self.response("200 OK", kind, gzip.decompress(data))
            self.identity[path] = built
            return 200, built
        if path == b"/__stats":
            stats = {"requests": self.requests, "bytes_sent": self.bytes_sent, "by_status": self.by_status}
            return 0, self.response("200 OK", "application/json", json.dumps(stats).encode("ascii"))
        if path == b"/__log":
            start = int(query.partition(b"from=")[2].split(b"&")[0] or 0)
            log = {"next": len(self.log), "entries": self.log[start:]}
            return 0, self.response("200 OK", "application/json", json.dumps(log).encode("utf-8"))
        return 404, self.response("404 Not Found", "text/plain", b"not found\n")


class HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and pipelining; GET and HEAD; request bodies are skipped."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self._close()
                return
            head, rest = self.buffer[:end], self.buffer[end + 4 :]
            lines = head.split(b"\r\n")
            parts = lines[0].split(b" ")
            if len(parts) != 3:
                self._close()
                return
            method, target, version = parts
            headers = b"\r\n".join(lines[1:]).lower()
            length = 0
            for line in lines[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:].strip() or 0)
            if len(rest) < length:
                return  # wait for the body
            self.buffer = rest[length:]
            self.respond(method, target, version, headers)
            if self.transport is None or self.transport.is_closing():
                return

    def respond(self, method: bytes, target: bytes, version: bytes, headers: bytes) -> None:
        site = self.site
        path, _, query = target.split(b"#", 1)[0].partition(b"?")
        if path.startswith((b"http://", b"https://")):
            path = b"/" + path.split(b"/", 3)[-1] if path.count(b"/") >= 3 else b"/"
        status, response = site.lookup(path, b"gzip" in headers, query)
        if status:
            site.requests += 1
            site.by_status[status] = site.by_status.get(status, 0) + 1
            site.log.append((time.monotonic(), path.decode("utf-8", "replace"), status))
        if method == b"HEAD":
            response = response[: response.find(b"\r\n\r\n") + 4]
        elif method != b"GET":
            response = site.response("405 Method Not Allowed", "text/plain", b"")
        assert self.transport is not None
        self.transport.write(response)
        site.bytes_sent += len(response)
        if version == b"HTTP/1.0" or b"connection: close" in headers:
            self._close()

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None


async def serve(site: Site, host: str, port: int, fd: int | None) -> None:
    loop = asyncio.get_running_loop()
    if fd is not None:
        sock = socket.socket(fileno=fd)
        server = await loop.create_server(lambda: HttpProtocol(site), sock=sock, backlog=1024)
    else:
        server = await loop.create_server(
            lambda: HttpProtocol(site), host, port, backlog=1024, reuse_address=True
        )
    bound = server.sockets[0].getsockname()
    print(f"listening on http://{bound[0]}:{bound[1]}/", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="folder to serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: the OS picks one (printed)")
    parser.add_argument("--fd", type=int, default=None, help="serve on this inherited listening socket")
    args = parser.parse_args(argv)
    site = Site()
    if not args.site.is_dir() or not site.load(args.site):
        print(f"nothing to serve in {args.site}", file=sys.stderr)
        return 2
    try:
        import uvloop  # type: ignore[import-not-found]

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    runner(serve(site, args.host, args.port, args.fd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
