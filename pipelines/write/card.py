"""The dataset card of a run: ``README.md`` in the run folder, the page the Hugging Face Hub shows for it.

A run folder pushed to the Hub (or read by ``datasets.load_dataset``) needs nothing else: the YAML front
matter names the shards as the data files, the languages and the size category, and says the licence is
``other``, because the texts belong to their publishers and the corpus grants no licence of its own. The body
says what is in it, how it was built (command, version, the settings that shape the corpus) and the funnel,
so a reader can judge it without the crawl's logs.

Written from the manifest and one pass over the shards (for the languages, exact rather than the language
stage's counts, which include pages dropped later); called where a manifest is finished (the write stage,
``newscorpus merge``, ``newscorpus dedupe``). A card that cannot be written is logged, never fatal: the run is
what matters.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

from pipelines.record import RECORD_FIELDS
from pipelines.write.shards import iter_records

logger = logging.getLogger(__name__)

CARD_NAME = "README.md"
#: The settings that change what a run writes (others run it: folders, workers, Redis, retries).
SHAPING_PREFIXES = (
    "NEWSCORPUS_SINCE",
    "NEWSCORPUS_LANGUAGES",
    "NEWSCORPUS_MAX_ARTICLES",
    "NEWSCORPUS_TDM",
    "NEWSCORPUS_FOLLOW_DEPTH",
    "NEWSCORPUS_REVISIT_",
    "NEWSCORPUS_COMPRESS",
    "NEWSCORPUS_SHARD_MAX_BYTES",
    "NEWSCORPUS_EXTRACT_",
    "NEWSCORPUS_CLEAN_",
    "NEWSCORPUS_LANGUAGE_",
    "NEWSCORPUS_QUALITY_",
    "NEWSCORPUS_DEDUP_",
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_MAXSIZE",
    "DEPTH_LIMIT",
)
#: Hugging Face's size categories: (upper bound, name).
SIZE_CATEGORIES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
LICENCE_LINE = (
    "The texts belong to their publishers. This corpus grants no licence to them (hence `license: other`): "
    "each publisher's terms decide what you may do with its articles. The URLs say whose they are."
)


def size_category(rows: int) -> str:
    for bound, name in SIZE_CATEGORIES:
        if rows < bound:
            return name
    return "n>1B"


def newscorpus_version() -> str:
    try:
        return metadata.version("newscorpus")
    except metadata.PackageNotFoundError:
        return "unknown"


def _q(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML, escapes included."""
    return json.dumps(str(value))


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def shaping_settings(settings: dict[str, Any]) -> dict[str, Any]:
    unset = ("", None)
    shaping = {k: v for k, v in sorted(settings.items()) if k.startswith(SHAPING_PREFIXES) and v not in unset}
    if shaping.get("NEWSCORPUS_MAX_ARTICLES") in (0, "0"):
        del shaping["NEWSCORPUS_MAX_ARTICLES"]  # no limit
    return shaping


