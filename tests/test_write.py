from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.drops import duplicate_record
from pipelines.write.run_folder import WriterConfig
from pipelines.write.shards import PART_SUFFIX, ShardWriter, iter_records
from pipelines.write.writer import CorpusWriter


def article(n: int, domain: str = "a.example") -> dict:
    return {
        "id": f"id{n}",
        "url": f"https://{domain}/{n}",
        "domain": domain,
        "title": f"T{n}",
        "text": "é" * 50,
    }


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("compress", [None, "gz", "zst"])
def test_shards_roll_over_and_are_listed_with_sha256(tmp_path: Path, compress: str | None) -> None:
    writer = CorpusWriter(tmp_path / "run", WriterConfig(shard_max_bytes=300, compress=compress))
    writer.open()
    for n in range(7):
        writer.write_article(article(n))
    manifest = writer.close()
    shards = manifest["shards"]
    assert len(shards) > 1
    assert sum(s["lines"] for s in shards) == 7
    records = [r for s in shards for r in iter_records(tmp_path / "run" / s["name"])]
    assert [r["id"] for r in records] == [f"id{n}" for n in range(7)]
    assert all(r["text"] == "é" * 50 for r in records)
    assert not list((tmp_path / "run").glob("*" + PART_SUFFIX))
    assert json.loads((tmp_path / "run" / "manifest.json").read_text())["counts"]["written"] == 7


def test_open_shard_is_hidden_until_finished(tmp_path: Path) -> None:
    shards = ShardWriter(tmp_path)
    shards.write({"id": "x"})
    assert [p.name for p in tmp_path.iterdir()] == ["articles-00000.jsonl" + PART_SUFFIX]
    shards.close()
    assert [p.name for p in tmp_path.iterdir()] == ["articles-00000.jsonl"]


def test_unknown_compression_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown compression"):
        ShardWriter(tmp_path, compress="bz2")


def test_retraction_and_duplicate_lists(tmp_path: Path) -> None:
    run = tmp_path / "run"
    writer = CorpusWriter(run, WriterConfig(shard_max_bytes=200))
    writer.open()
    spun, clean, other = article(1, "spun.example"), article(2, "clean.example"), article(3)
    for record in (spun, clean, other):
        writer.write_article(record)
    # A third copy arrives as a duplicate of the spun copy, then the clean copy supersedes the spun one.
    writer.write_duplicate(duplicate_record(article(4, "copy.example"), "near", "id1", 0.9))
    writer.retract("id1", duplicate_record(spun, "reworded", "id2", 0.7, clean["url"]))
    writer.write_rejected({"url": "https://a.example/x", "stage": "quality", "reason": "too-short"})
    manifest = writer.close()

    records = [r for s in manifest["shards"] for r in iter_records(run / s["name"])]
    assert [r["id"] for r in records] == ["id2", "id3"]
    kept = records[0]
    assert kept["duplicates"]["count"] == 2 and sorted(kept["duplicates"]["ids"]) == ["id1", "id4"]
    assert "duplicates" not in records[1]
    dups = read_lines(run / "duplicates.jsonl")
    assert [(d["id"], d["duplicate_of"], d["kind"]) for d in dups] == [
        ("id4", "id1", "near"),
        ("id1", "id2", "reworded"),
    ]
    assert read_lines(run / "rejected.jsonl")[0]["reason"] == "too-short"
    counts = manifest["counts"]
    assert counts["written"] == 2 and counts["duplicates"] == 2 and counts["rejected"] == 1
    assert counts["rejected_by_reason"] == {"quality/too-short": 1}
    assert sum(s["lines"] for s in manifest["shards"]) == 2
    assert manifest["per_domain"]["spun.example"]["written"] == 0
