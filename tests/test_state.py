from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.state.incremental import Decision, RevisitPolicy, decide
from crawler.state.recovery import recover_run, sync_state_from_run
from crawler.state.sqlite import DUPLICATE, REJECTED, WRITTEN, CrawlState, SeenPage, StateLocked
from pipelines.drops import duplicate_record
from pipelines.text_stats import revision_digest
from pipelines.write.shards import PART_SUFFIX, iter_records, salvage_part, truncate_torn_line
from pipelines.write.writer import CorpusWriter

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def seen(**fields: object) -> SeenPage:
    base = dict(
        url="https://x.example/a",
        outcome=WRITTEN,
        article_id="id1",
        fingerprint="fp",
        lastmod="2026-11-20T00:00:00+00:00",
        date_published="2026-11-20T00:00:00+00:00",
        fetched_at="2026-11-20T06:00:00+00:00",
        run_id="r1",
        revision=1,
    )
    base.update(fields)
    return SeenPage(**base)  # type: ignore[arg-type]


def test_decisions() -> None:
    policy = RevisitPolicy()
    assert decide(None, None, NOW, policy) is Decision.NEW
    assert decide(seen(), None, NOW, policy) is Decision.SKIP
    assert decide(seen(), "2026-11-20T00:00:00Z", NOW, policy) is Decision.SKIP
    assert decide(seen(), "2026-11-22T00:00:00Z", NOW, policy) is Decision.UPDATE
    # A later date than the one recorded (a plain sitemap's lastmod after a news sitemap's publication date),
    # but earlier than the fetch: the page fetched was already that version.
    assert decide(seen(), "2026-11-20T03:00:00Z", NOW, policy) is Decision.SKIP
    assert decide(seen(outcome=REJECTED, article_id=None), "2026-11-22", NOW, policy) is Decision.SKIP
    revisit = RevisitPolicy(revisit_after=timedelta(days=2))
    assert decide(seen(), None, NOW, revisit) is Decision.UPDATE
    assert decide(seen(fetched_at="2026-11-22T12:00:00+00:00"), None, NOW, revisit) is Decision.SKIP
    old = seen(date_published="2026-10-01T00:00:00+00:00", fetched_at="2026-10-01T06:00:00+00:00")
    assert decide(old, None, NOW, revisit) is Decision.SKIP


def test_fingerprint_ignores_whitespace_only() -> None:
    assert revision_digest("a  b\nc") == revision_digest("a b c ")
    assert revision_digest("a b c") != revision_digest("a b d")


def test_state_lock_and_persistence(tmp_path: Path) -> None:
    state = CrawlState.open(tmp_path)
    with pytest.raises(StateLocked, match="in use"):
        CrawlState.open(tmp_path)
    state.record(
        ["https://x.example/a#top", "https://x.example/a-canonical"], WRITTEN, article_id="id1", run_id="r1"
    )
    state.begin_run("r1", str(tmp_path / "runs" / "r1"))
    state.finish_run("r1", "finished", {"written": 1})
    state.close()
    reopened = CrawlState.open(tmp_path)
    assert reopened.lookup("https://x.example/a").article_id == "id1"
    assert reopened.lookup("https://x.example/a-canonical").outcome == WRITTEN
    assert reopened.runs()[0]["counts"] == {"written": 1}
    reopened.close()


def article(n: int) -> dict:
    return {"id": f"id{n}", "url": f"https://x.example/{n}", "domain": "x.example", "text": f"story {n}"}


def test_salvage_keeps_complete_lines_of_a_torn_shard(tmp_path: Path) -> None:
    part = tmp_path / ("articles-00000.jsonl" + PART_SUFFIX)
    lines = [json.dumps(article(n)) for n in range(3)]
    part.write_text("\n".join(lines) + '\n{"id": "id3", "url": "https://x.ex', encoding="utf-8")
    info = salvage_part(part)
    assert info is not None and info.lines == 3
    assert [r["id"] for r in iter_records(tmp_path / "articles-00000.jsonl")] == ["id0", "id1", "id2"]
    assert not part.exists()


