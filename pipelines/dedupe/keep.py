"""The keep rule: which of two copies of a story is the one a corpus keeps, and how far apart two stories'
publication dates are."""

from __future__ import annotations

from pipelines.dates import parse_utc
from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.index.base import IndexEntry


def days_apart(a: str | None, b: str | None) -> float | None:
    """Days between two publication dates, None when either is unknown."""
    da, db = parse_utc(a), parse_utc(b)
    if da is None or db is None:
        return None
    return abs((da - db).total_seconds()) / 86400.0


def better(a: IndexEntry, b: IndexEntry, config: DedupeConfig, kind: str = "reworded") -> bool:
    """True when copy ``a`` should be kept rather than copy ``b`` (the keep rule; ``b`` wins ties).

    ``kind``: the level at which the two copies match. Text quality tells a garbled re-worded copy from the
    original; two ``exact`` or ``near`` copies share their words, so there the more complete one wins (a cut or
    an earlier version is never kept over the full story)."""
    if a.priority != b.priority:
        return a.priority > b.priority
    if (
        kind == "reworded"
        and a.quality is not None
        and b.quality is not None
        and abs(a.quality - b.quality) > config.quality_margin
    ):
        return a.quality > b.quality
    longer, shorter = max(a.length, b.length), min(a.length, b.length)
    if longer > shorter * (1.0 + config.length_margin):
        return a.length > b.length
    da, db = parse_utc(a.date), parse_utc(b.date)
    if da is not None and db is not None:
        return da < db
    return da is not None and db is None
