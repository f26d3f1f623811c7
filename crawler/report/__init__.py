"""``newscorpus report``: what a corpus holds, read from its run folders, as a page people read.

``runs`` finds the run folders and streams their files; ``funnel``, ``figures`` and ``syndication`` tally
them; ``build`` runs the passes and gathers every figure (report.json); ``plots`` draws them with matplotlib
and ``page`` writes the self-contained HTML around them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crawler.report.runs import ReportError

__all__ = ["ReportError", "write_report"]


def write_report(
    folder: Path, out: Path | None = None, run_id: str | None = None, last: int | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write ``OUT/index.html`` and ``OUT/report.json`` (OUT defaults to ``folder/report``); returns the
    page's path and the figures."""
    from crawler.report.build import build_figures
    from crawler.report.page import render_page
    from crawler.report.plots import all_plots

    figures = build_figures(Path(folder), run_id=run_id, last=last)
    page = render_page(figures, all_plots(figures))
    out = Path(out) if out is not None else Path(folder) / "report"
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "report.json", json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    _write(out / "index.html", page)
    return out / "index.html", figures


def _write(path: Path, text: str) -> None:
    """Replace the file whole, so a browser reloading the page never reads half of it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
