"""``newscorpus worker --redis-url URL --out DIR``: one worker of a distributed crawl.

It takes seeds and requests from the shared Redis queue, writes its own files into the run folder
(``DIR/runs/<run-id>/articles-<worker>-NNNNN.jsonl`` ...) and stops once the whole cluster has had nothing to
do for ``--idle-stop`` seconds. Start as many as you like, on as many machines, with the same options;
``newscorpus merge`` then checks the run folder and writes its manifest. Redis is imported only here (and in
``seed`` and ``crawl --redis-url``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crawler.commands.options import add_corpus_arguments, add_redis_arguments, build_settings, redis_url_of
from crawler.gc_tuning import tune_for_crawl
from pipelines.dedupe.config import DedupeConfig
from pipelines.run_names import check_name, run_folder
from pipelines.settings import RunOptions, from_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_redis_arguments(parser)
    parser.add_argument(
        "--out", default="output", help="output folder; the run goes to OUT/runs/<run-id>/ (default: output)"
    )
    parser.add_argument(
        "--worker-id",
        help="this worker's name in the cluster and in its file names (default: host_pid_random)",
    )
    parser.add_argument(
        "--idle-stop", type=float, metavar="SECONDS",
        help="stop after the cluster had nothing to do for this long (default 30)",
    )  # fmt: skip
    add_corpus_arguments(parser, "stop this worker after writing this many articles")


def worker_settings(args: argparse.Namespace) -> tuple[Any, Any]:
    """Scrapy settings (as ``crawl`` builds them) and the distributed config, before joining a run."""
    from crawler.distributed.config import DistributedConfig

    options = {
        "targets": getattr(args, "targets", None) or [],
        "run_id": None,
        "state": None,
        "no_state": False,
        "resume": None,
        "since": None,
        "max_articles": None,
        "lang": None,
        "tdm": None,
        "user_agent": None,
        "compress": None,
        "warc": False,
        "follow_depth": None,
        "revisit_after": None,
        "quiet": False,
        "settings": [],
    }
    options.update({k: v for k, v in vars(args).items() if k in options and v is not None})
    settings = build_settings(argparse.Namespace(**options, out=args.out))
    if getattr(args, "namespace", None):
        settings.set("NEWSCORPUS_REDIS_NAMESPACE", args.namespace, priority="cmdline")
    if getattr(args, "idle_stop", None) is not None:
        settings.set("NEWSCORPUS_WORKER_IDLE_STOP", args.idle_stop, priority="cmdline")
    if getattr(args, "worker_id", None):
        settings.set("NEWSCORPUS_WORKER_ID", args.worker_id, priority="cmdline")
    settings.set("NEWSCORPUS_REDIS_URL", redis_url_of(args), priority="cmdline")
    return settings, from_settings(DistributedConfig, settings)


def crawl_as_worker(settings: Any, membership: Any, run_id: str, spider: Any = None) -> int:
    """Run the spider (the news spider; the archive spider in a run that reads archives) as this worker of
    ``run_id``; print its summary."""
    from dataclasses import replace

    from scrapy.crawler import CrawlerProcess

    from crawler.distributed.config import apply_settings
    from crawler.distributed.membership import WorkerCrawler
    from crawler.extensions import prepare_workers
    from crawler.spiders.archive import ArchiveSpider
    from crawler.spiders.news import NewsSpider
    from crawler.summary import format_summary

    try:
        check_name(run_id, "run id")  # it comes from the shared Redis, which anyone with access may write
    except ValueError as exc:
        membership.leave()
        membership.close()
        print(f"newscorpus worker: {exc}", file=sys.stderr)
        return 2
    config = replace(membership.config, worker_id=membership.worker)
    apply_settings(settings, config)
    dedupe = from_settings(DedupeConfig, settings)
    if dedupe.enabled:
        # The shared index refuses other fingerprint parameters: say so before Scrapy starts.
        from pipelines.dedupe.index.base import IndexMismatch
        from pipelines.dedupe.index.redis import RedisDedupeIndex

        try:
            params = dedupe.fingerprint_config().params()
            RedisDedupeIndex(membership.cluster.client, config.namespace).open(params)
        except IndexMismatch as exc:
            membership.leave()
            membership.close()
            print(f"newscorpus worker: {exc}", file=sys.stderr)
            return 2
    settings.set("NEWSCORPUS_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    prepare_workers(settings)
    try:
        process = CrawlerProcess(settings)
        if spider is None:
            spider = ArchiveSpider if membership.cluster.reads_archives() else NewsSpider
        process.crawl(WorkerCrawler(spider, settings, membership))
        tune_for_crawl()
        process.start()
    finally:
        membership.leave()  # a no-op after a clean stop (the extension left already)
        membership.close()
    run_dir = run_folder(from_settings(RunOptions, settings).out, run_id)
    manifest_path = run_dir / f"manifest-{membership.worker}.json"
    if not manifest_path.exists():
        print(
            f"newscorpus worker: the worker wrote no manifest ({manifest_path}); see the log above",
            file=sys.stderr,
        )
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    print(format_summary(manifest, run_dir))
    print(
        f"worker {membership.worker} of run {run_id}: {manifest.get('status')}; merge with: newscorpus merge {run_dir}"
    )
    return 0 if manifest.get("status") == "finished" else 1


def run(args: argparse.Namespace) -> int:
    from crawler.distributed.membership import join

    try:
        settings, config = worker_settings(args)
        membership, run_id, _ = join(config, out=str(args.out))
    except (ValueError, TimeoutError) as exc:
        print(f"newscorpus worker: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # redis.ConnectionError and the like: say what and where
        print(f"newscorpus worker: cannot reach Redis: {exc}", file=sys.stderr)
        return 2
    return crawl_as_worker(settings, membership, run_id)


def run_distributed_crawl(args: argparse.Namespace) -> int:
    """``newscorpus crawl TARGET... --redis-url URL``: seed the targets, then crawl them as one worker."""
    from crawler.distributed.membership import join
    from crawler.distributed.targets import target_spec
    from crawler.profiles import ProfileError

    if args.resume or args.no_state or args.state:
        print(
            "newscorpus crawl: --resume, --state and --no-state do not apply to a distributed crawl "
            "(its state is in Redis; a killed worker's work is taken back by the others)",
            file=sys.stderr,
        )
        return 2
    try:
        specs = [target_spec(t) for t in args.targets]
        if args.run_id:
            check_name(args.run_id, "--run-id")
        settings, config = worker_settings(args)
        membership, run_id, _ = join(config, run_id=args.run_id, out=str(args.out))
    except (ProfileError, ValueError, TimeoutError) as exc:
        print(f"newscorpus crawl: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"newscorpus crawl: cannot reach Redis: {exc}", file=sys.stderr)
        return 2
    result = membership.cluster.seed(specs, run_id)
    print(f"run {result.run_id}: {result.added} target(s) seeded", file=sys.stderr)
    return crawl_as_worker(settings, membership, run_id)
