"""Crawl throughput as a user waits for it: whole commands, process start to exit, on a local site.

Usage::

    .venv/bin/python benchmarks/crawl.py --pages 500 --rounds 3 --plot docs/crawl-timeline-500.svg
    .venv/bin/python benchmarks/crawl.py --pages 3000 --rounds 2          # = make bench-crawl
    .venv/bin/python benchmarks/crawl.py --pages 20 --data DIR            # any folder of .html / .html.gz pages

The site (``benchmarks/crawl_site.py``): ``--pages`` distinct article pages made from the scrapinghub pages of
``../shared``, a ``sitemap.xml`` listing them and a ``robots.txt`` naming it, served gzip-encoded from memory
by ``benchmarks/bench_server.py`` on 127.0.0.1, which logs every request it serves.

The ways, each a command of its own started by this script and timed from just before it starts to its exit:

- ``bare``: a Scrapy ``SitemapSpider`` that only counts responses (``benchmarks/peers.py bare``): Scrapy's own
  start-up and I/O ceiling on this machine;
- ``inline``: the same spider with ``trafilatura.extract`` in an item pipeline and a JSONL line per article
  (``benchmarks/peers.py inline``): the peers' design, extraction on the reactor thread;
- ``newscorpus``: ``newscorpus crawl ORIGIN/ --out DIR`` as a user runs it, every stage on (extract, clean,
  language, quality, dedupe, write) and the crawl state (``--no-state`` leaves it out);
- ``warc`` (only with ``--modes``): the same with ``--warc``.

What is fair: every way fetches the same pages (robots.txt, the sitemap, every article it lists: the server's
request count of each run is in the figures; newscorpus also fetches the home page and ``tdmrep.json``) with
the same concurrency (``CONCURRENT_REQUESTS`` and ``CONCURRENT_REQUESTS_PER_DOMAIN`` = ``--concurrency``, no
delay, no AutoThrottle, robots.txt obeyed). newscorpus does more work a page than the peers (cleaning,
language, quality, dedupe, the crawl state); its pages/s is still counted over the same ``--pages``.

Per way: pages/s (article pages / wall time, start-up included), CPU seconds of the process tree (worker pools
included, ``common.run_measured``) and per page, "cores busy" (CPU / wall) and "main proc" (the crawl process
alone: the reactor), peak RSS and PSS of the tree, written articles, time to the first request (from the
server's log, so from the site's side), and "tail": seconds from the last page done (the last output line) to
the exit. Rounds alternate the order of the ways (reversed every other round) and ratios are taken pair by
pair within a round, so the load of a shared machine falls on both. ``--plot`` draws the first round's
timeline (``benchmarks/timeline.py``): cores busy and pages done per 0.5 s from start to exit. Figures go to
``benchmarks/results/crawl.json``. The pages belong to their publishers: they are read at run time, only
figures are written, and the temporary site is removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    RESULTS,
    SCRAPINGHUB,
    ChildRun,
    environment,
    load_pages,
    mib,
    missing_data_message,
    run_measured,
    table,
    write_report,
)
from crawl_site import Server, build_site
from peers import scrapy_settings
from timeline import LineCounter, Timeline, plot, timeline

MODES = ("bare", "inline", "newscorpus", "warc")
LABELS = {
    "bare": "(a) Scrapy, count only",
    "inline": "(b) Scrapy + trafilatura inline",
    "newscorpus": "(c) newscorpus crawl",
    "warc": "(d) newscorpus crawl --warc",
}
#: The ways run when --modes is not given: (d) is the cost of archiving, measured on request.
DEFAULT_MODES = ("bare", "inline", "newscorpus")
#: (c)/(b) in pages/s on a 2-core machine: a short crawl pays its start-up over fewer pages (the limit is 2x).
TARGET_RATIO_SHORT = 1.7
TARGET_RATIO = 1.8
SHORT_CRAWL = 1000
TARGET_RSS = 1 << 30
#: newscorpus's first request at most this many seconds after bare Scrapy's.
TARGET_FIRST_REQUEST = 0.3
SAMPLE_EVERY = 0.1


def newscorpus_command() -> list[str]:
    """The ``newscorpus`` command of this environment, as a user runs it (its console script)."""
    script = Path(sys.executable).with_name("newscorpus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crawler.cli"]


def command_for(mode: str, origin: str, work: Path, args: argparse.Namespace) -> list[str]:
    if mode in ("newscorpus", "warc"):
        command = [
            *newscorpus_command(),
            "crawl",
            origin + "/",
            "--out",
            str(work / "out"),
            "--run-id",
            "bench",
        ]
        command += (["--warc"] if mode == "warc" else []) + (["--no-state"] if args.no_state else [])
        for name, value in scrapy_settings(args.concurrency).items():
            command += ["-s", f"{name}={value}"]
        if args.workers is not None:
            command += ["-s", f"NEWSCORPUS_WORKERS={args.workers}"]
        return command
    command = [sys.executable, str(Path(__file__).with_name("peers.py")), mode, "--origin", origin]
    command += ["--concurrency", str(args.concurrency)]
    if mode == "inline":
        command += ["--items", str(work / "items.jsonl")]
    return command


def pages_done(mode: str, work: Path) -> LineCounter | None:
    """What counts a way's finished pages as it runs: the lines of its output files."""
    if mode in ("newscorpus", "warc"):
        run_dir = work / "out" / "runs" / "bench"
        return LineCounter(run_dir, ["articles-*.jsonl*", "duplicates.jsonl", "rejected.jsonl"])
    if mode == "inline":
        return LineCounter(work, ["items.jsonl"])
    return None


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
    merged: dict[str, Any] = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            merged.update(json.loads(line))
    return {
        "written": merged.get("written", 0 if mode == "bare" else None),
        "articles_seen": merged.get("articles"),
    }


