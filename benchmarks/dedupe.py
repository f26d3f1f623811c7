"""Near-duplicate index at scale: time and memory per document as the index grows, in memory and in SQLite.

Usage::

    .venv/bin/python benchmarks/dedupe.py                              # 10k, 100k, 1M; both indexes
    .venv/bin/python benchmarks/dedupe.py --sizes 10000,100000 --indexes memory
    .venv/bin/python benchmarks/dedupe.py --sizes 1000000 --indexes sqlite --max-rss-gb 6

What is measured: ``Deduplicator.check`` (the dedupe stage's logic without Scrapy) on one synthetic document
after another, each size and index in a fresh child process, so sizes do not share memory and ``ru_maxrss`` of
the child is that size's peak. Per check, the time is split by instrumenting the stage from outside: the
signature (``pipelines.dedupe.fingerprint``: normalisation, shingles, MinHash, sample), the word-quality score of
the keep rule (``pipelines.dedupe.word_quality``), the index calls (``resolve``, ``query``, ``get``, ``apply``
through a timing wrapper), and the rest (band keys, verification of candidates, bookkeeping). ``candidates``: ids
per query sharing at least the stage's ``min_band_hits`` band keys, the ones it considers verifying. ``ms/check`` is
the mean over all documents; ``at size`` is the mean over the last tenth, the cost once the index is that big.
``insert+query at size`` leaves out the signature and the word quality: a crawl computes those in its worker
pool (``pipelines.dedupe.features.text_features``), so this is what the index costs the stage per document (its calls,
band keys, verification of the candidates): the figure the 2 ms target is checked on. The whole check is
printed beside it.

Documents: drawn from real text with a fixed seed and generated while streaming (never all in memory):
sentences of the scrapinghub articles (``ground-truth.json`` of ``../shared``; the project's own
``benchmarks/dedupe_eval`` stories when it is absent), 300 to 900 words each, a third of their words replaced by
words drawn by frequency, so no two documents are copies while they share what news texts share. ``--copies``
(default 5%) of the documents are edited copies of a recent one (cut short, a header line added, a few words
changed), so the verification path runs as in a crawl. Only figures are written
(``benchmarks/results/dedupe.json``).

A child stops early when its RSS passes ``--max-rss-gb`` (the machine is shared): the figures then say at how
many documents it stopped and the memory per document, from which the full size's need follows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, SCRAPINGHUB, environment, mib, rss_bytes, run_measured, table, write_report

INDEXES = ("memory", "sqlite")
DEFAULT_SIZES = "10000,100000,1000000"
TARGET_SIZE = 1_000_000
TARGET_RSS = 4 << 30
TARGET_MS = 2.0
SEED = 20261120
MIN_WORDS, MAX_WORDS = 300, 900
REPLACE_SHARE = 1 / 3
RECENT = 1000  # copies are made of one of the last RECENT documents
#: Times are CPU time of the child process: the machine is shared, and wall time would count other jobs. The
#: index's I/O waits (SQLite in WAL mode syncs only at checkpoints) are left out; the ETA lines use wall time.
clock = time.process_time

# --------------------------------------------------------------------------------------------------- documents

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def source_texts(data: Path) -> tuple[str, list[str]]:
    """Real article texts to draw from: scrapinghub's true bodies, else the project's own stories."""
    truth = Path(data) / "ground-truth.json"
    if truth.is_file():
        bodies = [v.get("articleBody") or "" for v in json.loads(truth.read_text(encoding="utf-8")).values()]
        return f"{truth} (article bodies)", bodies
    from dedupe_eval.generate import HERE, load_stories

    stories = load_stories()
    return f"{HERE / 'stories'} ({truth} absent)", ["\n".join(lines) for lines in stories.values()]


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and sum(ch.isascii() for ch in letters) / len(letters) >= 0.95


class Documents:
    """Synthetic news texts from a pool of real sentences, generated one at a time with a fixed seed."""

    def __init__(self, texts: Sequence[str], seed: int = SEED, copies: float = 0.05) -> None:
        vocabulary: dict[str, int] = {}
        flat: list[int] = []
        offsets = [0]
        for text in texts:
            if not _mostly_latin(text):
                continue  # one language, as a crawl with --lang would give the index
            for paragraph in text.splitlines():
                for sentence in _SENTENCE_END.split(paragraph.strip()):
                    words = sentence.split()
                    if 5 <= len(words) <= 60:
                        flat.extend(vocabulary.setdefault(w, len(vocabulary)) for w in words)
                        offsets.append(len(flat))
        if len(offsets) < 10:
            raise ValueError("too little source text to draw documents from")
        self.words = np.array(list(vocabulary), dtype=object)
        self.flat = np.array(flat, dtype=np.int32)
        self.offsets = np.array(offsets, dtype=np.int64)
        self.lengths = np.diff(self.offsets)
        counts = np.bincount(self.flat, minlength=len(vocabulary)).astype(np.float64)
        self.cumulative = np.cumsum(counts) / counts.sum()
        self.rng = np.random.default_rng(seed)
        self.copies = copies
        self.recent: list[str] = []
        self.sentences = len(self.lengths)

    def fresh(self) -> str:
        rng = self.rng
        target = int(rng.integers(MIN_WORDS, MAX_WORDS + 1))
        picks = rng.integers(0, self.sentences, int(target / self.lengths.mean() * 1.5) + 4)
        ends = np.cumsum(self.lengths[picks])
        picks = picks[: int(np.searchsorted(ends, target)) + 1]
        tokens = np.concatenate([self.flat[self.offsets[i] : self.offsets[i + 1]] for i in picks])
        replace = rng.random(len(tokens)) < REPLACE_SHARE
        tokens[replace] = np.minimum(
            np.searchsorted(self.cumulative, rng.random(int(replace.sum()))), len(self.words) - 1
        )
        return " ".join(self.words[tokens].tolist())

    def copy_of(self, text: str) -> str:
        """An edited copy: cut to 70-100%, a header line, one word in fifty replaced."""
        rng = self.rng
        words = text.split()
        words = words[: max(50, int(len(words) * rng.uniform(0.7, 1.0)))]
        for i in rng.integers(0, len(words), len(words) // 50):
            words[i] = str(self.words[int(np.searchsorted(self.cumulative, rng.random()))])
        return "Updated " + str(int(rng.integers(1, 24))) + " hours ago\n" + " ".join(words)

    def __iter__(self) -> Iterator[tuple[str, bool]]:
        while True:
            if self.recent and self.rng.random() < self.copies:
                yield self.copy_of(self.recent[int(self.rng.integers(0, len(self.recent)))]), True
                continue
            text = self.fresh()
            if len(self.recent) < RECENT:
                self.recent.append(text)
            else:
                self.recent[int(self.rng.integers(0, RECENT))] = text
            yield text, False


# --------------------------------------------------------------------------------------------------- the child


class TimedIndex:
    """Delegates to a dedupe index and adds the time of every call to ``seconds`` (and counts candidates)."""

    def __init__(self, index: Any, seconds: dict[str, float]) -> None:
        self.index = index
        self.seconds = seconds
        self.by_call: Counter[str] = Counter()
        self.candidates = 0

    def _timed(self, name: str, *args: Any) -> Any:
        started = clock()
        try:
            return getattr(self.index, name)(*args)
        finally:
            elapsed = clock() - started
            self.seconds["index"] += elapsed
            self.by_call[name] += elapsed

    def open(self, params: Any) -> None:
        self._timed("open", params)

    def resolve(self, keys: Any) -> Any:
        return self._timed("resolve", keys)

    def query(self, band_keys: Any, min_hits: int = 1) -> Any:
        hits = self._timed("query", band_keys, min_hits)
        self.candidates += len(hits)
        return hits

    def get(self, ids: Any) -> Any:
        return self._timed("get", ids)

    def apply(self, update: Any) -> None:
        self._timed("apply", update)

    def close(self) -> None:
        self._timed("close")


def _instrument(seconds: dict[str, float]) -> None:
    """Time the stage's signature and word-quality calls where ``Deduplicator.check`` looks them up."""
    import pipelines.dedupe.features as stage

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] += clock() - started

        return wrapper

    stage.fingerprint = timed("signature", stage.fingerprint)  # type: ignore[assignment]
    stage.word_quality = timed("word_quality", stage.word_quality)  # type: ignore[assignment]


