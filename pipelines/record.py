"""The article record: the one schema every stage fills and every output line follows, and the item's private keys.

Items travel through the pipeline as plain dicts so the stages stay usable without Scrapy (and pickle cheaply to
worker processes). Keys that start with an underscore are working fields for later stages and are never written;
each is named here once, with the component that writes it and the ones that read it.
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


# -- private keys: (written by) -> (read by) ----------------------------------------------------------------------

#: The page as fetched, bytes: spider -> extract (popped there; nothing after extraction holds the page).
HTML = "_html"
#: CSS selectors of clutter from the site profile: spider -> extract.
PRUNE_SELECTORS = "_prune_selectors"
#: A publication date from the sitemap or feed, and where it came from: spider -> extract (metadata).
DATE_HINT = "_date_hint"
DATE_HINT_SOURCE = "_date_hint_source"
#: The site profile's ``source_priority``: spider -> dedupe (the keep rule).
SOURCE_PRIORITY = "_source_priority"
#: The languages the site profile says the outlet publishes in: spider -> language (a stats count).
EXPECTED_LANGUAGES = "_expected_languages"
#: The URL as requested, before redirects: spider -> write (the crawl state, and the release of the page).
REQUESTED_URL = "_requested_url"
#: The sitemap or feed date of the entry: spider -> write (the crawl state, to see the page change later).
LASTMOD = "_lastmod"
#: A re-fetch of an article already written (``--revisit-after``): spider -> dedupe (passes), write (an update).
UPDATE_OF = "_update_of"
#: The text's fingerprint before the site's learned lines are stripped: clean -> write (revisions).
REVISION_DIGEST = "_revision_digest"
#: ``duplicates.jsonl`` lines of the lesser copies this article replaces: dedupe -> write.
RETRACT = "_retract"
#: Work the page task did ahead for later stages (``pipelines.page_task``): page task -> clean, language;
#: language -> dedupe.
CLEANED_AHEAD = "_cleaned_ahead"
LANGUAGE_AHEAD = "_language_ahead"
FEATURES_AHEAD = "_features_ahead"
