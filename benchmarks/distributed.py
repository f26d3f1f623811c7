"""Distributed crawl throughput: pages/s with 1, 2 and 3 workers on this machine, and Redis round trips a page.

Usage::

    .venv/bin/python benchmarks/distributed.py                  # 600 pages; 1, 2 and 3 workers
    .venv/bin/python benchmarks/distributed.py --pages 300 --workers 1,2

The site: N article pages on 127.0.0.1 (robots.txt -> sitemap.xml -> articles), served from memory by a
thread of this process. The pages are the 181 scrapinghub pages of ``../shared`` (the extraction
benchmark's); past the first 181 each page is used again with its text's letters rotated (ROT-k) and its
canonical link removed, so every page is a different article to the dedupe stage. Without ``../shared``, the
test site's article pages are the templates.

Each configuration gets a fresh redis-server (``tests/redis_server.py``), ``newscorpus seed`` and k
``newscorpus worker`` processes with the full pipeline. Time runs from the site's first request to the
moment the frontier is drained (nothing queued, nothing in flight), so process start-up and the idle stop
are not counted. Round trips are counted by the workers themselves (every send on a Redis connection: a
command, a pipeline or a script; the manifest's ``newscorpus/distributed/redis_round_trips``); Redis's
``INFO commandstats`` gives the commands it executed, those run inside Lua scripts included. A
single-process ``newscorpus crawl`` without Redis is the reference row.

Prints a table and writes ``benchmarks/results/distributed.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCRAPINGHUB = ROOT.parent / "shared" / "benchmarks" / "extraction" / "scrapinghub" / "html"
RESULTS = ROOT / "benchmarks" / "results" / "distributed.json"

#: The site is ours: no politeness delays; many requests in flight per worker.
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
    "-s", "LOG_LEVEL=WARNING",
]  # fmt: skip
CLUSTER = [
    "-s", "NEWSCORPUS_WORKER_HEARTBEAT=1", "-s", "NEWSCORPUS_WORKER_TTL=15",
    "-s", "NEWSCORPUS_DISTRIBUTED_POLL=0.2", "--idle-stop", "2",
]  # fmt: skip

_TEXT = re.compile(rb">([^<]+)<")
_CANONICAL = re.compile(rb"<(?:link[^>]+canonical|meta[^>]+og:url)[^>]*>", re.IGNORECASE)


def _rotate(data: bytes, k: int) -> bytes:
    def rot(match: re.Match[bytes]) -> bytes:
        out = bytearray(match.group(1))
        for i, b in enumerate(out):
            if 65 <= b <= 90:
                out[i] = 65 + (b - 65 + k) % 26
            elif 97 <= b <= 122:
                out[i] = 97 + (b - 97 + k) % 26
        return b">" + bytes(out) + b"<"

    return _TEXT.sub(rot, data)


def templates() -> tuple[list[bytes], str]:
    if SCRAPINGHUB.is_dir():
        pages = []
        for path in sorted(SCRAPINGHUB.iterdir()):
            data = path.read_bytes()
            pages.append(gzip.decompress(data) if path.name.endswith(".gz") else data)
        return pages, "scrapinghub (../shared)"
    from urllib.parse import urlsplit

    from tests.newssite import NewsSite

    with NewsSite() as site:
        routes = site._rendering.routes
        pages = []
        for expected in site.expected_articles():
            path = urlsplit(expected.url).path
            pages += [routes[outlet][path].body for outlet in routes if path in routes[outlet]]
    return pages, "the test site's article pages"


class Site:
    """N article pages, a sitemap and robots.txt, served from memory; counts what it served."""

    def __init__(self, pages: int, pool: list[bytes]) -> None:
        self.paths = [f"/news/2026/01/{1 + i % 28:02d}/story-{i:05d}/" for i in range(pages)]
        self.bodies: dict[str, bytes] = {}
        for i, path in enumerate(self.paths):
            body = pool[i % len(pool)]
            k = i // len(pool)
            self.bodies[path] = _rotate(_CANONICAL.sub(b"", body), k) if k else _CANONICAL.sub(b"", body)
        self.requests = 0
        self.first: float | None = None
        self.last: float | None = None
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        sitemap = "".join(f"<url><loc>{self.url.rstrip('/')}{p}</loc></url>" for p in self.paths)
        self.bodies["/sitemap.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{sitemap}</urlset>"
        ).encode()
        self.bodies["/robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {self.url}sitemap.xml\n".encode()
        self.bodies["/"] = (
            b"<html><head><title>Bench</title></head><body><p>Benchmark site.</p></body></html>"
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                now = time.monotonic()
                with site._lock:
                    site.requests += 1
                    site.first = site.first or now
                    site.last = now
                body = site.bodies.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                kind = (
                    "text/plain"
                    if self.path.endswith(".txt")
                    else "application/xml"
                    if self.path.endswith(".xml")
                    else "text/html"
                )
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler

    def start(self) -> Site:
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def reset(self) -> None:
        with self._lock:
            self.requests, self.first, self.last = 0, None, None

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def commandstats(client: Any) -> int:
    stats = client.info("commandstats")
    return sum(v["calls"] for k, v in stats.items() if k not in ("cmdstat_info", "cmdstat_config"))


def children_cpu() -> float:
    """CPU seconds of this process's finished children (and theirs): the crawlers, whatever else runs."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def redis_cpu(client: Any) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def read_manifests(out: Path, pattern: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob(f"runs/*/{pattern}"))]


