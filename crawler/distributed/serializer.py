"""The shared queue's request format: data only (JSON), so whoever can write to the Redis cannot run code.

scrapy-redis stores requests with pickle by default, and unpickling runs whatever the bytes say. This module is
its ``SCHEDULER_SERIALIZER``: ``dumps`` takes the dict of ``Request.to_dict`` and writes JSON of its fields
(bytes as base64, meta kept to JSON values); ``loads`` reads it back and checks every field, so that
``request_from_dict`` only ever builds a plain ``scrapy.Request`` whose callback and errback are spider methods
named like ours. An entry that is not such a document raises :class:`BadQueueEntry`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

FORMAT = 1
#: Spider methods a queued request may name: the spider's parsers and error handlers (``parse_article``,
#: ``article_failed``), never another method.
_METHOD = re.compile(r"^(parse(_[a-z0-9]+)*|[a-z0-9]+(_[a-z0-9]+)*_failed)$")
_HTTP_METHOD = re.compile(r"^[A-Z]{1,16}$")
MAX_ENTRY_BYTES = 1 << 20


class BadQueueEntry(ValueError):
    """A queue entry that is not a request of ours; it is dropped, never run."""


def _json_safe(value: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_json_safe(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v, depth + 1) for k, v in value.items())
    return False


def _b64(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise BadQueueEntry(f"{what}: not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadQueueEntry(f"{what}: bad base64") from exc


def dumps(request: dict[str, Any]) -> bytes:
    """JSON of a ``Request.to_dict``; meta values that are not JSON are left out (logged at debug level)."""
    if request.get("_class") not in (None, "scrapy.http.request.Request", "scrapy.Request"):
        raise TypeError(f"the shared queue holds plain requests only, not {request['_class']}")
    meta = {}
    for key, value in (request.get("meta") or {}).items():
        if isinstance(key, str) and _json_safe(value):
            meta[key] = value
        else:
            logger.debug("request %s: meta %r is not JSON data, not queued", request.get("url"), key)
    headers = {
        (k.decode("latin-1") if isinstance(k, bytes) else str(k)): [_b64(v) for v in values]
        for k, values in (request.get("headers") or {}).items()
    }
    document = {
        "format": FORMAT,
        "url": request["url"],
        "method": request.get("method") or "GET",
        "headers": headers,
        "body": _b64(request.get("body") or b""),
        "meta": meta,
        "priority": int(request.get("priority") or 0),
        "dont_filter": bool(request.get("dont_filter")),
        "flags": [str(f) for f in request.get("flags") or []],
        "callback": request.get("callback"),
        "errback": request.get("errback"),
        "encoding": request.get("encoding") or "utf-8",
        "cb_kwargs": {k: v for k, v in (request.get("cb_kwargs") or {}).items() if _json_safe(v)},
    }
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The ``Request.to_dict`` form of a queue entry, every field checked; :class:`BadQueueEntry` otherwise."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_ENTRY_BYTES:
        raise BadQueueEntry(f"entry of {len(data)} bytes")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadQueueEntry("not a JSON request (pickled, or written by something else)") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadQueueEntry("not a request document of this format")
    url = document.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadQueueEntry(f"url {url!r} is not an http(s) URL")
    method = document.get("method", "GET")
    if not isinstance(method, str) or not _HTTP_METHOD.match(method):
        raise BadQueueEntry(f"method {method!r}")
    for name in ("callback", "errback"):
        value = document.get(name)
        if value is not None and (not isinstance(value, str) or not _METHOD.match(value)):
            raise BadQueueEntry(f"{name} {value!r} is not a parser or error handler of the spider")
    headers = document.get("headers") or {}
    meta = document.get("meta") or {}
    cb_kwargs = document.get("cb_kwargs") or {}
    flags = document.get("flags") or []
    if not isinstance(headers, dict) or not all(isinstance(v, list) for v in headers.values()):
        raise BadQueueEntry("headers")
    if not isinstance(meta, dict) or not isinstance(cb_kwargs, dict):
        raise BadQueueEntry("meta")
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise BadQueueEntry("flags")
    priority = document.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise BadQueueEntry("priority")
    encoding = document.get("encoding") or "utf-8"
    if not isinstance(encoding, str):
        raise BadQueueEntry("encoding")
    return {
        "url": url,
        "method": method,
        "headers": {str(k): [_unb64(v, "header") for v in values] for k, values in headers.items()},
        "body": _unb64(document.get("body") or "", "body"),
        "meta": meta,
        "priority": priority,
        "dont_filter": bool(document.get("dont_filter")),
        "flags": flags,
        "callback": document.get("callback"),
        "errback": document.get("errback"),
        "encoding": encoding,
        "cb_kwargs": cb_kwargs,
        "cookies": {},
    }
