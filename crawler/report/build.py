"""Every figure of a report, from the run folders alone, in a fixed number of streaming passes.

Pass 1 reads each run's duplicates, rejections and updates (lines of a few hundred bytes); pass 2 the article
shards, the bulk of the bytes, once; pass 3 the duplicates again, only when the largest clusters need their
copies' titles. Memory holds tallies, never records: the largest piece is one small entry a dropped copy.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from crawler.report.figures import CorpusTally
from crawler.report.funnel import funnel, run_row
from crawler.report.runs import Notes, Run, find_runs, iter_records
from crawler.report.syndication import Syndication

logger = logging.getLogger(__name__)


def newscorpus_version() -> str:
    try:
        return metadata.version("newscorpus")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_figures(folder: Path, run_id: str | None = None, last: int | None = None) -> dict[str, Any]:
    """The report's figures for the runs of ``folder`` (see :func:`crawler.report.runs.find_runs`); raises
    ``ReportError`` only when there is no run to report on."""
    started = time.perf_counter()
    notes = Notes()
    runs = find_runs(folder, notes, run_id=run_id, last=last)
    tally = CorpusTally()
    syndication = Syndication()
    updates: dict[str, int] = {}
    for run in runs:
        for record in iter_records(run.file("duplicates"), notes, "duplicates.jsonl"):
            tally.add_duplicate(record)
            syndication.add_copy(record)
        for record in iter_records(run.file("rejected"), notes, "rejected.jsonl"):
            tally.add_rejected(record)
        updates[run.run_id] = sum(1 for _ in iter_records(run.file("updates"), notes, "updates.jsonl"))
    syndication.resolve()
    articles = _read_shards(runs, notes, tally, syndication)
    wanted = syndication.wanted_details()
    if wanted:
        for run in runs:
            for record in iter_records(run.file("duplicates"), Notes(), "duplicates.jsonl"):
                if str(record.get("id") or record.get("url") or "") in wanted:
                    syndication.add_detail(record)
    rows = [run_row(run, updates[run.run_id]) for run in runs]
    listed = sum(row["written"] for row in rows)
    if articles != listed:
        notes.skip(
            "articles the manifests count but the shards do not hold (or the other way round)",
            f"shards hold {articles}, manifests say {listed}",
            abs(articles - listed),
        )
    seconds = round(time.perf_counter() - started, 3)
    logger.info("report figures of %d runs (%d articles) in %.1f s", len(runs), articles, seconds)
    return {
        "report": {
            "folder": str(folder),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "newscorpus_version": newscorpus_version(),
            "runs": len(runs),
            "first_run": runs[0].run_id,
            "last_run": runs[-1].run_id,
            "articles_read": articles,
            "seconds": seconds,
            "skipped": notes.as_list(),
        },
        "funnel": funnel(runs, sum(updates.values())),
        "runs": rows,
        "sites": tally.site_figures(),
        "rights": tally.rights_figures(),
        "time": tally.time_figures(),
        "languages": tally.language_figures(),
        "lengths": tally.length_figures(),
        "syndication": syndication.figures(),
    }


def _read_shards(runs: list[Run], notes: Notes, tally: CorpusTally, syndication: Syndication) -> int:
    targets = syndication.targets()
    largest = syndication.largest_ids()
    add_article = tally.add_article
    articles = 0
    for run in runs:
        for path in run.shard_paths():
            for record in iter_records(path, notes, "article shard"):
                articles += 1
                add_article(record)
                if record.get("id") in targets:
                    syndication.add_kept(record, largest)
    return articles
