"""The language stage: langdetect's label and probability, and the ``--lang`` filter.

Core modules: ``codes``, ``detect`` and ``langdetect_model``; ``pipeline`` is the Scrapy adapter.

The adapter is imported on first use (``pipelines.language.LanguagePipeline`` in ``ITEM_PIPELINES``), so importing a core module
does not load Scrapy.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "LanguagePipeline":
        from pipelines.language.pipeline import LanguagePipeline

        return LanguagePipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
