"""Imported once by the worker pool's fork server (``pipelines.worker_pool.PRELOAD``): what every worker's first
page would load is loaded here, before the workers are forked from it.

Why: langdetect's profiles take about half a second of CPU to load (``pipelines.langdetect_model``). Loaded in
each worker, that is paid again by every worker and by every replacement of a crashed or recycled one; loaded
in the fork server, the workers inherit it (copy-on-write: the profiles' pages are only read, so they stay
shared between the workers). A crawl with another language configuration than the default loads its own
detector in the workers, as before.
"""

from __future__ import annotations

from pipelines.language import LanguageConfig, shared_detector

shared_detector(LanguageConfig())
