"""``newscorpus dedupe IN.jsonl... --out DIR``: the dedupe stage over existing JSONL files.

For one-off corpus builds: any JSONL with a text field and an id or URL field (named by options), our own
corpus shards included. Signatures are computed on the text after the project's text-level clean-up
(furniture lines, teaser blocks), as a crawl does; the kept records are written as given, or with the cleaned
text with ``--clean``. The keep rule applies over the whole input, not first come: a better copy read later
replaces the one written earlier when the run folder is closed.

Output, as a crawl writes it: ``DIR/articles-*.jsonl``, ``DIR/duplicates.jsonl``, ``DIR/manifest.json``.
A record that lacks an ``id`` gets one (from the id field, the URL or the text), since the writer needs it to
remove replaced copies and to list each kept article's duplicates.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from crawler.commands.options import add_set_option, apply_set_options, check_output_folder
from pipelines.jsonl_input import BadLine, InputError, JsonlReader, check_input
from pipelines.record import SOURCE_PRIORITY
from pipelines.urls import domain_of

logger = logging.getLogger(__name__)

#: The longest text deduplicated (characters): extract's page cap, 8 MB.
MAX_TEXT_CHARS = 8 << 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", type=Path, metavar="IN.jsonl", help="JSONL files (.gz/.zst too)")
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="folder to write the corpus to"
    )
    parser.add_argument("--text-field", default="text", help="field holding the text (default: text)")
    parser.add_argument("--id-field", default="id", help="field holding a stable id (default: id)")
    parser.add_argument("--url-field", default="url", help="field holding the URL (default: url)")
    parser.add_argument(
        "--clean", action="store_true", help="write the cleaned text instead of the text as given"
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="keep the index in DIR/dedupe.sqlite, so a later run drops copies of what this one kept",
    )
    parser.add_argument(
        "--max-text-chars", type=int, default=MAX_TEXT_CHARS, metavar="N",
        help=f"skip (and count) a text longer than this (default {MAX_TEXT_CHARS:,}, as extract's page cap)",
    )  # fmt: skip
    add_set_option(parser)  # NEWSCORPUS_DEDUP_* thresholds


def load_cleaner() -> Callable[[str], str]:
    """The clean stage's ``clean_text``, or the identity (with a warning) in an install without it."""
    try:
        from pipelines.clean.rules import clean_text
    except ImportError:
        logger.warning(
            "pipelines.clean.rules.clean_text not available: signatures computed on the texts as given"
        )
        return lambda text: text
    return clean_text


def _records(reader: JsonlReader, paths: list[Path]) -> Iterator[tuple[Path, int, dict[str, Any] | BadLine]]:
    for path in paths:
        for number, record in reader.lines(path):
            yield path, number, record


def run(args: argparse.Namespace) -> int:
    from scrapy.settings import Settings

    from pipelines.dedupe.config import DedupeConfig
    from pipelines.dedupe.deduplicator import Deduplicator, open_index
    from pipelines.record import article_id
    from pipelines.settings import from_settings
    from pipelines.write.card import write_dataset_card
    from pipelines.write.writer import CorpusWriter

    try:
        for path in args.inputs:
            check_input(path)
    except InputError as exc:
        print(f"newscorpus dedupe: {exc}", file=sys.stderr)
        return 2
    try:
        check_output_folder(args.out)
    except ValueError as exc:
        print(f"newscorpus dedupe: {exc}", file=sys.stderr)
        return 2
    if args.max_text_chars < 1:
        print("newscorpus dedupe: --max-text-chars must be at least 1", file=sys.stderr)
        return 2
    try:
        config = from_settings(DedupeConfig, apply_set_options(Settings(), args.settings))
    except ValueError as exc:
        print(f"newscorpus dedupe: {exc}", file=sys.stderr)
        return 2
    clean = load_cleaner()
    dedup = Deduplicator(config, open_index(args.state_dir))
    writer = CorpusWriter(args.out)
    writer.open()
    reader = JsonlReader()
    bad = reader.bad
    try:
        for path, number, record in _records(reader, list(args.inputs)):
            if isinstance(record, BadLine):
                continue
            text = record.get(args.text_field)
            if not isinstance(text, str) or not text.strip():
                bad["missing text"] += 1
                logger.debug("%s:%d: no text in field %r", path, number, args.text_field)
                continue
            if len(text) > args.max_text_chars:
                # Shingling a text costs memory in proportion to its length: 100 million characters took 8 GB.
                bad["text too long"] += 1
                logger.debug("%s:%d: text of %d characters over the cap", path, number, len(text))
                continue
            cleaned = clean(text)
            if not cleaned.strip():
                bad["empty after clean-up"] += 1
                continue
            url = record.get(args.url_field)
            rid = record.get(args.id_field)
            if not rid:
                rid = article_id(str(url)) if url else article_id("text:" + cleaned)
            rid = str(rid)
            view = _view(record, rid, url, cleaned)
            decision = dedup.check(view)
            if not decision.keep:
                writer.write_duplicate(decision.drop().record(view))
                continue
            for duplicate in decision.retract:
                writer.retract(duplicate["id"], duplicate)
            out = dict(record)
            out.setdefault("id", rid)
            if args.clean:
                out[args.text_field] = cleaned
            writer.write_article(out)
    finally:
        dedup.close()
        manifest = writer.close(
            {
                "source": "dedupe",
                "inputs": [str(p) for p in args.inputs],
                "read": reader.read,
                "bad_lines": sum(bad.values()),
                "bad_lines_by_reason": dict(sorted(bad.items())),
                "dedupe": dict(dedup.counts),
            }
        )
    write_dataset_card(args.out, manifest)
    counts = manifest["counts"]
    kinds = ", ".join(f"{k} {v}" for k, v in counts["duplicates_by_kind"].items()) or "none"
    print(
        f"read {reader.read} lines: kept {counts['written']}, duplicates {counts['duplicates']} ({kinds}), "
        f"bad lines {sum(bad.values())}"
        + (f" ({', '.join(f'{k} {v}' for k, v in sorted(bad.items()))})" if bad else "")
    )
    print(f"written to {args.out}")
    return 0


def _view(record: dict[str, Any], rid: str, url: Any, text: str) -> dict[str, Any]:
    """The record as the dedupe stage reads it: our schema's names, the cleaned text."""

    url = str(url) if url else None
    return {
        "id": rid,
        "url": url,
        "domain": record.get("domain") or (domain_of(url) if url else None) or None,
        "title": record.get("title"),
        "text": text,
        "language": record.get("language") or "en",
        "date_published": record.get("date_published"),
        SOURCE_PRIORITY: record.get(SOURCE_PRIORITY) or 0,
    }
