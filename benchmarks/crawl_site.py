"""The crawl benchmark's site: distinct article pages made from saved pages, and the server that serves them.

``--pages`` article pages made from the scrapinghub pages of ``../shared`` in turn, each copy a distinct article
(the words of its prose text nodes permuted among words of similar frequency on that page, with a seed per copy;
markup, scripts and sizes kept; the canonical link set to the copy's own URL), a ``sitemap.xml`` listing them, a
``robots.txt`` naming it, and a home page linking to 50 of them; written gzip-encoded (as news sites serve) to a
folder that ``benchmarks/bench_server.py`` serves from memory on 127.0.0.1. The pages belong to their publishers:
they are read at run time and the folder is removed after the run.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import Page, cpu_seconds

HOME_LINKS = 50
SEED = 20261120

# --------------------------------------------------------------------------------------------------- the site

_PROTECTED = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
#: A word: a run of letters (never part of an entity such as &amp;), or one kana or CJK character, since
#: those scripts do not separate words and a run is a whole clause.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_WORD = re.compile(rf"[{_CJK}]|(?<![&#\w])[^\W\d_{_CJK}]{{2,}}")
_CANONICAL = re.compile(
    r"""<link\b[^>]*\brel\s*=\s*["']?canonical\b[^>]*>|<meta\b[^>]*\bproperty\s*=\s*["']?og:url\b[^>]*>""",
    re.I,
)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
#: Text nodes with at least this many words (or characters, for scripts written without spaces) are prose
#: and get their words permuted; shorter ones (menus, buttons, share bars) stay as they are, so every copy
#: keeps its site's furniture.
PROSE_MIN_WORDS = 5
PROSE_MIN_CHARS = 40
#: Words are permuted within blocks of this many, in order of frequency on the page: "the" becomes another
#: common word, a rare name another rare word, so the text keeps its language and its shape.
BLOCK = 16


def _is_prose(text: str) -> bool:
    return len(text.split()) >= PROSE_MIN_WORDS or len(text.strip()) >= PROSE_MIN_CHARS


class PageVariants:
    """Distinct articles made from one saved page."""

    def __init__(self, page: Page) -> None:
        try:
            text, self.encoding = page.html.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, self.encoding = page.html.decode("cp1252", errors="replace"), "cp1252"
        self.parts = _PROTECTED.split(_CANONICAL.sub("", text))
        self.prose = [i for i in range(0, len(self.parts), 2) if _is_prose(self.parts[i])]
        counts = Counter(w for i in self.prose for w in _WORD.findall(self.parts[i]))
        self.vocabulary = [w for w, _ in counts.most_common()]

    def variant(self, seed: int, canonical: str) -> bytes:
        rng = random.Random(seed)
        mapping: dict[str, str] = {}
        for start in range(0, len(self.vocabulary), BLOCK):
            block = self.vocabulary[start : start + BLOCK]
            shuffled = block[:]
            rng.shuffle(shuffled)
            mapping.update(zip(block, shuffled, strict=True))
        parts = self.parts[:]
        for i in self.prose:
            parts[i] = _WORD.sub(lambda m: mapping[m.group(0)], parts[i])
        html = "".join(parts)
        link = f'<link rel="canonical" href="{canonical}">'
        head = _HEAD.search(html)
        html = html[: head.end()] + link + html[head.end() :] if head else link + html
        return html.encode(self.encoding, errors="replace")


def article_path(i: int) -> str:
    return f"/news/2026/{1 + i % 12:02d}/{1 + i % 28:02d}/story-{i:05d}.html"


@dataclass
class SiteInfo:
    folder: Path
    pages: int
    sources: int
    raw_bytes: int
    gzip_bytes: int
    seconds: float


def build_site(sources: list[Page], n: int, origin: str, folder: Path) -> SiteInfo:
    """Write the site: ``n`` articles (gzip), ``sitemap.xml``, ``robots.txt`` and a home page."""
    started = time.perf_counter()
    variants = [PageVariants(p) for p in sources]
    raw = packed = 0
    for i in range(n):
        path = article_path(i)
        html = variants[i % len(variants)].variant(SEED + i, origin + path)
        data = gzip.compress(html, compresslevel=1, mtime=0)
        target = folder / (path.lstrip("/") + ".gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        raw += len(html)
        packed += len(data)
    locs = "".join(f"<url><loc>{origin}{article_path(i)}</loc></url>\n" for i in range(n))
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}</urlset>\n',
        encoding="utf-8",
    )
    (folder / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: {origin}/sitemap.xml\n", encoding="utf-8"
    )
    links = "".join(
        f'<li><a href="{article_path(i)}">Story {i}</a></li>' for i in range(max(0, n - HOME_LINKS), n)
    )
    (folder / "index.html").write_text(
        f"<!doctype html><html><head><title>Bench News</title></head><body><h1>Bench News</h1>"
        f"<ul>{links}</ul></body></html>",
        encoding="utf-8",
    )
    return SiteInfo(folder, n, len(sources), raw, packed, time.perf_counter() - started)


# --------------------------------------------------------------------------------------------------- server


class Server:
    """``bench_server.py`` in its own process, on a socket this process bound (so the port is known first)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.origin = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self, folder: Path) -> None:
        fd = self.sock.fileno()
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("bench_server.py")), str(folder), "--fd", str(fd)],
            pass_fds=[fd],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            raise RuntimeError(f"bench_server.py did not start: {line!r}")
        self.sock.close()  # the server holds its own copy

    def cpu(self) -> float:
        assert self.proc is not None
        return cpu_seconds(self.proc.pid) or 0.0

    def stats(self) -> dict[str, Any]:
        return self._get("/__stats")

    def log_length(self) -> int:
        """Entries in the server's request log so far: where the next run's requests start."""
        return int(self._get("/__log?from=1000000000")["next"])

    def log(self, start: int) -> list[tuple[float, str, int]]:
        """The requests served from log entry ``start`` on: (``time.monotonic()``, path, status)."""
        return [(t, path, status) for t, path, status in self._get(f"/__log?from={start}")["entries"]]

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.origin + path, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None
