"""Names that become paths (run ids, worker ids, ...) and the one way a folder of ours is removed.

A run id or a worker id given on the command line, read from the crawl state or from a shared Redis is joined
to a folder; ``../..`` or an absolute path would put the run elsewhere and, when the run ends, have its
clean-up remove that place. Every such name goes through :func:`check_name`, and every removal through
:func:`remove_tree_within`, which refuses a path that is not inside the folder it is meant to be in.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


class BadName(ValueError):
    """A name that cannot be used as one path component."""


def check_name(value: object, what: str) -> str:
    """``value`` if it is one path component of ``[A-Za-z0-9._-]``, not ``.`` or ``..``; else :class:`BadName`
    naming ``what`` (e.g. "--run-id")."""
    if not isinstance(value, str) or not _NAME.match(value) or value in (".", ".."):
        raise BadName(
            f"{what} {value!r}: use one name of letters, digits, '.', '_' and '-' (it becomes a folder or file name)"
        )
    return value


def run_folder(out: str | Path, run_id: str) -> Path:
    """``OUT/runs/<run_id>``, the run id checked first."""
    return Path(out) / "runs" / check_name(run_id, "run id")


def is_within(path: Path, root: Path) -> bool:
    """Is ``path`` strictly inside ``root`` once both are resolved (symbolic links and ``..`` followed)?"""
    resolved, base = Path(path).resolve(), Path(root).resolve()
    return resolved != base and resolved.is_relative_to(base)


def remove_tree_within(path: Path, root: Path) -> bool:
    """Remove the folder ``path`` if it exists and lies inside ``root``; returns whether it was removed.

    Raises ``ValueError`` for a path outside ``root``: a bug or a hostile name, never something to delete."""
    if not is_within(path, root):
        raise ValueError(f"refusing to remove {path}: it is not inside {root}")
    if not Path(path).is_dir() or Path(path).is_symlink():
        return False
    shutil.rmtree(path)
    return True
