"""Site-level boilerplate learning: lines that recur on many pages of one domain are the site's, not the story's.

A newsletter plug, a standard disclaimer or a "Follow us on ..." line shows up on most pages of a site, in
words no generic list can know. We count, per domain, on how many pages each (normalised) line occurs; once a
domain has ``min_pages`` pages, a line seen on more than ``threshold`` of them is stripped.

The counts live behind ``LineCountStore`` (``pipelines.clean.line_stores``) so a crawl can keep them in memory (``MemoryLineStore``) and a
distributed crawl can keep them in a shared state store (SQLite, Redis) without touching this logic. Lines are
stored as short hashes, never as text.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from pipelines.clean.line_stores import LineCountStore, MemoryLineStore
from pipelines.settings import setting

logger = logging.getLogger(__name__)


_NORMALISE = re.compile(r"\W+")


@dataclass(frozen=True)
class BoilerplateConfig:
    """``enabled``: the clean stage learns each site's lines. ``threshold``: share of a domain's pages a line must appear on to be boilerplate (strictly more than).
    ``min_pages``: pages of a domain seen before any line is stripped (too few pages prove nothing).
    ``max_line_chars``: longer lines are prose and never counted. ``min_line_chars``: shorter ones carry too
    little to be told apart (a lone "Reuters" dateline is left to the line cleaner)."""

    enabled: bool = setting("NEWSCORPUS_CLEAN_BOILERPLATE", True)
    threshold: float = setting("NEWSCORPUS_CLEAN_BOILERPLATE_THRESHOLD", 0.5)
    min_pages: int = setting("NEWSCORPUS_CLEAN_BOILERPLATE_MIN_PAGES", 5)
    max_line_chars: int = 400
    min_line_chars: int = 3
    max_lines_per_domain: int = 200_000


def line_key(line: str) -> str:
    """Case, spacing and punctuation do not make a line different."""
    normal = _NORMALISE.sub(" ", line.lower()).strip()
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest()


def line_keys(lines: list[str], config: BoilerplateConfig) -> list[str | None]:
    """Each line's key, None for lines too short or too long to be counted (a pure function: a worker process
    can compute the keys of a page, leaving the counting to the process that holds the store)."""
    low, high = config.min_line_chars, config.max_line_chars
    return [line_key(line) if low <= len(line.strip()) <= high else None for line in lines]


class SiteBoilerplate:
    """Learns each domain's recurring lines and strips them from its texts."""

    def __init__(self, config: BoilerplateConfig | None = None, store: LineCountStore | None = None) -> None:
        self.config = config or BoilerplateConfig()
        self.store: LineCountStore = (
            store if store is not None else MemoryLineStore(self.config.max_lines_per_domain)
        )

    def _keys(self, lines: list[str]) -> list[str | None]:
        return line_keys(lines, self.config)

    def observe(self, domain: str, text: str) -> None:
        keys = [k for k in self._keys(text.splitlines()) if k]
        self.store.add_page(domain, keys)

    def strip(self, domain: str, text: str) -> str:
        """``text`` without the lines the domain repeats; unchanged until the domain has ``min_pages`` pages."""
        lines = text.splitlines()
        return self._strip(domain, text, lines, self._keys(lines))

    def _strip(self, domain: str, text: str, lines: list[str], keys: list[str | None]) -> str:
        pages = self.store.page_count(domain)
        if pages < self.config.min_pages:
            return text
        counts = self.store.line_counts(domain, [k for k in keys if k])
        limit = self.config.threshold * pages
        kept = [
            line for line, key in zip(lines, keys, strict=True) if key is None or counts.get(key, 0) <= limit
        ]
        if len(kept) != len(lines):
            logger.debug("%s: %d boilerplate lines stripped", domain, len(lines) - len(kept))
        return "\n".join(kept)

    def process(self, domain: str, text: str, keys: list[str | None] | None = None) -> str:
        """Count this page, then strip: a crawl's page counts towards its own domain's statistics.

        ``keys``: ``line_keys(text.splitlines(), self.config)`` when the caller computed them elsewhere."""
        lines = text.splitlines()
        if keys is None or len(keys) != len(lines):
            keys = self._keys(lines)  # once for both steps: hashing the lines is most of the learner's cost
        self.store.add_page(domain, [k for k in keys if k])
        return self._strip(domain, text, lines, keys)

    def close(self) -> None:
        """Release the store (a SQLite store commits the counts it holds)."""
        close = getattr(self.store, "close", None)
        if close is not None:
            close()