def _warm_up() -> None:
    """Load what the first check would load (word list, rensa), so it is not counted as index memory."""
    from pipelines.dedupe.fingerprint import fingerprint
    from pipelines.dedupe.word_quality import word_quality

    word_quality("The index is warm.", "en")
    fingerprint("warm up " * 100)


def run_child(size: int, kind: str, folder: Path, data: Path, copies: float, max_rss: int, out: Path) -> int:
    from pipelines.dedupe.deduplicator import Deduplicator
    from pipelines.dedupe.index.memory import MemoryDedupeIndex
    from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex

    source, texts = source_texts(data)
    documents = Documents(texts, SEED, copies)
    del texts
    seconds = dict.fromkeys(("signature", "word_quality", "index"), 0.0)
    _instrument(seconds)
    db_path = folder / "dedupe.sqlite"
    index = TimedIndex(MemoryDedupeIndex() if kind == "memory" else SQLiteDedupeIndex(db_path), seconds)
    dedup = Deduplicator(index=index, run_id="bench")
    dedup.open()
    _warm_up()
    rss_start = rss_bytes(os.getpid())
    pid = os.getpid()

    checked = 0.0
    generated = 0.0
    tail_start = size - max(1, size // 10)
    tail = {"checked": 0.0, "docs": 0, **dict.fromkeys(seconds, 0.0)}
    kinds: Counter[str] = Counter()
    copies_made = 0
    stopped = None
    step = max(1000, size // 20)
    window_started, window_checked = time.perf_counter(), 0.0
    stream = iter(documents)
    done = 0
    for n in range(size):
        started = clock()
        text, is_copy = next(stream)
        between = clock()
        generated += between - started
        copies_made += is_copy
        if n == tail_start:
            tail.update({k: -v for k, v in seconds.items()})
        decision = dedup.check(
            {"id": f"d{n}", "url": f"https://site{n % 500}.example/news/{n}", "text": text}
        )
        elapsed = clock() - between
        checked += elapsed
        window_checked += elapsed
        kinds[decision.kind] += 1
        done = n + 1
        if n >= tail_start:
            tail["checked"] += elapsed
            tail["docs"] += 1
        if done % step == 0 or done == size:
            rss = rss_bytes(pid)
            rate = window_checked / step * 1000 if done % step == 0 else 0.0
            wall = time.perf_counter() - window_started
            eta = (size - done) / step * wall
            print(
                f"  [{kind} {size}] {done} docs ({done / size:.0%}), {rate:.2f} ms/check lately, "
                f"RSS {mib(rss)} MiB, about {eta / 60:.0f} min left",
                file=sys.stderr,
                flush=True,
            )
            window_started, window_checked = time.perf_counter(), 0.0
            if rss > max_rss and done < size:
                stopped = f"RSS {mib(rss)} MiB passed the cap of {mib(max_rss)} MiB at {done} documents"
                print(f"  [{kind} {size}] stopping: {stopped}", file=sys.stderr, flush=True)
                break
    if stopped is None and tail["docs"]:
        for k in seconds:
            tail[k] += seconds[k]
    rss_end = rss_bytes(pid)
    dedup.close()
    result = {
        "index": kind,
        "size": size,
        "documents": done,
        "source": source,
        "source_sentences": documents.sentences,
        "copies_made": copies_made,
        "decisions": dict(kinds),
        "stopped": stopped,
        "ms_per_check": 1000 * checked / done,
        "ms_per_check_at_size": 1000 * tail["checked"] / tail["docs"]
        if tail["docs"] and not stopped
        else None,
        "ms_signature": 1000 * seconds["signature"] / done,
        "ms_word_quality": 1000 * seconds["word_quality"] / done,
        "ms_index": 1000 * seconds["index"] / done,
        "ms_index_at_size": 1000 * tail["index"] / tail["docs"] if tail["docs"] and not stopped else None,
        # What a crawl's reactor spends per check: the features (signature, word quality) come from the worker
        # pool there (pipelines.dedupe.features.text_features), so this is the index's insert+query with verification.
        "ms_reactor_at_size": 1000
        * (tail["checked"] - tail["signature"] - tail["word_quality"])
        / tail["docs"]
        if tail["docs"] and not stopped
        else None,
        "ms_index_by_call": {k: 1000 * v / done for k, v in sorted(index.by_call.items())},
        "ms_other": 1000 * (checked - sum(seconds.values())) / done,
        "ms_generate": 1000 * generated / done,
        "candidates_per_query": index.candidates / done,
        "rss_start_bytes": rss_start,
        "rss_end_bytes": rss_end,
        "index_bytes_per_doc": (rss_end - rss_start) / done,
        "db_bytes": sum(p.stat().st_size for p in folder.glob("dedupe.sqlite*"))
        if kind == "sqlite"
        else None,
    }
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------------------------------- the parent


def measure(size: int, kind: str, args: argparse.Namespace, max_rss: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix=f"newscorpus-bench-dedupe-{kind}-", dir=args.tmp))
    try:
        result_path = folder / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            kind,
            "--sizes",
            str(size),
            "--data",
            str(args.data),
            "--copies",
            str(args.copies),
            "--child-dir",
            str(folder),
            "--child-out",
            str(result_path),
            "--child-max-rss",
            str(max_rss),
        ]
        run = run_measured(command, stream_stderr=True, interval=1.0)
        if run.returncode != 0 or not result_path.exists():
            print(
                f"{kind} {size}: the child failed ({run.returncode})\n{run.stderr[-2000:]}", file=sys.stderr
            )
            return {"index": kind, "size": size, "failed": run.returncode}
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["peak_rss_bytes"] = run.maxrss_single
    result["wall_seconds"] = run.wall
    result["cpu_seconds"] = run.cpu
    return result


