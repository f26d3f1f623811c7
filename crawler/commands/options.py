"""The options every crawling command shares (``crawl``, ``worker``, ``seed``), and the Scrapy settings they
make."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pipelines.dates import parse_duration, parse_since
from pipelines.language.codes import check_languages
from pipelines.run_names import check_name
from pipelines.settings import TDM_MODES
from pipelines.write.writer import new_run_id


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """``-s NAME=VALUE``, as ``scrapy crawl -s``, repeatable."""
    parser.add_argument(
        "-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
        help="override a Scrapy or newscorpus setting, as with scrapy crawl -s (repeatable)",
    )  # fmt: skip


def apply_set_options(settings: Any, pairs: list[str]) -> Any:
    """Set each ``NAME=VALUE`` of ``pairs`` in ``settings`` (command-line priority); returns ``settings``."""
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"-s {pair!r}: expected NAME=VALUE")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def start_workers_early(pairs: list[str]) -> None:
    """Start the worker pool's fork server now, before Scrapy is imported and the settings are built, unless the
    ``-s NAME=VALUE`` pairs switch the workers off (see ``pipelines.worker.pool.start_fork_server``).

    Why this early: the fork server imports the stages and loads their models (about a second of one core)
    before it forks the first worker, so it decides when the workers can take the first pages; this process
    meanwhile imports Scrapy and builds the crawl (over half a second) on the other core. Only the ``-s`` pairs
    are read: a settings module that sets the workers to 0 leaves a fork server that forks nothing (the crawl
    command checks again once the settings are built).
    """
    from pipelines.settings import from_settings
    from pipelines.worker.pool import PoolConfig, start_fork_server

    given = dict(pair.partition("=")[::2] for pair in pairs)
    if from_settings(PoolConfig, given, task_timeout=0.0, max_tasks_per_worker=0).worker_count() > 0:
        start_fork_server()


def add_corpus_arguments(parser: argparse.ArgumentParser, max_articles_help: str) -> None:
    """The options that shape what a crawl writes, shared by ``crawl`` and ``worker`` (which read them with
    :func:`build_settings`)."""
    parser.add_argument(
        "--since", help="skip articles published before this date (YYYY-MM-DD, ISO time, or 7d / 12h)"
    )
    parser.add_argument("--max-articles", type=int, help=max_articles_help)
    parser.add_argument("--lang", help="keep only these languages, e.g. en,ko")
    parser.add_argument(
        "--tdm",
        choices=TDM_MODES,
        help="record (default): keep every article with the rights its publisher declared; exclude: drop "
        "articles whose publisher reserved text and data mining (rejected as rights/tdm-reserved)",
    )
    parser.add_argument("--user-agent", help="an honest User-Agent with a way to reach you")
    parser.add_argument("--compress", choices=["gz", "zst"], help="compress article shards")
    parser.add_argument(
        "--follow-depth", type=int, help="how deep to follow links from start pages (default 2)"
    )
    parser.add_argument(
        "--revisit-after",
        help="re-fetch recent articles last fetched this long ago (e.g. 2d) for corrections",
    )
    parser.add_argument(
        "--warc", action="store_true",
        help="also archive every response as WARC in OUT/runs/<run-id>/warc/ (see README, Web archives)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no live progress line on the terminal")
    add_set_option(parser)


def check_output_folder(path: Path, what: str = "--out") -> Path:
    """A folder the command can write into (created if missing); ValueError naming ``what`` otherwise, before
    anything starts (a crawl finding out mid-run would end in a traceback and a run without its files)."""
    if path.exists() and not path.is_dir():
        raise ValueError(f"{what} {path}: exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{what} {path}: cannot create it: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValueError(f"{what} {path}: not writable")
    return path


def build_settings(args: argparse.Namespace) -> Any:
    """Project settings, then -s overrides, then our own options (which win, being explicit)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    apply_set_options(settings, args.settings)
    check_output_folder(Path(args.out))
    if getattr(args, "state", None) and not getattr(args, "no_state", False):
        check_output_folder(Path(args.state), "--state")
    check_languages(args.lang or settings.get("NEWSCORPUS_LANGUAGES") or "")
    options = {
        "NEWSCORPUS_OUT": str(Path(args.out)),
        "NEWSCORPUS_RUN_ID": check_name(
            args.run_id or settings.get("NEWSCORPUS_RUN_ID") or new_run_id(), "--run-id"
        ),
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
    if getattr(args, "tdm", None):
        options["NEWSCORPUS_TDM"] = args.tdm
    if args.user_agent:
        options["USER_AGENT"] = args.user_agent
    if args.compress:
        options["NEWSCORPUS_COMPRESS"] = args.compress
    if getattr(args, "warc", False):
        options["NEWSCORPUS_WARC"] = True
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


REDIS_HELP = "the shared Redis, redis://HOST:PORT/DB (default: $NEWSCORPUS_REDIS_URL)"


def add_redis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis-url", default=os.environ.get("NEWSCORPUS_REDIS_URL") or None, metavar="URL", help=REDIS_HELP
    )
    parser.add_argument(
        "--namespace",
        help="prefix of the shared keys, to run several corpora on one Redis (default: newscorpus)",
    )


def redis_url_of(args: argparse.Namespace) -> str:
    url = getattr(args, "redis_url", None) or os.environ.get("NEWSCORPUS_REDIS_URL")
    if not url:
        raise ValueError("no Redis: pass --redis-url redis://HOST:PORT/DB or set NEWSCORPUS_REDIS_URL")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"--redis-url {url!r}: expected redis://HOST:PORT/DB")
    return url
