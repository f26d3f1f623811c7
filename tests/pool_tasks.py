"""Task functions for the worker-pool tests: top-level, so worker processes can import them."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def pid_and_square(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def die_once(marker: str) -> str:
    """Crashes the first time (the marker file does not exist yet), succeeds the second."""
    path = Path(marker)
    if not path.exists():
        path.write_text("crashed once", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


def hang(seconds: float) -> str:
    time.sleep(seconds)
    return "woke up"
