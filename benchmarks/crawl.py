"""Crawl throughput: a local site crawled three ways in one run, each measured as a process tree.

Usage::

    .venv/bin/python benchmarks/crawl.py                       # 3000 pages, the three ways, one round
    .venv/bin/python benchmarks/crawl.py --pages 3000 --workers 2 --rounds 2
    .venv/bin/python benchmarks/crawl.py --pages 20 --data DIR # any folder of .html / .html.gz pages

The site (built in a temporary folder at run time, served by ``benchmarks/bench_server.py`` on 127.0.0.1 from
memory, gzip-encoded as news sites serve): ``--pages`` article pages made from the scrapinghub pages of
``../shared`` in turn, each copy a distinct article (the words of its prose text nodes permuted among words of
similar frequency on that page, with a seed per copy; markup, scripts and sizes kept; the canonical link set to
the copy's own URL), a ``sitemap.xml`` listing them, a ``robots.txt`` naming it, and a home page linking to 50
of them.

The three ways, each a child process with the same concurrency (``CONCURRENT_REQUESTS`` and
``CONCURRENT_REQUESTS_PER_DOMAIN`` = ``--concurrency``, no delay, no AutoThrottle, robots.txt obeyed):

- ``bare``: a Scrapy ``SitemapSpider`` that only counts responses: the I/O ceiling of Scrapy on this machine;
- ``inline``: the same spider with ``trafilatura.extract`` in an item pipeline and a JSONL line per article:
  the peers' design (news-please extracts inline on the reactor thread);
- ``newscorpus``: ``python -m crawler.cli crawl`` with every stage on (extract, clean, language, quality,
  dedupe, write, crawl state), ``-s NEWSCORPUS_WORKERS=N`` when ``--workers`` is given;
- ``warc`` (only with ``--modes``): the same with ``--warc``, every response also archived as WARC.

Per way: pages/s (article pages / wall time of the process, start-up included), CPU seconds of the process
and all its descendants (worker pools included, see ``common.run_measured``), peak RSS and PSS of the process
tree (``/proc`` every 0.2 s, summed), the most processes seen at once, articles written, and the server's CPU seconds over the same
interval, so a reader sees the server is not the bottleneck. "cores busy" is CPU seconds / wall seconds,
"main proc" the same for the crawl process alone (the reactor: near 1.00 it is what holds the crawl back).
``--rounds 2`` repeats the three, in reverse order the second time. Figures go to
``benchmarks/results/crawl.json``. The pages belong to their publishers: they are read at run time, only
figures are written, and the temporary site is removed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    RESULTS,
    ROOT,
    SCRAPINGHUB,
    ChildRun,
    Page,
    cpu_seconds,
    environment,
    load_pages,
    mib,
    missing_data_message,
    run_measured,
    table,
    write_report,
)

MODES = ("bare", "inline", "newscorpus", "warc")
LABELS = {
    "bare": "(a) Scrapy, count only",
    "inline": "(b) Scrapy + trafilatura inline",
    "newscorpus": "(c) newscorpus crawl",
    "warc": "(d) newscorpus crawl --warc",
}
#: The ways run when --modes is not given: (d) is the cost of archiving, measured on request.
DEFAULT_MODES = ("bare", "inline", "newscorpus")
TARGET_RATIO = 1.6
TARGET_RSS = 1 << 30
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
        with urllib.request.urlopen(self.origin + "/__stats", timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None


# --------------------------------------------------------------------------------------------------- the ways


def scrapy_settings(concurrency: int) -> dict[str, Any]:
    """What all three ways share (the newscorpus way gets them as ``-s``)."""
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_REQUESTS": concurrency,
        "ROBOTSTXT_OBEY": True,
    }


def run_spider(mode: str, origin: str, items_path: Path | None, concurrency: int) -> int:
    """Child process of the ``bare`` and ``inline`` ways: plain Scrapy, nothing of newscorpus."""
    import trafilatura
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class InlineExtractPipeline:
        """trafilatura on the reactor thread, one JSONL line per article: the peers' design."""

        def open_spider(self, spider: Any = None) -> None:
            assert items_path is not None
            self.fh = open(items_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close_spider
            self.written = 0

        def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
            text = trafilatura.extract(item.pop("html"), url=item["url"], include_comments=False)
            if text:
                item["text"] = text
                self.fh.write(json.dumps(item, ensure_ascii=False) + "\n")
                self.written += 1
            return item

        def close_spider(self, spider: Any = None) -> None:
            self.fh.close()
            print(json.dumps({"written": self.written}), flush=True)

    class BenchSpider(SitemapSpider):
        name = f"bench-{mode}"
        sitemap_urls = [origin + "/robots.txt"]

        def parse(self, response: Any) -> Any:
            self.crawler.stats.inc_value("bench/articles")
            if mode == "inline":
                yield {"url": response.url, "html": response.text}

    settings = {
        **scrapy_settings(concurrency),
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "ITEM_PIPELINES": {InlineExtractPipeline: 100} if mode == "inline" else {},
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({"articles": stats.get("bench/articles", 0)}), flush=True)
    return 0


def command_for(mode: str, origin: str, work: Path, concurrency: int, workers: int | None) -> list[str]:
    if mode in ("newscorpus", "warc"):
        command = [sys.executable, "-m", "crawler.cli", "crawl", origin + "/", "--out", str(work / "out")]
        command += ["--run-id", "bench"] + (["--warc"] if mode == "warc" else [])
        for name, value in scrapy_settings(concurrency).items():
            command += ["-s", f"{name}={value}"]
        if workers is not None:
            command += ["-s", f"NEWSCORPUS_WORKERS={workers}"]
        return command
    command = [sys.executable, str(Path(__file__).resolve()), "--spider", mode, "--origin", origin]
    command += ["--concurrency", str(concurrency)]
    if mode == "inline":
        command += ["--items", str(work / "items.jsonl")]
    return command


def articles_written(mode: str, run: ChildRun, work: Path) -> dict[str, Any]:
    """Articles written (and, for newscorpus, duplicates and rejections) as the way itself reports them."""
    if mode in ("newscorpus", "warc"):
        manifest_path = work / "out" / "runs" / "bench" / "manifest.json"
        if not manifest_path.exists():
            return {"written": None}
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        counts = manifest.get("counts", {})
        return {
            "warc_bytes": sum(f["bytes"] for f in manifest.get("warc", [])),
            "written": counts.get("written"),
            "duplicates": counts.get("duplicates"),
            "rejected": counts.get("rejected"),
            "rejected_by_reason": counts.get("rejected_by_reason"),
            "duplicates_by_kind": counts.get("duplicates_by_kind"),
        }
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    merged: dict[str, Any] = {}
    for line in lines:
        merged.update(line)
    return {
        "written": merged.get("written", 0 if mode == "bare" else None),
        "articles_seen": merged.get("articles"),
    }


def pool_in_checkout() -> bool:
    """Whether this checkout's crawler reads NEWSCORPUS_WORKERS at all (the worker pool may not have landed)."""
    for folder in (ROOT / "crawler", ROOT / "pipelines"):
        for path in folder.rglob("*.py"):
            if "NEWSCORPUS_WORKERS" in path.read_text(encoding="utf-8", errors="replace"):
                return True
    return False


def measure(mode: str, server: Server, origin: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    before_stats, before_cpu = server.stats(), server.cpu()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else None
    run = run_measured(command_for(mode, origin, work, args.concurrency, args.workers), timeout=args.timeout)
    after_stats, after_cpu = server.stats(), server.cpu()
    result: dict[str, Any] = {
        "mode": mode,
        "returncode": run.returncode,
        "wall_seconds": run.wall,
        "pages_per_second": args.pages / run.wall,
        "cpu_seconds": run.cpu,
        "cpu_ms_per_page": 1000 * run.cpu / args.pages,
        "cpu_seen_in_proc_seconds": run.tree.cpu_seen,
        "cpu_main_process_seconds": run.tree.cpu_by_pid.get(run.pid, 0.0),
        "peak_rss_tree_bytes": run.tree.peak_rss,
        "peak_pss_tree_bytes": run.tree.peak_pss,
        "maxrss_largest_process_bytes": run.maxrss_single,
        "max_processes": run.tree.max_processes,
        "server_cpu_seconds": after_cpu - before_cpu,
        "server_requests": after_stats["requests"] - before_stats["requests"],
        "server_bytes": after_stats["bytes_sent"] - before_stats["bytes_sent"],
        "loadavg_1min_before": load,
    }
    result.update(articles_written(mode, run, work))
    if run.returncode != 0:
        result["stderr_tail"] = run.stderr[-3000:]
        print(f"  {mode} exited with {run.returncode}:\n{run.stderr[-3000:]}", file=sys.stderr)
    return result


def print_rounds(rounds: list[list[dict[str, Any]]], workers: int | None) -> None:
    header = [
        "way",
        "pages/s",
        "wall s",
        "CPU s",
        "cores busy",
        "main proc",
        "CPU ms/page",
        "peak RSS MiB",
        "peak PSS MiB",
        "procs",
        "written",
        "server CPU s",
    ]
    for n, results in enumerate(rounds, 1):
        rows = []
        for r in results:
            label = LABELS[r["mode"]]
            if r["mode"] in ("newscorpus", "warc"):
                label += f" (workers={workers if workers is not None else 'default'})"
            rows.append(
                [
                    label,
                    f"{r['pages_per_second']:.1f}",
                    f"{r['wall_seconds']:.1f}",
                    f"{r['cpu_seconds']:.1f}",
                    f"{r['cpu_seconds'] / r['wall_seconds']:.2f}",
                    f"{r['cpu_main_process_seconds'] / r['wall_seconds']:.2f}",
                    f"{r['cpu_ms_per_page']:.1f}",
                    mib(r["peak_rss_tree_bytes"]),
                    mib(r["peak_pss_tree_bytes"]),
                    r["max_processes"],
                    "-" if r.get("written") is None else r["written"],
                    f"{r['server_cpu_seconds']:.2f}",
                ]
            )
        if len(rounds) > 1:
            print(f"\nround {n}")
        print(table(header, rows))


def summarise(rounds: list[list[dict[str, Any]]]) -> dict[str, Any]:
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for results in rounds:
        for r in results:
            by_mode.setdefault(r["mode"], []).append(r)
    summary: dict[str, Any] = {}
    if "inline" in by_mode and "newscorpus" in by_mode:
        ratios = [
            c["pages_per_second"] / b["pages_per_second"]
            for b, c in zip(by_mode["inline"], by_mode["newscorpus"], strict=True)
        ]
        rss = max(r["peak_rss_tree_bytes"] for r in by_mode["newscorpus"])
        summary["ratio_newscorpus_over_inline"] = ratios
        summary["targets"] = {
            f"(c) >= {TARGET_RATIO}x (b) in pages/s": all(r >= TARGET_RATIO for r in ratios),
            "(c) peak RSS of the tree < 1 GiB": rss < TARGET_RSS,
        }
    if "newscorpus" in by_mode and "warc" in by_mode:
        summary["ratio_warc_over_newscorpus"] = [
            d["pages_per_second"] / c["pages_per_second"]
            for c, d in zip(by_mode["newscorpus"], by_mode["warc"], strict=True)
        ]
    if "bare" in by_mode and "inline" in by_mode:
        summary["ratio_inline_over_bare"] = [
            b["pages_per_second"] / a["pages_per_second"]
            for a, b in zip(by_mode["bare"], by_mode["inline"], strict=True)
        ]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="article pages on the site (default 3000)")
    parser.add_argument(
        "--workers", type=int, default=None, help="passed to newscorpus as -s NEWSCORPUS_WORKERS=N"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent requests, all ways (64)")
    parser.add_argument("--data", type=Path, default=SCRAPINGHUB, help="folder of .html / .html.gz pages")
    parser.add_argument(
        "--modes", default=",".join(DEFAULT_MODES), help="comma-separated subset of: " + ", ".join(MODES)
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat the ways, alternating their order")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a way is killed")
    parser.add_argument("--out", type=Path, default=RESULTS / "crawl.json", help="where to write the figures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site and outputs")
    # The child side of the bare and inline ways.
    parser.add_argument("--spider", choices=("bare", "inline"), help=argparse.SUPPRESS)
    parser.add_argument("--origin", help=argparse.SUPPRESS)
    parser.add_argument("--items", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.spider:
        return run_spider(args.spider, args.origin, args.items, args.concurrency)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if set(modes) - set(MODES) or not modes:
        parser.error(f"--modes: choose among {', '.join(MODES)}")
    if args.pages < 1 or args.rounds < 1:
        parser.error("--pages and --rounds must be at least 1")
    sources = load_pages(args.data)
    if not sources:
        print(missing_data_message(args.data, "benchmarks/crawl.py"))
        return 0

    env = environment()
    tmp = Path(tempfile.mkdtemp(prefix="newscorpus-bench-crawl-"))
    server = Server()
    try:
        print(f"building {args.pages} article pages from {len(sources)} pages of {args.data} ...", flush=True)
        site = build_site(sources, args.pages, server.origin, tmp / "site")
        server.start(site.folder)
        print(
            f"site {server.origin}: {site.pages} articles, {site.raw_bytes / site.pages / 1024:.0f} KB each "
            f"({site.gzip_bytes / site.pages / 1024:.0f} KB gzip), built in {site.seconds:.0f} s; "
            f"concurrency {args.concurrency}; worker pool in this checkout: "
            f"{'yes' if pool_in_checkout() else 'no (NEWSCORPUS_WORKERS is not read anywhere yet)'}",
            flush=True,
        )
        rounds = []
        for n in range(args.rounds):
            order = modes if n % 2 == 0 else modes[::-1]
            results = []
            for mode in order:
                print(f"round {n + 1}: crawling with {LABELS[mode]} ...", flush=True)
                results.append(measure(mode, server, server.origin, tmp / mode, args))
            results.sort(key=lambda r: MODES.index(r["mode"]))
            rounds.append(results)
    finally:
        server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print_rounds(rounds, args.workers)
    summary = summarise(rounds)
    if "ratio_inline_over_bare" in summary:
        print("\n(b)/(a) pages/s: " + ", ".join(f"{r:.2f}" for r in summary["ratio_inline_over_bare"]))
    if "ratio_newscorpus_over_inline" in summary:
        print("(c)/(b) pages/s: " + ", ".join(f"{r:.2f}" for r in summary["ratio_newscorpus_over_inline"]))
    if "ratio_warc_over_newscorpus" in summary:
        print("(d)/(c) pages/s: " + ", ".join(f"{r:.2f}" for r in summary["ratio_warc_over_newscorpus"]))
    if "ratio_newscorpus_over_inline" in summary:
        print("targets:")
        for label, ok in summary["targets"].items():
            print(f"  [{'met' if ok else 'MISSED'}] {label}")
    report = {
        "pages": args.pages,
        "sources": site.sources,
        "data": str(args.data),
        "page_kb": site.raw_bytes / site.pages / 1024,
        "page_kb_gzip": site.gzip_bytes / site.pages / 1024,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "worker_pool_in_checkout": pool_in_checkout(),
        "rounds": rounds,
        "summary": summary,
        "environment": env,
    }
    write_report(args.out, report)
    failed = [r["mode"] for results in rounds for r in results if r["returncode"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
