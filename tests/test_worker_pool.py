from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.worker_pool import WorkerFailed, WorkerPool
from tests import pool_tasks


@pytest.fixture()
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(workers=2, task_timeout=1.5)
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


def test_a_crash_is_retried_once_then_reported(pool: WorkerPool, tmp_path: Path) -> None:
    assert run(pool.run(pool_tasks.die_once, str(tmp_path / "marker"))) == "survived"
    with pytest.raises(WorkerFailed) as failed:
        run(pool.run(pool_tasks.die))
    assert failed.value.reason == "crashed"
    assert pool.failures["crashed"] == 3
    # The pool replaced the dead workers.
    assert run(pool.run(pool_tasks.pid_and_square, 3))[1] == 9


def test_a_hang_is_stopped_at_the_timeout(pool: WorkerPool) -> None:
    started = time.monotonic()
    with pytest.raises(WorkerFailed) as failed:
        run(pool.run(pool_tasks.hang, 60))
    assert failed.value.reason == "timeout"
    assert time.monotonic() - started < 15  # two attempts of 1.5 s, plus worker restarts
    assert run(pool.run(pool_tasks.pid_and_square, 4))[1] == 16


def test_inline_mode_runs_in_this_process() -> None:
    inline = WorkerPool(workers=0)
    inline.start()
    assert run(inline.run(pool_tasks.pid_and_square, 5)) == (os.getpid(), 25)
    inline.close()
