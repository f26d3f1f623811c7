"""The crawl process's collector settings (run in a child: they are process-wide)."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import gc
from crawler.gc_tuning import THRESHOLDS, collector_held, tune_for_crawl
with collector_held():
    assert not gc.isenabled()
    import scrapy  # what a crawl has imported by then
    tune_for_crawl()
    assert gc.isenabled()
with collector_held():
    pass  # a command that ends before its crawl is built
assert gc.isenabled()
assert gc.get_threshold() == THRESHOLDS, gc.get_threshold()
assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
garbage = []
garbage.append(garbage)  # a cycle made after start-up is still collected
del garbage
assert gc.collect() >= 1
print("ok")
"""


def test_start_up_held_then_frozen_and_cycles_still_collected() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
