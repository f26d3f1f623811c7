"""The crawl-state extension: one state per crawl, opened (and locked) before anything is fetched.

It is what the stages know of the crawl state, through the interfaces they define: the ledger the write stage
tells each outcome (:class:`~pipelines.write.ledger.CrawlLedger`), where the clean stage keeps each site's line
counts (:class:`~pipelines.clean.line_stores.LineStoreSource`) and where the dedupe stage keeps its index
(:class:`~pipelines.dedupe.index.base.IndexSource`): files in the state folder here, Redis in a distributed
crawl (``crawler.distributed.state``). It also holds the set of article URLs in flight in this process, so that a
page queued twice (once in a resumed JOBDIR queue, once re-discovered) is fetched once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed.config import DistributedConfig
from crawler.state.backoff import BackoffPolicy
from crawler.state.recovery import record_article, record_rejection, recover_unfinished_runs, repair_run
from crawler.state.sqlite import (
    ATTEMPTED,
    DUPLICATE,
    INGESTED,
    REJECTED,
    UPDATED,
    WRITTEN,
    CrawlState,
    StateStore,
    archive_record_key,
)
from pipelines.clean.line_stores import LineCountStore, LineStoreSource, SQLiteLineStore
from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.deduplicator import open_index
from pipelines.dedupe.index.base import DedupeIndex, IndexSource
from pipelines.record import REQUESTED_URL
from pipelines.run_names import run_folder
from pipelines.settings import RunOptions, from_settings, setting
from pipelines.write.ledger import CrawlLedger
from pipelines.write.writer import writer_config

logger = logging.getLogger(__name__)

LINES_FILE = "lines.sqlite"


@dataclass(frozen=True)
class StateConfig:
    """``enabled``: the crawl keeps a state (``--no-state`` switches it off); ``folder``: where (default
    ``OUT/state``)."""

    enabled: bool = setting("NEWSCORPUS_STATE_ENABLED", True)
    folder: str | None = setting("NEWSCORPUS_STATE_DIR", None, str)


def state_dir(settings: Any) -> Path | None:
    """The state folder of a crawl, None when the state is switched off."""
    config = from_settings(StateConfig, settings)
    if not config.enabled:
        return None
    return Path(config.folder) if config.folder else Path(from_settings(RunOptions, settings).out) / "state"


class CrawlStateExtension(CrawlLedger, LineStoreSource, IndexSource):
    """The crawl state of a single-process crawl (SQLite in the state folder); other components find it with
    ``crawler.get_extension(CrawlStateExtension)`` (or through the interfaces above)."""

    def __init__(self, state: StateStore, backoff: BackoffPolicy | None = None) -> None:
        self.state = state
        #: When a failed page is asked again (``crawler.state.backoff``).
        self.backoff = backoff or BackoffPolicy()
        self.inflight: set[str] = set()
        #: Marks the requests this process let through (see IncrementalMiddleware): unique per process.
        self.token = secrets.token_hex(8)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStateExtension:
        folder = state_dir(crawler.settings)
        if folder is None:
            raise NotConfigured  # state switched off on purpose (--no-state): nothing to warn about
        if from_settings(DistributedConfig, crawler.settings).distributed:
            # Distributed crawls share their state in Redis: ``crawler.distributed.state`` keeps it.
            raise NotConfigured  # not a warning: its state is in Redis, kept by crawler.distributed.state
        extension = cls(cls._open(crawler, folder), from_settings(BackoffPolicy, crawler.settings))
        logger.info("crawl state in %s", folder)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    @staticmethod
    def _open(crawler: Any, folder: Path) -> CrawlState:
        """Lock the folder, then bring the runs a killed crawl left (and the one resumed) back in line."""
        state = CrawlState.open(folder)
        run = from_settings(RunOptions, crawler.settings)
        resuming = run.run_id if run.resume else None
        config = writer_config(crawler.settings)
        params = from_settings(DedupeConfig, crawler.settings).fingerprint_config().params()
        backoff = from_settings(BackoffPolicy, crawler.settings)
        recovered = recover_unfinished_runs(
            state, exclude=resuming, config=config, dedupe_params=params, backoff=backoff
        )
        if resuming:
            repair_run(state, resuming, run_folder(run.out, resuming), config.shard_prefix, params, backoff)
        if recovered:
            crawler.stats.set_value("newscorpus/state/recovered_runs", len(recovered))
        return state

    def engine_stopped(self) -> None:
        self.state.close()

    # -- the ledger ----------------------------------------------------------------------------------------

    def begin_run(self, run_id: str, run_dir: str, resumed: bool = False) -> None:
        self.state.begin_run(run_id, run_dir, resumed=resumed)

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any]) -> None:
        self.state.finish_run(run_id, status, counts)

    def written(self, item: dict[str, Any], urls: Iterable[str | None], run_id: str, updated: bool) -> None:
        record_article(self.state, item, run_id, UPDATED if updated else WRITTEN, urls)

    def duplicate(self, urls: Iterable[str | None], article_id: str | None, run_id: str) -> None:
        self.state.record(urls, DUPLICATE, article_id=article_id, run_id=run_id)

    def rejected(self, urls: Iterable[str | None], record: dict[str, Any], run_id: str) -> None:
        record_rejection(self.state, urls, record, run_id, self.backoff)

    def repeated(self, urls: Iterable[str | None], record: dict[str, Any], run_id: str) -> bool:
        """An earlier run recorded this page with the same rejection: the run counts it, and writes no line."""
        reason = f"{record.get('stage')}/{record.get('reason')}"
        for url in dict.fromkeys(u for u in urls if u):
            seen = self.state.lookup(url)
            if (
                seen is not None
                and seen.run_id != run_id
                and seen.outcome in (ATTEMPTED, REJECTED)
                and seen.reason == reason
            ):
                return True
        return False

    def finished(self, item: dict[str, Any], run_id: str) -> None:
        requested = item.get(REQUESTED_URL)
        if requested:
            self.inflight.discard(requested)
        archived = item.get("warc")
        if isinstance(archived, dict) and archived.get("record_id"):
            self.state.record([archive_record_key(archived["record_id"])], INGESTED, run_id=run_id)

    # -- where the stages keep their data --------------------------------------------------------------------

    def line_store(self, max_lines_per_domain: int) -> LineCountStore | None:
        """What earlier runs learned about each site's repeated lines, kept beside the state."""
        folder = self.state.folder
        return SQLiteLineStore(folder / LINES_FILE, max_lines_per_domain) if folder is not None else None

    def dedupe_index(self) -> DedupeIndex:
        """The index of every article earlier runs wrote, so copies are caught across runs."""
        return open_index(self.state.folder)
