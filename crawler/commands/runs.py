"""``newscorpus runs DIR``: the runs of an output folder with their counts, from their manifests."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from crawler.summary import table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", metavar="DIR", help="an output folder (the --out of newscorpus crawl)")
    parser.add_argument("--json", action="store_true", help="one JSON object a run instead of a table")


def run(args: argparse.Namespace) -> int:
    runs_dir = Path(args.out) / "runs"
    if not runs_dir.is_dir():
        print(f"no runs in {args.out}")
        return 1
    rows = []
    for run_dir in sorted(p for p in runs_dir.iterdir() if p.is_dir()):
        manifest_path = run_dir / "manifest.json"
        if manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                if not isinstance(manifest, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError) as exc:
                manifest = {
                    "run_id": run_dir.name,
                    "status": f"unreadable manifest ({exc})"[:80],
                    "counts": {},
                }
        else:
            manifest = {"run_id": run_dir.name, "status": "running or killed (no manifest yet)", "counts": {}}
        counts = manifest.get("counts", {})
        row = {
            "run_id": manifest.get("run_id", run_dir.name),
            "status": manifest.get("status", "?"),
            "started_at": manifest.get("started_at", ""),
            "finished_at": manifest.get("finished_at", ""),
            "written": counts.get("written", 0),
            "duplicates": counts.get("duplicates", 0),
            "rejected": counts.get("rejected", 0),
            "rejected_again": sum(int(v) for v in (counts.get("rejected_again") or {}).values()),
            "shards": len(manifest.get("shards", [])),
        }
        rows.append(row)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    # "rejected": new or changed outcomes (the lines of rejected.jsonl); "again": repeats of an earlier run's.
    header = ("run", "status", "started", "finished", "written", "duplicates", "rejected", "again", "shards")
    print("\n".join(table([tuple(str(v) for v in r.values()) for r in rows], header)))
    return 0
