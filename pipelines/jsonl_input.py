"""Reading JSONL input a user gives (``newscorpus extract --batch``, ``newscorpus dedupe``): one bad line is
skipped and counted, with its line number and reason, never the end of the whole input.

An input that is no text file at all (missing, a folder, a binary file) is refused before any line is read, with
one message (:class:`InputError`); a line that is not UTF-8, not JSON, not an object or longer than the cap is
a :class:`BadLine` the caller reports as it sees fit, counted in :attr:`JsonlReader.bad`.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipelines.extract.decode import binary_signature

logger = logging.getLogger(__name__)

#: Longest input line read; a longer one is skipped without being held in memory.
MAX_LINE_BYTES = 64 << 20
_CHUNK = 1 << 20


class InputError(ValueError):
    """An input that cannot be read as JSONL at all; the message names it."""


@dataclass(frozen=True)
class BadLine:
    path: str
    number: int
    reason: str
    detail: str = ""

    @property
    def code(self) -> str:
        """A short reason code: ``bad-json``, ``bad-utf8``, ``too-long``."""
        return _CODES.get(self.reason, "bad-line")

    def __str__(self) -> str:
        return f"{self.path}:{self.number}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


_CODES = {
    "invalid JSON": "bad-json",
    "not an object": "bad-json",
    "invalid UTF-8": "bad-utf8",
    "line too long": "too-long",
}


def check_input(path: Path) -> None:
    """Refuse, with one message, an input that is missing, a folder, unreadable or binary."""
    if str(path) == "-":
        return
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a JSONL file")
    try:
        with _open_binary(path) as fh:
            head = fh.read(4096)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except Exception as exc:  # a corrupt .zst/.gz raises its library's own error types
        raise InputError(f"cannot read {path}: {exc}") from None
    why = binary_signature(head)
    if why is not None:
        raise InputError(f"{path} is a binary file ({why}), not JSONL")


class JsonlReader:
    """Yields each good line's object, or a :class:`BadLine`; ``read`` and ``bad`` count them."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self.read = 0
        self.bad: Counter[str] = Counter()

    def lines(self, path: Path) -> Iterator[tuple[int, dict[str, Any] | BadLine]]:
        """(line number, object or bad line) for every non-blank line of ``path`` ("-": standard input)."""
        name = str(path)
        with _open_binary(path) as fh:
            for number, raw, too_long in _raw_lines(fh, self.max_line_bytes):
                if not too_long and not raw.strip():
                    continue
                self.read += 1
                item = self._parse(name, number, raw, too_long)
                if isinstance(item, BadLine):
                    self.bad[item.reason] += 1
                    logger.debug("%s", item)
                yield number, item

    def summary(self) -> str:
        """``read N lines, K bad (invalid JSON 2, invalid UTF-8 1)``."""
        total = sum(self.bad.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.bad.items()))
        return f"read {self.read} lines, {total} bad" + (f" ({reasons})" if reasons else "")

    def _parse(self, name: str, number: int, raw: bytes, too_long: bool) -> dict[str, Any] | BadLine:
        if too_long:
            return BadLine(name, number, "line too long", f"over {self.max_line_bytes} bytes")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return BadLine(name, number, "invalid UTF-8", f"byte {exc.start}")
        try:
            data = json.loads(text)
        except ValueError as exc:
            return BadLine(name, number, "invalid JSON", str(exc)[:120])
        if not isinstance(data, dict):
            return BadLine(name, number, "not an object")
        return data


def _raw_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """(number, bytes, too long) for each line; a line over ``limit`` bytes is read through, not kept."""
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = fh.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, b"", True
            continue
        yield number, line, False


@contextmanager
def _open_binary(path: Path) -> Iterator[IO[bytes]]:
    """The bytes of ``path`` ("-": standard input), unpacked when its name ends in .gz or .zst."""
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    name = path.name
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            yield fh  # type: ignore[misc]
        return
    if name.endswith(".zst"):
        import zstandard

        with open(path, "rb") as raw:
            reader = zstandard.ZstdDecompressor().stream_reader(raw)
            yield io.BufferedReader(reader)
        return
    with open(path, "rb") as fh:
        yield fh
