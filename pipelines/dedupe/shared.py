"""The dedupe check on the shared Redis index of a distributed crawl: run again when a concurrent change met its
update.
"""

from __future__ import annotations

import logging
from typing import Any

from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.deduplicator import Decision, Deduplicator
from pipelines.dedupe.features import TextFeatures, text_features
from pipelines.dedupe.index.redis import IndexConflict, RedisDedupeIndex

logger = logging.getLogger(__name__)


class SharedDeduplicator(Deduplicator):
    """The dedupe stage on a shared Redis index: a check whose update meets a concurrent change is run again.

    ``stats``: a Scrapy stats collector (optional) for ``newscorpus/dedupe/retries``.
    """

    def __init__(
        self,
        config: DedupeConfig | None,
        index: RedisDedupeIndex,
        run_id: str | None = None,
        max_attempts: int = 100,
        stats: Any = None,
    ) -> None:
        super().__init__(config, index, run_id)
        self.shared = index
        self.max_attempts = max_attempts
        self.stats = stats
        self.retries = 0

    def check(self, record: dict[str, Any], features: TextFeatures | None = None) -> Decision:
        if features is None:
            features = text_features(record.get("text") or "", record.get("language"), self.fp_config)
        for _ in range(self.max_attempts):
            counts = dict(self.counts)
            self.shared.begin()
            try:
                return super().check(record, features)
            except IndexConflict:
                # Another worker changed what this check read: its decision is now visible, decide again.
                self.counts = counts
                self.retries += 1
                if self.stats is not None:
                    self.stats.inc_value("newscorpus/dedupe/retries")
        raise RuntimeError(f"dedupe check of {record.get('url')} conflicted {self.max_attempts} times")
