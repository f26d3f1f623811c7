"""Reading web archives: the parsers alone, the peers' design, and ``newscorpus warc`` with all stages.

Usage::

    .venv/bin/python benchmarks/warc.py                  # the CC-NEWS-style file of ../shared, read 10 times over
    .venv/bin/python benchmarks/warc.py --copies 3 --rounds 2

On the CC-NEWS-style file (../shared/benchmarks/warc/cc-news-style/: the 181 scrapinghub pages written as
CC-NEWS writes them, with copies, errors and quirks), in one run:

- (a) the parser alone, MB/s of compressed input: FastWARC and warcio iterating every record and reading its
  payload, and our reader (``crawler.archives.records``) with every host filtered out (``--hosts`` matching
  nothing: the record heads only) and with none (every HTTP head parsed, every page's payload read);
- (b) the peers' design, timed as a whole command: one process reading with warcio and calling
  ``trafilatura.extract`` on every HTML 200 response;
- (c) ``newscorpus warc`` with all stages, timed as a whole command (``--no-state``, default workers).

The file is read ``--copies`` times (links under other names) so that the whole commands run long enough for
their start-up not to decide the ratio. (b) and (c) alternate, round after round; pages/s counts the HTML pages
each way extracted. Targets on a 2-core machine: (c) at least 1.6x (b) in pages/s, the scan with no host
matching at least 100 MB/s, the peak RSS of (c)'s process tree under 1 GiB. Figures go to
``benchmarks/results/warc.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, environment, mib, run_measured, table, write_report

CC_NEWS = ROOT.parent / "shared" / "benchmarks" / "warc" / "cc-news-style"
TARGET_RATIO = 1.6
TARGET_SCAN_MBPS = 100.0
TARGET_RSS = 1 << 30


def peer(paths: list[str]) -> int:
    """(b): warcio and trafilatura.extract on every HTML 200 response, in this process; prints the page count."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    for path in paths:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                    continue
                html = record.content_stream().read()
                trafilatura.extract(html, url=record.rec_headers.get_header("WARC-Target-URI"))
                pages += 1
    print(pages)
    return 0


def scan_fastwarc(path: str) -> int:
    from fastwarc import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, parse_http=False):
            record.reader.read()
    return os.path.getsize(path)


def scan_warcio(path: str) -> int:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            record.content_stream().read()
    return os.path.getsize(path)


def scan_ours(path: str, hosts: frozenset[str]) -> int:
    from crawler.archives.filters import RecordFilter
    from crawler.archives.records import Reading, read_entries
    from crawler.archives.sources import ArchiveFile

    record_filter = RecordFilter(hosts)
    reading = Reading()
    for _ in read_entries(ArchiveFile(path), 0, record_filter.head, record_filter.http, reading, 8 << 20):
        pass
    return os.path.getsize(path)


def parser_speeds(paths: list[str]) -> dict[str, float]:
    """(a): MB/s of compressed input, each way over all the copies, best of three passes."""
    ways = {
        "fastwarc": scan_fastwarc,
        "warcio": scan_warcio,
        "ours, no host matching": lambda p: scan_ours(p, frozenset({"no-such-host.invalid"})),
        "ours, every host": lambda p: scan_ours(p, frozenset()),
    }
    speeds = {}
    for name, way in ways.items():
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            size = sum(way(p) for p in paths)
            best = max(best, size / (time.perf_counter() - started) / 1e6)
        speeds[name] = best
    return speeds


def whole_command(mode: str, paths: list[str], work: Path) -> dict[str, Any]:
    if mode == "peer":
        command = [sys.executable, str(Path(__file__).resolve()), "--peer", *paths]
    else:
        out = work / "out"
        command = [
            sys.executable,
            "-m",
            "crawler.cli",
            "warc",
            *paths,
            "--out",
            str(out),
            "--no-state",
            "--quiet",
        ]
    run = run_measured(command, timeout=3600)
    if run.returncode != 0:
        print(f"  {mode} exited with {run.returncode}:\n{run.stderr[-3000:]}", file=sys.stderr)
    if mode == "peer":
        pages = int(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else 0
    else:
        import json

        manifest = json.loads(next((work / "out" / "runs").glob("*/manifest.json")).read_text())
        pages = int(manifest["stats"].get("newscorpus/warc/pages", 0))
    return {
        "mode": mode,
        "returncode": run.returncode,
        "pages": pages,
        "wall_seconds": run.wall,
        "pages_per_second": pages / run.wall if run.wall else 0.0,
        "cpu_seconds": run.cpu,
        "peak_rss_tree_bytes": run.tree.peak_rss,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=CC_NEWS, help="folder holding the CC-NEWS-style file")
    parser.add_argument("--copies", type=int, default=10, help="times the file is read over (default 10)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of (b) and (c), alternating")
    parser.add_argument("--out", type=Path, default=RESULTS / "warc.json")
    parser.add_argument("--peer", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peer:
        return peer(args.peer)
    files = sorted(args.data.glob("*.warc.gz")) if args.data.is_dir() else []
    if not files:
        print(f"no archive found in {args.data} (../shared absent?): nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        folder = Path(tmp)
        paths = []
        for n in range(args.copies):
            link = folder / f"copy{n:02d}-{files[0].name}"
            link.symlink_to(files[0].resolve())
            paths.append(str(link))
        speeds = parser_speeds(paths)
        print(table(["parser", "MB/s"], [[name, f"{mbps:.0f}"] for name, mbps in speeds.items()]))
        rounds = []
        for number in range(args.rounds):
            order = ["peer", "newscorpus"] if number % 2 == 0 else ["newscorpus", "peer"]
            results = {mode: whole_command(mode, paths, folder / f"{mode}-{number}") for mode in order}
            rounds.append(results)
            rows = [
                [
                    "(b) warcio + trafilatura" if mode == "peer" else "(c) newscorpus warc",
                    r["pages"],
                    f"{r['wall_seconds']:.1f}",
                    f"{r['pages_per_second']:.1f}",
                    f"{r['cpu_seconds']:.1f}",
                    mib(r["peak_rss_tree_bytes"]),
                ]
                for mode, r in sorted(results.items())
            ]
            print(f"\nround {number + 1}")
            print(table(["way", "pages", "wall s", "pages/s", "CPU s", "peak RSS MiB"], rows))
    ratios = [r["newscorpus"]["pages_per_second"] / r["peer"]["pages_per_second"] for r in rounds]
    rss = max(r["newscorpus"]["peak_rss_tree_bytes"] for r in rounds)
    scan = speeds["ours, no host matching"]
    targets = {
        f"(c) >= {TARGET_RATIO}x (b) in pages/s": all(r >= TARGET_RATIO for r in ratios),
        f"scan with no host matching >= {TARGET_SCAN_MBPS:.0f} MB/s": scan >= TARGET_SCAN_MBPS,
        "(c) peak RSS of the tree < 1 GiB": rss < TARGET_RSS,
    }
    print("\n(c)/(b) pages/s: " + ", ".join(f"{r:.2f}" for r in ratios))
    for name, met in targets.items():
        print(f"  [{'met' if met else 'missed'}] {name}")
    write_report(
        args.out,
        {
            "environment": environment(),
            "copies": args.copies,
            "parser_mbps": speeds,
            "rounds": rounds,
            "ratios": ratios,
            "targets": targets,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
