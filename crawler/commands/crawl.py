"""``newscorpus crawl TARGET... --out DIR``: crawl sites (URLs or profile files) into a run folder."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from crawler.profiles import ProfileError, load_target
from crawler.summary import format_summary
from crawler.timeutil import parse_since
from pipelines.write import new_run_id


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets", nargs="+", metavar="TARGET", help="site URL, profile file (.toml) or bundled profile name"
    )
    parser.add_argument(
        "--out", default="output", help="output folder; the run goes to OUT/runs/<run-id>/ (default: output)"
    )
    parser.add_argument(
        "--since", help="skip articles published before this date (YYYY-MM-DD, ISO time, or 7d / 12h)"
    )
    parser.add_argument("--max-articles", type=int, help="stop after writing this many articles")
    parser.add_argument("--lang", help="keep only these languages, e.g. en,ko")
    parser.add_argument("--user-agent", help="an honest User-Agent with a way to reach you")
    parser.add_argument("--compress", choices=["gz", "zst"], help="compress article shards")
    parser.add_argument(
        "--follow-depth", type=int, help="how deep to follow links from start pages (default 2)"
    )
    parser.add_argument("--run-id", help="name of the run folder (default: UTC time and a random suffix)")
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
    for name, value in options.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run(args: argparse.Namespace) -> int:
    try:
        for target in args.targets:
            load_target(target)  # fail fast, naming the file and key, before Twisted starts
        settings = build_settings(args)
    except (ProfileError, ValueError) as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 2

    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.news import NewsSpider

    # Scrapy logs through the root handler that `newscorpus -v` configured, at the level it chose.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(NewsSpider, targets=args.targets)
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
    print(format_summary(manifest, run_dir))
    return 0
