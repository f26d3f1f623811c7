"""Bringing runs that died back to a consistent state, and the crawl state back in line with them.

A run killed at any moment leaves: finished shards, perhaps one ``.part`` shard whose complete lines are good,
``duplicates.jsonl``/``rejected.jsonl`` with perhaps a torn last line, no manifest. Recovery keeps every
complete line, applies the retractions recorded in ``duplicates.jsonl``, writes the manifest (status
``interrupted``), and records every page of the run in the crawl state from the files themselves, so the
state agrees with the outputs whatever the moment of the kill.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from crawler.archives.writer import recover_folder
from crawler.state.backoff import BackoffPolicy, kind_of
from crawler.state.sqlite import (
    DUPLICATE,
    INGESTED,
    REJECTED,
    WRITTEN,
    CrawlState,
    StateStore,
    archive_record_key,
)
from pipelines.dedupe.deduplicator import INDEX_FILE, open_index
from pipelines.record import LASTMOD, REVISION_DIGEST, known_urls
from pipelines.text_stats import revision_digest
from pipelines.write.run_folder import WARC_FOLDER, WriterConfig, repair_run_files
from pipelines.write.shards import iter_records, read_jsonl, shard_index
from pipelines.write.writer import CorpusWriter

logger = logging.getLogger(__name__)

#: Fetch failures that will not go away on the next run; others (timeouts, 5xx, 404) are tried again after
#: their back-off (``crawler.state.backoff``).
PERMANENT_FETCH_REASONS = frozenset({"not-html", "too-large"})
#: Rejections that depend on the options of the run, not on the page: a later run may want the page.
#: (``rights/tdm-reserved`` too: ``--tdm exclude`` is an option, and a publisher may lift its reservation.)
OPTION_DEPENDENT = frozenset(
    {"write/max-articles", "language/not-wanted", "extract/before-since", "rights/tdm-reserved"}
)


def is_permanent_rejection(record: dict[str, Any]) -> bool:
    stage, reason = record.get("stage"), record.get("reason")
    if f"{stage}/{reason}" in OPTION_DEPENDENT or stage in ("discover", "worker"):
        return False  # a worker crash or timeout may be the machine's load: the next run tries again
    if stage == "fetch":
        return reason in PERMANENT_FETCH_REASONS
    return True


def record_rejection(
    state: StateStore,
    urls: Iterable[str | None],
    record: dict[str, Any],
    run_id: str,
    backoff: BackoffPolicy | None = None,
) -> None:
    """A line of ``rejected.jsonl`` in the state: final, or a failure with its next try, or (a rejection that
    depends on the run's options) an attempt, so that the run, stopped and resumed, does not fetch and reject
    the page again while a later run does."""
    reason = f"{record.get('stage')}/{record.get('reason')}"
    if is_permanent_rejection(record):
        state.record(urls, REJECTED, run_id=run_id, reason=reason)
        return
    kind = kind_of(reason)
    if kind is not None:
        state.record_failure(urls, run_id, reason, kind, backoff or BackoffPolicy())
    elif isinstance(state, CrawlState):
        # (A distributed run is not resumed: its workers take over each other's work.)
        state.record_attempt(urls, run_id, reason)


def record_article(
    state: StateStore,
    record: dict[str, Any],
    run_id: str,
    outcome: str = WRITTEN,
    urls: Iterable[str | None] | None = None,
) -> None:
    """Record an article under every URL it is known by (``urls``; default its URL and canonical URL)."""
    known = known_urls(record) if urls is None else list(urls)
    state.record(
        known,
        outcome,
        article_id=record.get("id"),
        fingerprint=record.get(REVISION_DIGEST) or revision_digest(record.get("text") or ""),
        lastmod=record.get(LASTMOD),
        date_published=record.get("date_published"),
        fetched_at=record.get("fetched_at"),
        run_id=run_id,
        revision=record.get("revision") or 1,
    )


def sync_state_from_run(
    state: CrawlState,
    run_dir: Path,
    run_id: str,
    prefix: str = "articles",
    backoff: BackoffPolicy | None = None,
) -> int:
    """Record every page of a run folder in the state, from its files; returns the pages recorded. (A repeated
    rejection has no line: the state recorded it when it happened.)"""
    count = 0
    for record in _run_articles(run_dir, prefix):
        record_article(state, record, run_id)
        _ingested(state, record, run_id)
        count += 1
    for record in read_jsonl(run_dir / "duplicates.jsonl"):
        state.record([record.get("url")], DUPLICATE, article_id=record.get("id"), run_id=run_id)
        _ingested(state, record, run_id)
        count += 1
    for record in read_jsonl(run_dir / "rejected.jsonl"):
        record_rejection(state, [record.get("url"), record.get("requested_url")], record, run_id, backoff)
        count += 1
        _ingested(state, record, run_id)
    return count


def _ingested(state: StateStore, line: dict[str, Any], run_id: str) -> None:
    """An archived page's line in the run's files: its record is read, whatever its outcome."""
    archived = line.get("warc")
    if isinstance(archived, dict) and archived.get("record_id"):
        state.record([archive_record_key(archived["record_id"])], INGESTED, run_id=run_id)


def reconcile_dedupe_index(
    state: CrawlState, run_id: str, run_dir: Path, params: Mapping[str, Any], prefix: str = "articles"
) -> int:
    """Forget the near-duplicate index entries of a killed run's articles that never reached its files.

    The dedupe stage indexes an article before the write stage writes it; if the process died in between,
    the index remembers an article no output holds, and the page, fetched again, would be taken for a copy
    of itself. A copy dropped as a duplicate of such an article goes too: it was never written, and with the
    article forgotten it would stand for the story, so the article, fetched again, would be dropped as its copy.
    ``params``: the fingerprint parameters the index was built with. Returns the number of entries forgotten."""
    if not (state.folder / INDEX_FILE).exists():
        return 0
    index = open_index(state.folder)
    index.open(params)
    try:
        ids = index.ids_of_run(run_id)
        of_run = set(ids)
        written = {r.get("id") for r in _run_articles(run_dir, prefix)}
        # A retracted article's line is still in its shard; a dropped copy stands if what it repeats does.
        on_disk = written | {
            d.get("id")
            for d in read_jsonl(run_dir / "duplicates.jsonl")
            if d.get("duplicate_of") in written or d.get("duplicate_of") not in of_run
        }
        lost = [i for i in ids if i not in on_disk]
        if lost:
            index.forget(lost)
            logger.warning("run %s: forgot %d index entries of articles it never wrote", run_id, len(lost))
    finally:
        index.close()
    return len(lost)


def repair_run(
    state: CrawlState,
    run_id: str,
    run_dir: Path,
    prefix: str = "articles",
    dedupe_params: Mapping[str, Any] | None = None,
    backoff: BackoffPolicy | None = None,
) -> None:
    """Files first (complete lines kept, the WARC files a killed crawl was writing cut after their last
    complete record), then the dedupe index and the page state derived from them."""
    repair_run_files(run_dir, prefix)
    recover_folder(run_dir / WARC_FOLDER)
    if dedupe_params is not None:
        reconcile_dedupe_index(state, run_id, run_dir, dedupe_params, prefix)
    sync_state_from_run(state, run_dir, run_id, prefix, backoff)


def recover_run(
    state: CrawlState,
    run_id: str,
    run_dir: Path,
    config: WriterConfig | None = None,
    dedupe_params: Mapping[str, Any] | None = None,
    backoff: BackoffPolicy | None = None,
) -> dict[str, Any]:
    """Finish an interrupted run folder and align the state with it; returns its manifest."""
    writer = CorpusWriter(run_dir, config)
    repair_run(state, run_id, run_dir, writer.config.shard_prefix, dedupe_params, backoff)
    writer.open(resume=True)
    manifest = writer.close({"status": "interrupted", "source": "live", "recovered": True})
    state.finish_run(run_id, "interrupted", manifest["counts"])
    logger.warning(
        "recovered interrupted run %s: %d articles kept in %d shards",
        run_id,
        manifest["counts"]["written"],
        len(manifest["shards"]),
    )
    return manifest


def recover_unfinished_runs(
    state: CrawlState,
    exclude: str | None = None,
    config: WriterConfig | None = None,
    dedupe_params: Mapping[str, Any] | None = None,
    backoff: BackoffPolicy | None = None,
) -> list[str]:
    """Recover every run the ledger says is still running (its process died: we hold the lock)."""
    recovered = []
    for run in state.unfinished_runs():
        if run["run_id"] == exclude:
            continue
        run_dir = Path(run["run_dir"])
        if not run_dir.exists():
            state.finish_run(run["run_id"], "lost", {})
            logger.warning("run %s: its folder %s is gone", run["run_id"], run_dir)
            continue
        recover_run(state, run["run_id"], run_dir, config, dedupe_params, backoff)
        recovered.append(run["run_id"])
    return recovered


def _run_articles(run_dir: Path, prefix: str) -> Iterator[dict[str, Any]]:
    for path in sorted(run_dir.iterdir()):
        if shard_index(path.name, prefix) is not None and not path.name.endswith(".part"):
            yield from iter_records(path)
