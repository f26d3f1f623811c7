"""The clean stage: page furniture removed from the extracted text, whole lines at a time.

Core modules: ``rules`` (the line rules), ``site_lines`` (lines each site repeats) with ``line_stores`` (where
their counts are kept), ``page_text`` (the stage on one page); ``pipeline`` is the Scrapy adapter.

The adapter is imported on first use (``pipelines.clean.CleanPipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "CleanPipeline":
        from pipelines.clean.pipeline import CleanPipeline

        return CleanPipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
