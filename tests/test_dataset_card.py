"""The dataset card (``README.md`` of a run): its front matter as the Hugging Face Hub reads it, its body, and
the demo's run loaded with ``datasets`` (offline, in a child process: the library reads its offline switches
at import time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.cli import main
from pipelines.record import ARTICLE_FIELDS, RECORD_FIELDS
from pipelines.write.card import LICENCE_LINE, size_category, write_dataset_card
from tests.run_folders import two_runs

REPO = Path(__file__).resolve().parent.parent


def front_matter(card: Path) -> dict[str, Any]:
    text = card.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_schema_table_is_the_record() -> None:
    assert tuple(f.name for f in RECORD_FIELDS) == ARTICLE_FIELDS


def test_size_categories() -> None:
    assert [size_category(n) for n in (0, 999, 1000, 99_999, 1_000_000)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "1M<n<10M",
    ]


def test_card_of_a_run(tmp_path: Path) -> None:
    first, _ = two_runs(tmp_path / "out", compress="gz")
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    manifest["settings"] = {
        "NEWSCORPUS_LANGUAGES": "en,de",
        "NEWSCORPUS_DEDUP_THRESHOLD": 0.8,
        "NEWSCORPUS_OUT": "/somewhere",
        "NEWSCORPUS_WORKERS": 2,
    }
    card = write_dataset_card(first, manifest)
    assert card == first / "README.md"
    meta = front_matter(card)
    assert meta["license"] == "other"
    assert meta["language"] == ["en", "de"]  # by articles, most first
    assert meta["size_categories"] == ["n<1K"]
    (config,) = meta["configs"]
    assert config["data_files"] == [{"split": "train", "path": ["articles-00000.jsonl.gz"]}]
    body = card.read_text(encoding="utf-8")
    assert LICENCE_LINE in body
    assert all(f"| `{name}` |" in body for name in ARTICLE_FIELDS)
    assert "newscorpus crawl https://a.example/ --out OUT --lang en,de" in body
    assert "`NEWSCORPUS_DEDUP_THRESHOLD` | `0.8`" in body
    assert "NEWSCORPUS_OUT" not in body and "NEWSCORPUS_WORKERS" not in body  # they run it, not shape it
    assert "| articles written | 8 |" in body and "| rejected: extract/no-text | 1 |" in body
    assert "| pages fetched | 30 |" in body


def test_no_card_for_a_worker_part_and_no_failure_on_a_bad_folder(tmp_path: Path) -> None:
    assert write_dataset_card(tmp_path, {"worker": "w1", "shards": []}) is None
    assert not (tmp_path / "README.md").exists()
    # A shard that cannot be read: logged, the run goes on.
    assert write_dataset_card(tmp_path / "missing", {"shards": [{"name": "articles-00000.jsonl"}]}) is None


def test_dedupe_command_writes_a_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = two_runs(tmp_path / "out")
    assert main(["dedupe", str(first / "articles-00000.jsonl"), "--out", str(tmp_path / "deduped")]) == 0
    meta = front_matter(tmp_path / "deduped" / "README.md")
    assert meta["configs"][0]["data_files"][0]["path"] == ["articles-00000.jsonl"]
    assert "newscorpus dedupe" in (tmp_path / "deduped" / "README.md").read_text(encoding="utf-8")


LOAD = """
import json, sys
from datasets import load_dataset
files, folder, cache = json.loads(sys.argv[1])
by_files = load_dataset("json", data_files=files, split="train", cache_dir=cache)
by_card = load_dataset(folder, split="train", cache_dir=cache)
print(json.dumps({"rows": [by_files.num_rows, by_card.num_rows], "columns": by_files.column_names,
                  "card_columns": by_card.column_names}))
"""


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.e2e
def test_demo_run_loads_with_datasets(demo_corpus: Path, tmp_path: Path) -> None:
    (run_dir,) = (demo_corpus / "runs").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    meta = front_matter(run_dir / "README.md")
    files = [str(run_dir / name) for name in meta["configs"][0]["data_files"][0]["path"]]
    env = {
        **os.environ,
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", LOAD, json.dumps([files, str(run_dir), str(tmp_path / "cache")])],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    written = manifest["counts"]["written"]
    assert loaded["rows"] == [written, written]
    present = {
        key for shard in manifest["shards"] for line in read_lines(run_dir / shard["name"]) for key in line
    }
    assert present <= set(
        ARTICLE_FIELDS
    )  # optional fields (duplicates, warc) are columns where lines hold them
    assert set(loaded["columns"]) == present and set(loaded["card_columns"]) == present


def test_merge_writes_the_card_of_a_distributed_run(tmp_path: Path) -> None:
    from crawler.commands.merge import merge_run
    from pipelines.write.run_folder import WriterConfig
    from pipelines.write.writer import CorpusWriter
    from tests.run_folders import article

    run_dir = tmp_path / "runs" / "dist"
    for worker, domain in (("w1", "a.example"), ("w2", "b.example")):
        writer = CorpusWriter(run_dir, WriterConfig(shard_prefix=f"articles-{worker}", worker=worker))
        writer.open()
        writer.write_article(article(f"{worker}-1", domain, 200))
        settings = {"NEWSCORPUS_SINCE": "2026-11-01T00:00:00+00:00"}
        writer.close(
            {"status": "finished", "source": "live", "targets": ["https://a.example/"], "settings": settings}
        )
    merge_run(run_dir)
    meta = front_matter(run_dir / "README.md")
    assert meta["configs"][0]["data_files"][0]["path"] == [
        "articles-w1-00000.jsonl",
        "articles-w2-00000.jsonl",
    ]
    body = (run_dir / "README.md").read_text(encoding="utf-8")
    assert "--since 2026-11-01T00:00:00+00:00 --redis-url URL" in body  # from the workers' manifests
