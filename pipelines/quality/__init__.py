"""The quality stage: simple, documented rules that keep non-articles and broken pages out of the corpus.

Core module: ``rules``; ``pipeline`` is the Scrapy adapter.

The adapter is imported on first use (``pipelines.quality.QualityPipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "QualityPipeline":
        from pipelines.quality.pipeline import QualityPipeline

        return QualityPipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
