"""CPU-heavy stage work in worker processes, so Scrapy's reactor thread keeps downloading.

Scrapy runs item pipelines on its single reactor thread: a stage that parses HTML inline caps the crawl at one
core and stalls downloads while it works. Stages hand their pure functions to this pool instead and await the
result. pebble runs them: it replaces a worker that crashes or that we kill because its task ran past the
timeout, which ``concurrent.futures.ProcessPoolExecutor`` cannot do (one crash breaks the whole executor, and
a hung task cannot be stopped). A page whose task fails is tried once more, then dropped with a reason
(``WorkerCrashed`` or ``WorkerTimedOut``, a line of ``rejected.jsonl`` with stage ``worker``).

``workers=0`` runs the functions inline, in the calling thread: the same code path for tests and one-core use.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pipelines.settings import setting

if TYPE_CHECKING:
    from pipelines.drops import WorkerFailed

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Modules the workers import once, in the fork server, before any task: every worker starts warm.
PRELOAD = (
    "trafilatura",
    "pipelines.page_task",
    "pipelines.quality.rules",
    "pipelines.dedupe.word_quality",
    "pipelines.worker.warmup",
)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the crawl: a terminal sends SIGINT to the whole process group, and the crawl
    stops gracefully, waiting for the pages in the workers rather than losing them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ready() -> None:
    """A task that does nothing: scheduling it starts the workers."""


def _fork_context() -> Any:
    """The forkserver context, its server told to import ``PRELOAD`` (the same list each time)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def start_fork_server() -> None:
    """Start the workers' fork server now, without waiting for it.

    Why: the fork server imports ``PRELOAD`` (about 0.8 s of one core with a warm model cache, 2 s without one)
    before it forks the first worker. Started with the pool, at the engine's start, that is time of a crawl
    where pages wait for workers and the other core idles; started as soon as a crawl command knows it will use
    workers, it runs while the crawl still sets itself up (Scrapy's imports, the spider's settings). The pool
    then forks from the server running.
    """
    from multiprocessing import forkserver

    _fork_context()
    forkserver.ensure_running()


@dataclass(frozen=True)
class PoolConfig:
    """``workers``: worker processes (None: one a core this process may use; 0: the work runs inline, on the
    calling thread). ``task_timeout``: seconds a page's task may run before its worker is replaced.
    ``max_tasks_per_worker``: a worker is replaced after this many tasks (see :class:`WorkerPool`)."""

    workers: int | None = setting("NEWSCORPUS_WORKERS", None, int)
    task_timeout: float = setting("NEWSCORPUS_WORKER_TIMEOUT", 120.0)
    max_tasks_per_worker: int = setting("NEWSCORPUS_WORKER_MAX_TASKS", 50_000)

    def worker_count(self) -> int:
        return default_workers() if self.workers is None else self.workers


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """A pool of worker processes running picklable, top-level functions."""

    def __init__(self, workers: int, task_timeout: float = 120.0, max_tasks_per_worker: int = 50_000) -> None:
        """``max_tasks_per_worker`` recycles workers now and then, so that memory a parser leaks or keeps in
        caches cannot grow without bound over a long crawl. Not often: a page is one or two tasks, and a new worker
        spends seconds of CPU loading what the stages use (langdetect's profiles, word lists, stop lists), so
        a recycle every 500 pages cost the crawl benchmark about a fifth of its throughput."""
        self.workers = workers
        self.task_timeout = task_timeout
        self.max_tasks_per_worker = max_tasks_per_worker
        self._pool: Any = None
        self._started: Future[None] | None = None  # done once the workers run (see start)
        self.failures = {"timeout": 0, "crashed": 0}
        self.in_flight = 0  # tasks given to run() and not finished yet (see idle)

    @property
    def inline(self) -> bool:
        return self.workers <= 0

    def idle(self) -> bool:
        """No task in the workers nor waiting for them: no page is being worked on, so none will reach the
        later stages soon (the dedupe stage's group commit then commits at once). Never idle inline: the work
        runs on the caller's thread and leaves no trace to count."""
        return not self.inline and self.in_flight == 0

    def start(self) -> None:
        """Start the workers, without waiting for them: tasks given meanwhile wait in ``run``.

        pebble forks its workers in the thread that gives it its first task, and a fork waits for the fork
        server's imports (about a second at a crawl's start). Given from the reactor thread, that first task
        would stop every download until the workers ran; a thread of its own gives it.
        """
        if self.inline or self._pool is not None:
            return
        from pebble import ProcessPool

        self._pool = ProcessPool(
            max_workers=self.workers,
            max_tasks=self.max_tasks_per_worker,
            initializer=_ignore_interrupts,
            context=_fork_context(),
        )
        self._started = Future()
        threading.Thread(target=self._start_workers, name="worker-pool-start", daemon=True).start()

    def _start_workers(self) -> None:
        assert self._started is not None
        try:
            self._pool.schedule(_ready)
        except BaseException as exc:  # handed to every task that waits for the workers
            self._started.set_exception(exc)
        else:
            self._started.set_result(None)
            logger.info("started %d worker processes", self.workers)

    def _wait_started(self, timeout: float) -> None:
        if self._started is not None:
            wait_for_futures([self._started], timeout=timeout)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker; one retry when the worker crashed or the task timed out."""
        if self.inline:
            return function(*args)
        self.in_flight += 1
        try:
            return await self._run(function, *args)
        finally:
            self.in_flight -= 1

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        """:meth:`run` in the workers (counted in ``in_flight`` meanwhile, waiting for the start included)."""
        if self._pool is None:
            self.start()
        if self._started is not None and not self._started.done():
            await asyncio.wrap_future(self._started)
        from pebble import ProcessExpired

        # The drop classes load Scrapy: not imported with this module, which a crawl command imports first thing.
        from pipelines.drops import WorkerCrashed, WorkerTimedOut

        name = getattr(function, "__name__", str(function))
        failure: WorkerFailed = WorkerCrashed(name)
        for attempt in (1, 2):
            future = self._pool.schedule(function, args=args, timeout=self.task_timeout)
            try:
                return await asyncio.wrap_future(future)
            except FutureTimeout:
                self.failures["timeout"] += 1
                failure = WorkerTimedOut(f"{name} ran past {self.task_timeout:g}s")
            except ProcessExpired as exc:
                self.failures["crashed"] += 1
                failure = WorkerCrashed(f"{name}: worker exit code {exc.exitcode}")
            logger.warning("worker %s (attempt %d of 2)", failure.detail, attempt)
        raise failure

    def close(self) -> None:
        """Let running tasks finish, then stop the workers."""
        if self._pool is not None:
            self._wait_started(self.task_timeout)
            self._pool.close()
            self._pool.join(timeout=self.task_timeout)
            self._pool = None

    def kill(self) -> None:
        """Stop the workers now (tasks in them are lost)."""
        if self._pool is not None:
            self._wait_started(10)
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None
