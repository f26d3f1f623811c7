"""Article-body extraction benchmark: our extract+clean stages against bare trafilatura, on three sets of real pages.

Usage::

    .venv/bin/python benchmarks/extraction.py                 # the three sets of ../shared/benchmarks/extraction
    .venv/bin/python benchmarks/extraction.py --sets l3s-gn1  # some of them (comma-separated)
    .venv/bin/python benchmarks/extraction.py --data DIR      # any folder with html/<id>.html.gz + ground-truth.json
    .venv/bin/python benchmarks/extraction.py --worst 15      # also list the pages where we score worst
    .venv/bin/python benchmarks/extraction.py --show ID       # what we missed and added on one page

Sets: ``scrapinghub`` (181 pages, the set the first rules were studied on), ``l3s-gn1`` (621 news pages of 2008),
``wcxb-dev`` (788 article pages of 2025-26); each folder's README gives its gold conventions. A rule is general
only if it holds on the three.

Scoring (as the benchmark's README describes it, implemented here): tokens are ``\\w+`` matches; shingles are
runs of 4 tokens counted as a multiset; per page tp/fp/fn are normalised so every page weighs the same;
precision and recall are means over pages, F1 is computed from the two means; accuracy is the share of pages
whose token lists are identical.

"Clutter left": a page counts when our output contains one of ``CLUTTER_PATTERNS`` that the true body does not.

The difference with trafilatura's better mode on a set is bootstrapped page by page (the same resampled pages for
both systems, ``BOOTSTRAP`` draws): the 95% interval tells a real gain from noise.

Speed is pages per second of CPU time (``time.process_time``) of this single process, so other load on the
machine does not distort the comparison; all systems run in the same process on the same decoded pages
(``benchmarks/pipeline.py`` is the speed benchmark of record).

The page texts belong to their publishers: this script reads them at run time and writes only figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA_ROOT = ROOT.parent / "shared" / "benchmarks" / "extraction"
SETS = ("scrapinghub", "l3s-gn1", "wcxb-dev")
DEFAULT_DATA = DATA_ROOT / "scrapinghub"  # the set the throughput benchmarks run on
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "extraction.json"

#: On every set: F1 at least ``f1_lead`` above trafilatura's better mode on that set, at most
#: ``clutter_share_max`` of the pages with clutter left.
TARGETS = {
    "f1_lead": 0.01,
    "clutter_share_max": 0.03,
}
TRAFILATURA_MODES = ("trafilatura", "trafilatura_precision")
BOOTSTRAP = 2000

_TOKEN = re.compile(r"\w+")

#: Clutter a clean article body does not contain, by kind. Each pattern is searched in every line of at most
#: ``CLUTTER_MAX_WORDS`` words (furniture is short; a long paragraph that mentions a newsletter is prose), and a
#: match counts only when the true body does not contain the matched words. Kept apart from the cleaner's own
#: lists on purpose: the yardstick must not be the rule it measures.
CLUTTER_MAX_WORDS = 30
CLUTTER_PATTERNS = {
    # headings and link-outs to other stories
    "related": r"^\W*(?:related(?:\s+(?:articles?|stories|posts?|news|content|coverage|reading|topics|videos?))?"
    r"|recommended(?:\s+(?:for\s+you|stories|articles|reading))?|(?:you\s+)?(?:may|might)\s+also\s+(?:like|enjoy)"
    r"|read\s+(?:more|also|next)|also\s+read|see\s+(?:also|more)|more\s+(?:stories|articles|news|from|on)\b.*"
    r"|(?:most|top)\s+(?:read|popular|viewed|shared)\b.*|popular\s+(?:on|in|now)\b.*|trending(?:\s+now)?"
    r"|don'?t\s+miss|editor'?s\s+picks?|also\s+on\s+.{1,40})\s*(?:$|:|\.\.\.|…|\|)",
    "comment-prompt": r"^\W*(?:(?:leave|post|add|write)\s+(?:a|your)\s+(?:comment|reply)|comments?(?:\s*\(\d+\))?"
    r"|\d+\s+comments?|no\s+comments(?:\s+yet)?|show\s+comments|join\s+the\s+(?:conversation|discussion)"
    r"|tell\s+us\s+what\s+you\s+think)\W*$"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked"
    r"|log\s*in\s+to\s+(?:post\s+a\s+)?comment|be\s+the\s+first\s+to\s+comment",
    "share-follow": r"^\W*(?:share(?:\s+(?:this|the)\s+(?:article|story|post))?(?:\s+on\s+\w+)?"
    r"|(?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|e-?mail|print)(?:\W+(?:facebook|twitter|linkedin|whatsapp|e-?mail|print))*)\W*$"
    r"|follow\s+(?:us|\w+|him|her|them)\s+on\s+(?:twitter|facebook|instagram|linkedin|youtube|x\b)"
    r"|share\s+(?:this|it)\s+(?:with|on)|like\s+this\s+(?:story|article)",
    "subscribe": r"\bsubscribe\b|\bsubscribing\b|\bnewsletters?\b|\bsign\s+up\b|\binbox\b|get\s+the\s+.{1,30}\s+app\b",
    "copyright": r"©|\(c\)\s*\d{4}|\bcopyright\b|all\s+rights\s+reserved|무단\s*전재|無断転載",
    "top-link": r"^\W*(?:scroll|back|go|return)\s+to\s+(?:the\s+)?top\W*$",
    "advertisement": r"^\W*(?:advertisement|advertising|sponsored(?:\s+content)?|ad|anzeige|publicidad|publicidade|реклама)\W*$",
}
_CLUTTER_RES = {k: re.compile(v, re.IGNORECASE) for k, v in CLUTTER_PATTERNS.items()}


# --------------------------------------------------------------------------------------------------- scoring


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], size: int = 4) -> Counter[tuple[str, ...]]:
    if not toks:
        return Counter()
    if len(toks) < size:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def score_page(prediction: str, truth: str) -> dict[str, float]:
    """Normalised tp/fp/fn of one page, and whether the token lists are identical."""
    pred_toks, true_toks = tokens(prediction), tokens(truth)
    pred, true = shingles(pred_toks), shingles(true_toks)
    tp = sum(min(n, true[s]) for s, n in pred.items())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return {"tp": 1.0, "fp": 0.0, "fn": 0.0, "exact": pred_toks == true_toks}
    return {"tp": tp / total, "fp": fp / total, "fn": fn / total, "exact": pred_toks == true_toks}


def page_prf(score: dict[str, float]) -> tuple[float | None, float | None, float]:
    tp, fp, fn = score["tp"], score["fp"], score["fn"]
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    p, r = precision or 0.0, recall or 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return precision, recall, f1


def aggregate(scores: Iterable[dict[str, float]]) -> dict[str, float]:
    scores = list(scores)
    precisions = [p for p, _, _ in map(page_prf, scores) if p is not None]
    recalls = [r for _, r, _ in map(page_prf, scores) if r is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for s in scores if s["exact"]) / len(scores) if scores else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "accuracy": accuracy}


def clutter_found(prediction: str, truth: str) -> list[str]:
    """Clutter kinds in ``prediction`` whose matched text the true body does not contain."""
    truth_key = " " + " ".join(tokens(truth.lower())) + " "
    found: set[str] = set()
    for line in prediction.splitlines():
        line = line.strip()
        if not line or len(line.split()) > CLUTTER_MAX_WORDS:
            continue
        for kind, pattern in _CLUTTER_RES.items():
            if kind in found:
                continue
            for match in pattern.finditer(line):
                words = " ".join(tokens(match.group(0).lower()))
                # A match the true body also has is article text (a story about newsletters), not clutter.
                if not words or f" {words} " not in truth_key:
                    found.add(kind)
                    break
    return sorted(found)


# --------------------------------------------------------------------------------------------------- systems


def load_pages(data: Path, limit: int | None = None) -> list[dict[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = data / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        pages.append(
            {
                "id": page_id,
                "url": truth[page_id].get("url") or "",
                "html": html,
                "truth": truth[page_id]["articleBody"],
            }
        )
        if limit and len(pages) >= limit:
            break
    return pages


#: Our chain with one rule switched off, for ``--ablate``: what each rule is worth on each set (recall above all:
#: a rule that cuts article text shows as a recall gain when it is off).
ABLATIONS: dict[str, dict[str, Any]] = {
    "no-prune-generic": {"prune": {"generic": False}},
    "no-prune-teasers": {"prune": {"teasers": False}},
    "no-fallback": {"extract": {"fallback": False}},
    "no-text-node-yardstick": {"extract": {"text_node_share": 0.0}},
    "no-coverage-rescue": {"extract": {"rescue": False}},
    "no-recall-rescue": {"extract": {"recall_rescue": False}},
    "no-empty-strip": {"extract": {"strip_empty": False}},
    "no-clean-tail": {"clean": {"tail": False}},
    "no-clean-furniture": {"clean": {"furniture": False}},
    "no-clean-edges": {"clean": {"edges": False}},
    "no-site-lines": {"learned": False},
}


def ours(ablation: str | None = None) -> Callable[[str, str], str]:
    """Our stages exactly as ``newscorpus extract --batch`` runs them (extract, clean, site line learning), or
    with the rule ``ablation`` names switched off."""
    from dataclasses import replace

    from pipelines import record
    from pipelines.clean.rules import CleanConfig
    from pipelines.clean.site_lines import BoilerplateConfig
    from pipelines.drops import Rejected
    from pipelines.extract.config import ExtractConfig
    from pipelines.page_task import LocalChain

    change = ABLATIONS[ablation] if ablation else {}
    extract = ExtractConfig()
    extract = replace(
        extract, prune=replace(extract.prune, **change.get("prune", {})), **change.get("extract", {})
    )
    learned = BoilerplateConfig() if change.get("learned", True) else None
    chain = LocalChain(
        extract=extract, clean=replace(CleanConfig(), **change.get("clean", {})), learned=learned
    )

    def run(html: str, url: str) -> str:
        item: dict[str, Any] = {"url": url, record.HTML: html}
        try:
            chain(item)
        except Rejected:
            return ""
        return item.get("text") or ""

    return run


def bare_trafilatura(**options: Any) -> Callable[[str, str], str]:
    import trafilatura

    def run(html: str, url: str) -> str:
        return trafilatura.extract(html, url=url, include_comments=False, **options) or ""

    return run


SYSTEMS: dict[str, Callable[[], Callable[[str, str], str]]] = {
    "newscorpus": ours,
    "trafilatura": bare_trafilatura,
    "trafilatura_precision": lambda: bare_trafilatura(favor_precision=True),
    **{f"newscorpus:{name}": (lambda name=name: ours(name)) for name in ABLATIONS},  # type: ignore[misc]
}
DEFAULT_SYSTEMS = ("newscorpus", "trafilatura", "trafilatura_precision")


def run_benchmark(
    data: Path, systems: Iterable[str] = DEFAULT_SYSTEMS, limit: int | None = None
) -> dict[str, Any]:
    """Run every system on every page, interleaved page by page so that load on the machine during the run
    weighs on all systems alike; each call is timed in CPU time of this process."""
    pages = load_pages(data, limit)
    names = list(systems)
    extractors = {name: SYSTEMS[name]() for name in names}
    for extract in extractors.values():
        extract(pages[0]["html"], pages[0]["url"])  # warm-up: imports and caches are not the pages' cost
    outputs: dict[str, dict[str, str]] = {name: {} for name in names}
    seconds = dict.fromkeys(names, 0.0)
    for page in pages:
        for name in names:
            started = time.process_time()
            outputs[name][page["id"]] = extractors[name](page["html"], page["url"])
            seconds[name] += time.process_time() - started
    results: dict[str, Any] = {"_pages": pages}
    for name in names:
        per_page = {}
        for page in pages:
            output = outputs[name][page["id"]]
            score = score_page(output, page["truth"])
            precision, recall, f1 = page_prf(score)
            per_page[page["id"]] = {
                "f1": f1,
                "precision": precision,
                "recall": recall,
                "clutter": clutter_found(output, page["truth"]),
                "score": score,
            }
        figures = aggregate(p["score"] for p in per_page.values())
        figures["clutter_share"] = sum(1 for p in per_page.values() if p["clutter"]) / len(pages)
        figures["pages_per_second"] = len(pages) / seconds[name] if seconds[name] else float("inf")
        figures["cpu_seconds"] = seconds[name]
        results[name] = {"figures": figures, "pages": per_page}
    return results


# --------------------------------------------------------------------------------------------------- report


def _show(page: dict[str, str], prediction: str) -> None:
    """Missed and extra token runs of one page (for looking at a failure locally; nothing is written)."""
    pred, true = tokens(prediction), tokens(page["truth"])
    true_sh, pred_sh = shingles(true), shingles(pred)

    def runs(toks: list[str], other: Counter[tuple[str, ...]]) -> list[str]:
        out, current = [], []
        for i in range(len(toks) - 3):
            if other[tuple(toks[i : i + 4])] <= 0:
                current.append(toks[i])
            elif current:
                out.append(" ".join(current))
                current = []
        if current:
            out.append(" ".join(current))
        return out

    print(f"page {page['id']} {page['url']}")
    print("MISSED:")
    for run in runs(true, pred_sh):
        print("  -", run[:400])
    print("EXTRA:")
    for run in runs(pred, true_sh):
        print("  +", run[:400])


def bootstrap_difference(
    ours: list[dict[str, float]], theirs: list[dict[str, float]], draws: int = BOOTSTRAP, seed: int = 1
) -> dict[str, float]:
    """F1 of ``ours`` minus F1 of ``theirs`` (the same pages, in the same order), with its 95% interval over
    ``draws`` resamples of the pages and the share of resamples where the difference is not above zero."""
    import numpy as np

    def columns(scores: list[dict[str, float]]) -> tuple[Any, Any, Any, Any]:
        prf = [page_prf(s) for s in scores]
        p = np.array([x[0] if x[0] is not None else 0.0 for x in prf])
        has_p = np.array([x[0] is not None for x in prf], dtype=float)
        r = np.array([x[1] if x[1] is not None else 0.0 for x in prf])
        has_r = np.array([x[1] is not None for x in prf], dtype=float)
        return p, has_p, r, has_r

    def f1(cols: tuple[Any, Any, Any, Any], idx: Any) -> Any:
        p, has_p, r, has_r = cols
        mp = p[idx].sum(axis=-1) / np.maximum(has_p[idx].sum(axis=-1), 1)
        mr = r[idx].sum(axis=-1) / np.maximum(has_r[idx].sum(axis=-1), 1)
        return np.where(mp + mr > 0, 2 * mp * mr / np.maximum(mp + mr, 1e-12), 0.0)

    a, b = columns(ours), columns(theirs)
    n = len(ours)
    whole = np.arange(n)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(draws, n))
    diffs = f1(a, idx) - f1(b, idx)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {
        "difference": float(f1(a, whole) - f1(b, whole)),
        "low": float(low),
        "high": float(high),
        "p_not_above": float(np.mean(diffs <= 0)),
    }


def set_report(data: Path, systems: list[str], limit: int | None = None) -> dict[str, Any]:
    """Figures of every system on one set, the bootstrapped difference with trafilatura's better mode, the
    targets, and the per-page figures (for ``--worst``)."""
    results = run_benchmark(data, systems, limit)
    pages = results.pop("_pages")
    report: dict[str, Any] = {
        "data": str(data),
        "pages": len(pages),
        "systems": {name: results[name]["figures"] for name in systems},
        "clutter_pages": {
            name: {pid: p["clutter"] for pid, p in results[name]["pages"].items() if p["clutter"]}
            for name in systems
        },
        "_per_page": {name: results[name]["pages"] for name in systems},
    }
    modes = [m for m in TRAFILATURA_MODES if m in results]
    if "newscorpus" in results and modes:
        best = max(modes, key=lambda m: results[m]["figures"]["f1"])
        ours_f = results["newscorpus"]["figures"]
        ids = [page["id"] for page in pages]
        report["better_trafilatura"] = best
        report["bootstrap"] = bootstrap_difference(
            [results["newscorpus"]["pages"][i]["score"] for i in ids],
            [results[best]["pages"][i]["score"] for i in ids],
        )
        bar = results[best]["figures"]["f1"] + TARGETS["f1_lead"]
        report["targets"] = {
            f"F1 >= {bar:.3f} ({best} + {TARGETS['f1_lead']})": ours_f["f1"] >= bar,
            f"clutter left <= {TARGETS['clutter_share_max']:.0%}": ours_f["clutter_share"]
            <= TARGETS["clutter_share_max"],
        }
        report["speed_ratio"] = (
            ours_f["pages_per_second"] / results["trafilatura"]["figures"]["pages_per_second"]
            if "trafilatura" in results
            else None
        )
    return report


def print_set(name: str, report: dict[str, Any], systems: list[str]) -> None:
    print(f"\n== {name}: {report['pages']} pages from {report['data']}")
    print(f"{'system':<36}{'F1':>8}{'P':>8}{'R':>8}{'acc':>8}{'clutter':>14}{'pages/s':>9}")
    ours_f = report["systems"].get("newscorpus")
    for system in systems:
        f = report["systems"][system]
        clutter = f"{len(report['clutter_pages'][system])} ({f['clutter_share']:.1%})"
        delta = ""
        if system.startswith("newscorpus:") and ours_f:  # an ablation: what the rule is worth
            delta = f"  rule off: F1 {f['f1'] - ours_f['f1']:+.4f}, R {f['recall'] - ours_f['recall']:+.4f}"
        print(
            f"{system:<36}{f['f1']:>8.4f}{f['precision']:>8.4f}{f['recall']:>8.4f}{f['accuracy']:>8.3f}"
            f"{clutter:>14}{f['pages_per_second']:>9.1f}{delta}"
        )
    if "bootstrap" in report:
        b = report["bootstrap"]
        print(
            f"newscorpus - {report['better_trafilatura']}: {b['difference']:+.4f} F1, 95% interval "
            f"[{b['low']:+.4f}, {b['high']:+.4f}] over {BOOTSTRAP} page resamples"
        )
    for label, ok in report.get("targets", {}).items():
        print(f"  [{'met' if ok else 'MISSED'}] {label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated sets of {DATA_ROOT}")
    parser.add_argument(
        "--data", type=Path, default=None, help="one folder with html/*.html.gz and ground-truth.json instead"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the figures (JSON)")
    parser.add_argument(
        "--systems",
        default=",".join(DEFAULT_SYSTEMS),
        help="comma-separated subset of: " + ", ".join(SYSTEMS),
    )
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="also run our chain with each rule off (ABLATIONS), one at a time",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where we score worst")
    parser.add_argument("--show", default=None, help="print what we missed and added on this page id")
    args = parser.parse_args(argv)

    folders = (
        {args.data.name: args.data}
        if args.data
        else {s.strip(): DATA_ROOT / s.strip() for s in args.sets.split(",") if s.strip()}
    )
    folders = {name: path for name, path in folders.items() if (path / "ground-truth.json").exists()}
    if not folders:
        print(
            f"benchmark data not found under {args.data or DATA_ROOT}; nothing to measure (pass --data DIR)"
        )
        return 0
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if args.ablate:
        systems += [f"newscorpus:{name}" for name in ABLATIONS if f"newscorpus:{name}" not in systems]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")

    if args.show:
        extract = SYSTEMS[systems[0]]()
        for path in folders.values():
            for page in load_pages(path):
                if page["id"].startswith(args.show):
                    _show(page, extract(page["html"], page["url"]))
        return 0

    report: dict[str, Any] = {"sets": {}, "targets_met": True}
    for name, path in folders.items():
        one = set_report(path, systems, args.limit)
        per_page = one.pop("_per_page")
        report["sets"][name] = one
        print_set(name, one, systems)
        report["targets_met"] &= all(one.get("targets", {"measured": False}).values())
        if args.worst and systems:
            worst = sorted(per_page[systems[0]].items(), key=lambda kv: kv[1]["f1"])[: args.worst]
            print(f"worst pages for {systems[0]}:")
            for pid, p in worst:
                prec = "-" if p["precision"] is None else f"{p['precision']:.3f}"
                rec = "-" if p["recall"] is None else f"{p['recall']:.3f}"
                print(f"  {pid[:12]} F1 {p['f1']:.3f} P {prec} R {rec} {p['clutter'] or ''}")
            for pid, kinds in one["clutter_pages"][systems[0]].items():
                print(f"  clutter {pid[:12]} {kinds}")
    if len(folders) > 1:
        print(
            f"\n{'set':<14}{'newscorpus':>12}{'better trafilatura':>20}{'difference [95%]':>28}{'clutter':>9}"
        )
        for name, one in report["sets"].items():
            if "bootstrap" not in one:
                continue
            b, best = one["bootstrap"], one["better_trafilatura"]
            interval = f"{b['difference']:+.4f} [{b['low']:+.4f}, {b['high']:+.4f}]"
            print(
                f"{name:<14}{one['systems']['newscorpus']['f1']:>12.4f}"
                f"{one['systems'][best]['f1']:>20.4f}"
                f"{interval:>28}"
                f"{one['systems']['newscorpus']['clutter_share']:>9.1%}"
            )
    print(f"\nall targets met: {report['targets_met']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
