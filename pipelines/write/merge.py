"""Merging a distributed run: the workers' files checked and edited as one writer would have, one manifest.

``newscorpus merge`` runs it on a run folder or on each distributed run of an output folder. Gather the
workers' folders first when they wrote on different machines (``rsync`` them into one run folder: the
file names carry the worker id, so nothing collides).

What merging does, in order:

1. A worker with no ``manifest-<worker>.json`` was killed: its files are recovered as a killed single-process
   run's are (complete lines kept, torn last lines cut, its own retractions applied) and its manifest is
   written with ``"status": "interrupted"``.
2. Every worker manifest is checked against the files: each shard exists with the line count and sha256 the
   manifest gives, and no shard of the worker is missing from it. Any mismatch stops the merge (exit 1)
   before anything is changed.
3. Edits across workers, the same the single-process writer makes at close, so the union of the workers'
   shards is what one process would have written:

   - *retractions*: a worker may keep a better copy of a story another worker already wrote; it records the
     lesser copy in its ``duplicates-<worker>.jsonl`` but cannot edit the other worker's shard. Merge removes
     that copy from its shard;
   - *an article in two workers' shards*: only possible when a worker was killed between writing a line and
     recording it in Redis, so that its page was fetched again by another worker. One copy is kept (a finished
     worker's over an interrupted one's);
   - the kept articles' ``duplicates`` field lists every copy recorded by any worker.

   Rewritten shards get their new line counts and sha256 in their worker's manifest.
4. ``duplicates.jsonl`` (every dropped copy once), ``rejected.jsonl`` and ``updates.jsonl`` of the whole run,
   and ``manifest.json``: status (``finished`` when every worker finished), counts, per-domain counts, every
   shard with its worker, the workers, and what the merge changed. Merging again changes nothing.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from pipelines.dates import utc_now
from pipelines.extract.rights import signals_of
from pipelines.write.card import write_dataset_card
from pipelines.write.run_folder import WriterConfig, warc_listing, write_json_atomic
from pipelines.write.shards import (
    COMPRESSIONS,
    PART_SUFFIX,
    dumps,
    file_digest,
    iter_records,
    read_jsonl,
    rewrite_shard,
)
from pipelines.write.writer import CorpusWriter

logger = logging.getLogger(__name__)

_WORKER = r"[A-Za-z0-9_.]+"
WORKER_FILE = re.compile(
    rf"^(?:articles-(?P<a>{_WORKER})-\d{{5}}\.jsonl(?:\.gz|\.zst)?(?:\.part)?"
    rf"|(?:duplicates|rejected|updates)-(?P<b>{_WORKER})\.jsonl"
    rf"|manifest-(?P<c>{_WORKER})\.json)$"
)


class MergeError(RuntimeError):
    """The run folder does not agree with its manifests."""


#: A worker without a manifest whose files changed more recently than this may still be running.
RECENT_SECONDS = 120.0


def workers_of(run_dir: Path) -> list[str]:
    found = set()
    for path in run_dir.iterdir():
        match = WORKER_FILE.match(path.name)
        if match:
            found.add(match.group("a") or match.group("b") or match.group("c"))
    return sorted(found)


def _is_of(name: str, worker: str) -> bool:
    match = WORKER_FILE.match(name)
    return match is not None and worker in (match.group("a"), match.group("b"), match.group("c"))


def _config(worker: str, compress: str | None = None) -> WriterConfig:
    return WriterConfig(shard_prefix=f"articles-{worker}", worker=worker, compress=compress)


def _compression_of(run_dir: Path, worker: str) -> str | None:
    for path in run_dir.glob(f"articles-{worker}-*"):
        name = path.name.removesuffix(PART_SUFFIX)
        for compress, suffix in COMPRESSIONS.items():
            if suffix and name.endswith(suffix):
                return compress
    return None


def recover_worker(run_dir: Path, worker: str) -> dict[str, Any]:
    """The files of a killed worker, made whole, with their manifest (``interrupted``)."""
    writer = CorpusWriter(run_dir, _config(worker, _compression_of(run_dir, worker)))
    writer.open(resume=True)
    manifest = writer.close(
        {"status": "interrupted", "source": "live", "recovered": True, "run_id": run_dir.name}
    )
    logger.warning(
        "worker %s had no manifest (killed): %d articles recovered", worker, manifest["counts"]["written"]
    )
    return manifest


def check_worker(run_dir: Path, worker: str, manifest: dict[str, Any]) -> list[str]:
    """Problems between a worker's manifest and its files (empty when they agree)."""
    problems = []
    listed = set()
    for shard in manifest.get("shards", []):
        listed.add(shard["name"])
        path = run_dir / shard["name"]
        if not path.exists():
            problems.append(f"{shard['name']}: listed in manifest-{worker}.json but missing")
            continue
        sha, size = file_digest(path)
        lines = sum(1 for _ in iter_records(path))
        if sha != shard["sha256"] or lines != shard["lines"] or size != shard["bytes"]:
            problems.append(
                f"{shard['name']}: {lines} lines, sha256 {sha[:12]}..., {size} bytes; manifest-{worker}.json says "
                f"{shard['lines']} lines, {shard['sha256'][:12]}..., {shard['bytes']} bytes"
            )
    for path in run_dir.glob(f"articles-{worker}-*"):
        if WORKER_FILE.match(path.name) and path.name not in listed:
            problems.append(
                f"{path.name}: a shard of worker {worker} that manifest-{worker}.json does not list"
            )
    return problems


