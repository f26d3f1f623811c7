"""The write stage: a run folder with article shards, ``duplicates.jsonl``, ``rejected.jsonl`` and a manifest.

Layout of one run (``DIR/runs/<run-id>/``):

- ``articles-00000.jsonl`` (more shards past the size limit, ``.gz``/``.zst`` when compressed),
- ``duplicates.jsonl``: every dropped copy, with the id of the article it repeats,
- ``rejected.jsonl``: every page that did not become an article, with the stage and reason (a rejection an
  earlier run recorded alike is only counted, in the manifest's ``rejected_again`` by reason),
- ``manifest.json``: counts, shards with line counts and sha256, settings, times; written last, atomically.
  ``rights_per_domain`` counts each domain's written articles by the rights signals they carry
  (``pipelines.extract.rights.SIGNALS``), for the run's summary.

A kept article can be superseded later in the run by a better copy of the same story (see the dedupe stage);
it is then retracted: removed from its shard when the run closes and recorded as a duplicate instead. Kept
articles that gained duplicates get their ``duplicates`` field filled in at the same time.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

from pipelines.dates import utc_now
from pipelines.extract.rights import signals_of
from pipelines.settings import from_settings
from pipelines.urls import domain_of
from pipelines.write.run_folder import (
    WriterConfig,
    crash_now,
    repair_run_files,
    warc_listing,
    write_json_atomic,
)
from pipelines.write.shards import (
    PART_SUFFIX,
    ShardInfo,
    ShardWriter,
    dumps,
    file_digest,
    iter_records,
    read_jsonl,
    rewrite_shard,
    shard_index,
)

logger = logging.getLogger(__name__)


def new_run_id(now: float | None = None) -> str:
    """A sortable, unique run id: UTC time plus a random suffix (two workers may start the same second)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"{stamp}-{secrets.token_hex(3)}"


