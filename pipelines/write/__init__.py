"""The write stage: a run folder with article shards, ``duplicates.jsonl``, ``rejected.jsonl`` and a manifest.

Core modules: ``shards`` (crash-safe rolling JSONL), ``run_folder`` (file names, repair), ``writer`` (one run),
``merge`` (a distributed run's workers' files into one run), ``ledger`` (what the crawl state is told);
``pipeline`` is the Scrapy adapter.

The adapter is imported on first use (``pipelines.write.WritePipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "WritePipeline":
        from pipelines.write.pipeline import WritePipeline

        return WritePipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