def merge_run(run_dir: Path, force: bool = False) -> dict[str, Any]:
    """Merge one run folder (see the module docstring); returns the combined manifest."""
    run_dir = Path(run_dir)
    workers = workers_of(run_dir)
    if not workers:
        raise MergeError(
            f"{run_dir}: no worker files (articles-<worker>-NNNNN.jsonl, manifest-<worker>.json)"
        )
    for worker in workers:
        if force or (run_dir / f"manifest-{worker}.json").exists():
            continue
        age = time.time() - max(p.stat().st_mtime for p in run_dir.iterdir() if _is_of(p.name, worker))
        if age < RECENT_SECONDS:
            raise MergeError(
                f"{run_dir}: worker {worker} has no manifest and wrote {age:.0f}s ago: it may still be "
                "running; wait for it (or pass --force if it was killed)"
            )
    manifests: dict[str, dict[str, Any]] = {}
    for worker in workers:
        path = run_dir / f"manifest-{worker}.json"
        manifests[worker] = (
            json.loads(path.read_text(encoding="utf-8")) if path.exists() else recover_worker(run_dir, worker)
        )
    problems = [p for w in workers for p in check_worker(run_dir, w, manifests[w])]
    if problems:
        raise MergeError(f"{run_dir}: the files do not agree with the manifests:\n  " + "\n  ".join(problems))

    # Where each article is, and every dropped copy any worker recorded.
    located: dict[str, list[tuple[str, str]]] = defaultdict(list)  # id -> [(worker, shard)]
    for worker in workers:
        for shard in manifests[worker]["shards"]:
            for record in iter_records(run_dir / shard["name"]):
                located[record["id"]].append((worker, shard["name"]))
    duplicates: dict[str, dict[str, Any]] = {}
    repeated_duplicates = 0
    for worker in workers:
        for record in read_jsonl(run_dir / f"duplicates-{worker}.jsonl"):
            key = record.get("id") or record.get("url") or ""
            if key in duplicates:
                repeated_duplicates += 1
            duplicates.setdefault(key, record)

    def rank(worker: str) -> tuple[int, str]:
        return (0 if manifests[worker].get("status") == "finished" else 1, worker)

    remove: dict[str, set[str]] = defaultdict(set)  # shard -> ids to remove
    retracted = repeated = 0
    for article_id, places in located.items():
        dropped = duplicates.get(article_id)
        if (
            dropped is not None
            and dropped.get("duplicate_of") != article_id
            and dropped.get("duplicate_of") in located
        ):
            # A better copy of the story was written (by this or another worker): this one goes. (When the
            # better copy is in no shard, its worker died between the two lines: this copy stays.)
            for _, shard in places:
                remove[shard].add(article_id)
            retracted += len(places)
            continue
        if len(places) > 1:
            keep = min(places, key=lambda place: rank(place[0]))
            for place in places:
                if place != keep:
                    remove[place[1]].add(article_id)
                    repeated += 1

    # The duplicates field of the kept articles: copies follow their story through replacements.
    kept = {i for i, places in located.items() if any(i not in remove[s] for _, s in places)}

    def final(target: str) -> str:
        seen = set()
        while target not in kept and target in duplicates and target not in seen:
            seen.add(target)
            target = duplicates[target].get("duplicate_of") or target
        return target

    copies: dict[str, list[str]] = defaultdict(list)
    for copy_id, record in duplicates.items():
        target = final(record.get("duplicate_of") or "")
        if target in kept and copy_id != target:
            copies[target].append(copy_id)

    def edit_for(shard: str) -> Any:
        drop = remove.get(shard, set())

        def edit(record: dict[str, Any]) -> dict[str, Any] | None:
            if record["id"] in drop:
                drop.discard(record["id"])  # a shard holds an id once; a later line would be a second copy
                return None
            ids = copies.get(record["id"])
            if ids:
                earlier = (record.get("duplicates") or {}).get("ids", [])
                merged = list(dict.fromkeys([*earlier, *ids]))
                record["duplicates"] = {"count": len(merged), "ids": merged}
            return record

        return edit

    changed_shards = 0
    for worker in workers:
        manifest = manifests[worker]
        compress = _compression_of(run_dir, worker)
        new_shards = []
        changed = False
        for shard in manifest["shards"]:
            path = run_dir / shard["name"]
            needs = bool(remove.get(shard["name"])) or any(
                set(copies.get(r["id"], [])) - set((r.get("duplicates") or {}).get("ids", []))
                for r in iter_records(path)
            )
            if needs:
                info = rewrite_shard(path, compress, edit_for(shard["name"])).as_dict()
                changed = True
                changed_shards += 1
                new_shards.append(info)
            else:
                new_shards.append(shard)
        if changed:
            manifest["shards"] = new_shards
            manifest["counts"]["written"] = sum(s["lines"] for s in new_shards)
            manifest["merged_at"] = utc_now()
            write_json_atomic(run_dir / f"manifest-{worker}.json", manifest)

    return write_combined(run_dir, workers, manifests, duplicates, {
        "cross_worker_retractions": retracted,
        "repeated_articles_removed": repeated,
        "repeated_duplicate_records": repeated_duplicates,
        "shards_rewritten": changed_shards,
    })  # fmt: skip


