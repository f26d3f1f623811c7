"""Small run folders written by the real writer, for the report, export and dataset card tests.

Two runs of three outlets: copies across sites, a retraction (a kept article replaced by a better copy, with a
copy that pointed at it), a copy in the second run of a story kept in the first, rejections before and inside
the pipeline, and one update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.drops import duplicate_record
from pipelines.write.run_folder import WriterConfig
from pipelines.write.writer import CorpusWriter


def article(rid: str, domain: str, words: int, language: str = "en", **extra: Any) -> dict[str, Any]:
    record = {
        "id": rid,
        "url": f"https://{domain}/{rid}",
        "canonical_url": f"https://{domain}/{rid}",
        "domain": domain,
        "title": f"Story {rid}",
        "authors": ["A. Writer"],
        "date_published": "2026-11-10T08:00:00+00:00",
        "date_modified": None,
        "date_source": "json-ld",
        "language": language,
        "language_prob": 0.99,
        "declared_language": language,
        "text": " ".join(["word"] * words),
        "word_count": words,
        "site_name": domain,
        "tags": ["news"],
        "fetched_at": "2026-11-10T10:30:00+00:00",
        "source": "live",
    }
    record.update(extra)
    return record


def copy_of(item: dict[str, Any], kept: dict[str, Any], kind: str, score: float = 0.9) -> dict[str, Any]:
    return duplicate_record(item, kind, kept["id"], score, kept["url"])


def rejected(domain: str, stage: str, reason: str, n: int) -> dict[str, Any]:
    return {"url": f"https://{domain}/r{n}", "domain": domain, "stage": stage, "reason": reason, "detail": ""}


def finish(writer: CorpusWriter, fetched: int, articles: int) -> dict[str, Any]:
    stats = {"response_received_count": fetched, "newscorpus/fetched_articles": articles}
    return writer.close(
        {"status": "finished", "source": "live", "targets": ["https://a.example/"], "stats": stats}
    )


def two_runs(out: Path, compress: str | None = None) -> list[Path]:
    """``out/runs/run-1`` and ``out/runs/run-2``; returns their folders."""
    first = out / "runs" / "run-1"
    writer = CorpusWriter(first, WriterConfig(compress=compress))
    writer.open()
    a1 = article("a1", "a.example", 420)
    writer.write_article(a1)
    for n, words in enumerate((150, 260, 330, 610), start=2):
        writer.write_article(article(f"a{n}", "a.example", words))
    for n, words in enumerate((200, 240, 980), start=1):
        writer.write_article(article(f"b{n}", "b.example", words, "de", declared_language="de-DE"))
    c1 = article("c1", "c.example", 300, declared_language="fr")
    writer.write_article(c1)
    writer.write_duplicate(copy_of(article("b9", "b.example", 400), a1, "near"))
    writer.write_duplicate(copy_of(article("c9", "c.example", 420), a1, "exact", 1.0))
    # c1 was kept, then a better copy (a2) came: c1 is retracted, and c8, a copy of c1, now belongs to a2.
    a2 = {"id": "a2", "url": "https://a.example/a2"}
    writer.write_duplicate(copy_of(article("c8", "c.example", 300), c1, "reworded", 0.7))
    writer.retract("c1", copy_of(c1, a2, "near"))
    writer.write_rejected(rejected("a.example", "extract", "no-text", 1))
    writer.write_rejected(rejected("a.example", "fetch", "http-404", 2))
    writer.write_rejected(rejected("b.example", "quality", "too-short", 3))
    writer.write_rejected(rejected("c.example", "discover", "robots-disallowed", 4))
    finish(writer, fetched=30, articles=14)

    second = out / "runs" / "run-2"
    writer = CorpusWriter(second, WriterConfig(compress=compress))
    writer.open()
    writer.write_article(article("a7", "a.example", 500, date_published="2026-11-12T09:00:00+00:00"))
    writer.write_article(article("b4", "b.example", 90, "de", date_published=None, date_source=None))
    writer.write_duplicate(copy_of(article("b8", "b.example", 420), a1, "near"))
    writer.write_rejected(rejected("b.example", "fetch", "timeout", 5))
    finish(writer, fetched=8, articles=3)
    (second / "updates.jsonl").write_text(
        '{"id": "a1", "revision": 2, "url": "https://a.example/a1"}\n', encoding="utf-8"
    )
    return [first, second]
