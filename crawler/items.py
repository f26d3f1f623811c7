"""The article record: the one schema every stage fills and every output line follows.

Items travel through the pipeline as plain dicts so the stages stay usable without Scrapy. Keys that start
with an underscore are working fields for later stages (the page HTML, discovery hints) and are never written.
"""

from __future__ import annotations

import hashlib
from typing import Any

#: The fields of one JSONL line, in the order they are written.
ARTICLE_FIELDS: tuple[str, ...] = (
    "id",
    "url",
    "canonical_url",
    "domain",
    "title",
    "authors",
    "date_published",
    "date_modified",
    "date_source",
    "language",
    "language_prob",
    "declared_language",
    "text",
    "word_count",
    "site_name",
    "tags",
    "fetched_at",
    "source",
    "duplicates",
)


def article_id(canonical_url: str) -> str:
    """A stable id from the canonical URL, so the same article gets the same id in every run and worker."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def public_record(item: dict[str, Any]) -> dict[str, Any]:
    """The JSONL line of an item: schema fields first, in order, then any extra public fields a stage added."""
    record = {key: item.get(key) for key in ARTICLE_FIELDS if key in item}
    record.update({k: v for k, v in item.items() if k not in record and not k.startswith("_")})
    return record
