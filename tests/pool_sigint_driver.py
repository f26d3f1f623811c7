"""Driver for the worker pool's SIGINT test: a process that uses the pool the way the crawl does.

It prints the worker pids, starts a task that runs for a while, and tells the test it is running; the test
then sends SIGINT to the whole process group, as a terminal's Ctrl-C does. Like Scrapy, the driver treats
SIGINT as "stop after what is in flight": it awaits the running task, closes the pool and prints the result.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.worker.pool import WorkerPool
from tests import pool_tasks  # noqa: E402


async def main() -> int:
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stopping.set)
    pool = WorkerPool(2, task_timeout=30)
    pool.start()
    pids = {
        pid for pid, _ in await asyncio.gather(*(pool.run(pool_tasks.pid_and_square, n) for n in range(6)))
    }
    print("workers", *sorted(pids), flush=True)
    task = asyncio.ensure_future(pool.run(pool_tasks.hang, 3.0))
    print("running", flush=True)
    await stopping.wait()
    print("result", await task, flush=True)
    pool.close()
    print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
