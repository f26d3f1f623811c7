"""The crawl's worker pool: processes for the CPU work of the stages, started with the engine.

The extension is the :class:`~pipelines.page_task.PageWork` of the crawl: the stages find the pool through it,
tell it which of them run (so the page task does their work ahead), and share the record of the sites where
that pays off.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from pipelines.page_task import PageWork
from pipelines.settings import from_settings
from pipelines.worker.pool import PoolConfig, WorkerPool, start_fork_server
from pipelines.worker.speculation import Speculation

logger = logging.getLogger(__name__)


class WorkerPoolExtension(PageWork):
    """The worker processes (``NEWSCORPUS_WORKERS``, default one a core; 0 runs the stages inline on the
    reactor thread, where work ahead is never speculated: it costs no round trip and may be wasted)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerPoolExtension:
        config = from_settings(PoolConfig, crawler.settings)
        pool = WorkerPool(config.worker_count(), config.task_timeout, config.max_tasks_per_worker)
        extension = cls(pool, None if pool.inline else Speculation())
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


def prepare_workers(settings: Any) -> None:
    """Start the worker pool's fork server ahead of the crawl when the crawl will use workers (see
    ``pipelines.worker.pool.start_fork_server``); crawl commands call it before they build Scrapy's process."""
    if from_settings(PoolConfig, settings).worker_count() > 0:
        start_fork_server()
