"""The article record's fields with their types and meanings, for what describes a corpus to its readers.

The dataset card prints this table and ``newscorpus export`` builds its Parquet schema from it. The field
names and their order are those of ``crawler.items.ARTICLE_FIELDS`` (the writer's); a test keeps the two
equal. The types are those of the JSON line: ``string``, ``float``, ``int``, ``list<string>``, and the
``duplicates`` object; any field may be null or absent (``duplicates`` is absent unless copies were dropped).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    meaning: str


RECORD_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "stable id: first 16 hex digits of the SHA-1 of the canonical URL"),
    Field("url", "string", "the URL fetched (after redirects)"),
    Field("canonical_url", "string", "the page's canonical URL (normalised), else url"),
    Field("domain", "string", "host without www."),
    Field("title", "string", "headline, without the outlet suffix"),
    Field("authors", "list<string>", "bylines, cleaned"),
    Field("date_published", "string", "ISO 8601 publication time, never later than the fetch"),
    Field("date_modified", "string", "ISO 8601 modification time"),
    Field("date_source", "string", "where the publication date came from (json-ld, meta, url, ...)"),
    Field("language", "string", "detected language, ISO 639-1 (und when undetermined)"),
    Field("language_prob", "float", "probability of the detected language"),
    Field("declared_language", "string", "the language the page declares"),
    Field("text", "string", "the article body, one paragraph a line"),
    Field("word_count", "int", "words in text"),
    Field("site_name", "string", "the outlet's name as the page gives it"),
    Field("tags", "list<string>", "the page's tags and keywords"),
    Field("fetched_at", "string", "ISO 8601 fetch time"),
    Field("source", "string", "live for crawled pages"),
    Field("duplicates", "{count: int, ids: list<string>}", "the copies of this story that were dropped"),
)
