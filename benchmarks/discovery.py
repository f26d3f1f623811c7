"""Discovery on real pages: are the articles of a site found, by its sitemap and feed, and by links alone?

Usage::

    .venv/bin/python benchmarks/discovery.py                         # every page of the three sets, both ways
    .venv/bin/python benchmarks/discovery.py --pages 336 --seed 1    # a sample, as many as the issue's site
    .venv/bin/python benchmarks/discovery.py --ways links            # one way

The site (on 127.0.0.1, served from memory, each page at its original path and query): the real article pages
of ``../shared/benchmarks/extraction`` (``scrapinghub``, ``l3s-gn1``, ``wcxb-dev``: some 1,000 publishers),
a home page linking every one of them with its title, and, the ``sitemap`` way, a robots.txt naming a sitemap
that lists them all and a feed announced on the home page. A second outlet (127.0.0.2) re-publishes ten of them
verbatim at ``/wire/000.html`` ... ``/wire/009.html``, linked from its home page only. The ``links`` way leaves
the sitemap and the feed out: only links lead to the articles.

``newscorpus crawl`` (every stage on, no crawl state) crawls both outlets; the figures are, of the first
outlet's pages: written, dropped as a copy, rejected (by reason), never fetched; and of the wire copies: fetched,
and recorded in ``duplicates.jsonl`` (the copy or its original). A page written or rejected with a reason is
accounted for; one never fetched is lost to discovery. Figures go to ``benchmarks/results/discovery.json``.

The pages belong to their publishers: they are read at run time, served to this machine only, and only figures
are written.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from common import write_report  # noqa: E402
from extraction import DATA_ROOT, SETS  # noqa: E402  (the three sets, where the extraction benchmark finds them)

from pipelines.write.shards import iter_records  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "results" / "discovery.json"
WIRE = 10
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "NEWSCORPUS_RETRY_BACKOFF_BASE=0.05", "-s", "DOWNLOAD_TIMEOUT=20", "-s", "LOG_LEVEL=WARNING",
]  # fmt: skip
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass
class Page:
    target: str  # path and query, as a client asks for it
    title: str
    body: bytes


def load_pages(data: Path, count: int, seed: int) -> tuple[list[Page], int]:
    """The pages at their original targets; the second of two pages wanting one target is left out."""
    pages: dict[str, Page] = {}
    clashes = 0
    for name in SETS:
        truth = data / name / "ground-truth.json"
        if not truth.exists():
            continue
        for page_id, entry in sorted(json.loads(truth.read_text(encoding="utf-8")).items()):
            parts = urlsplit(entry.get("url") or "")
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            body = gzip.decompress((data / name / "html" / f"{page_id}.html.gz").read_bytes())
            if target in ("/", "/robots.txt", "/sitemap.xml", "/feed.xml") or target in pages:
                clashes += 1
                continue
            found = _TITLE.search(body)
            title = html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""
            pages[target] = Page(target, " ".join(title.split()) or target, body)
    chosen = list(pages.values())
    if count and count < len(chosen):
        chosen = random.Random(seed).sample(chosen, count)
    return chosen, clashes


class Outlet(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, tuple[str, bytes]]) -> None:
        self.routes = routes
        self.requested: Counter[str] = Counter()
        super().__init__((host, 0), _Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: Outlet
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.requested[self.path] += 1
        kind, body = self.server.routes.get(self.path, ("text/html; charset=utf-8", b"<h1>Not found</h1>"))
        self.send_response(200 if self.path in self.server.routes else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _home(base: str, links: list[tuple[str, str]], feed: bool) -> bytes:
    head = f'<link rel="alternate" type="application/rss+xml" href="{base}/feed.xml">' if feed else ""
    items = "\n".join(
        f'<li><a href="{html.escape(base + t)}">{html.escape(title)}</a></li>' for t, title in links
    )
    return f"<!doctype html><html><head><title>Home</title>{head}</head><body><ul>{items}</ul></body></html>".encode()


def _sitemap(base: str, pages: list[Page]) -> bytes:
    urls = "".join(f"<url><loc>{html.escape(base + p.target)}</loc></url>" for p in pages)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def _feed(base: str, pages: list[Page]) -> bytes:
    items = "".join(
        f"<item><title>{html.escape(p.title)}</title><link>{html.escape(base + p.target)}</link></item>"
        for p in pages
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'.encode()


def kept_by_the_stages(pages: list[Page]) -> set[str]:
    """The targets whose page the stages keep when given it directly (extract, clean, the quality rules, as
    ``newscorpus extract`` runs them): what a crawl can write at best, whatever its discovery does."""
    from pipelines.clean.rules import CleanConfig
    from pipelines.drops import Rejected
    from pipelines.page_task import LocalChain
    from pipelines.quality.rules import check_quality

    chain = LocalChain(clean=CleanConfig())
    kept = set()
    for page in pages:
        item = {
            "url": "http://127.0.0.1" + page.target,
            "_html": page.body,
            "fetched_at": "2026-12-01T00:00:00Z",
        }
        try:
            chain(item)
        except Rejected:
            continue
        if check_quality(item.get("text") or "") is None:
            kept.add(page.target)
    return kept


def run_way(way: str, pages: list[Page], out: Path, kept: set[str]) -> dict[str, Any]:
    html_type = "text/html; charset=utf-8"
    site = Outlet("127.0.0.1", {})
    wire = Outlet("127.0.0.2", {})
    copies = {f"/wire/{n:03d}.html": pages[n] for n in range(min(WIRE, len(pages)))}
    routes = {p.target: (html_type, p.body) for p in pages}
    routes["/"] = (html_type, _home(site.base, [(p.target, p.title) for p in pages], feed=way == "sitemap"))
    if way == "sitemap":
        robots = f"User-agent: *\nDisallow:\n\nSitemap: {site.base}/sitemap.xml\n"
        routes["/robots.txt"] = ("text/plain", robots.encode())
        routes["/sitemap.xml"] = ("application/xml", _sitemap(site.base, pages))
        routes["/feed.xml"] = ("application/rss+xml", _feed(site.base, pages))
    site.routes = routes
    wire.routes = {t: (html_type, p.body) for t, p in copies.items()}
    wire.routes["/"] = (html_type, _home(wire.base, [(t, p.title) for t, p in copies.items()], feed=False))
    command = [
        sys.executable, "-m", "crawler.cli", "crawl", site.base + "/", wire.base + "/", "--out", str(out),
        "--run-id", way, "--no-state", *FAST,
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    site.shutdown()
    wire.shutdown()
    if done.returncode != 0:
        raise SystemExit(f"crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    run = out / "runs" / way
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    written = {
        urlsplit(r["url"]).path + _query(r["url"])
        for s in manifest["shards"]
        for r in iter_records(run / s["name"])
    }
    duplicates = {
        _target(json.loads(line)["url"]): json.loads(line) for line in _lines(run / "duplicates.jsonl")
    }
    rejected = {_target(json.loads(line)["url"]): json.loads(line) for line in _lines(run / "rejected.jsonl")}
    on_site = [p.target for p in pages]
    reasons = Counter(
        f"{rejected[t]['stage']}/{rejected[t]['reason']}"
        for t in on_site
        if t not in written and t in rejected
    )
    lost = [t for t in on_site if t not in written and t not in duplicates and t not in rejected]
    never = [t for t in on_site if not site.requested[t]]
    # A copy of a page the stages drop (too short, a list) is dropped with it: only the others can be copies.
    copies_of_kept = {t: p for t, p in copies.items() if p.target in kept}
    copy_recorded = sum(
        1
        for t, p in copies_of_kept.items()
        if (t in duplicates) != (p.target in duplicates) and (t in written or p.target in written)
    )
    stats = manifest["stats"]
    found = [t for t in kept if t in written or t in duplicates]
    return {
        "pages": len(pages),
        "written": len([t for t in on_site if t in written]),
        "written_share": round(len([t for t in on_site if t in written]) / len(pages), 4),
        "kept_by_the_stages": len(kept),
        "of_those_written_or_copies": round(len(found) / len(kept), 4) if kept else 0.0,
        "duplicates": len([t for t in on_site if t in duplicates]),
        "rejected": dict(reasons.most_common()),
        "accounted_share": round(1 - len(lost) / len(pages), 4),
        "never_fetched": len(never),
        "wire_copies": len(copies),
        "wire_fetched": sum(1 for t in copies if wire.requested[t]),
        "wire_copies_of_kept_pages": len(copies_of_kept),
        "wire_recorded_as_duplicates": copy_recorded,
        "probes": stats.get("newscorpus/discovery/links/probe", 0)
        + stats.get("newscorpus/discovery/links/released_probe", 0),
        "links_unfollowed": stats.get("newscorpus/discovery/links/unfollowed", 0),
        "seconds": round(seconds, 1),
        "_never": never,
        "_lost": sorted(
            f"{rejected[t]['stage']}/{rejected[t]['reason']} {t}"
            if t in rejected
            else f"{'fetched as a listing' if site.requested[t] else 'never fetched'} {t}"
            for t in kept
            if t not in written and t not in duplicates
        ),
    }


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


def _target(url: str) -> str:
    return (urlsplit(url).path or "/") + _query(url)


def _lines(path: Path) -> list[str]:
    return (
        [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if path.exists()
        else []
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_ROOT)
    parser.add_argument("--pages", type=int, default=0, help="a sample of this many pages (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ways", default="sitemap,links")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--show", type=int, default=0, help="list this many pages never fetched")
    args = parser.parse_args(argv)
    pages, clashes = load_pages(args.data, args.pages, args.seed)
    if not pages:
        print(f"no benchmark pages under {args.data}", file=sys.stderr)
        return 2
    kept = kept_by_the_stages(pages)
    print(
        f"{len(pages)} pages ({clashes} left out: the home page's path or a path taken twice), "
        f"{len(kept)} kept by the stages when given directly"
    )
    figures: dict[str, Any] = {"pages": len(pages), "seed": args.seed, "kept_by_the_stages": len(kept)}
    with tempfile.TemporaryDirectory() as tmp:
        for way in args.ways.split(","):
            result = run_way(way, pages, Path(tmp) / way, kept)
            result.pop("_never")
            lost = result.pop("_lost")
            figures[way] = result
            print(
                f"{way}: {result['written']}/{result['pages']} written ({result['written_share']:.1%}), "
                f"{result['duplicates']} dropped as copies, accounted for {result['accounted_share']:.1%}; "
                f"of the {len(kept)} the stages keep, {result['of_those_written_or_copies']:.1%} written or copies, "
                f"{result['never_fetched']} never fetched; wire copies fetched {result['wire_fetched']}/{WIRE}, "
                f"recorded as duplicates {result['wire_recorded_as_duplicates']}/{result['wire_copies_of_kept_pages']} "
                "(the copies of pages the stages keep); "
                f"{result['probes']} probes, {result['seconds']} s"
            )
            print("  rejected:", ", ".join(f"{k} {v}" for k, v in result["rejected"].items()) or "none")
            if args.show and lost:
                print("  kept by the stages, not written:", *lost[: args.show], sep="\n    ")
    write_report(args.out, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
