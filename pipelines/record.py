"""The article record: the one schema every stage fills and every output line follows, and the item's private keys.

Items travel through the pipeline as plain dicts so the stages stay usable without Scrapy (and pickle cheaply to
worker processes). Keys that start with an underscore are working fields for later stages and are never written;
each is named here once, with the component that writes it and the ones that read it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pipelines.urls import same_page


@dataclass(frozen=True)
class Field:
    """One field of the article record: its name, its type as the JSON line holds it, what it means."""

    name: str
    type: str
    meaning: str


#: The type of ``rights`` (``pipelines.extract.rights.article_rights`` builds it), as the record table prints it
#: and ``newscorpus export`` maps it to an Arrow struct.
RIGHTS_TYPE = (
    "{tdm_reserved: bool, tdm_source: string, tdm_policy: string, ai_crawlers_disallowed: list<string>, "
    "noai: bool, license: string, accessible_for_free: bool, copyright_holder: string, copyright_year: int, "
    "copyright_notice: string}"
)

#: The fields of one JSONL line, in the order they are written, with their types and meanings (the dataset
#: card prints them, ``newscorpus export`` builds its Parquet schema from them). Types are those of the JSON line;
#: any field may be null or absent (``duplicates`` is absent unless copies were dropped).
RECORD_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "string",
        "stable id: first 16 hex digits of the SHA-1 of the canonical URL (of url when the canonical names another page)",
    ),
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
    Field(
        "source", "string", "live for crawled pages, warc for archived ones, saved from newscorpus extract"
    ),
    Field(
        "discovered_via",
        "string",
        "how the crawl found the page: news-sitemap, sitemap, feed, link (on a page of the site) or start (a"
        " start URL)",
    ),
    Field(
        "warc",
        "{file: string, offset: int, length: int, record_id: string, date: string, truncated: string}",
        "archived pages: the archive file, the record's compressed offset and length in it, its WARC-Record-ID and"
        " WARC-Date, and why it is incomplete when it is (null: whole)",
    ),
    Field(
        "rights",
        RIGHTS_TYPE,
        "what the publisher declared: TDMRep reservation, its source and policy, the AI-training crawlers "
        "robots.txt disallows, noai, licence URL, access, copyright (null: not declared)",
    ),
    Field("duplicates", "{count: int, ids: list<string>}", "the copies of this story that were dropped"),
)

#: The fields' names, in order.
ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in RECORD_FIELDS)


def article_id(canonical_url: str) -> str:
    """A stable id from the canonical URL, so the same article gets the same id in every run and worker."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def known_urls(item: dict[str, Any], *more: str | None) -> list[str | None]:
    """The URLs the crawl state files an article under: its URL, its canonical URL when that names the same
    page (another page's URL, named by this one, must not be marked as fetched), and ``more``."""
    url, canonical = item.get("url"), item.get("canonical_url")
    trusted = canonical if url and canonical and same_page(canonical, url) else None
    return [url, trusted, *more]


def public_record(item: dict[str, Any]) -> dict[str, Any]:
    """The JSONL line of an item: schema fields first, in order, then any extra public fields a stage added."""
    record = {key: item.get(key) for key in ARTICLE_FIELDS if key in item}
    record.update({k: v for k, v in item.items() if k not in record and not k.startswith("_")})
    return record


# -- private keys: (written by) -> (read by) ----------------------------------------------------------------------

#: The page as fetched, bytes: spider -> extract (popped there; nothing after extraction holds the page).
HTML = "_html"
#: The response headers the rights are read from (``pipelines.extract.rights.RIGHTS_HEADERS``), lower-case
#: name -> values: spider -> extract (popped there, into ``rights``).
RESPONSE_HEADERS = "_response_headers"
#: The site's facts for the page's URL (``pipelines.extract.site_rights.SiteSignals``: its tdmrep.json rule, the
#: AI crawlers robots.txt keeps out): spider -> extract (popped there, into ``rights``).
SITE_RIGHTS = "_site_rights"
#: CSS selectors of clutter from the site profile: spider -> extract.
PRUNE_SELECTORS = "_prune_selectors"
#: A publication date from the sitemap or feed, and where it came from: spider -> extract (metadata).
DATE_HINT = "_date_hint"
DATE_HINT_SOURCE = "_date_hint_source"
#: The site profile's ``source_priority``: spider -> dedupe (the keep rule).
SOURCE_PRIORITY = "_source_priority"
#: The languages the site profile says the outlet publishes in: spider -> language (a stats count).
EXPECTED_LANGUAGES = "_expected_languages"
#: The charset the HTTP Content-Type header declares: spider, archive spider -> extract (decoding).
HTTP_CHARSET = "_http_charset"
#: An archived page's file and record offset: archive spider -> archive spider (what is done, for checkpoints).
ARCHIVE_POSITION = "_archive_position"
#: The URL as requested, before redirects: spider -> write (the crawl state, and the release of the page).
REQUESTED_URL = "_requested_url"
#: Nothing but the page can say it is an article (a probe, a listing): spider -> extract (it must prove it).
NEEDS_PROOF = "_needs_proof"
#: Where the spider found the page, ``{"site": profile index, "url": the URL as found}``: spider -> spider (the
#: item's outcome, seen through Scrapy's item signals, teaches the site's URL shapes).
DISCOVERY = "_discovery"
#: The sitemap or feed date of the entry: spider -> write (the crawl state, to see the page change later).
LASTMOD = "_lastmod"
#: A re-fetch of an article already written (``--revisit-after``): spider -> dedupe (passes), write (an update).
UPDATE_OF = "_update_of"
#: The text's fingerprint before the site's learned lines are stripped: clean -> write (revisions).
REVISION_DIGEST = "_revision_digest"
#: ``duplicates.jsonl`` lines of the lesser copies this article replaces: dedupe -> write.
RETRACT = "_retract"
#: Work the page task did ahead for later stages (``pipelines.page_task``): page task -> clean, language,
#: quality; language -> dedupe.
CLEANED_AHEAD = "_cleaned_ahead"
LANGUAGE_AHEAD = "_language_ahead"
QUALITY_AHEAD = "_quality_ahead"
FEATURES_AHEAD = "_features_ahead"