def measure(
    mode: str, server: Server, work: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], Timeline]:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    before_stats, before_cpu, log_start = server.stats(), server.cpu(), server.log_length()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else None
    counter = pages_done(mode, work)
    command = command_for(mode, server.origin, work, args)
    run = run_measured(command, timeout=args.timeout, interval=SAMPLE_EVERY, progress=counter)
    after_stats, after_cpu = server.stats(), server.cpu()
    requests = [(t - run.started, path) for t, path, _ in server.log(log_start)]
    samples = [(t - run.started, cpu, done) for t, cpu, done in run.series]
    done_total = counter() if counter is not None else 0
    line = timeline(mode, LABELS[mode], samples, run.wall, run.cpu, done_total, requests)
    last_done = next((t for t, _, done in samples if done >= done_total), run.wall) if done_total else None
    result: dict[str, Any] = {
        "mode": mode,
        "command": command,
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
        "first_request_seconds": line.first_request,
        "last_article_fetched_seconds": max((t for t, p in requests if p.startswith("/news/")), default=None),
        "pages_done": done_total,
        "tail_seconds": None if last_done is None else run.wall - last_done,
        "loadavg_1min_before": load,
    }
    result.update(articles_written(mode, run, work))
    if run.returncode != 0:
        result["stderr_tail"] = run.stderr[-3000:]
        print(f"  {mode} exited with {run.returncode}:\n{run.stderr[-3000:]}", file=sys.stderr)
    return result, line


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_rounds(rounds: list[list[dict[str, Any]]], workers: int | None) -> None:
    header = ["way", "pages/s", "wall s", "CPU s", "cores busy", "main proc", "CPU ms/page", "peak RSS MiB"]
    header += ["peak PSS MiB", "procs", "written", "1st request s", "tail s", "load"]
    for n, results in enumerate(rounds, 1):
        rows = []
        for r in results:
            label = LABELS[r["mode"]]
            if r["mode"] in ("newscorpus", "warc") and workers is not None:
                label += f" (workers={workers})"
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
                    _seconds(r["first_request_seconds"]),
                    _seconds(r["tail_seconds"]),
                    r["loadavg_1min_before"] or "-",
                ]
            )
        if len(rounds) > 1:
            print(f"\nround {n}")
        print(table(header, rows))