def print_results(results: list[dict[str, Any]]) -> None:
    header = [
        "index",
        "docs",
        "ms/check",
        "at size",
        "insert+query at size",
        "signature",
        "word quality",
        "index",
        "other",
        "peak RSS MiB",
        "KB/doc",
        "db MiB",
        "candidates",
    ]
    rows = []
    for r in results:
        if r.get("failed") is not None:
            rows.append([r["index"], r["size"], "failed", *[""] * (len(header) - 3)])
            continue

        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.2f}"

        rows.append(
            [
                r["index"],
                f"{r['documents']}" + ("" if r["documents"] == r["size"] else f" of {r['size']}"),
                ms(r["ms_per_check"]),
                ms(r["ms_per_check_at_size"]),
                ms(r.get("ms_reactor_at_size")),
                ms(r["ms_signature"]),
                ms(r["ms_word_quality"]),
                ms(r["ms_index"]),
                ms(r["ms_other"]),
                mib(r["peak_rss_bytes"]),
                f"{r['index_bytes_per_doc'] / 1024:.1f}",
                "-" if r["db_bytes"] is None else mib(r["db_bytes"]),
                f"{r['candidates_per_query']:.1f}",
            ]
        )
    print(table(header, rows))
    for r in results:
        if r.get("ms_index_by_call"):
            calls = ", ".join(
                f"{k} {v:.2f}" for k, v in r["ms_index_by_call"].items() if k not in ("open", "close")
            )
            print(f"index calls, ms/doc: {r['index']} {r['documents']}: {calls}")
    for r in results:
        if r.get("stopped"):
            need = r["rss_start_bytes"] + r["index_bytes_per_doc"] * r["size"]
            print(
                f"{r['index']} {r['size']}: stopped, {r['stopped']}; at {r['size']} it would need ~{mib(need)} MiB"
            )


