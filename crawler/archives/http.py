"""An archived HTTP payload as a crawler would have received it: transfer and content encodings removed.

Why our own: archives store bodies three ways, often in one file. CC-NEWS stores them decoded and masks the
original headers as ``X-Crawler-Content-Encoding`` / ``X-Crawler-Transfer-Encoding``; wget and Heritrix store them
as received, still chunked and gzip- or brotli-encoded, with the headers that say so; some writers de-chunk but
keep the ``Transfer-Encoding`` header. A decoder must believe a header only when the body agrees with it, so a
stale header never turns a good page into garbage. The parsers' own automatic decoding does not make that check.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence

logger = logging.getLogger(__name__)

Headers = Sequence[tuple[str, str]]


def header(headers: Headers, name: str) -> str | None:
    """The first value of header ``name`` (case-insensitive), None when absent."""
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def content_type(headers: Headers) -> tuple[str, str | None]:
    """The MIME type (lower case, no parameters) and the charset the ``Content-Type`` header declares."""
    value = header(headers, "Content-Type") or ""
    mime, _, params = value.partition(";")
    charset = None
    for part in params.split(";"):
        key, _, val = part.strip().partition("=")
        if key.strip().lower() == "charset" and val.strip(' "'):
            charset = val.strip(' "').lower()
    return mime.strip().lower(), charset


def dechunk(body: bytes) -> bytes | None:
    """The body of a chunked transfer encoding, None when ``body`` is not validly chunked (a cut-off last chunk
    is kept as far as it goes: the record is then flagged truncated elsewhere)."""
    out = bytearray()
    position = 0
    size_seen = False
    while position < len(body):
        end = body.find(b"\n", position)
        if end == -1:
            return bytes(out) if size_seen else None
        line = body[position:end].strip().split(b";", 1)[0]
        try:
            size = int(line, 16)
        except ValueError:
            return None if not size_seen else bytes(out)
        size_seen = True
        position = end + 1
        if size == 0:
            return bytes(out)
        out += body[position : position + size]
        position += size
        if body[position : position + 2] == b"\r\n":
            position += 2
        elif body[position : position + 1] == b"\n":
            position += 1
    return bytes(out) if size_seen else None


def _inflate(body: bytes, encoding: str) -> bytes | None:
    try:
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send it
        if encoding == "br":
            import brotli

            return bytes(brotli.decompress(body))
    except Exception:  # a body that does not decode as its header says: the header is stale, keep the body
        return None
    return None


def decoded_payload(payload: bytes, headers: Headers) -> tuple[bytes, str | None]:
    """The payload with its transfer and content encodings removed, and the encoding left in place when one
    could not be removed (None: the body is plain). Masked ``X-Crawler-*`` headers are not encodings."""
    body = payload
    transfer = (header(headers, "Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        plain = dechunk(body)
        if plain is not None:
            body = plain
    encoding = (header(headers, "Content-Encoding") or "").strip().lower()
    if encoding in ("", "identity", "none"):
        return body, None
    decoded = _inflate(body, encoding)
    if decoded is None:
        # A stale header over a body already decoded is common: keep the body when it looks like text.
        head = body[:512].lstrip().lower()
        return body, None if head.startswith((b"<", b"<!")) else encoding
    return decoded, None
