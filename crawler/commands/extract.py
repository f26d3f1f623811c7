"""``newscorpus extract``: the crawl's extract, clean and language stages on saved pages.

- ``newscorpus extract PAGE.html --url URL`` prints the article record as JSON;
- ``newscorpus extract --batch IN.jsonl`` reads lines ``{"id": ..., "url": ..., "html": ...}`` and writes one record
  per input line to stdout, in input order, with the input's ``id``. A page that cannot be extracted still gets
  its line, with an empty ``text`` and an ``error`` field (``stage/reason: detail``).

The stages are the crawl's own (``pipelines.page_task.LocalChain``: extraction, the clean stage with site-level
line learning keyed by the URL's domain, the language stage's detection), so a saved page gives the record a crawl would have
written (``source`` is "saved").
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from pipelines.dates import utc_now
from pipelines.jsonl_input import BadLine, InputError, JsonlReader, check_input
from pipelines.record import DATE_HINT, DATE_HINT_SOURCE, HTML, PRUNE_SELECTORS, public_record

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", nargs="?", type=Path, help="a saved HTML page (with --url)")
    parser.add_argument("--url", help="the URL the page was fetched from")
    parser.add_argument(
        "--batch", type=Path, metavar="IN.jsonl", help='JSONL lines {"id", "url", "html"} ("-" for stdin)'
    )
    parser.add_argument(
        "--fetched-at", help="ISO time the pages were fetched (default: now); no date may be later"
    )
    parser.add_argument(
        "--prune",
        action="append",
        default=[],
        metavar="SELECTOR",
        help="extra CSS selector to prune (repeatable)",
    )
    parser.add_argument(
        "--no-site-learning", action="store_true", help="do not strip lines learned per domain"
    )
    parser.add_argument("--indent", type=int, default=None, help="pretty-print single-page output")


class Stages:
    """The crawl's extract, clean and language stages (``pipelines.page_task.LocalChain``), set up once for a
    whole batch (the site learning spans it)."""

    def __init__(self, prune: list[str] | None = None, site_learning: bool = True) -> None:
        from pipelines.clean.rules import CleanConfig
        from pipelines.clean.site_lines import BoilerplateConfig
        from pipelines.language.detect import LanguageConfig
        from pipelines.page_task import LocalChain

        self.prune = list(prune or [])
        learned = BoilerplateConfig() if site_learning else None
        self.chain = LocalChain(clean=CleanConfig(), learned=learned, language=LanguageConfig())

    def record(
        self, url: str, html: str | bytes, fetched_at: str, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The article record of one page; on a drop, the partial record with ``text`` empty and ``error`` set."""
        from pipelines.drops import Rejected

        item: dict[str, Any] = {"url": url, HTML: html, "fetched_at": fetched_at, "source": "saved"}
        if self.prune:
            item[PRUNE_SELECTORS] = self.prune
        item.update(extra or {})
        try:
            self.chain(item)
        except Rejected as exc:
            item["text"] = ""
            item["word_count"] = 0
            item["error"] = f"{exc.stage}/{exc.reason}" + (f": {exc.detail}" if exc.detail else "")
        except Exception as exc:  # one bad page must not end a batch
            logger.exception("extracting %s failed", url)
            item["text"] = ""
            item["word_count"] = 0
            item["error"] = f"internal/{type(exc).__name__}: {exc}"
        item.pop(HTML, None)
        return public_record(item)


def quiet_extractor_logs(verbose: int = 0) -> None:
    """trafilatura and htmldate warn on every page without text; the record's ``error`` already says it."""
    if verbose < 2:
        for name in ("trafilatura", "htmldate", "justext", "readability"):
            logging.getLogger(name).setLevel(logging.ERROR)


def run(args: argparse.Namespace) -> int:
    quiet_extractor_logs(getattr(args, "verbose", 0) or 0)
    fetched_at = args.fetched_at or utc_now()
    stages = Stages(args.prune, site_learning=not args.no_site_learning)
    if args.batch is not None:
        if args.page is not None:
            print("give either PAGE.html or --batch, not both", file=sys.stderr)
            return 2
        try:
            check_input(args.batch)
        except InputError as exc:
            print(f"newscorpus extract: {exc}", file=sys.stderr)
            return 2
        return _run_batch(args.batch, stages, fetched_at)
    if args.page is None or not args.url:
        print("usage: newscorpus extract PAGE.html --url URL | --batch IN.jsonl", file=sys.stderr)
        return 2
    try:
        html = args.page.read_bytes()
    except OSError as exc:
        print(f"cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    record = stages.record(args.url, html, fetched_at)
    print(json.dumps(record, ensure_ascii=False, indent=args.indent))
    return 1 if record.get("error") else 0


def _run_batch(path: Path, stages: Stages, fetched_at: str) -> int:
    """One output line per input line, in order; a bad input line gets its line with an ``error``; the summary
    goes to stderr. Exit 0 once the input was read to its end, bad lines included."""
    out = sys.stdout
    reader = JsonlReader()
    for number, data in reader.lines(path):
        if isinstance(data, BadLine):
            record: dict[str, Any] = {
                "id": None,
                "url": None,
                "text": "",
                "error": f"input/{data.code}: {data.reason}"
                + (f", {data.detail}" if data.detail else "")
                + f" (line {number})",
            }
        else:
            url = data.get("url") or ""
            html = data.get("html")
            if not isinstance(html, str) or not isinstance(url, str) or not url:
                record = {
                    "id": data.get("id"),
                    "url": url or None,
                    "text": "",
                    "error": f"input/missing: url and html are required (line {number})",
                }
            else:
                extra = {k: v for k, v in data.items() if k in (DATE_HINT, DATE_HINT_SOURCE)}
                record = stages.record(url, html, data.get("fetched_at") or fetched_at, extra)
                record.pop("id", None)
                record = {"id": data.get("id"), **record}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    print(f"newscorpus extract: {reader.summary()}", file=sys.stderr)
    return 0
