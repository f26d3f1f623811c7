"""The live progress line of a crawl on a terminal: pages fetched, articles written, duplicates, rejected,
pages a second, queue size, bytes downloaded.

Drawn with rich's ``Live`` on stderr, refreshed from the reactor (a ``LoopingCall``), so the figures are read
on the thread that writes them. Log lines keep flowing, whole and unchanged: while the line is shown, the
logging handlers that wrote to the terminal write through the console instead, which prints each complete
line above the progress line (rich's own stderr redirection would re-wrap long lines to the terminal width).

Switched on by ``NEWSCORPUS_PROGRESS`` (``newscorpus crawl`` and ``worker`` set it when stderr is a terminal and
``--quiet`` is not given); off, or on a stderr that is not a terminal, the extension is not loaded at all, and
rich is not imported (a twentieth of a second of a crawl's start-up).
"""

from __future__ import annotations

import io
import logging
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from pipelines.settings import from_settings, setting

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

logger = logging.getLogger(__name__)

#: Seconds over which pages a second are measured.
RATE_WINDOW = 10.0


@dataclass(frozen=True)
class Snapshot:
    """The figures of one refresh."""

    pages: int
    written: int
    duplicates: int
    rejected: int
    rate: float
    queue: int | None
    mbytes: float
    elapsed: float
    #: Reading archives: pages read (not fetched), files done of all, compressed MB of all (None: unknown).
    archive: bool = False
    files: tuple[int, int] | None = None
    total_mbytes: float | None = None


def snapshot(stats: dict[str, Any], rate: float, queue: int | None, elapsed: float) -> Snapshot:
    duplicates = rejected = 0
    for key, value in stats.items():
        if key.startswith("newscorpus/duplicates/"):
            duplicates += int(value)
        elif key.startswith("newscorpus/rejected/"):
            rejected += int(value)
    archive = "newscorpus/warc/bytes_total" in stats
    received = stats.get("newscorpus/warc/bytes_read") or stats.get("downloader/response_bytes") or 0
    total = stats.get("newscorpus/warc/bytes_total")
    return Snapshot(
        pages=int(stats.get("newscorpus/warc/pages" if archive else "response_received_count", 0)),
        written=int(stats.get("newscorpus/written", 0)),
        duplicates=duplicates,
        rejected=rejected,
        rate=rate,
        queue=queue,
        mbytes=received / 1e6,
        elapsed=elapsed,
        archive=archive,
        files=(
            int(stats.get("newscorpus/warc/files_read", 0)),
            int(stats.get("newscorpus/warc/files_total", 0)),
        )
        if archive
        else None,
        total_mbytes=total / 1e6 if archive and total else None,
    )


def progress_line(s: Snapshot) -> str:
    minutes, seconds = divmod(int(s.elapsed), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{s.files[0]:,}/{s.files[1]:,} files"] if s.files is not None else []
    parts += [
        f"{s.pages:,} pages {'read' if s.archive else 'fetched'}",
        f"{s.written:,} written",
        f"{s.duplicates:,} duplicates",
        f"{s.rejected:,} rejected",
        f"{s.rate:.1f} pages/s",
    ]
    if s.queue is not None:
        parts.append(f"queue {s.queue:,}")
    parts.append(f"{s.mbytes:,.1f} MB")
    if s.archive and s.elapsed > 0:
        speed = s.mbytes / s.elapsed
        parts.append(f"{speed:,.1f} MB/s")
        if s.total_mbytes and speed > 0 and s.total_mbytes > s.mbytes:
            left = int((s.total_mbytes - s.mbytes) / speed)
            parts.append(f"ETA {left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d}")
    parts.append(f"{hours}:{minutes:02d}:{seconds:02d}")
    return " · ".join(parts)


class Rate:
    """Pages a second over the last ``window`` seconds."""

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, pages: int) -> float:
        self._samples.append((now, pages))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.window:
            self._samples.popleft()
        first_time, first_pages = self._samples[0]
        return (pages - first_pages) / (now - first_time) if now > first_time else 0.0


