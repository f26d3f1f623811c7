"""``newscorpus report`` on a large synthetic run: the whole command's wall time and peak memory.

Usage::

    .venv/bin/python benchmarks/report.py                          # one run of 1,000,000 articles
    .venv/bin/python benchmarks/report.py --articles 200000 --compress zst --keep /tmp/bigrun

What is generated (in a temporary folder, removed afterwards unless ``--keep``): one run folder as a crawl
writes it, ``runs/bench/`` with ``articles-NNNNN.jsonl`` shards of 256 MB (``--compress`` for gz/zst),
``duplicates.jsonl``, ``rejected.jsonl``, ``updates.jsonl`` and a ``manifest.json`` whose counts, shard line
counts and sha256 agree with the files. Articles: ``--domains`` sites of Zipf-like sizes, seven languages
(a few declared wrongly), publication dates over 60 days, word counts drawn log-normally around 500 (texts of
real-looking words, so a line is as long as a real article's, about 3.5 KB); ``--copies`` of the articles'
number again as dropped copies, clustered on a few syndicated stories per site; rejections of every stage.
The line of each article is built from pre-encoded pieces, so generating a million takes about a minute.

What is timed: ``python -m crawler.cli report OUT --out DIR`` as a child process, as a user runs it (start-up,
imports, reading every file, the plots, the page), measured with ``common.run_measured`` (wall, CPU, peak RSS).
The target: under 60 s for a million articles on this 2-core machine. Figures go to
``benchmarks/results/report.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, environment, mib, run_measured, write_report

from pipelines.write.shards import file_digest, open_binary_writer

SHARD_BYTES = 256 << 20
LANGUAGES = (("en", 0.55), ("de", 0.12), ("fr", 0.1), ("es", 0.09), ("ko", 0.06), ("it", 0.05), ("nl", 0.03))
DATE_SOURCES = ("json-ld", "json-ld", "json-ld", "meta", "url", "sitemap", "feed")
REJECTIONS = (
    ("discover", "not-article-url", 0.25),
    ("fetch", "http-404", 0.1),
    ("fetch", "timeout", 0.03),
    ("extract", "not-article", 0.2),
    ("extract", "no-text", 0.12),
    ("quality", "too-short", 0.2),
    ("language", "not-wanted", 0.05),
    ("worker", "timeout", 0.05),
)
_WORD_LIST = (
    "the of and to in a is that for on was with he it as said his at by from be have has but are its an not "
    "they were who been after their more one will would year new people also government minister city police "
    "council market report health school water court election season club energy prices company workers "
    "residents officials week month state country percent million plan service local national public "
    "announced according statement spokesperson increase decision hospital research university climate"
)
WORDS = _WORD_LIST.split(" ")


def texts(rng: random.Random, count: int) -> list[tuple[str, int]]:
    """A pool of article texts (JSON-encoded) with their word counts: paragraphs of about 60 words."""
    pool = []
    for _ in range(count):
        words = max(40, int(rng.lognormvariate(6.2, 0.45)))
        chosen = rng.choices(WORDS, k=words)
        paragraphs = [" ".join(chosen[i : i + 60]).capitalize() + "." for i in range(0, words, 60)]
        pool.append((json.dumps("\n".join(paragraphs), ensure_ascii=False), words))
    return pool


class Shards:
    """Rolling shards written from ready-made lines (the writer's format, without its per-line fsync)."""

    def __init__(self, run_dir: Path, compress: str | None) -> None:
        self.run_dir, self.compress = run_dir, compress
        self.suffix = {None: "", "gz": ".gz", "zst": ".zst"}[compress]
        self.done: list[dict[str, Any]] = []
        self._fh: IO[bytes] | None = None
        self._bytes = self._lines = 0

    def write(self, line: str) -> None:
        if self._fh is None:
            name = f"articles-{len(self.done):05d}.jsonl{self.suffix}"
            self._fh = open_binary_writer(self.run_dir / name, self.compress)
        data = line.encode("utf-8")
        self._fh.write(data)
        self._bytes += len(data)
        self._lines += 1
        if self._bytes >= SHARD_BYTES:
            self.close()

    def close(self) -> None:
        if self._fh is None:
            return
        self._fh.close()
        name = f"articles-{len(self.done):05d}.jsonl{self.suffix}"
        sha, size = file_digest(self.run_dir / name)
        self.done.append({"name": name, "lines": self._lines, "bytes": size, "sha256": sha})
        self._fh, self._bytes, self._lines = None, 0, 0


def generate(out: Path, articles: int, domains: int, copies: float, compress: str | None, seed: int) -> dict:
    """Write the run folder; returns its manifest."""
    rng = random.Random(seed)
    run_dir = out / "runs" / "bench"
    run_dir.mkdir(parents=True)
    pool = texts(rng, 512)
    sites = [f"news{n:04d}.example" for n in range(domains)]
    weights = [1 / (n + 1) ** 0.8 for n in range(domains)]
    languages, language_weights = zip(*LANGUAGES, strict=True)
    shards = Shards(run_dir, compress)
    per_domain: dict[str, dict[str, int]] = {}
    kept_ids: list[tuple[str, str]] = []
    for n in range(articles):
        domain = rng.choices(sites, weights)[0]
        text, words = pool[rng.randrange(len(pool))]
        language = rng.choices(languages, language_weights)[0]
        declared = language if rng.random() > 0.03 else "en"
        day = 1 + rng.randrange(60)
        published = (
            f"2026-{9 + (day - 1) // 30:02d}-{1 + (day - 1) % 30:02d}T{rng.randrange(24):02d}:15:00+00:00"
        )
        fetched_day = min(60, day + rng.choice((0, 0, 0, 1, 2, 7)))
        fetched = f"2026-{9 + (fetched_day - 1) // 30:02d}-{1 + (fetched_day - 1) % 30:02d}T23:30:00+00:00"
        rid = f"{n:016x}"
        url = f"https://{domain}/2026/story-{n}"
        head = json.dumps(
            {
                "id": rid,
                "url": url,
                "canonical_url": url,
                "domain": domain,
                "title": f"Story number {n} of {domain}",
                "authors": ["Staff reporter"],
                "date_published": published,
                "date_modified": None,
                "date_source": rng.choice(DATE_SOURCES),
                "language": language,
                "language_prob": 0.999,
                "declared_language": declared,
            },
            ensure_ascii=False,
        )[:-1]
        tail = json.dumps(
            {
                "word_count": words,
                "site_name": domain,
                "tags": ["news"],
                "fetched_at": fetched,
                "source": "live",
            }
        )[1:]
        shards.write(f'{head}, "text": {text}, {tail}\n')
        per_domain.setdefault(domain, {"written": 0, "duplicates": 0, "rejected": 0})["written"] += 1
        if n % 50 == 0:
            kept_ids.append((rid, url))
    shards.close()

    kinds = ("exact", "near", "near", "reworded")
    with open(run_dir / "duplicates.jsonl", "w", encoding="utf-8") as fh:
        dup_kinds: dict[str, int] = {}
        for n in range(int(articles * copies)):
            kept, kept_url = kept_ids[min(len(kept_ids) - 1, int(rng.paretovariate(1.2)) - 1)]
            domain = rng.choices(sites, weights)[0]
            kind = rng.choice(kinds)
            dup_kinds[kind] = dup_kinds.get(kind, 0) + 1
            record = {"id": f"d{n:015x}", "url": f"https://{domain}/copy-{n}", "domain": domain,
                      "title": f"Copy {n}", "kind": kind, "score": 0.93, "duplicate_of": kept,
                      "duplicate_of_url": kept_url}  # fmt: skip
            fh.write(json.dumps(record) + "\n")
            per_domain.setdefault(domain, {"written": 0, "duplicates": 0, "rejected": 0})["duplicates"] += 1
    reasons: dict[str, int] = {}
    rejection_weights = [w for *_, w in REJECTIONS]
    with open(run_dir / "rejected.jsonl", "w", encoding="utf-8") as fh:
        for n in range(int(articles * 0.4)):
            stage, reason, _ = rng.choices(REJECTIONS, rejection_weights)[0]
            domain = rng.choices(sites, weights)[0]
            key = f"{stage}/{reason}"
            reasons[key] = reasons.get(key, 0) + 1
            fh.write(json.dumps({"url": f"https://{domain}/r{n}", "domain": domain, "stage": stage,
                                 "reason": reason, "detail": ""}) + "\n")  # fmt: skip
            per_domain.setdefault(domain, {"written": 0, "duplicates": 0, "rejected": 0})["rejected"] += 1
    with open(run_dir / "updates.jsonl", "w", encoding="utf-8") as fh:
        for rid, url in kept_ids[:1000]:
            fh.write(json.dumps({"id": rid, "url": url, "revision": 2}) + "\n")
    duplicates, rejected = int(articles * copies), int(articles * 0.4)
    pipeline_rejected = sum(v for k, v in reasons.items() if not k.startswith(("discover/", "fetch/")))
    manifest = {
        "run_id": "bench",
        "status": "finished",
        "source": "live",
        "started_at": "2026-11-01T00:00:00+00:00",
        "finished_at": "2026-11-01T06:00:00+00:00",
        "counts": {
            "written": articles,
            "duplicates": duplicates,
            "rejected": rejected,
            "rejected_by_reason": dict(sorted(reasons.items())),
            "duplicates_by_kind": dict(sorted(dup_kinds.items())),
        },  # fmt: skip
        "per_domain": dict(sorted(per_domain.items())),
        "shards": shards.done,
        "stats": {
            "response_received_count": int((articles + duplicates + pipeline_rejected) * 1.3),
            "newscorpus/fetched_articles": articles + duplicates + pipeline_rejected,
        },
        "settings": {"NEWSCORPUS_COMPRESS": compress or ""},
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--domains", type=int, default=400)
    parser.add_argument(
        "--copies", type=float, default=0.25, help="dropped copies per article (default 0.25)"
    )
    parser.add_argument("--compress", choices=["gz", "zst"], default=None)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--keep", type=Path, help="generate into this folder and keep it (else a temp folder)"
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "report.json", help="where to write the figures"
    )
    args = parser.parse_args(argv)

    base = args.keep or Path(tempfile.mkdtemp(prefix="newscorpus-report-bench-"))
    corpus = base / "corpus"
    try:
        if not (corpus / "runs" / "bench" / "manifest.json").exists():
            started = time.perf_counter()
            manifest = generate(corpus, args.articles, args.domains, args.copies, args.compress, args.seed)
            size = sum(s["bytes"] for s in manifest["shards"])
            print(
                f"generated {args.articles:,} articles in {len(manifest['shards'])} shards "
                f"({mib(size)} MiB) in {time.perf_counter() - started:.0f} s: {corpus}",
                flush=True,
            )
        else:
            manifest = json.loads((corpus / "runs" / "bench" / "manifest.json").read_text(encoding="utf-8"))
            size = sum(s["bytes"] for s in manifest["shards"])
            print(f"reusing {corpus}", flush=True)
        command = [sys.executable, "-m", "crawler.cli", "report", str(corpus), "--out", str(base / "report")]
        done = run_measured(command, cwd=ROOT)
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            return 1
        page = (base / "report" / "index.html").stat().st_size
        figures = (base / "report" / "report.json").stat().st_size
        print(done.stdout.strip())
        print(
            f"newscorpus report: {done.wall:.1f} s wall, {done.cpu:.1f} s CPU, peak RSS {mib(done.maxrss_single)} MiB; "
            f"page {page / 1024:.0f} KiB, report.json {figures / 1024:.0f} KiB "
            f"(target: under 60 s for 1,000,000 articles)"
        )
        write_report(
            args.out,
            {
                "articles": manifest["counts"]["written"],
                "duplicates": manifest["counts"]["duplicates"],
                "rejected": manifest["counts"]["rejected"],
                "shards": len(manifest["shards"]),
                "shard_bytes": size,
                "compress": args.compress,
                "wall_seconds": round(done.wall, 2),
                "cpu_seconds": round(done.cpu, 2),
                "peak_rss_bytes": done.maxrss_single,
                "page_bytes": page,
                "report_json_bytes": figures,
                "environment": environment(),
            },
        )
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
