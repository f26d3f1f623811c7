"""``newscorpus export RUN --format parquet [--out DIR]``: a run's article shards as Parquet files.

For users who load corpora with Arrow, Spark or DuckDB. One Parquet file a shard (``articles-00000.parquet``
beside ``articles-00000.jsonl``'s name), with the record's schema fixed from ``pipelines.record`` so that
every file of every run has the same columns in the same order, whatever fields a shard happens to hold
(an absent field is null). Records are converted in batches, so memory holds one batch, not a shard. A record
a type does not fit (a hand-edited line, say) is skipped and counted, and so are fields outside the schema.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pipelines.record import RECORD_FIELDS

logger = logging.getLogger(__name__)

BATCH_ROWS = 5_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="RUN", type=Path, help="a run folder (OUT/runs/<run-id>)")
    parser.add_argument("--format", choices=["parquet"], default="parquet", help="output format (parquet)")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write the files (default: RUN/parquet)"
    )
    parser.add_argument(
        "--compression",
        choices=["zstd", "snappy", "gzip", "none"],
        default="zstd",
        help="Parquet compression (default zstd)",
    )


def arrow_type(spec: str) -> Any:
    """The Arrow type of a record field's type as ``pipelines.record.RECORD_FIELDS`` writes it: ``string``,
    ``float``, ``int``, ``bool``, ``list<T>`` or ``{name: T, ...}``."""
    import pyarrow as pa

    spec = spec.strip()
    scalars = {"string": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    if spec in scalars:
        return scalars[spec]
    if spec.startswith("list<") and spec.endswith(">"):
        return pa.list_(arrow_type(spec[5:-1]))
    if spec.startswith("{") and spec.endswith("}"):
        fields, depth, start = [], 0, 1
        for i, ch in enumerate(spec[1:-1], 1):
            depth += ch in "<{"
            depth -= ch in ">}"
            if ch == "," and depth == 0:
                fields.append(spec[start:i])
                start = i + 1
        fields.append(spec[start:-1])
        members = [field.partition(":") for field in fields if field.strip()]
        return pa.struct([(name.strip(), arrow_type(kind)) for name, _, kind in members])
    raise ValueError(f"no Arrow type for {spec!r}")


def arrow_schema() -> Any:
    """The record as an Arrow schema; every column nullable, as any field of a line may be null."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, arrow_type(f.type)) for f in RECORD_FIELDS])


def parquet_name(shard: str) -> str:
    """``articles-00000.jsonl.zst`` -> ``articles-00000.parquet``."""
    return shard.split(".jsonl", 1)[0] + ".parquet"


class ShardExport:
    """One shard to one Parquet file, batch by batch; what did not fit is counted."""

    def __init__(self, schema: Any, compression: str) -> None:
        self.schema = schema
        self.compression = None if compression == "none" else compression
        self.names = set(schema.names)
        self.extra_fields: Counter[str] = Counter()
        self.bad_rows: Counter[str] = Counter()
        self.rows = 0

    def convert(self, batch: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        for record in batch:
            for key in record.keys() - self.names:
                self.extra_fields[key] += 1
        try:
            return pa.Table.from_pylist(batch, schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            good = []
            for record in batch:  # find the rows that do not fit; keep the others
                try:
                    pa.Table.from_pylist([record], schema=self.schema)
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
                    self.bad_rows[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
                    continue
                good.append(record)
            return pa.Table.from_pylist(good, schema=self.schema)

    def write(self, records: Any, path: Path) -> None:
        import pyarrow.parquet as pq

        part = path.with_name(path.name + ".part")
        with pq.ParquetWriter(part, self.schema, compression=self.compression) as writer:
            batch: list[dict[str, Any]] = []
            for record in records:
                batch.append(record)
                if len(batch) >= BATCH_ROWS:
                    self._flush(writer, batch)
                    batch = []
            if batch or not self.rows:
                self._flush(writer, batch)
        os.replace(part, path)

    def _flush(self, writer: Any, batch: list[dict[str, Any]]) -> None:
        table = self.convert(batch)
        writer.write_table(table)
        self.rows += table.num_rows


def open_run(run_dir: Path) -> Any:
    """The run folder with its manifest; ``ValueError`` with a one-line reason when it is not one."""
    from crawler.report.runs import Run, read_manifest

    if not run_dir.is_dir():
        raise ValueError(f"{run_dir}: no such folder")
    if not (run_dir / "manifest.json").exists():
        raise ValueError(f"{run_dir} is not a finished run folder (no manifest.json)")
    try:
        return Run(run_dir, read_manifest(run_dir / "manifest.json"))
    except ValueError as exc:
        raise ValueError(f"{run_dir}/manifest.json {exc}") from None


def run(args: argparse.Namespace) -> int:
    from crawler.report.runs import Notes, iter_records

    notes = Notes()
    try:
        run = open_run(args.run_dir)
    except ValueError as exc:
        print(f"newscorpus export: {exc}", file=sys.stderr)
        return 2
    out = args.out or run.run_dir / "parquet"
    out.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema()
    total = 0
    extra: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    listed = {s.get("name"): s.get("lines") for s in run.manifest.get("shards") or [] if isinstance(s, dict)}
    for shard in run.shard_paths():
        export = ShardExport(schema, args.compression)
        target = out / parquet_name(shard.name)
        export.write(iter_records(shard, notes, "article shard"), target)
        total += export.rows
        extra.update(export.extra_fields)
        bad.update(export.bad_rows)
        if listed.get(shard.name) not in (None, export.rows):
            logger.warning(
                "%s: %d rows exported, the manifest lists %s lines",
                shard.name,
                export.rows,
                listed[shard.name],
            )
        print(f"{target} ({export.rows:,} rows)")
    print(f"exported {total:,} articles from {len(run.shard_paths())} shards to {out}")
    if extra:
        print(
            "fields outside the record schema, left out: "
            + ", ".join(f"{k} ({n:,})" for k, n in extra.items())
        )
    for reason, count in sorted({**notes.skipped, **bad}.items()):
        print(f"skipped {count:,}: {reason}")
    return 0
