"""``newscorpus crawl TARGET... --out DIR``: crawl sites (URLs or profile files) into a run folder."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from crawler.gc_tuning import tune_for_crawl
from crawler.profiles import ProfileError, load_target
from crawler.state import CrawlState, StateLocked
from crawler.summary import format_summary
from crawler.timeutil import parse_duration, parse_since
from pipelines.write import new_run_id

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets", nargs="+", metavar="TARGET", help="site URL, profile file (.toml) or bundled profile name"
    )
    parser.add_argument(
        "--out", default="output", help="output folder; the run goes to OUT/runs/<run-id>/ (default: output)"
    )
    add_corpus_arguments(parser, "stop after writing this many articles")
    parser.add_argument("--run-id", help="name of the run folder (default: UTC time and a random suffix)")
    parser.add_argument(
        "--state", help="crawl state folder (default: OUT/state): what earlier runs fetched and wrote"
    )
    parser.add_argument(
        "--no-state",
        action="store_true",
        help="no crawl state: a one-off build that neither reads nor updates it",
    )
    parser.add_argument(
        "--resume", nargs="?", const="latest", metavar="RUN_ID",
        help="continue an interrupted or stopped run (default: the latest one) instead of starting a new run",
    )  # fmt: skip
    parser.add_argument(
        "--redis-url", default=os.environ.get("NEWSCORPUS_REDIS_URL") or None, metavar="redis://HOST:PORT/DB",
        help="distributed crawl: seed the targets into this Redis and crawl them as one worker; more workers "
        "join with `newscorpus worker` (default: $NEWSCORPUS_REDIS_URL; see README, Distributed crawls)",
    )  # fmt: skip


def add_corpus_arguments(parser: argparse.ArgumentParser, max_articles_help: str) -> None:
    """The options that shape what a crawl writes, shared by ``crawl`` and ``worker`` (which read them with
    :func:`build_settings`)."""
    parser.add_argument(
        "--since", help="skip articles published before this date (YYYY-MM-DD, ISO time, or 7d / 12h)"
    )
    parser.add_argument("--max-articles", type=int, help=max_articles_help)
    parser.add_argument("--lang", help="keep only these languages, e.g. en,ko")
    parser.add_argument("--user-agent", help="an honest User-Agent with a way to reach you")
    parser.add_argument("--compress", choices=["gz", "zst"], help="compress article shards")
    parser.add_argument(
        "--follow-depth", type=int, help="how deep to follow links from start pages (default 2)"
    )
    parser.add_argument(
        "--revisit-after",
        help="re-fetch recent articles last fetched this long ago (e.g. 2d) for corrections",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no live progress line on the terminal")
    parser.add_argument(
        "-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
        help="override a Scrapy setting, as with scrapy crawl -s (repeatable)",
    )  # fmt: skip


def build_settings(args: argparse.Namespace) -> Any:
    """Project settings, then -s overrides, then our own options (which win, being explicit)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for pair in args.settings:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"-s {pair!r}: expected NAME=VALUE")
        settings.set(name.strip(), value, priority="cmdline")
    options = {
        "NEWSCORPUS_OUT": str(Path(args.out)),
        "NEWSCORPUS_RUN_ID": args.run_id or settings.get("NEWSCORPUS_RUN_ID") or new_run_id(),
        "NEWSCORPUS_TARGETS": ",".join(args.targets),
        "NEWSCORPUS_PROGRESS": not getattr(args, "quiet", False) and bool(sys.stderr and sys.stderr.isatty()),
    }
    if args.since:
        options["NEWSCORPUS_SINCE"] = parse_since(args.since).isoformat(timespec="seconds")
    if args.max_articles is not None:
        if args.max_articles < 1:
            raise ValueError("--max-articles must be at least 1")
        options["NEWSCORPUS_MAX_ARTICLES"] = args.max_articles
    if args.lang:
        options["NEWSCORPUS_LANGUAGES"] = args.lang
    if args.user_agent:
        options["USER_AGENT"] = args.user_agent
    if args.compress:
        options["NEWSCORPUS_COMPRESS"] = args.compress
    if args.follow_depth is not None:
        options["NEWSCORPUS_FOLLOW_DEPTH"] = args.follow_depth
    if args.revisit_after:
        parse_duration(args.revisit_after)
        options["NEWSCORPUS_REVISIT_AFTER"] = args.revisit_after
    if args.no_state:
        if args.resume:
            raise ValueError("--resume needs the crawl state; drop --no-state")
        options["NEWSCORPUS_STATE_ENABLED"] = False
    elif args.state:
        options["NEWSCORPUS_STATE_DIR"] = str(Path(args.state))
    for name, value in options.items():
        settings.set(name, value, priority="cmdline")
    return settings


