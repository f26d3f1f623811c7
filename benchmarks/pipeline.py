"""Per-page cost of our processing chain against bare trafilatura, in one process on one core.

Usage::

    .venv/bin/python benchmarks/pipeline.py                 # the scrapinghub pages of ../shared (181)
    .venv/bin/python benchmarks/pipeline.py --repeat 3      # three rounds over the pages
    .venv/bin/python benchmarks/pipeline.py --data DIR      # any folder of .html / .html.gz pages

Systems, on the same raw page bytes (what a crawler receives), page by page in the same process:

- ``trafilatura``: bare ``trafilatura.extract(html, url=url, include_comments=False)``, the peers' whole job;
- ``newscorpus``: our chain as the crawl's item pipelines run it: ``fill_record`` (``extract_article`` and the
  record's fields), ``clean_item`` (``clean_text`` and the site boilerplate learner), ``LanguageDetector.detect``
  and the dedupe signature (``pipelines.dedupe.fingerprint.fingerprint`` with the dedupe stage's config, the call
  ``Deduplicator.check`` makes). A page a stage rejects costs what was spent on it, as in a crawl.

Fairness: the two alternate which goes first on every page (and every round), so noise from other work on the
machine and cache warmth fall on both alike; speed is CPU time of this process (``time.process_time``) with the
process pinned to one core, wall time is printed beside it as context. Also timed on each page, outside the
ratio: the quality rules and the word-quality score of the dedupe keep rule, which the crawl runs as well.

The pages belong to their publishers: they are read at run time and only figures are written
(``benchmarks/results/pipeline.json``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    RESULTS,
    SCRAPINGHUB,
    Page,
    environment,
    load_pages,
    missing_data_message,
    table,
    write_report,
)

#: The chain, which does more than extract, costs at most 1/0.95 of bare trafilatura a page on one core.
TARGET_RATIO = 0.95
STAGES = ("extract", "clean", "language", "signature")
OUTSIDE = ("quality", "word_quality")


class Chain:
    """Our stages as the crawl runs them (``pipelines.page_task.LocalChain``, built once), and the dedupe
    signature, with a CPU-time account per step."""

    def __init__(self) -> None:
        from pipelines.clean.rules import CleanConfig
        from pipelines.clean.site_lines import BoilerplateConfig
        from pipelines.dedupe.config import DedupeConfig
        from pipelines.dedupe.fingerprint import fingerprint
        from pipelines.language.detect import LanguageConfig
        from pipelines.page_task import LocalChain

        chain = LocalChain(clean=CleanConfig(), learned=BoilerplateConfig(), language=LanguageConfig())
        fp_config = DedupeConfig().fingerprint_config()
        self.steps = [*chain.steps(), ("signature", lambda item: fingerprint(item["text"], fp_config))]
        self.seconds = dict.fromkeys(STAGES + OUTSIDE, 0.0)
        self.rejected: dict[str, int] = {}

    def __call__(self, page: Page) -> str:
        from pipelines import record
        from pipelines.drops import Rejected

        clock = time.process_time
        item: dict[str, Any] = {"url": page.url, record.HTML: page.html}
        for stage, step in self.steps:
            started = clock()
            try:
                step(item)
            except Rejected as exc:
                self.seconds[stage] += clock() - started
                reason = f"{stage}/{type(exc).__name__}"
                self.rejected[reason] = self.rejected.get(reason, 0) + 1
                return ""
            self.seconds[stage] += clock() - started
        return item["text"]

    def outside(self, text: str) -> None:
        """The crawl's other per-item work, timed apart: not part of the chain the target is about."""
        from pipelines.dedupe.word_quality import word_quality
        from pipelines.quality.rules import check_quality

        if not text:
            return
        started = time.process_time()
        check_quality(text)
        middle = time.process_time()
        word_quality(text, "en")
        self.seconds["quality"] += middle - started
        self.seconds["word_quality"] += time.process_time() - middle


def bare_trafilatura() -> Callable[[Page], str]:
    import trafilatura

    def run(page: Page) -> str:
        return trafilatura.extract(page.html, url=page.url, include_comments=False) or ""

    return run


def pin_to_one_core() -> int | None:
    """Run on one core, as the target asks; returns the core, or None where affinity cannot be set."""
    try:
        core = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
    except (AttributeError, OSError):
        return None
    return core