def write_combined(
    run_dir: Path,
    workers: list[str],
    manifests: dict[str, dict[str, Any]],
    duplicates: dict[str, dict[str, Any]],
    merge_info: dict[str, int],
) -> dict[str, Any]:
    """The run's own ``duplicates.jsonl``, ``rejected.jsonl``, ``updates.jsonl`` and ``manifest.json``."""
    per_domain: dict[str, Counter[str]] = defaultdict(Counter)
    rights: dict[str, Counter[str]] = defaultdict(Counter)
    shards = []
    written = 0
    for worker in workers:
        for shard in manifests[worker]["shards"]:
            shards.append({**shard, "worker": worker})
            for record in iter_records(run_dir / shard["name"]):
                written += 1
                per_domain[record.get("domain") or "?"]["written"] += 1
                rights[record.get("domain") or "?"].update(signals_of(record.get("rights")))
    kinds: Counter[str] = Counter()
    with open(run_dir / "duplicates.jsonl.tmp", "w", encoding="utf-8") as out:
        for record in duplicates.values():
            out.write(dumps(record) + "\n")
            kinds[record.get("kind") or "?"] += 1
            per_domain[record.get("domain") or "?"]["duplicates"] += 1
    (run_dir / "duplicates.jsonl.tmp").replace(run_dir / "duplicates.jsonl")
    reasons: Counter[str] = Counter()
    rejected = 0
    seen_rejections = set()
    for name in ("rejected", "updates"):
        with open(run_dir / f"{name}.jsonl.tmp", "w", encoding="utf-8") as out:
            for worker in workers:
                for record in read_jsonl(run_dir / f"{name}-{worker}.jsonl"):
                    line = dumps(record)
                    if name == "rejected":
                        if line in seen_rejections:
                            continue  # a page fetched again after its worker died, rejected twice alike
                        seen_rejections.add(line)
                        rejected += 1
                        reasons[f"{record.get('stage')}/{record.get('reason')}"] += 1
                        per_domain[record.get("domain") or "?"]["rejected"] += 1
                    out.write(line + "\n")
        (run_dir / f"{name}.jsonl.tmp").replace(run_dir / f"{name}.jsonl")
    again: Counter[str] = Counter()
    for worker in workers:
        again.update(
            {str(k): int(v) for k, v in (manifests[worker]["counts"].get("rejected_again") or {}).items()}
        )
    statuses = {w: manifests[w].get("status") for w in workers}
    status = "finished" if all(s == "finished" for s in statuses.values()) else "interrupted"
    if any(s == "stopped" for s in statuses.values()) and status != "finished":
        status = "stopped" if all(s in ("finished", "stopped") for s in statuses.values()) else status
    archives = [a for w in workers for a in manifests[w].get("archives") or []]
    manifest = {
        "run_id": run_dir.name,
        "status": status,
        "distributed": True,
        "source": "warc" if archives else "live",
        "started_at": min((m.get("started_at") or "") for m in manifests.values()),
        "finished_at": max((m.get("finished_at") or "") for m in manifests.values()),
        "merged_at": utc_now(),
        "counts": {
            "written": written,
            "duplicates": len(duplicates),
            "rejected": rejected,
            "rejected_by_reason": dict(sorted(reasons.items())),
            "rejected_again": dict(sorted(again.items())),
            "duplicates_by_kind": dict(sorted(kinds.items())),
        },
        "per_domain": {d: dict(c) for d, c in sorted(per_domain.items())},
        "rights_per_domain": {d: dict(c) for d, c in sorted(rights.items()) if c},
        "shards": shards,
        "duplicates_file": "duplicates.jsonl",
        "rejected_file": "rejected.jsonl",
        "workers": [
            {
                "worker": w,
                "status": statuses[w],
                "manifest": f"manifest-{w}.json",
                "written": manifests[w]["counts"]["written"],
                "duplicates": manifests[w]["counts"]["duplicates"],
                "rejected": manifests[w]["counts"]["rejected"],
            }
            for w in workers
        ],
        "merge": merge_info,
        **({"warc": warc} if (warc := warc_listing(run_dir)) else {}),
        "stats": _summed_stats(manifests.values()),
    }
    if archives:
        manifest["archives"] = archives  # each file once: one worker read it (a killed one's, the taker too)
    write_json_atomic(run_dir / "manifest.json", manifest)
    write_dataset_card(run_dir, manifest)
    return manifest


def _summed_stats(manifests: Any) -> dict[str, Any]:
    total: dict[str, float] = defaultdict(float)
    for manifest in manifests:
        for key, value in (manifest.get("stats") or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] += value
    return dict(sorted(total.items()))


def run_folders(folder: Path) -> list[Path]:
    if (folder / "runs").is_dir():
        return sorted(p for p in (folder / "runs").iterdir() if p.is_dir() and workers_of(p))
    return [folder]