class LineStream(io.TextIOBase):
    """A stream for logging handlers while the line is shown: each complete line printed above it, as is."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._partial = ""

    def write(self, text: str) -> int:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self.console.out(line, highlight=False)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self.console.out(self._partial, highlight=False)
            self._partial = ""

    def isatty(self) -> bool:
        return True


@dataclass(frozen=True)
class ProgressConfig:
    """``enabled``: the line is shown (the commands set it for a terminal without ``--quiet``); ``interval``:
    seconds between refreshes."""

    enabled: bool = setting("NEWSCORPUS_PROGRESS", False)
    interval: float = setting("NEWSCORPUS_PROGRESS_INTERVAL", 1.0)


class ProgressExtension:
    def __init__(
        self, stats: Any, console: Console, interval: float = 1.0, crawler: Any = None, clock: Any = None
    ) -> None:
        """``crawler``: where the engine (and so the queue) is found once the crawl runs; None shows no queue.
        ``clock``: what schedules the refreshes (the reactor; a ``task.Clock`` in tests)."""
        self.stats = stats
        self.console = console
        self.interval = interval
        self.crawler = crawler
        self.clock = clock
        self.rate = Rate()
        self._live: Live | None = None
        self._loop: Any = None
        self._started = 0.0
        self._swapped: list[tuple[logging.StreamHandler[Any], IO[str]]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        config = from_settings(ProgressConfig, crawler.settings)
        if not config.enabled:
            raise NotConfigured
        from rich.console import Console

        console = Console(file=sys.stderr, stderr=True)
        if not console.is_terminal:
            raise NotConfigured
        extension = cls(crawler.stats, console, config.interval, crawler)
        crawler.signals.connect(extension.start, signal=signals.engine_started)
        crawler.signals.connect(extension.stop, signal=signals.engine_stopped)
        return extension

    def queue_size(self) -> int | None:
        engine = getattr(self.crawler, "engine", None)
        scheduler = getattr(engine, "scheduler", None) if engine is not None else None
        if scheduler is None:
            return None
        try:
            return len(scheduler)
        except Exception:  # noqa: BLE001 - a scheduler without a size (or a Redis hiccup) just shows none
            return None

    def start(self) -> None:
        from rich.live import Live
        from rich.text import Text

        self._started = time.monotonic()
        self._live = Live(
            Text(self.line()),
            console=self.console,
            auto_refresh=False,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()
        self._redirect_logging()
        from twisted.internet import task

        self._loop = task.LoopingCall(self.refresh)
        if self.clock is not None:
            self._loop.clock = self.clock
        self._loop.start(self.interval, now=False)

    def line(self) -> str:
        now = time.monotonic()
        stats = self.stats.get_stats()
        pages = stats.get("newscorpus/warc/pages", stats.get("response_received_count", 0))
        rate = self.rate.add(now, int(pages))
        return progress_line(snapshot(stats, rate, self.queue_size(), now - self._started))

    def refresh(self) -> None:
        from rich.text import Text

        if self._live is not None:
            self._live.update(Text(self.line()), refresh=True)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.stop()
            self._live = None
        self._restore_logging()

    def _redirect_logging(self) -> None:
        """Handlers writing to this console's terminal write through it while the line is shown."""
        terminal = {id(self.console.file), id(sys.__stderr__)}
        stream = LineStream(self.console)
        for handler in logging.root.handlers:
            if isinstance(handler, logging.StreamHandler) and id(handler.stream) in terminal:
                original = handler.stream
                handler.setStream(stream)
                self._swapped.append((handler, original))

    def _restore_logging(self) -> None:
        for handler, original in self._swapped:
            handler.stream.flush()
            handler.setStream(original)
        self._swapped.clear()