def _pairs(rounds: list[list[dict[str, Any]]], a: str, b: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(way a, way b) of each round that ran both."""
    pairs = []
    for results in rounds:
        by_mode = {r["mode"]: r for r in results}
        if a in by_mode and b in by_mode:
            pairs.append((by_mode[a], by_mode[b]))
    return pairs


def summarise(rounds: list[list[dict[str, Any]]], pages: int) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    speed = [
        (b["pages_per_second"] / a["pages_per_second"]) for a, b in _pairs(rounds, "inline", "newscorpus")
    ]
    if speed:
        target = TARGET_RATIO_SHORT if pages < SHORT_CRAWL else TARGET_RATIO
        rss = max(
            r["peak_rss_tree_bytes"] for results in rounds for r in results if r["mode"] == "newscorpus"
        )
        summary["ratio_newscorpus_over_inline"] = speed
        summary["ratio_median"] = statistics.median(speed)
        summary["targets"] = {
            f"(c) >= {target}x (b) in pages/s, every round": all(r >= target for r in speed),
            "(c) peak RSS of the tree < 1 GiB": rss < TARGET_RSS,
        }
    first = [
        c["first_request_seconds"] - a["first_request_seconds"]
        for a, c in _pairs(rounds, "bare", "newscorpus")
        if c["first_request_seconds"] is not None and a["first_request_seconds"] is not None
    ]
    if first:
        summary["first_request_after_bare_seconds"] = first
        summary.setdefault("targets", {})[
            f"(c)'s first request <= {TARGET_FIRST_REQUEST} s after (a)'s, every round"
        ] = all(d <= TARGET_FIRST_REQUEST for d in first)
    for a, b, key in (
        ("newscorpus", "warc", "ratio_warc_over_newscorpus"),
        ("bare", "inline", "ratio_inline_over_bare"),
    ):
        ratios = [y["pages_per_second"] / x["pages_per_second"] for x, y in _pairs(rounds, a, b)]
        if ratios:
            summary[key] = ratios
    return summary


def print_summary(summary: dict[str, Any]) -> None:
    print()
    for key, label in (
        ("ratio_inline_over_bare", "(b)/(a) pages/s"),
        ("ratio_newscorpus_over_inline", "(c)/(b) pages/s"),
        ("ratio_warc_over_newscorpus", "(d)/(c) pages/s"),
        ("first_request_after_bare_seconds", "(c)'s first request after (a)'s, s"),
    ):
        if key in summary:
            print(f"{label}: " + ", ".join(f"{r:.2f}" for r in summary[key]))
    if "targets" in summary:
        print("targets:")
        for label, ok in summary["targets"].items():
            print(f"  [{'met' if ok else 'MISSED'}] {label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="article pages on the site (default 3000)")
    parser.add_argument(
        "--workers", type=int, default=None, help="passed to newscorpus as -s NEWSCORPUS_WORKERS=N"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent requests, all ways (64)")
    parser.add_argument("--no-state", action="store_true", help="run newscorpus crawl with --no-state")
    parser.add_argument("--data", type=Path, default=SCRAPINGHUB, help="folder of .html / .html.gz pages")
    parser.add_argument(
        "--modes", default=",".join(DEFAULT_MODES), help="comma-separated subset of: " + ", ".join(MODES)
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat the ways, alternating their order")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a way is killed")
    parser.add_argument("--out", type=Path, default=RESULTS / "crawl.json", help="where to write the figures")
    parser.add_argument("--plot", type=Path, help="draw the first round's timeline here (.svg or .png)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary site and outputs")
    args = parser.parse_args(argv)

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
    rounds: list[list[dict[str, Any]]] = []
    timelines: list[list[Timeline]] = []
    try:
        print(f"building {args.pages} article pages from {len(sources)} pages of {args.data} ...", flush=True)
        site = build_site(sources, args.pages, server.origin, tmp / "site")
        server.start(site.folder)
        print(
            f"site {server.origin}: {site.pages} articles, {site.raw_bytes / site.pages / 1024:.0f} KB each "
            f"({site.gzip_bytes / site.pages / 1024:.0f} KB gzip), built in {site.seconds:.0f} s; "
            f"concurrency {args.concurrency}",
            flush=True,
        )
        for n in range(args.rounds):
            order = modes if n % 2 == 0 else modes[::-1]
            results, lines = [], []
            for mode in order:
                print(f"round {n + 1}: crawling with {LABELS[mode]} ...", flush=True)
                result, line = measure(mode, server, tmp / mode, args)
                results.append(result)
                lines.append(line)
            results.sort(key=lambda r: MODES.index(r["mode"]))
            rounds.append(results)
            timelines.append(sorted(lines, key=lambda t: MODES.index(t.mode)))
    finally:
        server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print_rounds(rounds, args.workers)
    summary = summarise(rounds, args.pages)
    print_summary(summary)
    if args.plot and timelines:
        shown = [t for t in timelines[0] if t.mode != "bare"]
        plot(shown, args.plot, f"{args.pages} article pages, concurrency {args.concurrency}, whole commands")
        print(f"timeline drawn to {args.plot}")
    report = {
        "pages": args.pages,
        "sources": site.sources,
        "data": str(args.data),
        "page_kb": site.raw_bytes / site.pages / 1024,
        "page_kb_gzip": site.gzip_bytes / site.pages / 1024,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "no_state": args.no_state,
        "rounds": rounds,
        "timelines": [[t.as_dict() for t in lines] for lines in timelines],
        "summary": summary,
        "environment": env,
    }
    write_report(args.out, report)
    failed = [r["mode"] for results in rounds for r in results if r["returncode"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
