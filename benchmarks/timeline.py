"""The crawl benchmark's timeline: cores busy and pages done per half second, from a command's start to its exit.

Why: a whole command's pages/s folds its start-up, the ramp until every core is busy and the drain at the end
into one figure; a short crawl is decided by them. The sampler of ``common.run_measured`` reads the CPU time of
the process tree and the lines the way has written (:class:`LineCounter`) every 0.1 s; :func:`bins` turns that
into half seconds; :func:`plot` draws the ways side by side with matplotlib (the plotting library the project's
report uses), so that where a way idles is seen at a glance.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTH = 0.5


class LineCounter:
    """Lines written so far to the files of ``folder`` matching ``patterns``, read incrementally.

    A file that is renamed (a shard's ``.part`` to its final name) is the same file: its name is taken without
    ``.part``. A file that shrinks (a shard rewritten at the close) keeps the count it had."""

    def __init__(self, folder: Path, patterns: Sequence[str]) -> None:
        self.folder = folder
        self.patterns = tuple(patterns)
        self._seen: dict[str, tuple[int, int]] = {}  # name -> (bytes read, lines counted)

    def __call__(self) -> int:
        for pattern in self.patterns:
            for path in self.folder.glob(pattern):
                name = path.name.removesuffix(".part")
                offset, lines = self._seen.get(name, (0, 0))
                try:
                    with open(path, "rb") as fh:
                        fh.seek(offset)
                        data = fh.read()
                except OSError:
                    continue
                self._seen[name] = (offset + len(data), lines + data.count(b"\n"))
        return sum(lines for _, lines in self._seen.values())


@dataclass
class Timeline:
    """One run, in half seconds from its start: cores busy, pages done, article pages fetched, first request."""

    mode: str
    label: str
    seconds: list[float]  # the end of each half second
    cores: list[float]
    done: list[int]
    fetched: list[int]
    first_request: float | None
    wall: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _at(series: Sequence[tuple[float, float]], t: float) -> float:
    """The cumulative ``series`` (time, value) read at ``t``, linearly between two samples."""
    if not series or t <= series[0][0]:
        return series[0][1] if series else 0.0
    for (t0, v0), (t1, v1) in zip(series, series[1:], strict=False):
        if t <= t1:
            return v0 if t1 == t0 else v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return series[-1][1]


def bins(series: Sequence[tuple[float, float]], wall: float, width: float = WIDTH) -> list[float]:
    """What a cumulative series gained in each ``width`` seconds from 0 to ``wall``."""
    edges = [width * k for k in range(int(wall / width) + 1)]
    if edges[-1] < wall:
        edges.append(wall)
    values = [_at(series, t) for t in edges]
    return [b - a for a, b in zip(values, values[1:], strict=False)]


def timeline(
    mode: str,
    label: str,
    samples: Sequence[tuple[float, float, int]],
    wall: float,
    cpu_total: float,
    done_total: int,
    requests: Sequence[tuple[float, str]],
) -> Timeline:
    """A run's timeline from the sampler's ``samples`` (seconds from the start, CPU seconds of the tree so far,
    pages done so far), its exact totals at exit, and the server's log of its requests (seconds from the
    start, path)."""
    # The tree's CPU as sampled: the exact total at exit also holds what exited processes spent after their
    # last sample, which would all land in the last half second.
    last = samples[-1][1] if samples else cpu_total
    cpu = [(0.0, 0.0), *((t, c) for t, c, _ in samples), (wall, last)]
    done = [(0.0, 0.0), *((t, float(d)) for t, _, d in samples), (wall, float(done_total))]
    articles = sorted(t for t, path in requests if path.startswith("/news/"))
    fetched = [(0.0, 0.0), *((t, float(n)) for n, t in enumerate(articles, 1)), (wall, float(len(articles)))]
    widths = bins([(0.0, 0.0), (wall, wall)], wall)
    seconds = [WIDTH * (k + 1) for k in range(len(widths))]
    seconds[-1] = wall
    return Timeline(
        mode,
        label,
        seconds,
        [c / w if w else 0.0 for c, w in zip(bins(cpu, wall), widths, strict=True)],
        [round(d) for d in bins(done, wall)],
        [round(f) for f in bins(fetched, wall)],
        min((t for t, _ in requests), default=None),
        wall,
    )


def plot(timelines: Sequence[Timeline], path: Path, title: str) -> None:
    """Cores busy (above) and pages per half second (below) of each way, against seconds since its start."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: a small file that diffs
    matplotlib.rcParams["svg.hashsalt"] = "newscorpus"
    colours = ["#d95f02", "#1b9e77", "#7570b3", "#e7298a"]
    figure, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(9, 6), constrained_layout=True)
    for colour, line in zip(colours, timelines, strict=False):
        edges = [0.0, *line.seconds]
        top.stairs(line.cores, edges, color=colour, label=line.label)
        bottom.stairs(line.done, edges, color=colour, label=f"{line.label}: pages done")
        bottom.stairs(line.fetched, edges, color=colour, alpha=0.6, linestyle=":",
                      label=f"{line.label}: article pages fetched")  # fmt: skip
        for axis in (top, bottom):
            if line.first_request is not None:
                axis.axvline(line.first_request, color=colour, linestyle="--", linewidth=0.8)
            axis.axvline(line.wall, color=colour, linewidth=0.8)
    top.set_ylabel("cores busy (CPU s / s)")
    top.set_ylim(0, 2.2)
    top.axhline(2, color="grey", linewidth=0.5)
    bottom.set_ylabel(f"pages per {WIDTH:g} s")
    bottom.set_xlabel("seconds since the command started (dashed: first request; solid: exit)")
    top.set_title(title)
    top.legend(loc="upper right", fontsize=8)
    bottom.legend(loc="upper right", fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(figure)
