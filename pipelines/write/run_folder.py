"""A run folder's files: their names (one writer, or a worker of a distributed crawl), the atomic JSON write, and
bringing a folder a killed process left back to a readable state (and the fault tests' crash points).
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.settings import setting
from pipelines.write.shards import (
    PART_SUFFIX,
    fsync_dir,
    read_jsonl,
    salvage_part,
    shard_index,
    truncate_torn_line,
)

logger = logging.getLogger(__name__)


def write_json_atomic(path: Path, data: Any, before_rename: Callable[[], None] | None = None) -> None:
    """Write JSON under a temporary name, fsync, then rename: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    if before_rename is not None:
        before_rename()
    os.replace(tmp, path)
    fsync_dir(path.parent)


@dataclass(frozen=True)
class WriterConfig:
    """How a run is written. ``shard_max_bytes`` bounds each shard before compression."""

    shard_max_bytes: int = setting("NEWSCORPUS_SHARD_MAX_BYTES", 256 << 20)
    compress: str | None = setting("NEWSCORPUS_COMPRESS", None, str)
    shard_prefix: str = "articles"
    #: Distributed crawls: the worker writing this part of the run. Its files are then
    #: ``articles-<worker>-NNNNN.jsonl``, ``duplicates-<worker>.jsonl``, ``rejected-<worker>.jsonl``,
    #: ``updates-<worker>.jsonl`` and ``manifest-<worker>.json`` (``newscorpus merge`` writes ``manifest.json``).
    worker: str | None = None
    #: Fault tests only: kill this process with SIGKILL at one of these points ("line:N" after the N-th
    #: article line, "shard-rename" before a finished shard is renamed, "manifest" before the manifest is).
    crash_at: str | None = setting("NEWSCORPUS_CRASH_AT", None, str)

    def file_name(self, stem: str, suffix: str = ".jsonl") -> str:
        """``duplicates.jsonl``, or ``duplicates-<worker>.jsonl`` for a worker of a distributed crawl."""
        return f"{stem}-{self.worker}{suffix}" if self.worker else f"{stem}{suffix}"


#: Where a crawl run with ``--warc`` keeps its web archive, inside the run folder.
WARC_FOLDER = "warc"


def warc_listing_name(worker: str | None = None) -> str:
    """The file, in :data:`WARC_FOLDER`, listing each closed WARC file of one writer: a JSON line per file
    (``name``, ``bytes``, ``records``, ``sha256``, ``cdxj``), appended when the file is closed."""
    return f"files-{worker}.jsonl" if worker else "files.jsonl"


def warc_listing(run_dir: Path, worker: str | None = None) -> list[dict[str, Any]]:
    """The closed WARC files of a run (of one ``worker``'s writer; None: of every writer), by name, for its
    manifest. A file listed twice (recovered again) is given once, its last line."""
    folder = Path(run_dir) / WARC_FOLDER
    if not folder.is_dir():
        return []
    names = [warc_listing_name(worker)] if worker else sorted(p.name for p in folder.glob("files*.jsonl"))
    files: dict[str, dict[str, Any]] = {}
    for name in names:
        for entry in read_jsonl(folder / name):
            if entry.get("name"):
                files[entry["name"]] = entry
    return [files[name] for name in sorted(files)]


def repair_run_files(run_dir: Path, prefix: str = "articles", worker: str | None = None) -> None:
    """Make a run folder a killed process left readable: finish its open shard with the complete lines,
    cut torn last lines off the append-only files, drop temporary files. Idempotent. ``worker``: repair only
    that worker's files (a distributed run, where other workers may still be writing theirs)."""
    for part in sorted(run_dir.glob(f"{prefix}-*{PART_SUFFIX}")):
        if shard_index(part.name.removesuffix(PART_SUFFIX), prefix) is not None:
            salvage_part(part)
    names = WriterConfig(worker=worker)
    for leftover in run_dir.glob(names.file_name("manifest", ".json.tmp") if worker else "*.tmp"):
        leftover.unlink()
    for name in (names.file_name(stem) for stem in ("duplicates", "rejected", "updates")):
        if removed := truncate_torn_line(run_dir / name):
            logger.warning("cut a torn last line (%d bytes) off %s", removed, run_dir / name)


def crash_now(point: str) -> None:
    """Fault tests: die as a power cut or the OOM killer would, with no clean-up at all."""
    logger.warning("NEWSCORPUS_CRASH_AT=%s: killing this process", point)
    logging.shutdown()
    os.kill(os.getpid(), signal.SIGKILL)
