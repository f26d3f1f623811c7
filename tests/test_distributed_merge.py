"""``newscorpus merge`` on run folders written by hand: edits across workers, killed workers, bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipelines.write.merge import MergeError, merge_run, workers_of
from pipelines.write.run_folder import WriterConfig
from pipelines.write.shards import iter_records
from pipelines.write.writer import CorpusWriter
from tests.crawl_helpers import REPO, read_jsonl


def article(rid: str, domain: str = "a.example") -> dict[str, Any]:
    return {
        "id": rid,
        "url": f"https://{domain}/{rid}",
        "domain": domain,
        "title": rid,
        "text": f"text of {rid}",
    }


def copy_of(rid: str, kept: str, kind: str = "near") -> dict[str, Any]:
    return {
        "id": rid,
        "url": f"https://a.example/{rid}",
        "domain": "a.example",
        "title": rid,
        "kind": kind,
        "score": 0.9,
        "duplicate_of": kept,
        "duplicate_of_url": f"https://a.example/{kept}",
    }


def worker(run_dir: Path, name: str) -> CorpusWriter:
    writer = CorpusWriter(run_dir, WriterConfig(shard_prefix=f"articles-{name}", worker=name))
    writer.open()
    return writer


def all_articles(run_dir: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    return {r["id"]: r for shard in manifest["shards"] for r in iter_records(run_dir / shard["name"])}


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    """w1 wrote ``lesser``; w2 then kept ``better``, a better copy of the same story (a retraction it could
    not apply to w1's shard), and dropped ``copy`` as a copy of ``lesser``; w3 was killed mid-shard."""
    folder = tmp_path / "runs" / "run-1"
    w1 = worker(folder, "w1")
    w1.write_article(article("lesser"))
    w1.write_article(article("solo", "b.example"))
    w1.write_duplicate(copy_of("copy", "lesser"))
    w1.write_rejected(
        {"url": "https://a.example/x.pdf", "stage": "fetch", "reason": "not-html", "detail": ""}
    )
    w1.close({"status": "finished"})
    w2 = worker(folder, "w2")
    w2.retract("lesser", copy_of("lesser", "better"))
    w2.write_article(article("better"))
    w2.close({"status": "finished"})
    w3 = worker(folder, "w3")
    w3.write_article(article("saved", "c.example"))
    assert w3._shards is not None and w3._shards._fh is not None
    w3._shards._fh.write(b'{"id": "torn", "te')  # killed mid-line: no manifest, a .part shard
    w3._shards._fh.flush()
    return folder


def test_merge_applies_edits_across_workers_and_recovers_killed_ones(run_dir: Path) -> None:
    assert workers_of(run_dir) == ["w1", "w2", "w3"]
    assert json.loads((run_dir / "manifest-w2.json").read_text())["counts"]["written"] == 1
    # w3 has no manifest and wrote a moment ago: it may be running still.
    with pytest.raises(MergeError, match="worker w3 has no manifest and wrote 0s ago"):
        merge_run(run_dir)
    manifest = merge_run(run_dir, force=True)
    articles = all_articles(run_dir)
    assert set(articles) == {"better", "solo", "saved"}
    # The copies of the story follow it to the copy that was kept.
    assert sorted(articles["better"]["duplicates"]["ids"]) == ["copy", "lesser"]
    assert manifest["status"] == "interrupted"  # w3 was killed
    assert {w["worker"]: w["status"] for w in manifest["workers"]} == {
        "w1": "finished",
        "w2": "finished",
        "w3": "interrupted",
    }
    assert manifest["counts"]["written"] == 3 and manifest["counts"]["duplicates"] == 2
    assert manifest["merge"]["cross_worker_retractions"] == 1
    assert {d["id"] for d in read_jsonl(run_dir / "duplicates.jsonl")} == {"copy", "lesser"}
    assert len(read_jsonl(run_dir / "rejected.jsonl")) == 1
    assert manifest["per_domain"]["a.example"] == {"written": 1, "duplicates": 2}
    # The worker manifests were brought in line with their rewritten shards: merging again changes nothing.
    again = merge_run(run_dir)
    assert again["shards"] == manifest["shards"] and again["merge"]["shards_rewritten"] == 0
    assert again["counts"] == manifest["counts"]


def test_an_article_in_two_workers_shards_is_kept_once(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    for name, status in (("a", "interrupted"), ("b", "finished")):
        writer = worker(folder, name)
        writer.write_article(article("twice"))
        writer.write_article(article(f"only-{name}"))
        writer.close({"status": status})
    manifest = merge_run(folder)
    assert set(all_articles(folder)) == {"twice", "only-a", "only-b"}
    kept_in = [
        s["worker"]
        for s in manifest["shards"]
        if any(r["id"] == "twice" for r in iter_records(folder / s["name"]))
    ]
    assert kept_in == ["b"]  # the finished worker's copy
    assert manifest["merge"]["repeated_articles_removed"] == 1


def test_merge_refuses_files_that_disagree_with_their_manifest(run_dir: Path) -> None:
    merge_run(run_dir, force=True)
    shard = run_dir / "articles-w1-00000.jsonl"
    shard.write_text(shard.read_text(encoding="utf-8").replace("solo", "SOLO"), encoding="utf-8")
    with pytest.raises(MergeError, match="articles-w1-00000.jsonl: 1 lines"):
        merge_run(run_dir)
    (run_dir / "articles-w2-00007.jsonl").write_text("{}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "merge", str(run_dir.parent.parent)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "a shard of worker w2 that manifest-w2.json does not list" in done.stderr


def test_merge_command_on_an_output_folder(run_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "merge", "--force", str(run_dir.parent.parent)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "merged 3 workers (interrupted): 1 retractions across workers" in done.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "runs", str(run_dir.parent.parent)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "run-1" in listing.stdout and "interrupted" in listing.stdout
