"""``newscorpus crawl TARGET... --out DIR``: crawl sites (URLs or profile files) into a run folder."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from crawler.commands.options import add_corpus_arguments, build_settings, start_workers_early
from crawler.gc_tuning import collector_held, tune_for_crawl
from crawler.profiles import ProfileError, load_target
from crawler.state.sqlite import CrawlState, StateLocked
from crawler.summary import format_summary
from pipelines.run_names import check_name, remove_tree_within, run_folder

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


def prepare_run(settings: Any, resume: str | None) -> Path | None:
    """Check the state folder is free, pick the run to resume, and give the run its JOBDIR.

    Returns the JOBDIR (None without a crawl state). The lock is taken again, for good, by the crawl itself;
    checking it here gives a clear message before Scrapy starts.
    """
    from crawler.state.extension import state_dir

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
            elif check_name(resume, "--resume") in runs and runs[resume] in resumable:
                chosen = runs[resume]
            else:
                raise ValueError(f"run {resume!r} is not an interrupted or stopped run of {folder}")
            settings.set("NEWSCORPUS_RUN_ID", chosen["run_id"], priority="cmdline")
            settings.set("NEWSCORPUS_OUT", str(Path(chosen["run_dir"]).parent.parent), priority="cmdline")
            settings.set("NEWSCORPUS_RESUME", True, priority="cmdline")
    finally:
        state.close()
    jobs = folder / "jobs"
    jobdir = jobs / check_name(settings.get("NEWSCORPUS_RUN_ID"), "--run-id")
    if resume and chosen["status"] == "running" and jobdir.exists():
        # The run was killed, not stopped: Scrapy's disk queue is written without regard to crashes and may
        # be torn. Drop it; discovery runs again and the crawl state says which pages are already done.
        logger.warning(
            "run %s was killed: its request queue is dropped and discovery runs again", chosen["run_id"]
        )
        remove_tree_within(jobdir, jobs)
    settings.set("JOBDIR", str(jobdir), priority="cmdline")
    return jobdir


def run(args: argparse.Namespace) -> int:
    with collector_held():  # until the crawl is built (tune_for_crawl)
        return crawl(args)


def preload_scrapy() -> None:
    """Import Scrapy's TLS context factory with ``inspect.stack`` reading no source lines.

    Why: the module builds three deprecated aliases with ``scrapy.utils.deprecate.create_deprecated_class``,
    which calls ``inspect.stack()`` only to name the caller's module; with its default of one line of context,
    every frame of the stack costs a read of its source file. Where Scrapy first imports it (building the
    download handlers, some 50 frames deep) that is about 0.15 s of the crawl process's CPU before its first
    request, more than bare Scrapy pays (its stack is shallower). No other thread runs yet that could call
    ``inspect.stack`` meanwhile.
    """
    import inspect

    full_stack = inspect.stack
    inspect.stack = lambda context=1: full_stack(0)[1:]  # [1:]: not this lambda
    try:
        import scrapy.core.downloader.contextfactory  # noqa: F401
    finally:
        inspect.stack = full_stack


def crawl(args: argparse.Namespace) -> int:
    if getattr(args, "redis_url", None):
        from crawler.commands.worker import run_distributed_crawl

        return run_distributed_crawl(args)
    try:
        for target in args.targets:
            load_target(target)  # fail fast, naming the file and key, before Twisted starts
        start_workers_early(args.settings)
        preload_scrapy()
        settings = build_settings(args)
        jobdir = prepare_run(settings, args.resume)
    except StateLocked as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 3
    except (ProfileError, ValueError, OSError) as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        print(f"newscorpus crawl: the crawl state in {settings.get('NEWSCORPUS_STATE_DIR') or '--out'}"
              f" cannot be read: {exc}", file=sys.stderr)  # fmt: skip
        return 2

    from crawler.extensions import prepare_workers

    prepare_workers(settings)  # started already unless the settings module set the workers

    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.news import NewsSpider

    # Scrapy logs through the root handler that `newscorpus -v` configured, at the level it chose.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider, targets=args.targets)
    tune_for_crawl()
    process.start()

    run_dir = run_folder(settings.get("NEWSCORPUS_OUT"), settings.get("NEWSCORPUS_RUN_ID"))
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.exists():
        print(
            f"newscorpus crawl: the run wrote no manifest ({manifest_path}); see the log above",
            file=sys.stderr,
        )
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    status = manifest.get("status")
    if jobdir is not None and status in ("finished", "failed"):
        remove_tree_within(jobdir, jobdir.parent)  # nothing left to resume; jobdir is STATE/jobs/<run id>
    print(format_summary(manifest, run_dir))
    if status == "failed":
        reasons = ", ".join(manifest.get("counts", {}).get("rejected_by_reason", {})) or "no answer"
        print(
            f"newscorpus crawl: nothing could be fetched from the targets ({reasons}); see {run_dir}/rejected.jsonl",
            file=sys.stderr,
        )
    return 0 if status == "finished" else 1