def check_targets(results: list[dict[str, Any]]) -> dict[str, dict[str, bool | None]]:
    """The targets at 1M documents, per index (None when that size was not run to the end)."""
    out: dict[str, dict[str, bool | None]] = {}
    for r in results:
        if r.get("size") != TARGET_SIZE or r.get("failed") is not None:
            continue
        complete = not r.get("stopped")
        ms = r.get("ms_reactor_at_size")
        out[r["index"]] = {
            "peak RSS < 4 GiB": r["peak_rss_bytes"] < TARGET_RSS if complete else False,
            "< 2 ms per insert+query (index calls and verification, at size)": (ms < TARGET_MS)
            if ms is not None
            else None,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument(
        "--indexes", default=",".join(INDEXES), help="comma-separated subset of: memory, sqlite"
    )
    parser.add_argument("--data", type=Path, default=SCRAPINGHUB, help="folder with ground-truth.json")
    parser.add_argument(
        "--copies", type=float, default=0.05, help="share of documents that are copies (0.05)"
    )
    parser.add_argument(
        "--max-rss-gb", type=float, default=6.0, help="stop a child whose RSS passes this (default 6)"
    )
    parser.add_argument(
        "--tmp", type=Path, default=None, help="where the SQLite files go (default: system temp)"
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "dedupe.json", help="where to write the figures"
    )
    parser.add_argument("--child", choices=INDEXES, help=argparse.SUPPRESS)
    parser.add_argument("--child-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-max-rss", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: comma-separated whole numbers")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: at least one size, each at least 1")
    if args.child:
        return run_child(
            sizes[0], args.child, args.child_dir, args.data, args.copies, args.child_max_rss, args.child_out
        )
    kinds = [k.strip() for k in args.indexes.split(",") if k.strip()]
    if not kinds or set(kinds) - set(INDEXES):
        parser.error("--indexes: choose among memory, sqlite")

    available = None
    for line in Path("/proc/meminfo").read_text().splitlines() if Path("/proc/meminfo").exists() else []:
        if line.startswith("MemAvailable:"):
            available = int(line.split()[1]) * 1024
    max_rss = int(args.max_rss_gb * (1 << 30))
    if available:
        max_rss = min(max_rss, int(available * 0.6))
    env = environment()
    source, _ = source_texts(args.data)
    print(f"documents drawn from {source}; copies {args.copies:.0%}; memory cap per child {mib(max_rss)} MiB")
    results: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "sizes": sizes,
        "copies": args.copies,
        "max_rss_bytes": max_rss,
        "results": results,
        "environment": env,
    }
    for size in sizes:
        for kind in kinds:
            print(f"{kind} index, {size} documents ...", flush=True)
            results.append(measure(size, kind, args, max_rss))
            write_report(args.out, report, quiet=True)  # what is done so far survives a later failure
    print()
    print_results(results)
    print(
        "\nms columns are CPU ms (of the child process) per document: ms/check = the whole Deduplicator.check (signature + word quality"
        " + index calls + other); 'at size' = the last tenth of the documents; 'insert+query at size' = the same"
        " without the signature and word quality, which a crawl computes in its worker pool."
    )
    targets = check_targets(results)
    if targets:
        print("targets at 1M documents:")
        for kind, checks in targets.items():
            for label, ok in checks.items():
                verdict = "not measured" if ok is None else ("met" if ok else "MISSED")
                print(f"  [{verdict}] {kind}: {label}")
    report["targets"] = targets
    write_report(args.out, report)
    return 1 if any(r.get("failed") is not None for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
