"""The report's plots: matplotlib figures saved as SVG text, to be inlined in the page.

Drawn with ``matplotlib.figure.Figure`` directly (no pyplot, so no global figure state and no GUI backend).
Text stays text in the SVG (``svg.fonttype: none``): smaller files, searchable, the page's font. Each function
takes the figures of report.json and returns one SVG, or None when there is nothing to draw.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

COLOURS = {"written": "#2b6cb0", "duplicate": "#d69e2e", "rejected": "#c53030", "failures": "#6b46c1"}
#: Typed loosely: matplotlib's stubs list every rc key as a literal.
_RC: Any = {
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
}
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def _figure(width: float = 7.0, height: float = 3.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _counts(axis: Any) -> None:
    """Counts: whole ticks, written 12,345 rather than 1.2345e4."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def to_svg(figure: Figure, name: str) -> str:
    """SVG text without its XML prologue, ids salted with ``name`` so several plots share a page."""
    buffer = io.StringIO()
    style: Any = {**_RC, "svg.hashsalt": name}
    with rc_context(style):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="plot-{name}" ', 1)


def funnel_plot(funnel: dict[str, Any]) -> str | None:
    steps = funnel.get("steps") or []
    if len(steps) < 2:
        return None
    with rc_context(_RC):
        figure = _figure(7.0, 0.45 * len(steps) + 0.8)
        axes = figure.add_subplot()
        labels = [s["step"] for s in steps][::-1]
        counts = [s["count"] for s in steps][::-1]
        colours = [COLOURS["written"] if s["step"] == "written" else "#90b4e0" for s in steps][::-1]
        bars = axes.barh(labels, counts, color=colours)
        axes.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=3)
        axes.set_xlabel("pages")
        _counts(axes.xaxis)
        axes.margins(x=0.15)
    return to_svg(figure, "funnel")


def sites_plot(sites: list[dict[str, Any]], limit: int = 20) -> str | None:
    shown = sites[:limit]
    if not shown:
        return None
    with rc_context(_RC):
        figure = _figure(7.0, 0.28 * len(shown) + 1.0)
        axes = figure.add_subplot()
        names = [s["domain"] for s in shown][::-1]
        left = [0] * len(shown)
        for key, colour in (("written", "written"), ("duplicates", "duplicate"), ("rejected", "rejected")):
            values = [s[key] for s in shown][::-1]
            axes.barh(names, values, left=left, color=COLOURS[colour], label=key)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
        axes.set_xlabel("pages")
        _counts(axes.xaxis)
        if len(sites) > limit:
            axes.set_xlabel(f"pages (the {limit} sites with most articles, of {len(sites):,})")
    return to_svg(figure, "sites")


def days_plot(by_day: dict[str, int]) -> str | None:
    """Articles by publication day (by month when the dates span more than a year)."""
    days = {}
    for key, count in by_day.items():
        try:
            days[date.fromisoformat(key)] = count
        except ValueError:
            continue
    if not days:
        return None
    title = "articles by publication day"
    width = 0.9
    if (max(days) - min(days)).days > 366:
        months: dict[date, int] = {}
        for day, count in days.items():
            month = day.replace(day=1)
            months[month] = months.get(month, 0) + count
        days, title, width = months, "articles by publication month", 25.0
    with rc_context(_RC):
        figure = _figure(7.0, 2.6)
        axes = figure.add_subplot()
        axes.bar(mdates.date2num(list(days)), list(days.values()), width=width, color=COLOURS["written"])
        axes.xaxis_date()
        axes.set_title(title)
        axes.set_ylabel("articles")
        _counts(axes.yaxis)
        figure.autofmt_xdate()
    return to_svg(figure, "days")