def _build_info(run_dir: Path, manifest: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The settings and targets of the run; a merged distributed run keeps them in its workers' manifests."""
    settings = manifest.get("settings") or {}
    targets = manifest.get("targets") or []
    for worker in manifest.get("workers") or []:
        if settings and targets:
            break
        try:
            part = json.loads((run_dir / str(worker.get("manifest"))).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        settings = settings or part.get("settings") or {}
        targets = targets or part.get("targets") or []
    return settings, [str(t) for t in targets]


def command_line(manifest: dict[str, Any], settings: dict[str, Any], targets: list[str]) -> str:
    """The command that builds such a run again, from what the manifest recorded (its options, not every
    ``-s``: those are in the settings table)."""
    if manifest.get("source") == "dedupe":
        inputs = " ".join(str(i) for i in manifest.get("inputs") or [])
        return f"newscorpus dedupe {inputs} --out OUT"
    options = {
        "--since": settings.get("NEWSCORPUS_SINCE"),
        "--lang": settings.get("NEWSCORPUS_LANGUAGES"),
        "--max-articles": settings.get("NEWSCORPUS_MAX_ARTICLES") or None,
        "--compress": settings.get("NEWSCORPUS_COMPRESS"),
        "--revisit-after": settings.get("NEWSCORPUS_REVISIT_AFTER"),
        "--tdm": settings.get("NEWSCORPUS_TDM") if settings.get("NEWSCORPUS_TDM") != "record" else None,
    }
    parts = ["newscorpus crawl", *targets, "--out OUT"]
    parts += [f"{name} {value}" for name, value in options.items() if value not in (None, "", 0)]
    if settings.get("NEWSCORPUS_STATE_ENABLED") is False:
        parts.append("--no-state")
    if manifest.get("distributed"):
        parts += ["--redis-url URL", "(and newscorpus worker on each machine, then newscorpus merge)"]
    return " ".join(parts)


def rights_line(manifest: dict[str, Any], rows: int) -> str | None:
    """What the publishers of the run's articles declared, in one sentence (None: the manifest does not say)."""
    per_domain = manifest.get("rights_per_domain")
    if not isinstance(per_domain, dict) or not rows:
        return None
    total: Counter[str] = Counter()
    for counts in per_domain.values():
        total.update({k: int(v) for k, v in (counts or {}).items()})
    return (
        f"Each record's `rights` says what its publisher declared. Of the {rows:,} articles, "
        f"{total['tdm_reserved']:,} carry a TDMRep text-and-data-mining reservation, "
        f"{total['ai_crawlers_disallowed']:,} sit where robots.txt keeps AI-training crawlers out, "
        f"{total['noai']:,} say `noai`, {total['license']:,} link a licence and {total['paywalled']:,} are "
        "marked paywalled. Respect the reservations that apply to your use."
    )


def _languages(run_dir: Path, shards: list[str]) -> Counter[str]:
    languages: Counter[str] = Counter()
    for name in shards:
        for record in iter_records(run_dir / name):
            languages[str(record.get("language") or "und")] += 1
    return languages


def front_matter(run_id: str, shards: list[str], languages: Counter[str], rows: int) -> str:
    lines = ["---", f"pretty_name: {_q(f'newscorpus run {run_id}')}", "license: other"]
    lines.append("license_name: publishers-copyright")
    codes = [code for code, _ in languages.most_common() if code != "und"]
    if codes:
        lines += ["language:", *(f"- {_q(code)}" for code in codes)]
    lines += ["size_categories:", f"- {_q(size_category(rows))}", "task_categories:", "- text-generation"]
    lines += ["tags:", "- news", "- newscorpus"]
    if shards:
        lines += ["configs:", "- config_name: default", "  data_files:", "  - split: train", "    path:"]
        lines += [f"    - {_q(name)}" for name in shards]
    lines.append("---")
    return "\n".join(lines)


def card_text(run_dir: Path, manifest: dict[str, Any], languages: Counter[str]) -> str:
    """The whole card (front matter and body) for a run folder and its manifest."""
    counts = manifest.get("counts") or {}
    stats = manifest.get("stats") or {}
    shards = [str(s["name"]) for s in manifest.get("shards") or [] if s.get("name")]
    rows = int(counts.get("written") or 0)
    run_id = str(manifest.get("run_id") or run_dir.name)
    settings, targets = _build_info(run_dir, manifest)
    per_domain = manifest.get("per_domain") or {}
    sites = sorted(per_domain.items(), key=lambda kv: (-int(kv[1].get("written") or 0), kv[0]))
    out = [front_matter(run_id, shards, languages, rows), "", f"# News corpus: run {run_id}", ""]
    out.append(
        f"{rows:,} news articles from {sum(1 for _, c in sites if c.get('written')):,} sites, one JSON object a "
        f"line, built by newscorpus {newscorpus_version()} from {manifest.get('started_at') or '?'} to "
        f"{manifest.get('finished_at') or '?'} (status: {manifest.get('status') or '?'}). "
        "Duplicate and syndicated copies were dropped: each story is here once."
    )
    out += [
        "",
        "## Licence",
        "",
        LICENCE_LINE,
        "",
        *([line, ""] if (line := rights_line(manifest, rows)) else []),
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
    ]
    out.append(f"corpus = load_dataset('json', data_files={shards!r}, split='train')")
    out += ["```", "", "## Languages", "", "| language | articles |", "|---|---|"]
    out += [f"| {_cell(code)} | {n:,} |" for code, n in languages.most_common()]
    out += ["", "## Record schema", "", "| field | type | meaning |", "|---|---|---|"]
    out += [f"| `{f.name}` | {_cell(f.type)} | {_cell(f.meaning)} |" for f in RECORD_FIELDS]
    out += ["", "## How it was built", "", "```sh", command_line(manifest, settings, targets), "```", ""]
    out += [f"newscorpus {newscorpus_version()}; source: {manifest.get('source') or '?'}.", ""]
    shaping = shaping_settings(settings)
    if shaping:
        out += [
            "Settings that shape the corpus (others at their defaults):",
            "",
            "| setting | value |",
            "|---|---|",
        ]
        out += [f"| `{k}` | `{_cell(v)}` |" for k, v in shaping.items()]
    out += ["", "## Funnel", "", "| | count |", "|---|---|"]
    for label, value in (
        ("pages fetched", stats.get("response_received_count")),
        ("article pages fetched", stats.get("newscorpus/fetched_articles")),
        ("lines read", manifest.get("read")),
        ("articles written", counts.get("written")),
        ("duplicates dropped", counts.get("duplicates")),
        ("rejected", counts.get("rejected")),
    ):
        if value is not None:
            out.append(f"| {label} | {int(value):,} |")
    out += [
        f"| duplicates: {_cell(k)} | {int(v):,} |"
        for k, v in (counts.get("duplicates_by_kind") or {}).items()
    ]
    out += [
        f"| rejected: {_cell(k)} | {int(v):,} |" for k, v in (counts.get("rejected_by_reason") or {}).items()
    ]
    if sites:
        out += ["", "## Sites", "", "| site | written | duplicates | rejected |", "|---|---|---|---|"]
        for domain, c in sites[:25]:
            out.append(
                f"| {_cell(domain)} | {int(c.get('written') or 0):,} | {int(c.get('duplicates') or 0):,} | "
                f"{int(c.get('rejected') or 0):,} |"
            )
        if len(sites) > 25:
            out.append(f"\nand {len(sites) - 25:,} more in manifest.json.")
    out += ["", "Files beside this card: `manifest.json` (every count, shard sha256), `duplicates.jsonl`, "
            "`rejected.jsonl`, `updates.jsonl` (corrected articles).", ""]  # fmt: skip
    return "\n".join(out)


def write_dataset_card(run_dir: Path, manifest: dict[str, Any]) -> Path | None:
    """Write ``run_dir/README.md`` (atomically); returns its path, or None when it could not be written or
    ``manifest`` is one worker's part of a distributed run (``newscorpus merge`` writes the run's card)."""
    run_dir = Path(run_dir)
    if manifest.get("worker"):
        return None
    shards = [str(s["name"]) for s in manifest.get("shards") or [] if s.get("name")]
    try:
        text = card_text(run_dir, manifest, _languages(run_dir, shards))
        path = run_dir / CARD_NAME
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError, EOFError) as exc:
        logger.warning("no dataset card for %s: %s", run_dir, exc)
        return None
    return path
