"""Holding the site's answers back, so a test can put a crawl in the state it needs and know it is there.

Why: a test that must kill a crawl in the middle of its fetching, or see the pages of a small site shared out
among several workers, cannot get there by guessing how long a crawl takes on a loaded machine. A hold makes
the state certain: the matching requests wait in the server until the test (or the hold's own condition)
releases them, and the test waits for requests to be waiting rather than for time to pass.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Collection
from types import TracebackType


class Hold:
    """Answers to matching requests wait here until :meth:`release`, or until a request of each of
    ``all_waiting`` waits (released by that, for good), or ``bound`` seconds after a request began to wait.

    ``kind``: the route kind held (``"article"``; None: every page); ``agent``: the User-Agent held (None: any
    client); ``after``: matching answers let through before the hold begins. ``met`` tells afterwards whether
    it was released by the test or by its condition rather than by the bound. As a context manager, it is
    released on leaving, so a failed test leaves no hold behind for the next one.
    """

    def __init__(
        self,
        kind: str | None = None,
        agent: str | None = None,
        after: int = 0,
        all_waiting: Collection[str] = (),
        bound: float = 120.0,
    ) -> None:
        self.kind = kind
        self.agent = agent
        self.after = after
        self.all_waiting = frozenset(all_waiting)
        self.bound = bound
        self.met = False
        self.timed_out = False
        self._released = False
        self._passed = 0
        self._waiting: Counter[str] = Counter()
        self._changed = threading.Condition()

    def matches(self, kind: str | None, agent: str) -> bool:
        return (self.kind is None or kind == self.kind) and (self.agent is None or agent == self.agent)

    def enter(self, agent: str) -> None:
        """Called by the server for a matching request: returns when the answer may go."""
        with self._changed:
            if self._released:
                return
            if self._passed < self.after:
                self._passed += 1
                return
            self._waiting[agent] += 1
            if self.all_waiting and all(self._waiting[a] for a in self.all_waiting):
                self._release(met=True)
            self._changed.notify_all()
            deadline = time.monotonic() + self.bound
            while not self._released:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.timed_out = True
                    break
                self._changed.wait(remaining)
            self._waiting[agent] -= 1
            self._changed.notify_all()

    @property
    def waiting(self) -> int:
        with self._changed:
            return sum(self._waiting.values())

    def release(self) -> None:
        with self._changed:
            self._release(met=not self.timed_out)

    def _release(self, met: bool) -> None:
        if not self._released:
            self._released = True
            self.met = met
        self._changed.notify_all()

    def __enter__(self) -> Hold:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def wait_for_waiting(
        self, count: int = 1, timeout: float = 120.0, process: subprocess.Popen[str] | None = None
    ) -> None:
        """Block until ``count`` requests wait in the hold; fail if ``process`` ends first or after
        ``timeout`` seconds (a bound for a crawl that never gets there, not a guess at how long it takes)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(self._waiting.values()) < count:
                assert process is None or process.poll() is None, (
                    "the crawl ended before the hold was reached"
                )
                assert time.monotonic() < deadline, f"no {count} requests waited in the hold in {timeout:g}s"
                self._changed.wait(0.1)
