"""A local HTTP server for archive files: ``Range`` requests, one 503 with ``Retry-After`` on demand, and a
connection that breaks mid-way on demand, as public buckets behave on a bad day."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType


class ArchiveServer:
    """Serves ``files`` (URL path -> bytes) on 127.0.0.1. ``fail_first``: paths whose first request gets a 503;
    ``break_after``: path -> bytes after which the first response's connection is closed."""

    def __init__(
        self,
        files: dict[str, bytes],
        fail_first: set[str] | None = None,
        break_after: dict[str, int] | None = None,
    ) -> None:
        self.files = files
        self.fail_first = set(fail_first or ())
        self.break_after = dict(break_after or {})
        self.requests: list[tuple[str, str | None, int]] = []  # path, Range header, status
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._serve(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> ArchiveServer:
        self.thread.start()
        return self

    def __exit__(self, kind: type | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        asked = handler.headers.get("Range")
        with self._lock:
            first_failure = path in self.fail_first
            self.fail_first.discard(path)
            cut = self.break_after.pop(path, None)
        data = self.files.get(path)
        if data is None:
            self._log(path, asked, 404)
            handler.send_error(404)
            return
        if first_failure:
            self._log(path, asked, 503)
            handler.send_response(503)
            handler.send_header("Retry-After", "0")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        start = 0
        if asked and asked.startswith("bytes="):
            start = int(asked[len("bytes=") :].split("-")[0])
        body = data[start:]
        status = 206 if start else 200
        self._log(path, asked, status)
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Accept-Ranges", "bytes")
        if start:
            handler.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        handler.end_headers()
        if cut is not None:
            handler.wfile.write(body[:cut])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        handler.wfile.write(body)

    def _log(self, path: str, asked: str | None, status: int) -> None:
        with self._lock:
            self.requests.append((path, asked, status))


def serve_folder(folder: Path, prefix: str = "/") -> dict[str, bytes]:
    """Every file under ``folder`` keyed by its URL path."""
    return {prefix + str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
