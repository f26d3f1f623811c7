"""What the write stage tells the crawl about each page, so that the crawl state stays in step with the files.

Why an interface here: the state belongs to the crawl (``crawler.state``: SQLite, or Redis in a distributed
crawl, with its own rules of which rejections are final), but the moment to record an outcome is the write
stage's: right after the line that makes it true is flushed. The crawl's state extension implements
:class:`CrawlLedger`; the write stage finds it with ``crawler.get_extension(CrawlLedger)``, and writes without
one when the crawl has no state (``--no-state``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class CrawlLedger:
    """The crawl state, as the write stage sees it. ``worker``: the worker of a distributed crawl this process
    is (its files carry the name), None for a single process."""

    worker: str | None = None

    def begin_run(self, run_id: str, run_dir: str, resumed: bool = False) -> None:
        """A run starts writing (or, ``resumed``, continues) its folder."""
        raise NotImplementedError

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any]) -> None:
        """The run's manifest is written with ``status``."""
        raise NotImplementedError

    def written(self, item: dict[str, Any], urls: Iterable[str | None], run_id: str, updated: bool) -> None:
        """The article ``item`` is in a shard (``updated``: a new revision of one, in ``updates.jsonl``, or the
        same text again), under every URL it is known by."""
        raise NotImplementedError

    def duplicate(self, urls: Iterable[str | None], article_id: str | None, run_id: str) -> None:
        """A copy of a story is in ``duplicates.jsonl``."""
        raise NotImplementedError

    def rejected(self, urls: Iterable[str | None], record: dict[str, Any], run_id: str) -> None:
        """A page is in ``rejected.jsonl`` with ``record``; the crawl decides whether that is final."""
        raise NotImplementedError

    def repeated(self, urls: Iterable[str | None], record: dict[str, Any], run_id: str) -> bool:
        """Whether an earlier run already recorded this page with the same rejection: then the run counts it
        as ``rejected_again`` and writes no line (a ledger that keeps no history says no)."""
        return False

    def finished(self, item: dict[str, Any], run_id: str) -> None:
        """The page ``item`` has its outcome, whatever it is (written, a copy, rejected): it is no longer in
        flight, and an archived page's record is not to be read again."""
        raise NotImplementedError
