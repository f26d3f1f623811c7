"""Signals of our own, sent through Scrapy's signal manager."""

from __future__ import annotations

#: Sent by the spider when a fetched page never becomes an item (HTTP error, non-HTML, too large...).
#: Arguments: ``record`` (dict with url, stage, reason, detail).
page_rejected = object()
