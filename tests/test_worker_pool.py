from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.drops import WorkerFailed
from pipelines.worker.pool import WorkerPool
from tests import pool_tasks
from tests.fresh_process import run_snippet


@pytest.fixture()
def pool() -> Iterator[WorkerPool]:
    # A task timeout no task of these tests comes near, however loaded the machine: only the hang test
    # (with a pool of its own) is meant to reach one.
    workers = WorkerPool(workers=2, task_timeout=120)
    workers.start()
    yield workers
    workers.kill()


def run(coroutine):  # noqa: ANN001, ANN201 - test helper
    return asyncio.run(coroutine)


def test_runs_in_other_processes(pool: WorkerPool) -> None:
    async def many() -> list[tuple[int, int]]:
        return await asyncio.gather(*(pool.run(pool_tasks.pid_and_square, n) for n in range(8)))

    results = run(many())
    assert [square for _, square in results] == [n * n for n in range(8)]
    assert os.getpid() not in {pid for pid, _ in results}


def test_the_pool_is_idle_only_with_no_task_given_and_unfinished(pool: WorkerPool) -> None:
    """What the dedupe stage's group commit reads: a task counts from the moment it is given (waiting for the
    workers included) until its result is back; an inline pool, whose work leaves no trace, is never idle."""

    async def one_task() -> tuple[bool, bool]:
        assert pool.idle()
        task = asyncio.ensure_future(pool.run(pool_tasks.pid_and_square, 4))
        await asyncio.sleep(0)
        during = pool.idle()
        await task
        return during, pool.idle()

    assert run(one_task()) == (False, True)
    assert not WorkerPool(0).idle()


def test_a_crash_is_retried_once_then_reported(pool: WorkerPool, tmp_path: Path) -> None:
    assert run(pool.run(pool_tasks.die_once, str(tmp_path / "marker"))) == "survived"
    with pytest.raises(WorkerFailed) as failed:
        run(pool.run(pool_tasks.die))
    assert failed.value.reason == "crashed"
    assert pool.failures["crashed"] == 3
    # The pool replaced the dead workers.
    assert run(pool.run(pool_tasks.pid_and_square, 3))[1] == 9


def test_a_hang_is_stopped_at_the_timeout() -> None:
    # The task would sleep past the test's own timeout: only the pool's can end it.
    pool = WorkerPool(workers=2, task_timeout=1.5)
    pool.start()
    try:
        with pytest.raises(WorkerFailed) as failed:
            run(pool.run(pool_tasks.hang, 3600))
        assert failed.value.reason == "timeout"
        assert pool.failures == {"timeout": 2, "crashed": 0}
        assert run(pool.run(pool_tasks.pid_and_square, 4))[1] == 16
    finally:
        pool.kill()


def test_a_page_that_fails_twice_is_a_recorded_drop_that_the_next_run_retries(pool: WorkerPool) -> None:
    from scrapy.exceptions import DropItem

    from crawler.state.recovery import is_permanent_rejection

    with pytest.raises(WorkerFailed) as failed:
        run(pool.run(pool_tasks.die))
    assert isinstance(failed.value, DropItem)  # Scrapy drops the item; the write stage records it
    record = failed.value.record({"url": "https://news.example/a"})
    assert (record["stage"], record["reason"]) == ("worker", "crashed")
    assert record["detail"].startswith("die: worker exit code")
    assert not is_permanent_rejection(record)


def test_inline_mode_runs_in_this_process() -> None:
    inline = WorkerPool(workers=0)
    inline.start()
    assert run(inline.run(pool_tasks.pid_and_square, 5)) == (os.getpid(), 25)
    inline.close()


def test_sigint_to_the_process_group_finishes_the_task_in_flight_and_stops_the_workers() -> None:
    """Ctrl-C reaches every process of the group: the workers ignore it, so the page in flight is not lost,
    and closing the pool leaves no process behind (workers, fork server)."""
    driver = Path(__file__).with_name("pool_sigint_driver.py")
    proc = subprocess.Popen(
        [sys.executable, str(driver)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout is not None
        workers = [int(pid) for pid in proc.stdout.readline().split()[1:]]
        assert workers and proc.pid not in workers
        assert proc.stdout.readline().strip() == "running"
        helpers = _session_members(proc.pid) - {proc.pid}
        assert set(workers) <= helpers
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0
    assert "result woke up" in out and "closed" in out
    deadline = time.monotonic() + 60  # the workers and the fork server exit once the pool is closed
    while _session_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _session_members(proc.pid)


def _session_members(session: int) -> set[int]:
    """Live (not zombie) processes of a session, from /proc."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            members.add(int(stat.parent.name))
    return members


# The server is forked, then execs itself: until the exec its command line is this snippet's, so the snippet
# waits for it (bounded) rather than reading the children once.
_EARLY_SERVER = """
import os, time
from pipelines.worker.pool import start_fork_server

start_fork_server()
deadline = time.monotonic() + 60
while True:
    children = open(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read().split()
    commands = [open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode() for pid in children]
    servers = sum("forkserver" in command for command in commands)
    if servers or time.monotonic() > deadline:
        break
    time.sleep(0.01)
print(servers)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_fork_server_starts_ahead_of_the_pool() -> None:
    """``start_fork_server`` launches the server before any pool exists (crawl commands call it early)."""
    assert run_snippet(_EARLY_SERVER, timeout=120).split() == ["1"]


def test_start_returns_before_the_workers_run_and_tasks_wait_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first task, which makes pebble fork its workers (a wait for the fork server's imports), is given from
    a thread of its own: ``start`` returns at once, and a task given meanwhile waits, then runs."""
    import threading

    from pebble import ProcessPool

    forks_may_start = threading.Event()
    schedule = ProcessPool.schedule

    def slow_first_task(self: ProcessPool, function, *args, **kwargs):  # noqa: ANN001, ANN202 - pebble's own
        if function.__name__ == "_ready":
            assert forks_may_start.wait(timeout=30)
        return schedule(self, function, *args, **kwargs)

    monkeypatch.setattr(ProcessPool, "schedule", slow_first_task)
    pool = WorkerPool(workers=1, task_timeout=30)
    try:
        pool.start()  # returns although the first task is held back
        assert pool._started is not None and not pool._started.done()

        async def task_then_release() -> tuple[int, int]:
            waiting = asyncio.ensure_future(pool.run(pool_tasks.pid_and_square, 7))
            await asyncio.sleep(0.2)
            assert not waiting.done()  # waits for the workers
            forks_may_start.set()
            return await waiting

        pid, square = run(task_then_release())
        assert square == 49 and pid != os.getpid()
    finally:
        forks_may_start.set()
        pool.kill()
