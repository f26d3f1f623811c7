"""``newscorpus seed --redis-url URL TARGET...``: push start targets into the shared queue of a distributed crawl.

A target is what ``newscorpus crawl`` takes: a site URL, a profile file or a bundled profile name. Each is
checked first (a bad profile fails here, naming the file and key). A profile file's *content* is pushed, not
its path, so workers on other machines need no copy of it. Seeding joins the current run while it has live
workers or work left, and otherwise starts a new run (a new run id; the previous run's frontier is
forgotten, the crawl state is kept): that is what an hourly ``seed`` + ``worker`` schedule wants.
"""

from __future__ import annotations

import argparse
import sys

from crawler.commands.options import add_redis_arguments, redis_url_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets", nargs="+", metavar="TARGET", help="site URL, profile file (.toml) or bundled profile name"
    )
    add_redis_arguments(parser)
    parser.add_argument(
        "--run-id", help="the id of the run when this seed starts one (default: UTC time + random)"
    )
    parser.add_argument(
        "--new-run", action="store_true",
        help="start a new run even if the current one is not over (its queue and duplicate filter are dropped)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from crawler.distributed.clients import connect
    from crawler.distributed.cluster import Cluster
    from crawler.distributed.targets import target_spec
    from crawler.profiles import ProfileError
    from pipelines.run_names import check_name

    try:
        specs = [target_spec(t) for t in args.targets]
        if args.run_id:
            check_name(args.run_id, "--run-id")  # workers make it a folder name
        url = redis_url_of(args)
    except (ProfileError, ValueError) as exc:
        print(f"newscorpus seed: {exc}", file=sys.stderr)
        return 2
    try:
        client = connect(url)
    except Exception as exc:  # redis.ConnectionError and the like
        print(f"newscorpus seed: cannot reach Redis at {url}: {exc}", file=sys.stderr)
        return 2
    try:
        cluster = Cluster(client, args.namespace or "newscorpus")
        result = cluster.seed(specs, run_id=args.run_id, new_run=args.new_run)
    except (ValueError, TimeoutError) as exc:
        print(f"newscorpus seed: {exc}", file=sys.stderr)
        return 2
    finally:
        client.close()
    state = "started" if result.new_run else "joined"
    print(f"run {result.run_id} ({state}): {result.added} of {len(specs)} target(s) queued")
    return 0
