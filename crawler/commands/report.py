"""``newscorpus report OUT [--run RUN_ID | --last N] [--out DIR]``: the corpus as a page people read.

Writes ``DIR/index.html`` (one self-contained file, opens offline) and ``DIR/report.json`` with every figure
on it, from the run folders alone. See ``crawler.report``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="OUT", help="an output folder (the --out of crawl), or one run folder"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--run", dest="run_id", metavar="RUN_ID", help="report on this run only (default: every run)"
    )
    which.add_argument("--last", type=int, metavar="N", help="report on the N latest runs")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write index.html and report.json (default: OUT/report)",
    )


def run(args: argparse.Namespace) -> int:
    from crawler.report import ReportError, write_report

    if args.last is not None and args.last < 1:
        print("newscorpus report: --last must be at least 1", file=sys.stderr)
        return 2
    try:
        page, figures = write_report(Path(args.folder), args.out, run_id=args.run_id, last=args.last)
    except ReportError as exc:
        print(f"newscorpus report: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"newscorpus report: cannot write the report: {exc}", file=sys.stderr)
        return 1
    report = figures["report"]
    skipped = sum(s["count"] for s in report["skipped"])
    print(
        f"report of {report['runs']} run(s), {report['articles_read']:,} articles"
        + (f", {skipped:,} skipped lines or files (listed on the page)" if skipped else "")
    )
    print(f"written to {page} (and report.json beside it)")
    return 0
