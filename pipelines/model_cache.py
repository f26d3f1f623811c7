"""Arrays derived from the data files of our libraries (langdetect's profiles, wordfreq's word lists), kept on
disk so that a process maps them instead of deriving them again.

Why: every crawl's fork server derived langdetect's matrix from its 55 JSON profiles (0.45 s) and the English word
list's hashes from wordfreq's packed file (0.15 s), and each worker process derived the list of every other
language its pages were written in (0.05 to 0.3 s a language and a worker). Saved once as ``.npy`` files and opened
memory-mapped, an array costs a millisecond to open and its pages are shared by every process that reads it.

Where: ``$NEWSCORPUS_CACHE_DIR``, else ``$XDG_CACHE_HOME/newscorpus``, else ``~/.cache/newscorpus``. A cache
entry is named after what it was derived from (the library's version, the source file's size and time), so a new
version of the data is derived afresh. When the folder cannot be written the arrays are derived in memory each
time, and the reason is logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

#: Bumped when the layout of what is cached changes, so older entries are not read.
FORMAT = 2


def cache_dir() -> Path:
    """The folder of the cached arrays (see the module docstring)."""
    explicit = os.environ.get("NEWSCORPUS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newscorpus"


def source_key(*parts: object) -> str:
    """A short name for what an entry is derived from: versions, paths, sizes and times of the source files."""
    text = "\x1f".join(str(part) for part in (FORMAT, *parts))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def file_identity(path: str | Path) -> tuple[str, int, int]:
    """A source file as a cache key sees it: a changed file (size or time) is a different source."""
    stat = os.stat(path)
    return str(path), stat.st_size, stat.st_mtime_ns


def cached_arrays(
    name: str, key: str, build: Callable[[], Mapping[str, np.ndarray]], folder: Path | None = None
) -> dict[str, np.ndarray]:
    """The arrays ``build`` returns, read memory-mapped from ``folder/name-key/`` when an earlier process saved
    them there, else built and saved for the next one. The mapped arrays are read-only."""
    entry = (folder or cache_dir()) / f"{name}-{key}"
    arrays = _load(entry)
    if arrays is not None:
        return arrays
    built = {field: np.asarray(array) for field, array in build().items()}
    _save(entry, built)
    return built


def _load(entry: Path) -> dict[str, np.ndarray] | None:
    """The entry's arrays, or None when it is missing, incomplete or damaged (``complete`` names its fields)."""
    try:
        fields = (entry / "complete").read_text(encoding="utf-8").split()
    except OSError:
        return None
    try:
        if not fields:
            raise ValueError("no arrays listed")
        return {field: np.load(entry / f"{field}.npy", mmap_mode="r", allow_pickle=False) for field in fields}
    except (OSError, ValueError) as exc:  # a damaged entry is removed and derived again
        logger.warning("model cache %s unreadable (%s): derived again", entry, exc)
        shutil.rmtree(entry, ignore_errors=True)
        return None


def _save(entry: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Written in a temporary folder renamed into place, so a reader sees a whole entry or none (two processes
    deriving the same entry at once both succeed; one rename wins)."""
    staging: Path | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=entry.parent))
        for field, array in arrays.items():
            np.save(staging / f"{field}.npy", array, allow_pickle=False)
        (staging / "complete").write_text(" ".join(arrays), encoding="utf-8")
        try:
            staging.rename(entry)
            staging = None
        except OSError:  # another process saved the same entry first: keep theirs
            pass
    except OSError as exc:  # a handful of entries a process at most: logged each time, not worth a registry
        logger.info("model cache %s not saved (%s): derived in memory", entry, exc)
    finally:
        if staging is not None:  # not renamed into place (lost the race, or a write failed): nothing to keep
            shutil.rmtree(staging, ignore_errors=True)
