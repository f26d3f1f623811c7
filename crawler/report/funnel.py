"""The funnel and the runs table: figures the manifests already hold, summed over the runs reported.

The manifest is the run's own account (written last, from the writer's counts), so these figures are the ones
``newscorpus runs`` and the end-of-run summary show; the report test checks the page against it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from crawler.report.runs import Run

#: Stages in the order a page meets them; rejections of the first two happen before the item pipeline.
STAGE_ORDER = ("discover", "fetch", "worker", "extract", "clean", "language", "quality", "dedupe", "write")
PIPELINE_STAGES = ("worker", "extract", "clean", "language", "quality", "dedupe", "write")
#: Rejections that mean a fetch failed rather than a page being judged (the runs table's "failures").
FAILURE_STAGES = ("fetch", "worker")


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def first_step(manifest: dict[str, Any]) -> tuple[str, int | None]:
    """What entered the run: pages fetched for a crawl, lines read for ``newscorpus dedupe``, records for a
    WARC run."""
    stats = manifest.get("stats") or {}
    source = manifest.get("source")
    if source == "dedupe":
        return "lines read", _int(manifest.get("read"))
    if source == "warc":
        read = stats.get("newscorpus/warc/records") or manifest.get("records_read") or manifest.get("read")
        return "WARC records read", _int(read) if read is not None else None
    if "response_received_count" in stats:
        return "pages fetched", _int(stats["response_received_count"])
    return "pages fetched", None


def article_pages(manifest: dict[str, Any]) -> int | None:
    stats = manifest.get("stats") or {}
    if "newscorpus/fetched_articles" in stats:
        return _int(stats["newscorpus/fetched_articles"])
    if manifest.get("source") == "dedupe":
        return _int(manifest.get("read")) - _int(manifest.get("bad_lines"))
    return None


def stage_of(reason: str) -> str:
    return reason.split("/", 1)[0]


def funnel(runs: list[Run], updates: int) -> dict[str, Any]:
    """The funnel of the runs together: what came in, what each stage removed, what was written, and where
    every URL ended (written, a duplicate of some kind, rejected for some reason) with its share."""
    labels: Counter[str] = Counter()
    entered: int | None = None
    pages: int | None = None
    written = duplicates = rejected = 0
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for run in runs:
        counts = run.manifest.get("counts") or {}
        label, count = first_step(run.manifest)
        labels[label] += 1
        if count is not None:
            entered = (entered or 0) + count
        found = article_pages(run.manifest)
        if found is not None:
            pages = (pages or 0) + found
        written += _int(counts.get("written"))
        duplicates += _int(counts.get("duplicates"))
        rejected += _int(counts.get("rejected"))
        kinds.update({str(k): _int(v) for k, v in (counts.get("duplicates_by_kind") or {}).items()})
        reasons.update({str(k): _int(v) for k, v in (counts.get("rejected_by_reason") or {}).items()})
    outcomes = written + duplicates + rejected
    by_stage: Counter[str] = Counter()
    for reason, count in reasons.items():
        by_stage[stage_of(reason)] += count
    return {
        "entered": {"label": labels.most_common(1)[0][0] if labels else "pages fetched", "count": entered},
        "article_pages": pages,
        "written": written,
        "duplicates": duplicates,
        "rejected": rejected,
        "updates": updates,
        "outcomes": outcomes,
        "duplicates_by_kind": dict(sorted(kinds.items())),
        "rejected_by_reason": dict(sorted(reasons.items(), key=_stage_key)),
        "rejected_by_stage": {s: by_stage[s] for s in _stages_in_order(by_stage)},
        "steps": _steps(pages, by_stage, duplicates, written),
        "outcome_rows": _outcome_rows(written, kinds, reasons, outcomes),
    }


def _stages_in_order(stages: Counter[str]) -> list[str]:
    known = [s for s in STAGE_ORDER if stages.get(s)]
    return known + sorted(s for s in stages if s not in STAGE_ORDER and stages[s])


def _stage_key(item: tuple[str, int]) -> tuple[int, str]:
    stage = stage_of(item[0])
    return (STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER), item[0])


def _share(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


def _steps(pages: int | None, by_stage: Counter[str], duplicates: int, written: int) -> list[dict[str, Any]]:
    """Article pages, then what is left after each pipeline stage, ending at the articles written. The
    remainder is computed; where the counts do not chain (a resumed run, re-fetched updates), the last step
    still says what was written."""
    if pages is None:
        return [{"step": "written", "count": written, "share": None}]
    steps = [{"step": "article pages fetched", "count": pages, "share": 1.0 if pages else None}]
    left = pages
    for stage in PIPELINE_STAGES:
        removed = duplicates if stage == "dedupe" else by_stage.get(stage, 0)
        if not removed:
            continue
        left = max(0, left - removed)
        name = "after dedupe (duplicates dropped)" if stage == "dedupe" else f"after {stage}"
        steps.append({"step": name, "count": left, "removed": removed, "share": _share(left, pages)})
    steps.append({"step": "written", "count": written, "share": _share(written, pages)})
    return steps


def _outcome_rows(
    written: int, kinds: Counter[str], reasons: Counter[str], outcomes: int
) -> list[dict[str, Any]]:
    rows = [{"outcome": "written", "group": "written", "count": written, "share": _share(written, outcomes)}]
    for kind, count in sorted(kinds.items()):
        rows.append(
            {
                "outcome": f"duplicate: {kind}",
                "group": "duplicate",
                "count": count,
                "share": _share(count, outcomes),
            }
        )
    for reason, count in sorted(reasons.items(), key=_stage_key):
        rows.append(
            {
                "outcome": f"rejected: {reason}",
                "group": "rejected",
                "count": count,
                "share": _share(count, outcomes),
            }
        )
    return rows


def run_row(run: Run, updates: int) -> dict[str, Any]:
    """One line of the runs table (scheduled crawls: one a run): new articles against duplicates, failures."""
    counts = run.manifest.get("counts") or {}
    reasons = counts.get("rejected_by_reason") or {}
    failures = sum(_int(v) for k, v in reasons.items() if stage_of(str(k)) in FAILURE_STAGES)
    label, entered = first_step(run.manifest)
    return {
        "run_id": run.run_id,
        "status": run.manifest.get("status") or "?",
        "source": run.manifest.get("source") or "?",
        "started_at": run.manifest.get("started_at"),
        "finished_at": run.manifest.get("finished_at"),
        "entered": entered,
        "entered_label": label,
        "written": _int(counts.get("written")),
        "duplicates": _int(counts.get("duplicates")),
        "rejected": _int(counts.get("rejected")),
        "failures": failures,
        "updates": updates,
        "workers": len(run.manifest.get("workers") or []) or None,
    }