def bars_plot(
    name: str, labels: list[str], values: list[int], title: str, xlabel: str = "", colour: str = "written"
) -> str | None:
    """A plain bar chart (lag buckets, languages, word counts)."""
    if not values or not any(values):
        return None
    with rc_context(_RC):
        figure = _figure(7.0, 2.6)
        axes = figure.add_subplot()
        bars = axes.bar(labels, values, color=COLOURS[colour])
        axes.bar_label(bars, labels=[f"{v:,}" if v else "" for v in values], padding=2, fontsize=7)
        axes.set_title(title)
        _counts(axes.yaxis)
        if xlabel:
            axes.set_xlabel(xlabel)
        axes.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0)
    return to_svg(figure, name)


def runs_plot(runs: list[dict[str, Any]]) -> str | None:
    """Scheduled crawls: articles written, duplicates and failures of each run."""
    if len(runs) < 2:
        return None
    with rc_context(_RC):
        figure = _figure(7.0, 2.8)
        axes = figure.add_subplot()
        positions = list(range(len(runs)))
        written = [r["written"] for r in runs]
        duplicates = [r["duplicates"] for r in runs]
        failures = [r["failures"] for r in runs]
        axes.bar(positions, written, color=COLOURS["written"], label="written (new)")
        axes.bar(positions, duplicates, bottom=written, color=COLOURS["duplicate"], label="duplicates")
        axes.plot(positions, failures, color=COLOURS["failures"], marker="o", label="failures")
        step = max(1, len(runs) // 12)
        axes.set_xticks(positions[::step], [r["run_id"][:15] for r in runs][::step], rotation=30)
        axes.legend(frameon=False, fontsize=8)
        _counts(axes.yaxis)
        axes.set_title("each run: new articles, duplicates, failed fetches")
    return to_svg(figure, "runs")


def matrix_plot(matrix: dict[str, Any]) -> str | None:
    """Rows: the outlet whose article was kept; columns: the outlets whose copies of it were dropped."""
    counts = matrix.get("counts") or []
    if not counts or not any(any(row) for row in counts):
        return None
    rows, columns = matrix["rows"], matrix["columns"]
    with rc_context(_RC):
        figure = _figure(min(8.0, 2.5 + 0.55 * len(columns)), 1.6 + 0.4 * len(rows))
        axes = figure.add_subplot()
        image = axes.imshow(counts, cmap="Oranges", aspect="auto")
        axes.set_xticks(range(len(columns)), columns, rotation=40, ha="right")
        axes.set_yticks(range(len(rows)), rows)
        axes.set_xlabel("copies dropped from")
        axes.set_ylabel("article kept from")
        peak = max(max(row) for row in counts)
        for i, row in enumerate(counts):
            for j, value in enumerate(row):
                if value:
                    colour = "white" if value > peak * 0.6 else "black"
                    axes.text(j, i, f"{value:,}", ha="center", va="center", fontsize=7, color=colour)
        figure.colorbar(image, ax=axes, shrink=0.8, label="copies")
    return to_svg(figure, "syndication")


def all_plots(figures: dict[str, Any]) -> dict[str, str | None]:
    """Every plot of the page, by name."""
    time_figures = figures["time"]
    languages = figures["languages"]["detected"][:15]
    histogram = figures["lengths"]["histogram"]
    word_labels = [f"{b['from']}+" if b["to"] is None else f"{b['from']}-{b['to']}" for b in histogram]
    return {
        "funnel": funnel_plot(figures["funnel"]),
        "sites": sites_plot(figures["sites"]),
        "days": days_plot(time_figures["by_day"]),
        "lag": bars_plot(
            "lag",
            [b["lag"] for b in time_figures["lag"]],
            [b["count"] for b in time_figures["lag"]],
            "time from publication to fetch",
        ),
        "runs": runs_plot(figures["runs"]),
        "languages": bars_plot(
            "languages",
            [r["language"] for r in languages],
            [r["count"] for r in languages],
            "detected languages",
        ),
        "lengths": bars_plot(
            "lengths", word_labels, [b["count"] for b in histogram], "articles by word count", "words"
        ),
        "syndication": matrix_plot(figures["syndication"]["matrix"]),
    }
