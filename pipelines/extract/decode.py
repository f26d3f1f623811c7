"""Bytes to page text: BOM, declared charset, UTF-8, then cp1252; binary, undecodable, oversized and non-HTML input refused
(``UnreadablePage``), and text decoded with the wrong charset upstream (``Ã©`` for ``é``) repaired.
"""

from __future__ import annotations

import codecs
import logging
import re

from pipelines.drops import UnreadablePage

logger = logging.getLogger(__name__)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)


_MOJIBAKE = re.compile(
    "[ÃÂâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


_MARKUP = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|article|meta|title|span|section|main)\b", re.IGNORECASE
)


#: File signatures of formats a server may send in place of a page (images, archives, documents, media).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "ELF"),
    (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg"),
    (b"ID3", "MP3"),
    (b"fLaC", "FLAC"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM"),
    (b"wOFF", "WOFF"),
    (b"wOF2", "WOFF2"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE (old Office)"),
)
#: More NUL and other control bytes than this share of the first 4 KB: not text in any charset a page uses.
BINARY_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def binary_signature(data: bytes) -> str | None:
    """Why ``data`` is not a page (a known file signature, or a share of control bytes no text has), or None.

    A single NUL in an HTML page is a template or database slip, not a sign of binary content: it is the
    share that tells (text has almost none, images and archives have many), and the signature where known."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A ") or (
        data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI ")
    ):
        return "media"
    head = data[:4096]
    control = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if control > BINARY_CONTROL_SHARE * len(head):
        return f"{control} control bytes in the first {len(head)}"
    return None


def decode_html(raw: str | bytes, max_bytes: int = 8 << 20, declared_charset: str | None = None) -> str:
    """The page as text; raises ``UnreadablePage`` for binary, undecodable, oversized or non-HTML input.

    ``declared_charset``: the charset the HTTP ``Content-Type`` header gives, if any; it comes before the page's
    own ``<meta charset>`` (as in browsers), after a BOM and after UTF-8 that decodes cleanly."""
    if raw is None:
        raise UnreadablePage("empty body")
    if isinstance(raw, bytes | bytearray):
        data = bytes(raw)
        if len(data) > max_bytes:
            raise UnreadablePage(f"page of {len(data)} bytes over the {max_bytes} byte cap")
        if not data.strip():
            raise UnreadablePage("empty body")
        if why := binary_signature(data):
            raise UnreadablePage(f"binary content ({why})")
        text = _decode_bytes(data, declared_charset)
    else:
        text = raw
        if len(text) > max_bytes:
            raise UnreadablePage(f"page of {len(text)} characters over the {max_bytes} cap")
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "")  # a stray NUL in an HTML page: lxml refuses strings that hold one
    if not text.strip():
        raise UnreadablePage("empty body")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.01 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample):
        raise UnreadablePage("binary or undecodable content")
    if not _MARKUP.search(text[:65536]):
        raise UnreadablePage("not an HTML page")
    return repair_mojibake(text)


def _charset(name: str | None) -> str | None:
    """A codec name Python knows for a declared charset (the Latin-1 family read as cp1252, as browsers do);
    None for UTF-8 (already tried) and for names no codec has."""
    if not name:
        return None
    name = name.strip().lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    if name in ("utf-8", "utf8"):
        return None
    return "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name


def _decode_bytes(data: bytes, declared_charset: str | None = None) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # UTF-8 that decodes cleanly is UTF-8 whatever the page declares (the most common charset lie).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    meta = match.group(1).decode("ascii", "ignore") if match else None
    for name in dict.fromkeys(filter(None, (_charset(declared_charset), _charset(meta)))):
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # charset_normalizer is a guesser: any failure falls back to cp1252 below
        logger.debug("charset guess failed", exc_info=True)
    return data.decode("cp1252", errors="replace")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 upstream (``CafÃ©`` -> ``Café``) when that is clearly what happened."""
    sample = text[:200_000]
    if "Ã" not in sample and "Â" not in sample and "â€" not in sample:
        return text  # the lead bytes of every UTF-8-read-as-cp1252 sequence we repair: none, nothing to do
    hits = len(_MOJIBAKE.findall(sample))
    if hits < 3:
        return text
    for encoding in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if len(_MOJIBAKE.findall(fixed[:200_000])) < hits / 4:
            return fixed
    return text
