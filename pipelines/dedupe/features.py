"""What the dedupe check needs from a text alone (shingles, MinHash, word quality): the CPU-heavy part, computed in a
worker process so that the reactor only queries and updates the index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipelines.dedupe.fingerprint import Fingerprint, FingerprintConfig, fingerprint
from pipelines.dedupe.word_quality import word_quality

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextFeatures:
    """What the check needs from the text alone: the CPU-heavy part (shingling, MinHash, word quality), which
    the crawl computes in a worker process so that the reactor only queries and updates the index."""

    fingerprint: Fingerprint
    quality: float | None
    length: int


def text_features(text: str, language: str | None, config: FingerprintConfig) -> TextFeatures:
    """The worker task of the dedupe stage (also what ``Deduplicator.check`` runs when not given features)."""
    return TextFeatures(fingerprint(text, config), word_quality(text, language or "en"), len(text.split()))
