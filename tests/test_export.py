"""``newscorpus export RUN --format parquet``: Parquet files with the record's schema, the same rows as the
shards, and what does not fit counted rather than fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from crawler.cli import main
from pipelines.record import ARTICLE_FIELDS
from pipelines.write.shards import iter_records
from tests.run_folders import two_runs


@pytest.mark.parametrize("compress", [None, "zst"])
def test_export_has_the_records_and_the_schema(
    tmp_path: Path, compress: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir, _ = two_runs(tmp_path / "out", compress=compress)
    assert main(["export", str(run_dir), "--format", "parquet"]) == 0
    assert "exported 8 articles from 1 shards" in capsys.readouterr().out
    (path,) = (run_dir / "parquet").glob("*.parquet")
    assert path.name == "articles-00000.parquet"
    table = pq.read_table(path)
    assert tuple(table.schema.names) == ARTICLE_FIELDS
    rows = table.to_pylist()
    (shard,) = [p for p in run_dir.glob("articles-*") if p.is_file()]
    records = list(iter_records(shard))
    assert len(rows) == len(records) == 8
    for row, record in zip(rows, records, strict=True):
        assert {k: v for k, v in row.items() if k in record} == record
    a1 = next(r for r in rows if r["id"] == "a1")
    assert a1["duplicates"] == {"count": 2, "ids": ["b9", "c9"]}
    assert a1["authors"] == ["A. Writer"] and a1["word_count"] == 420


def test_records_that_do_not_fit_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir, _ = two_runs(tmp_path / "out")
    shard = run_dir / "articles-00000.jsonl"
    lines = shard.read_text(encoding="utf-8").splitlines()
    odd = json.loads(lines[0]) | {"word_count": "many", "revision": 2}
    extra = json.loads(lines[1]) | {"revision": 3}
    shard.write_text("\n".join([json.dumps(odd), json.dumps(extra), *lines[2:], '{"id": "to']) + "\n")
    assert main(["export", str(run_dir), "--out", str(tmp_path / "pq")]) == 0
    out = capsys.readouterr().out
    assert "exported 7 articles" in out
    assert "left out: revision (2)" in out
    assert "skipped 1: article shard line that is not JSON" in out
    assert "skipped 1: ArrowInvalid" in out or "skipped 1: ArrowTypeError" in out
    assert pq.read_table(tmp_path / "pq" / "articles-00000.parquet").num_rows == 7


def test_not_a_run_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip().endswith("no such folder")
    assert main(["export", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a finished run folder" in err and len(err.splitlines()) == 1
    (tmp_path / "manifest.json").write_text("[1, 2", encoding="utf-8")
    assert main(["export", str(tmp_path)]) == 2
    assert "manifest.json is not JSON" in capsys.readouterr().err