class CorpusWriter:
    """Writes one run folder. Plain class: crawls, ``newscorpus dedupe`` and tests use it alike."""

    def __init__(self, run_dir: Path, config: WriterConfig | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.config = config or WriterConfig()
        self.started_at = utc_now()
        self.written = 0
        self.duplicates = 0
        self.rejected = 0
        self.per_domain: dict[str, Counter[str]] = defaultdict(Counter)
        self.rights: dict[str, Counter[str]] = defaultdict(Counter)
        self.rejected_reasons: Counter[str] = Counter()
        #: Rejections an earlier run recorded alike, by reason: counted, not written again.
        self.rejected_again: Counter[str] = Counter()
        self.duplicate_kinds: Counter[str] = Counter()
        self._retracted: dict[str, dict[str, Any]] = {}
        self._duplicate_ids: dict[str, list[str]] = defaultdict(list)
        self._shards: ShardWriter | None = None
        self._dup_fh: IO[str] | None = None
        self._rej_fh: IO[str] | None = None
        #: Distributed crawls: ids in this worker's shards. A retraction of an article another worker wrote
        #: is recorded here and applied by ``newscorpus merge``.
        self._own_ids: set[str] | None = set() if self.config.worker else None

    def open(self, resume: bool = False) -> None:
        """Start writing. With ``resume``, continue a run folder that an earlier process left: its finished
        shards are kept and counted, a shard it was writing is salvaged, and new shards follow them."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        existing = self._recover_files() if resume else []
        self._shards = ShardWriter(
            self.run_dir,
            self.config.shard_prefix,
            self.config.shard_max_bytes,
            self.config.compress,
            existing,
            before_rename=(lambda: crash_now("shard-rename"))
            if self.config.crash_at == "shard-rename"
            else None,
        )
        self._dup_fh = open(self.run_dir / self.config.file_name("duplicates"), "a", encoding="utf-8")  # noqa: SIM115
        self._rej_fh = open(self.run_dir / self.config.file_name("rejected"), "a", encoding="utf-8")  # noqa: SIM115

    def _recover_files(self) -> list[ShardInfo]:
        """Bring an interrupted run folder to a consistent state and load its counts."""
        prefix = self.config.shard_prefix
        repair_run_files(self.run_dir, prefix, self.config.worker)
        shards = []
        written_ids: set[str] = set()
        for path in sorted(self.run_dir.iterdir()):
            if shard_index(path.name, prefix) is None or path.name.endswith(PART_SUFFIX):
                continue
            lines = 0
            for record in iter_records(path):
                lines += 1
                written_ids.add(record.get("id") or "")
                if self._own_ids is not None:
                    self._own_ids.add(record.get("id") or "")
                self.per_domain[record.get("domain") or "?"]["written"] += 1
                self._count_rights(record)
            self.written += lines
            sha, size = file_digest(path)
            shards.append(ShardInfo(path.name, lines, size, sha))
        for record in read_jsonl(self.run_dir / self.config.file_name("duplicates")):
            retracted = record.get("id") in written_ids and record.get("id") != record.get("duplicate_of")
            self._note_duplicate(record, retracted)
        for record in read_jsonl(self.run_dir / self.config.file_name("rejected")):
            self._note_rejected(record)
        if shards:
            logger.info(
                "resuming %s: %d articles in %d shards already written",
                self.run_dir,
                self.written,
                len(shards),
            )
        return shards

    def write_article(self, record: dict[str, Any]) -> None:
        assert self._shards is not None, "open() first"
        self._shards.write(record)
        self.written += 1
        if self._own_ids is not None:
            self._own_ids.add(record.get("id") or "")
        if self.config.crash_at == f"line:{self.written}":
            crash_now(self.config.crash_at)
        self.per_domain[record.get("domain") or "?"]["written"] += 1
        self._count_rights(record)

    def _count_rights(self, record: dict[str, Any], step: int = 1) -> None:
        for signal in signals_of(record.get("rights")):
            self.rights[record.get("domain") or "?"][signal] += step

    def write_duplicate(self, record: dict[str, Any]) -> None:
        """Record a dropped copy; the kept article's ``duplicates`` field is filled in at close."""
        self._append(self._dup_fh, record)
        self._note_duplicate(record, retracted=False)

    def retract(self, article_id: str, duplicate: dict[str, Any]) -> None:
        """A written article turned out to be the lesser copy of a story: remove it at close.

        The retraction is the duplicate record itself (its ``id`` is in a shard), so a resumed or recovered
        run applies it too."""
        self._append(self._dup_fh, duplicate)
        self._note_duplicate(duplicate, retracted=self._own_ids is None or article_id in self._own_ids)

    def write_rejected(self, record: dict[str, Any]) -> None:
        self._append(self._rej_fh, record)
        self._note_rejected(record)

    def note_rejected_again(self, reason: str) -> None:
        self.rejected_again[reason] += 1

    def _note_duplicate(self, record: dict[str, Any], retracted: bool) -> None:
        self.duplicates += 1
        self.duplicate_kinds[record.get("kind") or "?"] += 1
        domain = record.get("domain") or "?"
        self.per_domain[domain]["duplicates"] += 1
        kept = record.get("duplicate_of")
        if retracted:
            self._retracted[record["id"]] = record
            self.written -= 1
            self.per_domain[domain]["written"] -= 1
        if retracted and kept:
            # Copies that pointed at the retracted article now point at its replacement.
            self._duplicate_ids[kept].extend(self._duplicate_ids.pop(record["id"], []))
        if kept and record.get("id"):
            self._duplicate_ids[kept].append(record["id"])

    def _note_rejected(self, record: dict[str, Any]) -> None:
        self.rejected += 1
        self.rejected_reasons[f"{record.get('stage')}/{record.get('reason')}"] += 1
        domain = record.get("domain") or (domain_of(record.get("url") or "") or "?")
        self.per_domain[domain]["rejected"] += 1

    def close(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Finish shards, apply retractions and duplicate lists, and write the manifest last."""
        shards = self._shards.close() if self._shards else []
        for fh in (self._dup_fh, self._rej_fh):
            if fh is not None:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
        shards = self._apply_edits(shards)
        manifest = {
            "run_id": self.run_dir.name,
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "counts": {
                "written": self.written,
                "duplicates": self.duplicates,
                "rejected": self.rejected,
                "rejected_by_reason": dict(sorted(self.rejected_reasons.items())),
                "rejected_again": dict(sorted(self.rejected_again.items())),
                "duplicates_by_kind": dict(sorted(self.duplicate_kinds.items())),
            },
            "per_domain": {d: dict(c) for d, c in sorted(self.per_domain.items())},
            "rights_per_domain": {d: dict(+c) for d, c in sorted(self.rights.items()) if +c},
            "shards": [s.as_dict() for s in shards],
            "duplicates_file": self.config.file_name("duplicates"),
            "rejected_file": self.config.file_name("rejected"),
        }
        if self.config.worker:
            manifest["worker"] = self.config.worker
        if warc := warc_listing(self.run_dir, self.config.worker):
            manifest["warc"] = warc
        manifest.update(extra or {})
        before = (lambda: crash_now("manifest")) if self.config.crash_at == "manifest" else None
        name = self.config.file_name("manifest", ".json")
        write_json_atomic(self.run_dir / name, manifest, before_rename=before)
        return manifest

    def _apply_edits(self, shards: list[ShardInfo]) -> list[ShardInfo]:
        if not self._retracted and not self._duplicate_ids:
            return shards
        compress = self.config.compress

        def edit(record: dict[str, Any]) -> dict[str, Any] | None:
            rid = record.get("id")
            if rid in self._retracted:
                self._count_rights(record, -1)
                return None
            if rid in self._duplicate_ids:
                earlier = record.get("duplicates") or {"count": 0, "ids": []}
                ids = list(dict.fromkeys([*earlier.get("ids", []), *self._duplicate_ids[rid]]))
                record["duplicates"] = {"count": len(ids), "ids": ids}
            return record

        return [rewrite_shard(self.run_dir / shard.name, compress, edit) for shard in shards]

    @staticmethod
    def _append(fh: IO[str] | None, record: dict[str, Any]) -> None:
        assert fh is not None, "open() first"
        fh.write(dumps(record) + "\n")
        fh.flush()


def writer_config(settings: Any, worker: str | None = None) -> WriterConfig:
    """The writer's settings; ``worker``: the worker of a distributed crawl this process is (its file names)."""
    return from_settings(
        WriterConfig, settings, worker=worker, shard_prefix=f"articles-{worker}" if worker else "articles"
    )
