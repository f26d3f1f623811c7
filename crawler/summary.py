"""The short table a run prints at its end, from its manifest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.extract.rights import SIGNALS

#: Column headers of the rights table, one a signal of ``pipelines.extract.rights.SIGNALS``.
RIGHTS_COLUMNS = {
    "tdm_reserved": "tdm reserved",
    "tdm_policy": "tdm policy",
    "ai_crawlers_disallowed": "ai crawlers out",
    "noai": "noai",
    "license": "licence",
    "paywalled": "paywalled",
}


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*map(str, r)) for r in rows]
    return lines


def rights_rows(per_domain: dict[str, Any], rights: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row a domain with written articles: the share of them carrying each rights signal."""
    rows = []
    for domain, counts in per_domain.items():
        written = int(counts.get("written") or 0)
        if written <= 0:
            continue
        found = rights.get(domain) or {}
        rows.append((domain, *(f"{int(found.get(s) or 0) / written:.0%}" for s in SIGNALS)))
    return rows


def format_summary(manifest: dict[str, Any], run_dir: Path | None = None) -> str:
    """Fetched, written, rejected by reason, duplicates by kind, the same per domain, and each domain's share
    of written articles with each rights signal."""
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
        ("rejected again (as an earlier run)", sum((counts.get("rejected_again") or {}).values())),
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
    if "rights_per_domain" in manifest:
        rights = rights_rows(per_domain, manifest.get("rights_per_domain") or {})
        if rights:
            lines.append("")
            lines += table(rights, ("rights: share of articles", *RIGHTS_COLUMNS.values()))
    shards = manifest.get("shards", [])
    if shards:
        lines.append("")
        lines.append("shards: " + ", ".join(f"{s['name']} ({s['lines']} lines)" for s in shards))
    return "\n".join(lines)
