"""Dedupe quality: our stage against plain MinHash LSH and exact hashing, on labelled copies of news stories.

Usage::

    .venv/bin/python benchmarks/dedupe_quality.py            # own set + ../shared/benchmarks/dedupe/syn-news.jsonl
    .venv/bin/python benchmarks/dedupe_quality.py --syn-news PATH --orders 3

Data:

- ``eval``: the project's own set (``benchmarks/dedupe_eval``): 19 base stories written for it, 7 events whose
  stories share names and numbers (hard negatives), and 10 copies of each made by documented
  transformations with a fixed seed.
- ``syn-news``: 876 real news texts with labelled copies (``../shared/benchmarks/dedupe``), read at run time
  and skipped with a message when absent.
- ``syndication``: real article bodies of ``../shared`` (syn-news originals, l3s-gn1 and scrapinghub gold) with
  the copies real wire syndication makes: cuts to the first 2-3 paragraphs, earlier versions of a rolling
  story, outlet furniture front and back, re-ordered tails (``benchmarks/dedupe_eval/syndication.py``), plus the
  four real cross-site wire pairs of l3s-gn1 as our chain extracts them. Scored: pair precision, pair recall by
  relation (each copy with its full story), and how often the full story is the copy kept. Texts are used raw, clutter included: every method gets the text
  after the project's ``clean_text``, as a crawl would.

Methods, in the same run and on the same texts: ``newscorpus`` (the dedupe stage, ``Deduplicator``),
``minhash-w5-0.8`` (datasketch ``MinHashLSH``, word 5-grams, threshold 0.8, 128 permutations: the common
setting; a text joins the cluster of its first candidate) and ``exact-hash`` (SHA-1 of the normalised text).

Scores: pairwise precision/recall/F1 and the adjusted Rand index of the clusters, documents per second (one
process, one core; the clean-up is timed apart). On the own set also recall by category, precision of the
pairs that involve a re-worded copy, and merges of hard negatives (different stories of one event). Figures go
to ``benchmarks/results/dedupe_quality.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHARED = ROOT.parent / "shared"
SYN_NEWS = SHARED / "benchmarks" / "dedupe" / "syn-news.jsonl"
SEEDS = SHARED / "seeds"
RESULTS = ROOT / "benchmarks" / "results" / "dedupe_quality.json"

TARGETS = {
    "syn-news ARI >= 0.95": ("syn-news", "ari", 0.95),
    "syn-news pair precision >= 0.99": ("syn-news", "precision", 0.99),
    "syn-news pair recall >= 0.95": ("syn-news", "recall", 0.95),
    "syndication pair precision >= 0.99": ("syndication", "precision", 0.99),
    "syndication cut recall >= 0.95": ("syndication", "recall_cut", 0.95),
    "syndication version recall >= 0.95": ("syndication", "recall_version", 0.95),
    "syndication full copy kept (cut, version) >= 0.95": ("syndication", "kept_full", 0.95),
    "eval precision >= 0.99": ("eval", "precision", 0.99),
    "eval near recall >= 0.95": ("eval", "recall_near", 0.95),
    "eval reworded recall >= 0.85": ("eval", "recall_reworded", 0.85),
    "eval reworded pair precision >= 0.98": ("eval", "precision_reworded", 0.98),
}


# -- methods: each maps texts (in arrival order) to a cluster id per text --------------------------------------


def cluster_newscorpus(records: list[dict[str, Any]], texts: list[str]) -> list[str]:
    from pipelines.dedupe.deduplicator import Deduplicator

    dedup = Deduplicator()
    parent: dict[str, str] = {}
    for i, (record, text) in enumerate(zip(records, texts, strict=True)):
        item = {
            "id": f"d{i}",
            "url": record.get("url") or f"https://example.invalid/{i}",
            "title": record.get("title"),
            "text": text,
            "date_published": record.get("date_published"),
            "language": record.get("language") or "en",
        }
        decision = dedup.check(item)
        if not decision.keep:
            parent[f"d{i}"] = str(decision.duplicate_of)
        for old in decision.retract:
            parent[old["id"]] = f"d{i}"
    dedup.close()
    return [_root(parent, f"d{i}") for i in range(len(texts))]


def cluster_minhash_w5(records: list[dict[str, Any]], texts: list[str]) -> list[str]:
    from datasketch import MinHash, MinHashLSH

    from pipelines.dedupe.fingerprint import normalize_text

    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    parent: dict[str, str] = {}
    for i, text in enumerate(texts):
        words = normalize_text(text).split()
        grams = {" ".join(words[j : j + 5]) for j in range(max(1, len(words) - 4))}
        mh = MinHash(num_perm=128, seed=1)
        mh.update_batch([g.encode("utf-8") for g in grams])
        found = lsh.query(mh)
        if found:
            parent[f"d{i}"] = sorted(found)[0]
        else:
            lsh.insert(f"d{i}", mh)
    return [_root(parent, f"d{i}") for i in range(len(texts))]


def cluster_exact(records: list[dict[str, Any]], texts: list[str]) -> list[str]:
    from pipelines.dedupe.fingerprint import normalize_text

    first: dict[str, str] = {}
    out = []
    for i, text in enumerate(texts):
        key = hashlib.sha1(normalize_text(text).encode("utf-8")).hexdigest()
        out.append(first.setdefault(key, f"d{i}"))
    return out


METHODS: dict[str, Callable[[list[dict[str, Any]], list[str]], list[str]]] = {
    "newscorpus": cluster_newscorpus,
    "minhash-w5-0.8": cluster_minhash_w5,
    "exact-hash": cluster_exact,
}


def _root(parent: dict[str, str], node: str) -> str:
    seen = set()
    while node in parent and node not in seen:
        seen.add(node)
        node = parent[node]
    return node


# -- scores ---------------------------------------------------------------------------------------------------


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(pred: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """Pairwise precision, recall, F1 and the adjusted Rand index of a clustering."""
    both = Counter(zip(pred, gold, strict=True))
    tp = sum(_pairs(v) for v in both.values())
    pp = sum(_pairs(v) for v in Counter(pred).values())
    gp = sum(_pairs(v) for v in Counter(gold).values())
    total = _pairs(len(gold))
    precision = tp / pp if pp else 1.0
    recall = tp / gp if gp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = pp * gp / total if total else 0.0
    denominator = (pp + gp) / 2 - expected
    ari = (tp - expected) / denominator if denominator else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "ari": ari}


def syndication_details(
    pred: Sequence[str], roots: Sequence[int], records: list[dict[str, Any]]
) -> dict[str, Any]:
    """Syndication-set extras: recall of each relation (copy found with its full story), how often the full story
    is the copy kept for a cut or a version, false merges."""
    full = {r["label"]: i for i, r in enumerate(records) if r["relation"] == "full"}
    out: dict[str, Any] = {}
    kept_full = caught = 0
    for relation in sorted({r["relation"] for r in records} - {"full", "wire"}):
        members = [i for i, r in enumerate(records) if r["relation"] == relation]
        hits = [i for i in members if pred[i] == pred[full[records[i]["label"]]]]
        out[f"recall_{relation}"] = len(hits) / len(members) if members else 1.0
        if relation in ("cut", "version"):
            caught += len(hits)
            kept_full += sum(1 for i in hits if roots[i] == full[records[i]["label"]])
    out["kept_full"] = kept_full / caught if caught else 1.0
    wire = [i for i, r in enumerate(records) if r["relation"] == "wire"]
    pairs = [(a, b) for a, b in combinations(wire, 2) if records[a]["label"] == records[b]["label"]]
    out["wire_pairs_found"] = sum(1 for a, b in pairs if pred[a] == pred[b])
    out["wire_pairs"] = len(pairs)
    return out


def eval_details(pred: Sequence[str], records: list[dict[str, Any]]) -> dict[str, float]:
    """Own-set extras: recall by category, precision on re-worded pairs, hard-negative merges."""
    original = {r["label"]: pred[i] for i, r in enumerate(records) if r["kind"] == "original"}
    out: dict[str, float] = {}
    for category in ("near", "reworded"):
        members = [i for i, r in enumerate(records) if r["category"] == category]
        hits = sum(1 for i in members if pred[i] == original[records[i]["label"]])
        out[f"recall_{category}"] = hits / len(members) if members else 1.0
    predicted_pairs = 0
    correct = 0
    hard_merges = 0
    false_merges = 0
    by_cluster: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pred):
        by_cluster[p].append(i)
    for members in by_cluster.values():
        for a, b in combinations(members, 2):
            ra, rb = records[a], records[b]
            same = ra["label"] == rb["label"]
            if not same:
                false_merges += 1
                hard_merges += ra["event"] == rb["event"]
            if "reworded" in (ra["category"], rb["category"]):
                predicted_pairs += 1
                correct += same
    out["precision_reworded"] = correct / predicted_pairs if predicted_pairs else 1.0
    out["false_pair_merges"] = false_merges
    out["hard_negative_merges"] = hard_merges
    return out


# -- data -----------------------------------------------------------------------------------------------------


def load_cleaner() -> Callable[[str], str] | None:
    try:
        from pipelines.clean.rules import clean_text
    except ImportError:
        return None
    return clean_text


def load_eval() -> list[dict[str, Any]]:
    from dedupe_eval.generate import build

    return build()


def load_syn_news(path: Path) -> list[dict[str, Any]] | None:
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# -- runs -----------------------------------------------------------------------------------------------------


def run_dataset(
    name: str, records: list[dict[str, Any]], clean: Callable[[str], str] | None, orders: int
) -> dict[str, Any]:
    t0 = time.perf_counter()
    texts = [clean(r["text"]) if clean else r["text"] for r in records]
    clean_seconds = time.perf_counter() - t0
    gold = [str(r["label"]) for r in records]
    result: dict[str, Any] = {
        "documents": len(records),
        "stories": len(set(gold)),
        "clean_docs_per_s": len(records) / clean_seconds if clean_seconds else None,
        "methods": {},
    }
    for method, fn in METHODS.items():
        runs = []
        for order_no in range(orders if method == "newscorpus" else 1):
            order = list(range(len(records)))
            if order_no:
                random.Random(order_no).shuffle(order)
            start = time.perf_counter()
            pred_ordered = fn([records[i] for i in order], [texts[i] for i in order])
            seconds = time.perf_counter() - start
            pred = [""] * len(records)
            roots = [0] * len(records)
            for position, i in enumerate(order):
                pred[i] = pred_ordered[position]
                roots[i] = order[
                    int(pred_ordered[position][1:])
                ]  # the kept copy, by its index in ``records``
            scores = pair_scores(pred, gold)
            scores["docs_per_s"] = len(records) / seconds
            if name == "eval":
                scores.update(eval_details(pred, records))
            if name == "syndication":
                scores.update(syndication_details(pred, roots, records))
            if name == "syn-news":
                scores["false_pair_merges"] = sum(
                    1
                    for members in _members_of(pred).values()
                    for a, b in combinations(members, 2)
                    if gold[a] != gold[b]
                )
            runs.append(scores)
        summary = dict(runs[0])
        if len(runs) > 1:
            summary["orders"] = runs
            for key in ("ari", "precision", "recall"):
                summary[f"worst_{key}"] = min(r[key] for r in runs)
        result["methods"][method] = summary
    return result


def _members_of(pred: Sequence[str]) -> dict[str, list[int]]:
    clusters: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pred):
        clusters[p].append(i)
    return clusters


def speed(records: list[dict[str, Any]], texts: list[str]) -> dict[str, float]:
    """Signature + LSH query per document (the per-core figure of the issue), and rensa vs datasketch."""
    import numpy as np
    from datasketch import MinHash

    from pipelines.dedupe.fingerprint import (
        FingerprintConfig,
        fingerprint,
        normalize_text,
        shingle_hashes,
    )
    from pipelines.dedupe.index.memory import MemoryDedupeIndex

    config = FingerprintConfig()
    index = MemoryDedupeIndex()
    start = time.perf_counter()
    for i, text in enumerate(texts):
        fp = fingerprint(text, config)
        keys = fp.bands  # the signature's and the lead's, as the stage queries them
        index.query(keys)
        index.bands.add(str(i), keys)
    signature_query = len(texts) / (time.perf_counter() - start)

    sample = texts[:200]
    hashes = [shingle_hashes(normalize_text(t), config.shingle_size) for t in sample]
    from pipelines.dedupe.fingerprint import signature

    start = time.perf_counter()
    for h in hashes:
        signature(h, config)
    rensa_rate = len(hashes) / (time.perf_counter() - start)
    start = time.perf_counter()
    for h in hashes:
        mh = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=lambda x: x)
        mh.update_batch(np.unique(h))
    datasketch_rate = len(hashes) / (time.perf_counter() - start)
    return {
        "signature_query_docs_per_s": signature_query,
        "rensa_signature_docs_per_s": rensa_rate,
        "datasketch_signature_docs_per_s": datasketch_rate,
    }


def seed_pair(clean: Callable[[str], str] | None) -> dict[str, Any]:
    """The seed pair (shared) and the project's own pair, in both orders: kind and which copy is kept."""
    from pipelines.dedupe.deduplicator import Deduplicator

    pairs: dict[str, tuple[Path, Path]] = {
        "own": (
            ROOT / "benchmarks" / "dedupe_eval" / "stories" / "app-1.txt",
            ROOT / "benchmarks" / "dedupe_eval" / "pairs" / "app-1-spun.txt",
        )
    }
    if SEEDS.is_dir():
        pairs["seeds"] = (
            SEEDS / "daily8-copy-with-related-sidebar.txt",
            SEEDS / "spun-copy-with-comment-footer.txt",
        )
    out: dict[str, Any] = {}
    for name, (good, spun) in pairs.items():
        texts = {
            "clean": clean(good.read_text(encoding="utf-8")) if clean else good.read_text(encoding="utf-8"),
            "spun": clean(spun.read_text(encoding="utf-8")) if clean else spun.read_text(encoding="utf-8"),
        }
        results = []
        for order in (("clean", "spun"), ("spun", "clean")):
            dedup = Deduplicator()
            kept = set()
            kinds = []
            for key in order:
                decision = dedup.check(
                    {"id": key, "url": f"https://example.invalid/{key}", "text": texts[key]}
                )
                if decision.keep:
                    kept.add(key)
                    kept -= {r["id"] for r in decision.retract}
                    kinds += [r["kind"] for r in decision.retract]
                else:
                    kinds.append(decision.kind)
            results.append({"order": list(order), "kept": sorted(kept), "kinds": kinds})
        ok = all(
            r["kept"] == ["clean"] and r["kinds"] and r["kinds"][0] in ("near", "reworded") for r in results
        )
        out[name] = {"ok": ok, "runs": results}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dedupe quality benchmark")
    parser.add_argument("--syn-news", type=Path, default=SYN_NEWS)
    parser.add_argument(
        "--orders", type=int, default=3, help="arrival orders for our stage (file order first)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    clean = load_cleaner()
    if clean is None:
        print("pipelines.clean.rules.clean_text not available: texts used as given")
    data: dict[str, list[dict[str, Any]]] = {"eval": load_eval()}
    syn = load_syn_news(args.syn_news)
    if syn is None:
        print(f"skipping syn-news: {args.syn_news} not found (the shared folder is absent)")
    else:
        data["syn-news"] = syn
    from dedupe_eval.syndication import build as build_syndication
    from dedupe_eval.syndication import wire_pairs

    syndication = build_syndication(SHARED) + [r for r in wire_pairs(SHARED) if r["text"].strip()]
    if syndication:
        data["syndication"] = syndication
    else:
        print(f"skipping syndication: no base texts under {SHARED} (the shared folder is absent)")

    report: dict[str, Any] = {"datasets": {}, "clean_text": clean is not None}
    for name, records in data.items():
        result = run_dataset(name, records, clean, args.orders)
        report["datasets"][name] = result
        print(f"\n== {name}: {result['documents']} documents, {result['stories']} stories (after clean_text)")
        print(f"{'method':<16}{'P':>8}{'R':>8}{'F1':>8}{'ARI':>8}{'docs/s':>9}")
        for method, s in result["methods"].items():
            print(
                f"{method:<16}{s['precision']:>8.4f}{s['recall']:>8.4f}{s['f1']:>8.4f}{s['ari']:>8.4f}"
                f"{s['docs_per_s']:>9.0f}"
            )
        ours = result["methods"]["newscorpus"]
        if "orders" in ours:
            print(
                f"newscorpus over {len(ours['orders'])} arrival orders: worst ARI {ours['worst_ari']:.4f}, "
                f"worst P {ours['worst_precision']:.4f}, worst R {ours['worst_recall']:.4f}"
            )
        if name == "syn-news":
            print(
                f"newscorpus on syn-news: merges of different stories (hard negatives) {ours['false_pair_merges']}"
            )
        if name == "syndication":
            relations = ", ".join(
                f"{k[7:]} {v:.4f}" for k, v in sorted(ours.items()) if k.startswith("recall_")
            )
            print(
                f"newscorpus on syndication: recall by relation: {relations}; full story kept for a cut or a "
                f"version: {ours['kept_full']:.4f}; real wire pairs found {ours['wire_pairs_found']} of "
                f"{ours['wire_pairs']}"
            )
        if name == "eval":
            print(
                f"newscorpus on eval: near recall {ours['recall_near']:.4f}, reworded recall "
                f"{ours['recall_reworded']:.4f}, reworded pair precision {ours['precision_reworded']:.4f}, "
                f"hard-negative merges {ours['hard_negative_merges']}, false pair merges {ours['false_pair_merges']}"
            )
            base = result["methods"]["minhash-w5-0.8"]
            print(
                f"minhash-w5-0.8 on eval: near recall {base['recall_near']:.4f}, "
                f"reworded recall {base['recall_reworded']:.4f}"
            )

    speed_records = data.get("syn-news") or data["eval"]
    speed_texts = [clean(r["text"]) if clean else r["text"] for r in speed_records]
    report["speed"] = speed(speed_records, speed_texts)
    sp = report["speed"]
    print(
        f"\nspeed (one core, {len(speed_texts)} docs): signature + LSH query {sp['signature_query_docs_per_s']:.0f} "
        f"docs/s; signature alone: rensa {sp['rensa_signature_docs_per_s']:.0f} docs/s, "
        f"datasketch {sp['datasketch_signature_docs_per_s']:.0f} docs/s"
    )
    report["seed_pair"] = seed_pair(clean)
    for name, res in report["seed_pair"].items():
        desc = "; ".join(f"{'->'.join(r['order'])}: kept {r['kept']} as {r['kinds']}" for r in res["runs"])
        print(f"pair {name}: {'ok' if res['ok'] else 'FAILED'} ({desc})")

    print("\ntargets:")
    met = True
    for label, (dataset, key, threshold) in TARGETS.items():
        if dataset not in report["datasets"]:
            print(f"  {label:<40} skipped (no data)")
            continue
        ours = report["datasets"][dataset]["methods"]["newscorpus"]
        value = ours[key]
        ok = value >= threshold
        met &= ok
        print(f"  {label:<40} {value:.4f}  {'met' if ok else 'NOT MET'}")
    checks = {
        "eval hard-negative merges == 0": report["datasets"]["eval"]["methods"]["newscorpus"][
            "hard_negative_merges"
        ]
        == 0,
        "signature + query >= 500 docs/s": sp["signature_query_docs_per_s"] >= 500,
        "own pair caught, clean copy kept": report["seed_pair"]["own"]["ok"],
    }
    if "syn-news" in report["datasets"]:
        checks["syn-news hard-negative merges == 0"] = (
            report["datasets"]["syn-news"]["methods"]["newscorpus"]["false_pair_merges"] == 0
        )
    if "seeds" in report["seed_pair"]:
        checks["seed pair caught, Daily8 copy kept"] = report["seed_pair"]["seeds"]["ok"]
    for label, ok in checks.items():
        met &= bool(ok)
        print(f"  {label:<40} {'met' if ok else 'NOT MET'}")
    report["targets_met"] = met
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nall targets met: {met}; figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
