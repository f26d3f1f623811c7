"""The group commit of a SQLite dedupe index: the updates of the last ``delay`` seconds committed together.

Why: a commit writes the pages an update dirtied in the band table to the WAL (about 0.6 ms an article with a
commit each, 0.25 in groups of 50); committed together, the articles of the last ``delay`` seconds (at most
``every``) share that cost. A kept article waits for the commit of its update before it goes on to the write
stage, so the files never hold an article the index could lose; a crash loses only updates of articles not
written yet (and of copies, which are found again). Without an asyncio loop (another Twisted reactor) each
update is committed at once.

A group is also committed at once when no page is being worked on anywhere (``idle``: the worker pool has no
task): no article will join it soon, so its articles would only wait for the timer. The last group of a crawl
is then written without waiting, and so are the first articles while the workers ramp up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex

logger = logging.getLogger(__name__)


class GroupCommit:
    """Commits ``index`` in groups; :meth:`committed` waits for the commit of the update just applied."""

    def __init__(
        self, index: SQLiteDedupeIndex, delay: float, every: int, idle: Callable[[], bool] | None = None
    ) -> None:
        """``idle``: says no other article can join the open group soon (see the module docstring)."""
        index.group_commit = True
        self.index = index
        self.delay = delay
        self.every = max(1, every)
        self._committed: asyncio.Future[None] | None = None  # done when the open group is committed
        self._timer: asyncio.TimerHandle | None = None
        self._in_group = 0
        self.idle = idle

    async def committed(self) -> None:
        """Wait until the update of the article just checked is committed."""
        if self._committed is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the asyncio reactor: nothing to wait with, commit now
                self.index.commit()
                return
            self._committed = loop.create_future()
            self._timer = loop.call_later(self.delay, self.commit)
        committed = self._committed
        self._in_group += 1
        if self._in_group >= self.every or (self.idle is not None and self.idle()):
            self.commit()
        await committed

    def commit(self) -> None:
        """Commit the open group now (its articles go on), or roll it back on failure (they fail with it)."""
        committed, self._committed = self._committed, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiting, self._in_group = self._in_group, 0
        if committed is None:
            return
        try:
            self.index.commit()
        except Exception as exc:
            # The group's updates go with its articles, which fail with the reason (none is written): the index
            # must not hold entries of articles the files do not.
            logger.error("dedupe index commit failed, its %d articles are not written: %s", waiting, exc)
            self.index.rollback()
            committed.set_exception(exc)
        else:
            committed.set_result(None)

    def close(self) -> None:
        """Commit what is still open."""
        if self._committed is not None:
            self.commit()
