"""The short table a run prints at its end, from its manifest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*map(str, r)) for r in rows]
    return lines


def format_summary(manifest: dict[str, Any], run_dir: Path | None = None) -> str:
    """Fetched, written, rejected by reason, duplicates by kind, and the same per domain."""
    counts = manifest.get("counts", {})
    stats = manifest.get("stats", {})
    lines = [f"run {manifest.get('run_id')}" + (f"  ({run_dir})" if run_dir else "")]
    if manifest.get("source") == "warc":
        records = sum(v for k, v in stats.items() if k.startswith("newscorpus/warc/records/"))
        skipped = sum(v for k, v in stats.items() if k.startswith("newscorpus/warc/skipped/"))
        files = len(manifest.get("archives") or [])
        partial = stats.get("newscorpus/warc/files_partial", 0)
        found = [
            ("archive files read", f"{files}" + (f" ({partial} partial)" if partial else "")),
            ("records read", records),
            ("records skipped", skipped),
            ("pages extracted", stats.get("newscorpus/warc/pages", 0)),
        ]
    else:
        found = [
            ("pages fetched", stats.get("response_received_count", "-")),
            ("article pages fetched", stats.get("newscorpus/fetched_articles", "-")),
        ]
    overview = [
        *found,
        ("articles written", counts.get("written", 0)),
        ("duplicates", counts.get("duplicates", 0)),
        ("rejected", counts.get("rejected", 0)),
    ]
    lines += table([(k, str(v)) for k, v in overview], ("", "count"))
    reasons = counts.get("rejected_by_reason", {})
    if reasons:
        lines.append("")
        lines += table([(k, str(v)) for k, v in reasons.items()], ("rejected: stage/reason", "count"))
    kinds = counts.get("duplicates_by_kind", {})
    if kinds:
        lines.append("")
        lines += table([(k, str(v)) for k, v in kinds.items()], ("duplicates: kind", "count"))
    per_domain = manifest.get("per_domain", {})
    if per_domain:
        lines.append("")
        rows = [
            (d, str(c.get("written", 0)), str(c.get("duplicates", 0)), str(c.get("rejected", 0)))
            for d, c in per_domain.items()
        ]
        lines += table(rows, ("domain", "written", "duplicates", "rejected"))
    shards = manifest.get("shards", [])
    if shards:
        lines.append("")
        lines.append("shards: " + ", ".join(f"{s['name']} ({s['lines']} lines)" for s in shards))
    return "\n".join(lines)
