"""The clean stage on one page's text: the rules in a worker, then the site's learned lines where the counts are."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pipelines.clean.rules import CleanConfig, clean_text
from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate, line_keys
from pipelines.drops import NoTextAfterClean
from pipelines.text_stats import count_words, revision_digest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanedText:
    """The clean stage's worker result: the text, and what the reactor would otherwise compute from it."""

    text: str
    digest: str  # revision_digest(text): tells a corrected article from an unchanged one
    words: int  # count_words(text)
    line_keys: list[str | None] | None  # line_keys(text.splitlines(), ...) when the site's lines are learned


def clean_page_text(text: str, config: CleanConfig, learned: BoilerplateConfig | None) -> CleanedText:
    """The task a worker process runs for the clean stage."""
    cleaned = clean_text(text, config)
    keys = line_keys(cleaned.splitlines(), learned) if learned is not None else None
    return CleanedText(cleaned, revision_digest(cleaned), count_words(cleaned), keys)


def clean_item(
    item: dict[str, Any], config: CleanConfig | None = None, boilerplate: SiteBoilerplate | None = None
) -> dict[str, Any]:
    """Clean an item dict in place (shared by the crawl and ``newscorpus extract``)."""
    return finish_clean(item, clean_text(item.get("text") or "", config), boilerplate)


def finish_clean(
    item: dict[str, Any],
    text: str,
    boilerplate: SiteBoilerplate | None = None,
    line_keys: list[str | None] | None = None,
    words: int | None = None,
) -> dict[str, Any]:
    """After the text rules: the site's learned boilerplate lines, the word count, the empty check.

    ``line_keys`` and ``words``: the text's line keys and word count, when computed elsewhere (a worker)."""
    stripped = text
    if boilerplate is not None and item.get("domain"):
        stripped = boilerplate.process(item["domain"], text, line_keys)
    item["text"] = stripped
    item["word_count"] = words if words is not None and stripped == text else count_words(stripped)
    if not stripped.strip():
        raise NoTextAfterClean("nothing left after removing page furniture")
    return item