def prepare_run(settings: Any, resume: str | None) -> Path | None:
    """Check the state folder is free, pick the run to resume, and give the run its JOBDIR.

    Returns the JOBDIR (None without a crawl state). The lock is taken again, for good, by the crawl itself;
    checking it here gives a clear message before Scrapy starts.
    """
    from crawler.extensions import state_dir

    folder = state_dir(settings)
    if folder is None:
        return None
    state = CrawlState.open(folder)
    try:
        if resume:
            runs = {r["run_id"]: r for r in state.runs()}
            resumable = [r for r in runs.values() if r["status"] in ("running", "stopped")]
            if resume == "latest":
                if not resumable:
                    raise ValueError(f"no interrupted or stopped run to resume in {folder}")
                chosen = resumable[-1]
            elif resume in runs and runs[resume] in resumable:
                chosen = runs[resume]
            else:
                raise ValueError(f"run {resume!r} is not an interrupted or stopped run of {folder}")
            settings.set("NEWSCORPUS_RUN_ID", chosen["run_id"], priority="cmdline")
            settings.set("NEWSCORPUS_OUT", str(Path(chosen["run_dir"]).parent.parent), priority="cmdline")
            settings.set("NEWSCORPUS_RESUME", True, priority="cmdline")
    finally:
        state.close()
    jobdir = folder / "jobs" / settings.get("NEWSCORPUS_RUN_ID")
    if resume and chosen["status"] == "running" and jobdir.exists():
        # The run was killed, not stopped: Scrapy's disk queue is written without regard to crashes and may
        # be torn. Drop it; discovery runs again and the crawl state says which pages are already done.
        logger.warning(
            "run %s was killed: its request queue is dropped and discovery runs again", chosen["run_id"]
        )
        shutil.rmtree(jobdir)
    settings.set("JOBDIR", str(jobdir), priority="cmdline")
    return jobdir


def run(args: argparse.Namespace) -> int:
    if getattr(args, "redis_url", None):
        from crawler.commands.worker import run_distributed_crawl

        return run_distributed_crawl(args)
    try:
        for target in args.targets:
            load_target(target)  # fail fast, naming the file and key, before Twisted starts
        settings = build_settings(args)
        jobdir = prepare_run(settings, args.resume)
    except StateLocked as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 3
    except (ProfileError, ValueError) as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 2

    from crawler.extensions import prepare_workers

    prepare_workers(settings)  # the workers' imports run while Scrapy sets itself up

    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.news import NewsSpider

    # Scrapy logs through the root handler that `newscorpus -v` configured, at the level it chose.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider, targets=args.targets)
    tune_for_crawl()
    process.start()

    run_dir = Path(settings.get("NEWSCORPUS_OUT")) / "runs" / settings.get("NEWSCORPUS_RUN_ID")
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.exists():
        print(
            f"newscorpus crawl: the run wrote no manifest ({manifest_path}); see the log above",
            file=sys.stderr,
        )
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if jobdir is not None and manifest.get("status") == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)  # nothing left to resume
    print(format_summary(manifest, run_dir))
    return 0 if manifest.get("status") == "finished" else 1
