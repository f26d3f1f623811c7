"""Archives over HTTP: streamed as they are read, never downloaded whole first, resumed where a broken
connection left them.

Why our own stream: an archive of 1 GB takes minutes to read, and connections to a public bucket break. The
reader sees one continuous file object; under it, a broken read reopens the URL with a ``Range`` request at the
byte it had reached (so no record is read twice or lost), and a 5xx or 503 answer is retried with back-off,
honouring ``Retry-After``. A server that ignores ``Range`` (200 instead of 206) is read up to that byte again.
"""

from __future__ import annotations

import gzip
import io
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import requests
import urllib3

logger = logging.getLogger(__name__)

USER_AGENT = "newscorpus (archive reader)"


class RemoteError(OSError):
    """An archive or listing that could not be fetched (after the retries)."""


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number of seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


class RemoteStream(io.RawIOBase):
    """A readable stream of ``url`` from byte ``offset`` on, reconnecting with ``Range`` when a read fails."""

    def __init__(
        self,
        url: str,
        offset: int = 0,
        *,
        retries: int = 5,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.url = url
        self.position = offset
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.timeout = timeout
        self.session = session or requests.Session()
        self.sleep = sleep
        self.size: int | None = None
        self.reconnects = 0
        self._response: Any = None
        self._raw: Any = None
        self._open()

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def _open(self) -> None:
        """(Re)open the URL at ``self.position``, retrying 5xx answers and connection errors."""
        for attempt in range(self.retries + 1):
            headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
            if self.position:
                headers["Range"] = f"bytes={self.position}-"
            wait = self.backoff * (2**attempt)
            try:
                response = self.session.get(self.url, headers=headers, stream=True, timeout=self.timeout)
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code in (200, 206):
                    self._start(response)
                    return
                if response.status_code == 416 and self.size is not None and self.position >= self.size:
                    response.close()  # asked past the end: the file is read
                    self._response = self._raw = None
                    return
                problem = f"HTTP {response.status_code}"
                asked = retry_after(response.headers.get("Retry-After"))
                response.close()
                if response.status_code < 500 and response.status_code != 429:
                    raise RemoteError(f"{self.url}: {problem}")
                if asked is not None:
                    wait = asked
            if attempt == self.retries:
                raise RemoteError(f"{self.url}: {problem} (after {self.retries + 1} attempts)")
            logger.warning("%s: %s; retrying in %.1fs", self.url, problem, min(wait, self.max_wait))
            self.sleep(min(wait, self.max_wait))

    def _start(self, response: Any) -> None:
        self._response = response
        self._raw = response.raw
        length = response.headers.get("Content-Length")
        if response.status_code == 206:
            total = (response.headers.get("Content-Range") or "").rpartition("/")[2]
            if total.isdigit():
                self.size = int(total)
        else:
            if length and length.isdigit():
                self.size = int(length)
            skip = self.position  # the server ignored Range: read up to where we were
            while skip > 0:
                chunk = self._raw.read(min(skip, 1 << 20))
                if not chunk:
                    raise RemoteError(f"{self.url}: shorter than the {self.position} bytes already read")
                skip -= len(chunk)

    def readinto(self, buffer: Any) -> int:
        for attempt in range(self.retries + 1):
            if self._raw is None:
                return 0
            try:
                data = self._raw.read(len(buffer))
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if data or self.size is None or self.position >= self.size:
                    buffer[: len(data)] = data
                    self.position += len(data)
                    return len(data)
                problem = f"connection closed at byte {self.position} of {self.size}"
            if attempt == self.retries:
                raise RemoteError(f"{self.url}: {problem}")
            logger.warning("%s: %s; resuming at byte %d", self.url, problem, self.position)
            self.reconnects += 1
            self._close_response()
            self.sleep(min(self.backoff * (2**attempt), self.max_wait))
            self._open()
        return 0

    def _close_response(self) -> None:
        if self._response is not None:
            self._response.close()
        self._response = self._raw = None

    def close(self) -> None:
        self._close_response()
        super().close()


def fetch_bytes(url: str, limit: int, **options: Any) -> bytes:
    """A whole small resource (a listing), through the same retries; gunzipped when its name ends in ``.gz``.
    Over ``limit`` bytes, compressed or not, it is refused: a listing is a few MB, a bigger one is no listing."""
    stream = RemoteStream(url, **options)
    try:
        data = read_capped(stream, limit)
    finally:
        stream.close()
    if data is None:
        raise RemoteError(f"{url}: over {limit} bytes, too large for a listing")
    if url.endswith(".gz"):
        try:
            data = read_capped(gzip.GzipFile(fileobj=io.BytesIO(data)), limit)
        except (OSError, EOFError) as exc:
            raise RemoteError(f"{url}: not a gzip file ({exc})") from None
        if data is None:
            raise RemoteError(f"{url}: over {limit} bytes once decompressed, too large for a listing")
    return data


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes | None: ...


def read_capped(stream: Readable, limit: int) -> bytes | None:
    """All of ``stream``, or None when it holds more than ``limit`` bytes (a gzip bomb stops there)."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    return None