def run_benchmark(pages: list[Page], repeat: int) -> dict[str, Any]:
    chain = Chain()
    bare = bare_trafilatura()
    for page in pages[:2]:  # warm-up: imports, word lists, language profiles are not the pages' cost
        bare(page)
        chain.outside(chain(page))
    chain.seconds = dict.fromkeys(STAGES + OUTSIDE, 0.0)
    chain.rejected = {}

    rounds = []
    wall = {"trafilatura": 0.0, "newscorpus": 0.0}
    extracted = {"trafilatura": 0, "newscorpus": 0}
    for round_no in range(repeat):
        cpu = {"trafilatura": 0.0, "newscorpus": 0.0}
        for i, page in enumerate(pages):
            order = (
                ("trafilatura", "newscorpus") if (i + round_no) % 2 == 0 else ("newscorpus", "trafilatura")
            )
            for name in order:
                started_wall, started = time.perf_counter(), time.process_time()
                text = bare(page) if name == "trafilatura" else chain(page)
                cpu[name] += time.process_time() - started
                wall[name] += time.perf_counter() - started_wall
                extracted[name] += bool(text)
                if name == "newscorpus":
                    chain.outside(text)
        rounds.append(cpu)

    n = len(pages) * repeat
    cpu_total = {name: sum(r[name] for r in rounds) for name in wall}
    ours_seconds = sum(chain.seconds[s] for s in STAGES)
    report: dict[str, Any] = {
        "pages": len(pages),
        "rounds": repeat,
        "systems": {
            name: {
                "pages_per_second_cpu": n / cpu_total[name],
                "ms_per_page_cpu": 1000 * cpu_total[name] / n,
                "pages_per_second_wall": n / wall[name],
                "pages_with_text": extracted[name] / repeat,
            }
            for name in wall
        },
        "ratio": cpu_total["trafilatura"] / cpu_total["newscorpus"],
        "ratio_per_round": [r["trafilatura"] / r["newscorpus"] for r in rounds],
        "stages": {
            s: {"ms_per_page": 1000 * chain.seconds[s] / n, "share": chain.seconds[s] / ours_seconds}
            for s in STAGES
        },
        "outside_chain_ms_per_page": {s: 1000 * chain.seconds[s] / n for s in OUTSIDE},
        "rejected_by_our_chain": {k: v / repeat for k, v in sorted(chain.rejected.items())},
    }
    report["target"] = {"ratio_min": TARGET_RATIO, "met": report["ratio"] >= TARGET_RATIO}
    return report


def print_report(report: dict[str, Any], data: Path, core: int | None) -> None:
    where = f"pinned to CPU {core}" if core is not None else "not pinned"
    print(f"{report['pages']} pages from {data}, {report['rounds']} round(s), one process, {where}")
    rows = []
    for name, label in (("trafilatura", "bare trafilatura.extract"), ("newscorpus", "newscorpus chain")):
        s = report["systems"][name]
        rows.append(
            [
                label,
                f"{s['pages_per_second_cpu']:.1f}",
                f"{s['ms_per_page_cpu']:.1f}",
                f"{s['pages_per_second_wall']:.1f}",
                f"{s['pages_with_text']:.0f}",
            ]
        )
    print(table(["system", "pages/s (CPU)", "ms/page (CPU)", "pages/s (wall)", "with text"], rows))
    per_round = " ".join(f"{r:.3f}" for r in report["ratio_per_round"])
    spread = f" (per round: {per_round})" if len(report["ratio_per_round"]) > 1 else ""
    verdict = "met" if report["target"]["met"] else "MISSED"
    print(
        f"\nspeed ratio newscorpus / trafilatura: {report['ratio']:.3f}{spread}; "
        f"target >= {TARGET_RATIO}: {verdict}"
    )
    print("\nwhere our time goes")
    rows = [[stage, f"{v['ms_per_page']:.2f}", f"{v['share']:.1%}"] for stage, v in report["stages"].items()]
    print(table(["stage", "ms/page (CPU)", "share"], rows))
    outside = report["outside_chain_ms_per_page"]
    print(
        f"\nalso run by the crawl, outside the ratio: quality rules {outside['quality']:.2f} ms/page, "
        f"word quality of the dedupe keep rule {outside['word_quality']:.2f} ms/page"
    )
    if report["rejected_by_our_chain"]:
        rejected = ", ".join(f"{k} {v:.0f}" for k, v in report["rejected_by_our_chain"].items())
        print(f"pages our chain rejects (their cost counts): {rejected}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SCRAPINGHUB, help="folder of .html / .html.gz pages")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the pages (default 1)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "pipeline.json", help="where to write the figures"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    pages = load_pages(args.data, args.limit)
    if not pages:
        print(missing_data_message(args.data, "benchmarks/pipeline.py"))
        return 0
    env = environment()
    core = None if args.no_pin else pin_to_one_core()
    report = run_benchmark(pages, args.repeat)
    report.update({"data": str(args.data), "pinned_cpu": core, "environment": env})
    print_report(report, args.data, core)
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