def run_single(site: Site, work: Path) -> dict[str, Any]:
    site.reset()
    cpu_before = children_cpu()
    out = work / "single"
    process = subprocess.Popen(
        cli("crawl", site.url, "--out", str(out), "--no-state", *FAST), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    done = None
    while process.poll() is None:  # the manifest is written when the crawl is done
        if done is None and any((out / "runs").glob("*/manifest.json")):
            done = time.monotonic()
        time.sleep(0.05)
    done = done or time.monotonic()
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"single crawl failed: {stderr[-2000:]}")
    (manifest,) = read_manifests(out, "manifest.json")
    assert site.first is not None
    row = summarize("1 process, no Redis", [manifest], done - site.first, None, None)
    row["crawler_cpu_ms_per_page"] = round(1000 * (children_cpu() - cpu_before) / row["pages_fetched"], 1)
    return row


def run_cluster(site: Site, work: Path, workers: int) -> dict[str, Any]:
    import redis

    from tests.redis_server import RedisServer

    site.reset()
    out = work / f"cluster-{workers}"
    with RedisServer() as server:
        client = redis.Redis.from_url(server.url)
        seeded = subprocess.run(
            cli("seed", "--redis-url", server.url, site.url), cwd=ROOT, capture_output=True, text=True
        )
        if seeded.returncode != 0:
            raise RuntimeError(seeded.stderr)
        before, cpu_before, crawler_before = commandstats(client), redis_cpu(client), children_cpu()
        processes = [
            subprocess.Popen(
                cli(
                    "worker",
                    "--redis-url",
                    server.url,
                    "--out",
                    str(out),
                    "--worker-id",
                    f"w{i}",
                    *FAST,
                    *CLUSTER,
                ),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for i in range(workers)
        ]
        polling = 0
        try:
            drained = None
            while drained is None:
                time.sleep(0.1)
                if any(p.poll() not in (None, 0) for p in processes):
                    raise RuntimeError(
                        f"a worker failed: {[p.stderr.read()[-2000:] for p in processes if p.stderr]}"
                    )
                if site.first is None:
                    continue
                # What the workers' own idle check reads (no KEYS: it would scan every LSH band key).
                names = [w.decode() for w in client.hkeys("newscorpus:workers")]
                pipe = client.pipeline(transaction=False)
                pipe.zcard("newscorpus:requests")
                pipe.llen("newscorpus:seeds")
                for name in names:
                    pipe.hlen(f"newscorpus:inflight:{name}")
                    pipe.hlen(f"newscorpus:inflight-seeds:{name}")
                counts = pipe.execute()
                polling += 3 + 2 * len(names)
                if not any(counts) and site.requests > len(site.paths):
                    drained = time.monotonic()
            for process in processes:
                _, stderr = process.communicate(timeout=600)
                if process.returncode != 0:
                    raise RuntimeError(f"worker failed: {stderr[-2000:]}")
        finally:
            for process in processes:  # a failed run leaves no worker behind
                if process.poll() is None:
                    process.kill()
                    process.wait()
        executed, cpu = commandstats(client) - before - polling, redis_cpu(client) - cpu_before
        crawler_cpu = children_cpu() - crawler_before
        client.close()
    merged = subprocess.run(cli("merge", str(out)), cwd=ROOT, capture_output=True, text=True)
    if merged.returncode != 0:
        raise RuntimeError(merged.stderr)
    manifests = read_manifests(out, "manifest-*.json")
    assert site.first is not None
    name = f"{workers} worker{'s' * (workers > 1)} + Redis"
    row = summarize(name, manifests, drained - site.first, executed, out)
    # Redis's own CPU a page: one Redis core tops out near 1000 / this many pages a second.
    row["redis_cpu_ms_per_page"] = (
        round(1000 * cpu / row["pages_fetched"], 3) if row["pages_fetched"] else None
    )
    # Everything the workers (and their extraction processes) used, start-up included.
    row["crawler_cpu_ms_per_page"] = round(1000 * crawler_cpu / row["pages_fetched"], 1)
    return row


def summarize(
    name: str, manifests: list[dict[str, Any]], elapsed: float, executed: int | None, out: Path | None
) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int((m.get("stats") or {}).get(key) or 0) for m in manifests)

    pages = total("response_received_count")
    trips = total("newscorpus/distributed/redis_round_trips")
    combined = json.loads(next(out.glob("runs/*/manifest.json")).read_text()) if out else manifests[0]
    return {
        "configuration": name,
        "pages_fetched": pages,
        "article_pages": total("newscorpus/fetched_articles"),
        "written": combined["counts"]["written"],
        "duplicates": combined["counts"]["duplicates"],
        "rejected": combined["counts"]["rejected"],
        "seconds": round(elapsed, 2),
        "pages_per_second": round(pages / elapsed, 1) if elapsed > 0 else None,
        "redis_round_trips_per_page": round(trips / pages, 1) if executed is not None and pages else None,
        "redis_commands_per_page": round(executed / pages, 1) if executed is not None and pages else None,
        "dedupe_retries": total("newscorpus/dedupe/retries") if executed is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600, help="article pages on the site (default 600)")
    parser.add_argument("--workers", default="1,2,3", help="worker counts to measure (default 1,2,3)")
    parser.add_argument("--no-single", action="store_true", help="skip the single-process reference")
    parser.add_argument(
        "--inline", action="store_true",
        help="no extraction worker pool in any process (NEWSCORPUS_WORKERS=0): one core a crawler process",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (apt-get install redis-server)", file=sys.stderr)
        return 2
    if args.inline:
        FAST.extend(["-s", "NEWSCORPUS_WORKERS=0"])
    pool, source = templates()
    site = Site(args.pages, pool).start()
    rows = []
    with tempfile.TemporaryDirectory(prefix="newscorpus-bench-distributed-") as tmp:
        work = Path(tmp)
        try:
            if not args.no_single:
                rows.append(run_single(site, work))
                print(f"done: {rows[-1]['configuration']}", file=sys.stderr)
            for workers in (int(w) for w in args.workers.split(",")):
                rows.append(run_cluster(site, work, workers))
                print(f"done: {rows[-1]['configuration']}", file=sys.stderr)
        finally:
            site.stop()
    header = [
        "configuration", "pages", "s", "pages/s", "crawler CPU ms/page", "RT/page", "cmds/page",
        "Redis CPU ms/page", "written", "dups", "rejected", "retries",
    ]  # fmt: skip
    table = [
        [
            r["configuration"], r["pages_fetched"], r["seconds"], r["pages_per_second"],
            r["crawler_cpu_ms_per_page"],
            r["redis_round_trips_per_page"] if r["redis_round_trips_per_page"] is not None else "-",
            r["redis_commands_per_page"] if r["redis_commands_per_page"] is not None else "-",
            r.get("redis_cpu_ms_per_page") if r.get("redis_cpu_ms_per_page") is not None else "-",
            r["written"], r["duplicates"], r["rejected"],
            r["dedupe_retries"] if r["dedupe_retries"] is not None else "-",
        ]
        for r in rows
    ]  # fmt: skip
    widths = [max(len(str(x)) for x in column) for column in zip(header, *table, strict=True)]
    lines = [
        "  ".join(
            str(x).rjust(w) if i else str(x).ljust(w)
            for i, (x, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *table]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines))
    report = {
        "benchmark": "distributed",
        "command": "benchmarks/distributed.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "pages": args.pages,
        "extraction_pool": "none (NEWSCORPUS_WORKERS=0)" if args.inline else "default (one process a core)",
        "templates": source,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rows": rows,
        "table": lines,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
