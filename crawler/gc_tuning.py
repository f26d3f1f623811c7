"""The cyclic garbage collector of a crawl's reactor process, tuned for a long-running process.

Why: the reactor process holds a few hundred thousand long-lived objects (Scrapy, Twisted, lxml, the stages'
modules) and makes many short-lived ones per page. With CPython's default thresholds a full collection scans
all of them every few seconds: on the 3000-page crawl benchmark the collector took 2.5 s of the reactor's 20 s
of CPU, in pauses of up to 155 ms during which the worker pool's threads could not hand out tasks. Freezing
what exists at start-up (``gc.freeze``: never scanned again, never freed) and collecting the young generation
less often makes it about 0.6 s. Reference counting still frees almost everything at once; the thresholds only
delay the collection of garbage cycles, by a bounded number of allocations.

The collector is also held off while a crawl command starts (:func:`collector_held`): its imports and the
crawler's construction allocate hundreds of thousands of objects that all live on, and the collections they
trigger (and a full one before freezing) cost about 0.15 s of the start-up for some 1,600 objects of garbage,
which are frozen with the rest.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

#: Allocations between young-generation collections (CPython's default: 700), and how many collections of each
#: generation trigger one of the next (default: 10, 10).
THRESHOLDS = (20_000, 20, 20)


@contextmanager
def collector_held() -> Iterator[None]:
    """Around a crawl command: no collection until :func:`tune_for_crawl` (or the command's end)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def tune_for_crawl() -> None:
    """Call once start-up is done (modules imported, the crawler built), just before the reactor starts."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    gc.enable()
    logger.debug("gc: %d objects frozen, thresholds %s", gc.get_freeze_count(), THRESHOLDS)
