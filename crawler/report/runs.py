"""The run folders a report covers, and their files read as streams of records.

A report must survive what it is asked to look at: a run still being written, a worker's files not yet merged,
a shard cut short by a full disk. So nothing here raises on a bad line or a bad run; each is a counted skip in
:class:`Notes`, shown on the page. Only a folder that holds no run at all is a :class:`ReportError`, one line
for the user.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.write.shards import open_text_reader

logger = logging.getLogger(__name__)

#: The append-only files of a run, by the manifest key that names them (when it does) and the default name.
RUN_FILES = {"duplicates": "duplicates.jsonl", "rejected": "rejected.jsonl", "updates": "updates.jsonl"}


class ReportError(Exception):
    """There is nothing to report on: the message says why, in one line."""


@dataclass
class Notes:
    """What the report skipped and why: counts by reason, and the first few places for each."""

    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def skip(self, reason: str, where: str, count: int = 1) -> None:
        if reason not in self.skipped:
            logger.warning("%s: %s", where, reason)
        self.skipped[reason] += count
        places = self.examples.setdefault(reason, [])
        if len(places) < 5:
            places.append(where)

    def as_list(self) -> list[dict[str, Any]]:
        return [
            {"reason": reason, "count": count, "examples": self.examples.get(reason, [])}
            for reason, count in sorted(self.skipped.items())
        ]


@dataclass(frozen=True)
class Run:
    """One finished (or stopped) run folder with its parsed manifest."""

    run_dir: Path
    manifest: dict[str, Any]

    @property
    def run_id(self) -> str:
        return str(self.manifest.get("run_id") or self.run_dir.name)

    def file(self, stem: str) -> Path:
        """``duplicates.jsonl`` and the like, under the name the manifest gives when it gives one."""
        return self.run_dir / str(self.manifest.get(f"{stem}_file") or RUN_FILES[stem])

    def shard_paths(self) -> list[Path]:
        """The shards the manifest lists (it is written last, so it names only finished shards)."""
        shards = self.manifest.get("shards")
        if isinstance(shards, list):
            return [
                self.run_dir / str(s.get("name")) for s in shards if isinstance(s, dict) and s.get("name")
            ]
        return sorted(p for p in self.run_dir.glob("articles-*.jsonl*") if not p.name.endswith(".part"))


def read_manifest(path: Path) -> dict[str, Any]:
    """A manifest as a dict; ``ValueError`` with a short reason when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot be read ({exc.__class__.__name__})") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not JSON (line {exc.lineno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("counts", {}), dict):
        raise ValueError("is not a run manifest")
    return data


def _run_at(run_dir: Path, notes: Notes) -> Run | None:
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.exists():
        if any(run_dir.glob("manifest-*.json")):
            notes.skip("distributed run not merged yet (run newscorpus merge on it)", run_dir.name)
        else:
            notes.skip("run without a manifest (still running, or killed)", run_dir.name)
        return None
    try:
        return Run(run_dir, read_manifest(manifest_path))
    except ValueError as exc:
        notes.skip("run whose manifest.json does not parse", f"{run_dir.name}: manifest.json {exc}")
        return None


def find_runs(folder: Path, notes: Notes, run_id: str | None = None, last: int | None = None) -> list[Run]:
    """The runs to report on, oldest first: every run of an output folder (``OUT/runs/*``), the one named by
    ``run_id``, or the ``last`` N; a run folder (or a ``newscorpus dedupe`` output) given directly is that one
    run."""
    folder = Path(folder)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ReportError(f"{folder} is a file, not an output folder or a run folder")
    if (folder / "manifest.json").exists() and not (folder / "runs").is_dir():
        try:
            return [Run(folder, read_manifest(folder / "manifest.json"))]
        except ValueError as exc:
            raise ReportError(f"{folder}/manifest.json {exc}") from None
    runs_dir = folder / "runs"
    if not runs_dir.is_dir():
        raise ReportError(
            f"{folder} is not an output folder (no runs/ inside) nor a run folder (no manifest.json)"
        )
    folders = sorted(p for p in runs_dir.iterdir() if p.is_dir())
    if run_id is not None:
        folders = [p for p in folders if p.name == run_id]
        if not folders:
            raise ReportError(f"{folder}: no run {run_id!r} (newscorpus runs {folder} lists them)")
    runs = [run for run in (_run_at(p, notes) for p in folders) if run is not None]
    if last is not None:
        runs = runs[-last:]
    if not runs:
        raise ReportError(f"{folder}: no finished run to report on ({_skipped_summary(notes)})")
    return runs


def _skipped_summary(notes: Notes) -> str:
    if not notes.skipped:
        return "runs/ is empty"
    return "; ".join(f"{count} {reason}" for reason, count in notes.skipped.items())


def iter_records(path: Path, notes: Notes, what: str) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file of any compression, one at a time. A line that is not a JSON object is a
    counted skip; a compressed stream cut short ends the file there, also counted."""
    if not path.exists():
        if what == "article shard":
            notes.skip("article shard listed in the manifest but missing", str(path))
        return
    number = 0
    try:
        with open_text_reader(path) as fh:
            for number, line in enumerate(fh, 1):  # noqa: B007 - number is read after the loop
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    notes.skip(f"{what} line that is not JSON (torn or corrupt)", f"{path.name}:{number}")
                    continue
                if isinstance(record, dict):
                    yield record
                else:
                    notes.skip(f"{what} line that is not a JSON object", f"{path.name}:{number}")
    except _stream_errors() as exc:
        # gzip/zstd streams cut short, and bytes that are not UTF-8: what was read before is kept.
        notes.skip(f"{what} that ends early ({exc.__class__.__name__})", f"{path.name}:{number + 1}")


def _stream_errors() -> tuple[type[BaseException], ...]:
    import zstandard

    return (EOFError, OSError, UnicodeDecodeError, ValueError, zstandard.ZstdError)
