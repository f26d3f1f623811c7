"""Rolling JSONL shards, written under a temporary name and renamed only when complete.

A reader (or a resumed run) never sees a half-written shard: ``articles-00000.jsonl`` exists only once every
line in it is complete and flushed to disk.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

COMPRESSIONS = {None: "", "gz": ".gz", "zst": ".zst"}
PART_SUFFIX = ".part"


@dataclass
class ShardInfo:
    """What the manifest says of a finished shard."""

    name: str
    lines: int
    bytes: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lines": self.lines, "bytes": self.bytes, "sha256": self.sha256}


def dumps(record: dict[str, Any]) -> str:
    """One JSONL line: UTF-8 text kept readable, no trailing newline."""
    return json.dumps(record, ensure_ascii=False)


def open_binary_writer(path: Path, compress: str | None) -> IO[bytes]:
    """A binary file object that compresses what is written to it, as the shard suffix says."""
    raw = open(path, "wb")  # noqa: SIM115 - closed by the returned wrapper
    if compress is None:
        return raw
    if compress == "gz":
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if compress == "zst":
        import zstandard

        return zstandard.ZstdCompressor(level=6).stream_writer(raw, closefd=True)
    raw.close()
    raise ValueError(f"unknown compression {compress!r}: use one of gz, zst")


def open_text_reader(path: Path) -> IO[str]:
    """Read a shard whatever its compression, judged by its suffix."""
    name = path.name.removesuffix(PART_SUFFIX)
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    if name.endswith(".zst"):
        import zstandard

        stream = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)  # noqa: SIM115
        return io.TextIOWrapper(stream, encoding="utf-8")
    return open(path, encoding="utf-8")  # noqa: SIM115


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a shard (any compression)."""
    with open_text_reader(path) as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The lines of an append-only JSONL file (duplicates, rejected, updates). A missing file has none; a line
    that does not parse (a torn last line before recovery cut it) is logged and skipped, never fatal."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                logger.warning("%s:%d is not JSON; skipped", path, number)


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size of a finished file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ShardWriter:
    """Writes records to ``<prefix>-NNNNN.jsonl[.gz|.zst]`` files of bounded size in one folder."""

    def __init__(
        self,
        folder: Path,
        prefix: str = "articles",
        max_bytes: int = 256 << 20,
        compress: str | None = None,
        existing: list[ShardInfo] | None = None,
        before_rename: Callable[[], None] | None = None,
    ) -> None:
        """``existing``: shards already finished in ``folder`` (a resumed run); numbering continues after them."""
        if compress not in COMPRESSIONS:
            raise ValueError(f"unknown compression {compress!r}: use one of gz, zst")
        self.folder = folder
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.compress = compress
        self.shards: list[ShardInfo] = list(existing or [])
        self._before_rename = before_rename
        self._fh: IO[bytes] | None = None
        self._lines = 0
        self._written = 0
        indexes = [shard_index(s.name, prefix) for s in self.shards]
        self._index = max((i for i in indexes if i is not None), default=-1) + 1

    def shard_name(self, index: int) -> str:
        return f"{self.prefix}-{index:05d}.jsonl{COMPRESSIONS[self.compress]}"

    def write(self, record: dict[str, Any]) -> str:
        """Append one record; returns the name of the shard it went to."""
        if self._fh is None:
            self._open_next()
        assert self._fh is not None
        data = (dumps(record) + "\n").encode("utf-8")
        self._fh.write(data)
        # Each line reaches the OS before the crawl state records it: a killed process loses no line it
        # reported written. (A compressed shard then ends a block per line, which costs some ratio.)
        self._fh.flush()
        self._lines += 1
        self._written += len(data)
        name = self.shard_name(self._index)
        if self._written >= self.max_bytes:
            self._finish_current()
        return name

    def close(self) -> list[ShardInfo]:
        """Finish the open shard; returns every finished shard."""
        if self._fh is not None:
            self._finish_current()
        return self.shards

    def _open_next(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / (self.shard_name(self._index) + PART_SUFFIX)
        self._fh = open_binary_writer(path, self.compress)
        self._lines = 0
        self._written = 0

    def _finish_current(self) -> None:
        assert self._fh is not None
        name = self.shard_name(self._index)
        part = self.folder / (name + PART_SUFFIX)
        self._fh.flush()
        self._fh.close()
        final = self.folder / name
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
        if self._before_rename is not None:
            self._before_rename()
        os.replace(part, final)
        fsync_dir(self.folder)
        sha, size = file_digest(final)
        self.shards.append(ShardInfo(name, self._lines, size, sha))
        logger.debug("finished shard %s (%d lines)", name, self._lines)
        self._fh = None
        self._index += 1


def rewrite_shard(
    path: Path, compress: str | None, edit: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> ShardInfo:
    """Rewrite a finished shard through ``edit`` (return None to remove a record), atomically."""
    part = path.with_name(path.name + PART_SUFFIX)
    lines = 0
    with open_binary_writer(part, compress) as out:
        for record in iter_records(path):
            edited = edit(record)
            if edited is not None:
                out.write((dumps(edited) + "\n").encode("utf-8"))
                lines += 1
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, path)
    fsync_dir(path.parent)
    sha, size = file_digest(path)
    return ShardInfo(path.name, lines, size, sha)


def salvage_part(part: Path) -> ShardInfo | None:
    """Finish a shard left behind by a killed run: keep its complete lines, drop a torn last line.

    A ``.part`` file is a run's open shard. After a crash its lines up to the last newline are whole
    (each is flushed as it is written); a compressed one ends in a truncated stream. The lines that parse
    become the finished shard; None when there were none.
    """
    name = part.name.removesuffix(PART_SUFFIX)
    final = part.with_name(name)
    compress = next((c for c, suffix in COMPRESSIONS.items() if suffix and name.endswith(suffix)), None)
    records: list[dict[str, Any]] = []
    try:
        with open_text_reader(part) as fh:
            for line in fh:
                if not line.endswith("\n"):
                    break
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    break
    except (EOFError, OSError, UnicodeDecodeError, ValueError) as exc:
        # A truncated compressed stream ends here; what was read before it is whole.
        logger.debug("salvaging %s stopped at %s", part, exc)
    if not records:
        part.unlink()
        return None
    tmp = part.with_name(part.name + ".salvage")
    with open_binary_writer(tmp, compress) as out:
        for record in records:
            out.write((dumps(record) + "\n").encode("utf-8"))
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    part.unlink()
    fsync_dir(final.parent)
    sha, size = file_digest(final)
    logger.warning("salvaged %d complete lines of interrupted shard %s", len(records), final)
    return ShardInfo(final.name, len(records), size, sha)


def truncate_torn_line(path: Path) -> int:
    """Cut a partial last line (no final newline) off an append-only JSONL file; returns bytes removed."""
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with open(path, "rb+") as fh:
        fh.seek(max(0, size - (1 << 20)))
        tail = fh.read()
        if tail.endswith(b"\n"):
            return 0
        cut = tail.rfind(b"\n")
        keep = size - len(tail) + cut + 1 if cut >= 0 else size - len(tail)
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return size - keep


def shard_index(name: str, prefix: str) -> int | None:
    """``articles-00012.jsonl.gz`` -> 12; None for other files."""
    if not name.startswith(prefix + "-"):
        return None
    digits = name[len(prefix) + 1 :].split(".", 1)[0]
    return int(digits) if digits.isdigit() else None
