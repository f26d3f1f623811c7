"""The dedupe stage: one story once, the best copy kept, every other copy accounted for.

Core modules: ``config``, ``fingerprint`` and ``features`` (shingles, MinHash, word quality), ``keep`` (the keep
rule), ``deduplicator`` (the decision), ``shared`` (the check on a shared Redis index), ``index/`` (where the
entries are kept); ``pipeline`` is the Scrapy adapter.

The adapter is imported on first use (``pipelines.dedupe.DedupePipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "DedupePipeline":
        from pipelines.dedupe.pipeline import DedupePipeline

        return DedupePipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
