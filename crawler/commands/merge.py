"""``newscorpus merge DIR``: finish the run folder of a distributed crawl and write its one ``manifest.json``.

DIR is a run folder (``OUT/runs/<run-id>``) or an output folder (each of its runs with worker files); what
merging does is in ``pipelines.write.merge``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.archives.writer import recover_folder
from pipelines.write.merge import RECENT_SECONDS, MergeError, merge_run, run_folders
from pipelines.write.run_folder import WARC_FOLDER


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="DIR", help="a run folder of a distributed crawl, or an output folder"
    )
    parser.add_argument(
        "--force", action="store_true",
        help=f"recover workers without a manifest even if their files changed in the last {RECENT_SECONDS:.0f}s",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from crawler.summary import format_summary

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"newscorpus merge: {folder} is not a folder", file=sys.stderr)
        return 2
    folders = run_folders(folder)
    if not folders:
        print(f"newscorpus merge: no distributed runs in {folder}", file=sys.stderr)
        return 1
    status = 0
    for run_dir in folders:
        try:
            recover_folder(run_dir / WARC_FOLDER)  # killed workers' WARC files; live ones hold theirs locked
            manifest = merge_run(run_dir, force=args.force)
        except MergeError as exc:
            print(f"newscorpus merge: {exc}", file=sys.stderr)
            status = 1
            continue
        print(format_summary(manifest, run_dir))
        merge = manifest["merge"]
        print(
            f"merged {len(manifest['workers'])} workers ({manifest['status']}): "
            f"{merge['cross_worker_retractions']} retractions across workers, "
            f"{merge['repeated_articles_removed']} repeated articles removed"
        )
    return status
