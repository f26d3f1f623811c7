"""The crawl process's collector settings (run in a child: they are process-wide)."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import gc
from crawler.gc_tuning import THRESHOLDS, tune_for_crawl
import scrapy  # what a crawl has imported by then
tune_for_crawl()
assert gc.get_threshold() == THRESHOLDS, gc.get_threshold()
assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
garbage = []
garbage.append(garbage)  # a cycle made after start-up is still collected
del garbage
assert gc.collect() >= 1
print("ok")
"""


def test_tune_for_crawl_freezes_start_up_and_still_collects_cycles() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
