"""The extract stage: one fetched page in, the article's text and metadata out, or a counted reason why not.

Core modules: ``decode`` (bytes to text), ``parse`` (one lxml tree), ``metadata`` and ``bylines`` (dates, authors,
title), ``prune`` with ``measure``, ``clutter_labels`` and ``teasers`` (clutter removed from the tree),
``main_text`` (trafilatura and the fallback rule), ``article`` (the record's fields); ``pipeline`` is the Scrapy
adapter.

The adapter is imported on first use (``pipelines.extract.ExtractPipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "ExtractPipeline":
        from pipelines.extract.pipeline import ExtractPipeline

        return ExtractPipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
