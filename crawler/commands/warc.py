"""``newscorpus warc SOURCE... --out DIR``: build a corpus from web archives (WARC, ARC, WACZ; CC-NEWS).

The pages of the archives go through the stages of a crawl (the ``warc`` spider, ``crawler.spiders.archive``)
and the run is written as a crawl's is: ``DIR/runs/<run-id>/``, with the crawl state (when there is one) knowing
which records were read, so a scheduled ingest of new files reads only those, and ``--resume`` (or the next run
after a kill) goes on inside a file from its last checkpoint.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from crawler.archives.filters import parse_hosts
from crawler.archives.sources import DEFAULT_BASE_URL, ArchiveFile, SourceError, resolve
from crawler.commands.crawl import prepare_run
from crawler.commands.options import add_set_option, build_settings
from crawler.gc_tuning import tune_for_crawl
from crawler.state.sqlite import StateLocked
from crawler.summary import format_summary
from pipelines.dates import parse_since
from pipelines.run_names import run_folder
from pipelines.settings import TDM_MODES, RunOptions, from_settings

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources", nargs="+", metavar="SOURCE",
        help="a WARC/ARC/WACZ file, glob, folder, http(s) URL, listing (*.paths[.gz]) or cc-news:FROM[..TO]",
    )  # fmt: skip
    parser.add_argument("--out", default="output", help="output folder (default: output)")
    parser.add_argument("--hosts", help="only these hosts or domains (comma list, or @file); www. ignored")
    parser.add_argument("--since", help="skip records and articles before this date (YYYY-MM-DD, ISO, 7d)")
    parser.add_argument("--until", help="skip records and articles after this date")
    parser.add_argument("--lang", help="keep only these languages, e.g. en,ko")
    parser.add_argument("--max-articles", type=int, help="stop after writing this many articles")
    parser.add_argument(
        "--tdm",
        choices=TDM_MODES,
        help="record (default): keep every article with the rights its publisher declared; exclude: drop "
        "articles whose publisher reserved text and data mining (rejected as rights/tdm-reserved)",
    )
    parser.add_argument("--compress", choices=["gz", "zst"], help="compress article shards")
    parser.add_argument("--run-id", help="name of the run folder (default: UTC time and a random suffix)")
    parser.add_argument("--state", help="state folder (default: OUT/state): records and files already read")
    parser.add_argument(
        "--no-state", action="store_true", help="a one-off build that neither reads nor updates a state"
    )
    parser.add_argument(
        "--resume", nargs="?", const="latest", metavar="RUN_ID",
        help="continue an interrupted or stopped run (default: the latest one)",
    )  # fmt: skip
    parser.add_argument(
        "--base-url", default=DEFAULT_BASE_URL,
        help=f"where relative listing paths and cc-news: listings are (default {DEFAULT_BASE_URL})",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no live progress line on the terminal")
    parser.add_argument(
        "--redis-url", default=os.environ.get("NEWSCORPUS_REDIS_URL") or None, metavar="URL",
        help="distributed: push the files into this Redis and read them as one worker; more workers join with "
        "`newscorpus worker` (default: $NEWSCORPUS_REDIS_URL)",
    )  # fmt: skip
    parser.add_argument("--namespace", help="prefix of the shared keys (default: newscorpus)")
    parser.add_argument("--worker-id", help="this worker's name (default: host_pid_random)")
    parser.add_argument(
        "--idle-stop", type=float, metavar="SECONDS", help="stop after the cluster was idle this long"
    )
    add_set_option(parser)


def warc_settings(args: argparse.Namespace) -> Any:
    """The run's settings: a crawl's (``build_settings``), with the archive options."""
    options = argparse.Namespace(
        targets=[],
        out=args.out,
        run_id=args.run_id,
        state=args.state,
        no_state=args.no_state,
        resume=args.resume,
        since=args.since,
        max_articles=args.max_articles,
        lang=args.lang,
        tdm=args.tdm,
        user_agent=None,
        compress=args.compress,
        follow_depth=None,
        revisit_after=None,
        quiet=args.quiet,
        settings=args.settings,
    )
    settings = build_settings(options)
    if args.until:
        settings.set(
            "NEWSCORPUS_UNTIL", parse_since(args.until).isoformat(timespec="seconds"), priority="cmdline"
        )
    if args.hosts:
        parse_hosts(args.hosts)  # a bad list is an error now, not in the crawl
        settings.set("NEWSCORPUS_WARC_HOSTS", args.hosts, priority="cmdline")
    return settings


def expand(archives: list[ArchiveFile]) -> list[ArchiveFile]:
    """WACZ packages as the WARC files they hold."""
    from crawler.archives.records import wacz_members

    out: list[ArchiveFile] = []
    for archive in archives:
        if archive.location.lower().endswith(".wacz") and not archive.remote:
            out.extend(wacz_members(archive.location))
        else:
            out.append(archive)
    return out


def run_distributed(args: argparse.Namespace, archives: list[ArchiveFile]) -> int:
    """Push the files into the shared Redis, then read them as one worker of the run."""
    from crawler.commands.worker import crawl_as_worker, worker_settings
    from crawler.distributed.membership import join
    from crawler.spiders.archive import ArchiveSpider

    if args.resume or args.no_state or args.state:
        print(
            "newscorpus warc: --resume, --state and --no-state do not apply with --redis-url", file=sys.stderr
        )
        return 2
    try:
        settings, config = worker_settings(argparse.Namespace(**{**vars(args), "targets": []}))
        for name, value in warc_settings(args).copy_to_dict().items():
            if name.startswith(("NEWSCORPUS_UNTIL", "NEWSCORPUS_WARC_")):
                settings.set(name, value, priority="cmdline")
        membership, run_id, _ = join(config, run_id=args.run_id, out=str(args.out))
    except (ValueError, TimeoutError) as exc:
        print(f"newscorpus warc: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # redis.ConnectionError and the like
        print(f"newscorpus warc: cannot reach Redis: {exc}", file=sys.stderr)
        return 2
    added = membership.cluster.push_archives([{"location": a.location, "size": a.size} for a in archives])
    print(f"run {run_id}: {added} archive file(s) queued", file=sys.stderr)
    return crawl_as_worker(settings, membership, run_id, ArchiveSpider)


def run(args: argparse.Namespace) -> int:
    try:
        archives = expand(resolve(args.sources, args.base_url))
        if args.redis_url and archives:
            return run_distributed(args, archives)
        settings = warc_settings(args)
        prepare_run(settings, args.resume)
    except StateLocked as exc:
        print(f"newscorpus warc: {exc}", file=sys.stderr)
        return 3
    except (SourceError, ValueError, OSError) as exc:
        print(f"newscorpus warc: {exc}", file=sys.stderr)
        return 2
    if not archives:
        print("newscorpus warc: the sources name no archive file", file=sys.stderr)
        return 2
    settings.set("JOBDIR", None, priority="cmdline")  # nothing is fetched: no request queue to keep
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    print(f"reading {len(archives)} archive file(s)", file=sys.stderr)

    from scrapy.crawler import CrawlerProcess

    from crawler.extensions import prepare_workers
    from crawler.spiders.archive import ArchiveSpider

    prepare_workers(settings)
    process = CrawlerProcess(settings)
    process.crawl(ArchiveSpider, archives=archives)
    tune_for_crawl()
    process.start()

    run = from_settings(RunOptions, settings)
    run_dir = run_folder(run.out, str(run.run_id))
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.exists():
        print(
            f"newscorpus warc: the run wrote no manifest ({manifest_path}); see the log above",
            file=sys.stderr,
        )
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    print(format_summary(manifest, run_dir))
    return 0 if manifest.get("status") == "finished" else 1
