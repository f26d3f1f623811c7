"""A snippet of Python run in a fresh interpreter from the repository root.

For what a module does when it is imported, or what a process does as a whole (the processes it starts, the
caches it fills): the test process has imported and done all of that already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_snippet(code: str, timeout: float = 120) -> str:
    """Run ``code`` with ``python -c``; its standard output. Fails the test, with its errors, if it fails."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