def test_salvage_of_a_truncated_gzip_shard(tmp_path: Path) -> None:
    data = gzip.compress("".join(json.dumps(article(n)) + "\n" for n in range(50)).encode())
    part = tmp_path / ("articles-00000.jsonl.gz" + PART_SUFFIX)
    part.write_bytes(data[: len(data) * 2 // 3])
    info = salvage_part(part)
    assert info is not None and 0 < info.lines < 50
    assert all(r["id"].startswith("id") for r in iter_records(tmp_path / "articles-00000.jsonl.gz"))


def test_truncate_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "rejected.jsonl"
    path.write_text('{"a": 1}\n{"b": ', encoding="utf-8")
    assert truncate_torn_line(path) == len('{"b": ')
    assert path.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert truncate_torn_line(path) == 0


def test_recovery_applies_retractions_and_syncs_state(tmp_path: Path) -> None:
    run_dir = tmp_path / "runs" / "r1"
    writer = CorpusWriter(run_dir)
    writer.open()
    for n in range(3):
        writer.write_article(article(n))
    writer.retract("id0", duplicate_record(article(0), "reworded", "id2", 0.7))
    writer.write_duplicate(duplicate_record(article(9), "exact", "id1", 1.0))
    writer.write_rejected({"url": "https://x.example/short", "stage": "quality", "reason": "too-short"})
    # The process dies here: no close(), the shard is still a .part file.
    writer._shards._fh.flush()  # type: ignore[union-attr]
    state = CrawlState.open(tmp_path / "state")
    state.begin_run("r1", str(run_dir))
    manifest = recover_run(state, "r1", run_dir)
    assert manifest["status"] == "interrupted"
    records = [r for s in manifest["shards"] for r in iter_records(run_dir / s["name"])]
    assert [r["id"] for r in records] == ["id1", "id2"]
    assert records[0]["duplicates"]["ids"] == ["id9"]
    assert state.lookup("https://x.example/0").outcome == DUPLICATE
    assert state.lookup("https://x.example/1").outcome == WRITTEN
    assert state.lookup("https://x.example/9").outcome == DUPLICATE
    assert state.lookup("https://x.example/short").outcome == REJECTED
    assert state.runs()[0]["status"] == "interrupted"
    # Recovery is idempotent.
    assert sync_state_from_run(state, run_dir, "r1") == 5
    state.close()


def test_resumed_writer_continues_numbering(tmp_path: Path) -> None:
    from pipelines.write.run_folder import WriterConfig

    run_dir = tmp_path / "run"
    first = CorpusWriter(run_dir, WriterConfig(shard_max_bytes=100))  # two ~70-byte lines a shard
    first.open()
    for n in range(2):
        first.write_article(article(n))
    first.write_article(article(2))  # left in a .part file: the process "dies"
    first._shards._fh.flush()  # type: ignore[union-attr]
    second = CorpusWriter(run_dir, WriterConfig(shard_max_bytes=100))
    second.open(resume=True)
    assert second.written == 3
    second.write_article(article(3))
    manifest = second.close()
    names = [s["name"] for s in manifest["shards"]]
    assert names == [f"articles-{i:05d}.jsonl" for i in range(3)]
    assert manifest["counts"]["written"] == 4


def test_recovery_forgets_a_copy_dropped_for_an_article_the_run_never_wrote(tmp_path: Path) -> None:
    """Killed between the dedupe and the write of an article, after a copy of it was dropped: the next run
    must write the article, not drop it as a copy of the copy that was never written."""
    from pipelines.dedupe.config import DedupeConfig
    from pipelines.dedupe.deduplicator import Deduplicator, open_index
    from tests.test_dedupe import first_paragraphs, item, story

    config = DedupeConfig()
    params = config.fingerprint_config().params()
    state = CrawlState.open(tmp_path / "state")
    run_dir = tmp_path / "runs" / "dead"
    state.begin_run("dead", str(run_dir))
    kept, copy = item("kept", story("bridge-1")), item("copy", first_paragraphs(story("bridge-1"), 0.7))
    dedup = Deduplicator(config, open_index(state.folder), "dead")
    assert dedup.check(kept).keep
    dropped = dedup.check(copy)
    assert (dropped.kind, dropped.duplicate_of) == ("near", "kept")
    dedup.close()
    writer = CorpusWriter(run_dir)
    writer.open()
    writer.write_duplicate(duplicate_record(copy, dropped.kind, "kept", dropped.score))
    # The process dies here: the kept article never reached its shard.
    recover_run(state, "dead", run_dir, dedupe_params=params)
    state.close()
    again = Deduplicator(config, open_index(tmp_path / "state"), "next")
    decision = again.check(kept)
    again.close()
    assert (decision.kind, decision.keep) == ("new", True)
