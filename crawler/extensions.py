"""The crawl-state extension: one state per crawl, opened (and locked) before anything is fetched.

Other components find it with :func:`crawl_state_extension`. It also holds the set of article URLs in
flight in this process, so that a page queued twice (once in a resumed JOBDIR queue, once re-discovered) is
fetched once.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.recovery import recover_unfinished_runs, repair_run
from crawler.state import CrawlState
from pipelines.ahead import Speculation
from pipelines.worker_pool import WorkerPool, default_workers, start_fork_server

logger = logging.getLogger(__name__)


def state_dir(settings: Any) -> Path | None:
    """``NEWSCORPUS_STATE_DIR``, else ``NEWSCORPUS_OUT/state``; None when the state is switched off."""
    if not settings.getbool("NEWSCORPUS_STATE_ENABLED", True):
        return None
    folder = settings.get("NEWSCORPUS_STATE_DIR") or Path(settings.get("NEWSCORPUS_OUT", "output")) / "state"
    return Path(folder)


class CrawlStateExtension:
    def __init__(self, state: CrawlState | Any) -> None:
        self.state = state
        self.inflight: set[str] = set()
        #: Marks the requests this process let through (see IncrementalMiddleware): unique per process.
        self.token = secrets.token_hex(8)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStateExtension:
        from pipelines.dedupe import DedupeConfig
        from pipelines.write import writer_config

        folder = state_dir(crawler.settings)
        if folder is None:
            raise NotConfigured  # state switched off on purpose (--no-state): nothing to warn about
        if crawler.settings.getbool("NEWSCORPUS_DISTRIBUTED"):
            # Distributed crawls share their state in Redis: no folder, no lock; killed workers are reaped
            # by the others (crawler.distributed) and their files recovered by `newscorpus merge`.
            from crawler.distributed import open_shared_state

            extension = cls(open_shared_state(crawler.settings))
            crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
            logger.info("crawl state in Redis (%s)", crawler.settings.get("NEWSCORPUS_REDIS_NAMESPACE"))
            return extension
        state = CrawlState.open(folder)
        resuming = (
            crawler.settings.get("NEWSCORPUS_RUN_ID")
            if crawler.settings.getbool("NEWSCORPUS_RESUME")
            else None
        )
        config = writer_config(crawler.settings)
        params = DedupeConfig.from_settings(crawler.settings).fingerprint_config().params()
        recovered = recover_unfinished_runs(state, exclude=resuming, config=config, dedupe_params=params)
        if resuming:
            run_dir = Path(crawler.settings.get("NEWSCORPUS_OUT", "output")) / "runs" / resuming
            repair_run(state, resuming, run_dir, config.shard_prefix, params)
        if recovered:
            crawler.stats.set_value("newscorpus/state/recovered_runs", len(recovered))
        extension = cls(state)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        logger.info("crawl state in %s", folder)
        return extension

    def engine_stopped(self) -> None:
        self.state.close()


def crawl_state_extension(crawler: Any) -> CrawlStateExtension | None:
    """The crawl's state extension, or None when the state is off."""
    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, CrawlStateExtension):
            return extension
    return None


class WorkerPoolExtension:
    """The crawl's worker processes for the CPU-heavy stages (``NEWSCORPUS_WORKERS``, default: one a core;
    0 runs the stages inline on the reactor thread). Stages find it with :func:`worker_pool`."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        #: Which sites get later stages' work in a page's first task (see ``pipelines.ahead.Speculation``).
        self.speculation = Speculation()

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerPoolExtension:
        pool = WorkerPool(
            configured_workers(crawler.settings),
            task_timeout=crawler.settings.getfloat("NEWSCORPUS_WORKER_TIMEOUT", 120.0),
            max_tasks_per_worker=crawler.settings.getint("NEWSCORPUS_WORKER_MAX_TASKS", 50_000),
        )
        extension = cls(pool)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.pool.start()

    def engine_stopped(self) -> None:
        # The pipelines awaited every page before the spider closed: nothing is running in the workers.
        self.pool.close()
        failures = self.pool.failures
        if any(failures.values()):
            logger.warning("worker failures during the crawl: %s", failures)


def configured_workers(settings: Any) -> int:
    """``NEWSCORPUS_WORKERS``, or one worker a core when it is empty."""
    workers = settings.get("NEWSCORPUS_WORKERS")
    return default_workers() if workers in (None, "") else int(workers)


def prepare_workers(settings: Any) -> None:
    """Start the worker pool's fork server ahead of the crawl when the crawl will use workers (see
    ``pipelines.worker_pool.start_fork_server``); crawl commands call it before they build Scrapy's process."""
    if configured_workers(settings) > 0:
        start_fork_server()


def speculation(crawler: Any) -> Speculation | None:
    """The record the stages share of which sites' pages get later stages' work computed ahead; None without
    worker processes (run inline, a stage's work costs no round trip, and ahead it may be wasted)."""
    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, WorkerPoolExtension) and not extension.pool.inline:
            return extension.speculation
    return None


def worker_pool(crawler: Any) -> WorkerPool:
    """The crawl's pool, or an inline one when the extension is not enabled (tests, scripts)."""
    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, WorkerPoolExtension):
            return extension.pool
    return WorkerPool(0)
