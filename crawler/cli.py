"""The ``newscorpus`` command: one sub-command a module under ``crawler.commands``.

Sub-command modules are imported only when used, so ``newscorpus dedupe`` does not start Twisted and
``newscorpus --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

#: sub-command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": ("crawler.commands.crawl", "crawl news sites into a JSONL corpus"),
    "warc": ("crawler.commands.warc", "build a corpus from web archives (WARC, ARC, WACZ, CC-NEWS)"),
    "extract": ("crawler.commands.extract", "extract articles from saved HTML pages"),
    "dedupe": ("crawler.commands.dedupe", "drop duplicate stories from existing JSONL files"),
    "runs": ("crawler.commands.runs", "list the runs of an output folder with their counts"),
    "seed": ("crawler.commands.seed", "distributed crawl: push start targets into the shared Redis queue"),
    "worker": ("crawler.commands.worker", "distributed crawl: crawl from the shared Redis queue until idle"),
    "merge": ("crawler.commands.merge", "distributed crawl: check the workers' files, write one manifest"),
    "export": ("crawler.commands.export", "write a run's article shards as Parquet files (same schema)"),
    "report": ("crawler.commands.report", "write a page (and report.json) of what the runs of a corpus hold"),
}


def chosen_command(argv: Sequence[str]) -> str | None:
    """The sub-command named on the command line: its first word that is not an option (the top-level options,
    ``-v`` and ``-h``, take no value)."""
    return next((word for word in argv if not word.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the arguments of the sub-command ``argv`` names (every sub-command's when ``argv`` is
    None). Why not all of them always: a sub-command module imports what its command needs (archive readers,
    numpy, Redis clients), about a quarter of a second of a crawl's start-up for commands it does not run."""
    parser = argparse.ArgumentParser(
        prog="newscorpus", description="Build clean news corpora: crawl, extract, clean, dedupe, write JSONL."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else chosen_command(argv)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if argv is not None and name != chosen:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Libraries (Scrapy sets its own loggers to DEBUG) propagate to the root handler: filter there.
    for handler in logging.root.handlers:
        handler.setLevel(level)
    run = getattr(args, "run", None)
    if run is None:
        parser.error(f"the {args.command} command is not available in this installation")
    try:
        return int(run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError) as exc:
        # A bad option or input a command did not catch itself: one line, the traceback only with -v.
        if args.verbose:
            logging.getLogger(__name__).exception("newscorpus %s failed", args.command)
        print(f"newscorpus {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
