"""The article's main text from the pruned tree: trafilatura, and the fallback rule when it returns too little."""

from __future__ import annotations

import functools
import logging
import re
from copy import copy, deepcopy
from typing import Any

from lxml import html as lxml_html

from pipelines.extract.config import ExtractConfig

logger = logging.getLogger(__name__)


#: ``bare_extraction``'s keyword names for the extraction modes, as trafilatura's ``Extractor`` names them.
_MODE_NAMES = {"favor_precision": "precision", "favor_recall": "recall", "fast": "fast"}


@functools.lru_cache(maxsize=16)
def _extractor(modes: tuple[tuple[str, Any], ...]) -> Any:
    """trafilatura's options for one mode, built once a process.

    Why: ``bare_extraction`` builds its ``Extractor`` at every call, reading eight values from its config
    parser, about 0.2 ms a call. Given one, it uses it as is; each call gets a copy with its own URL (the only
    option that differs from page to page)."""
    from trafilatura.settings import Extractor

    named = {_MODE_NAMES[key]: value for key, value in modes}
    return Extractor(output_format="python", comments=False, tables=True, with_metadata=False, **named)


def _trafilatura_text(tree: lxml_html.HtmlElement, url: str, **modes: Any) -> str:
    import trafilatura

    options = copy(_extractor(tuple(sorted(modes.items()))))
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8") if url else url
    try:
        document = trafilatura.bare_extraction(tree, url=url, options=options)
    except Exception:  # trafilatura on odd markup: treat as "no text", the caller decides the drop
        logger.debug("trafilatura failed on %s", url, exc_info=True)
        return ""
    if document is None:
        return ""
    text = document.text if not isinstance(document, dict) else document.get("text")
    return (text or "").strip()


def _paragraph_chars(tree: lxml_html.HtmlElement) -> int:
    """Characters of the page's prose paragraphs, the yardstick for "the extraction is too short"."""
    total = 0
    for p in tree.iter("p"):
        n = len(" ".join((p.text_content() or "").split()))
        if n >= 80:
            total += n
    return total


def _baseline_text(tree: lxml_html.HtmlElement) -> str:
    """trafilatura's baseline: JSON-LD ``articleBody`` when the page has one, else all paragraph text."""
    from trafilatura import baseline

    try:
        _, text, _ = baseline(deepcopy(tree))
    except Exception:  # the baseline is a last resort; failing here only means no fallback text
        logger.debug("baseline failed", exc_info=True)
        return ""
    return (text or "").strip()


_WORD = re.compile(r"\w+")


def _shingle_set(text: str) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    return {tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3))} if tokens else set()


def covers(candidate: str, text: str, share: float) -> bool:
    """True when ``candidate`` holds at least ``share`` of ``text``'s 4-word shingles."""
    mine = _shingle_set(text)
    if not mine:
        return True
    return len(mine & _shingle_set(candidate)) >= share * len(mine)


def _main_text(tree: lxml_html.HtmlElement, url: str, config: ExtractConfig) -> str:
    """trafilatura's text, with the fallback rule.

    The first pass is trafilatura in precision mode without its own fallbacks (``fast``): our pruning already
    did the work its readability/justext comparison does on most pages, at a fraction of the time.

    Rule: when that text is shorter than ``fallback_ratio`` of the page's prose paragraphs or than
    ``confident_chars``, precision mode is run again with trafilatura's own fallbacks, and its text is taken
    when longer. When the text is still shorter than ``fallback_ratio`` of the prose, the other extractors are
    tried in order: trafilatura's balanced mode, its recall mode, then its baseline (JSON-LD ``articleBody`` or
    all paragraphs). A candidate replaces the current text only when it is at least 10% longer *and* holds at least
    90% of the current text's 4-word shingles: the fallback may add the paragraphs the first pass cut, never
    swap the article for something else. The search stops at the first text that is long enough.

    The balanced candidate runs without trafilatura's readability/justext comparison (``fast``). That
    comparison has already had its say in the second pass; in balanced mode it differs only in giving
    readability a less pruned tree and takes about 25 ms more a page. The recall candidate keeps it: its
    rules are the lenient ones, which take readability's text where it is half as long again. On the 181
    scrapinghub pages, the balanced candidate's text was the same with and without the comparison on every
    page that reached it.
    """
    text = _trafilatura_text(tree, url, favor_precision=config.favor_precision, fast=config.fast)
    if not config.fallback:
        return text
    yardstick = _paragraph_chars(tree)
    short = config.fallback_ratio * yardstick
    if config.fast and len(text) < max(short, config.confident_chars):
        # Same mode with trafilatura's own readability/justext comparison: its judgement, taken as is.
        slow = _trafilatura_text(tree, url, favor_precision=config.favor_precision)
        if len(slow) > len(text):
            text = slow
    if len(text) >= short:
        return text
    candidates: list[Any] = [{"fast": True}] if config.favor_precision else []
    candidates += [{"favor_recall": True}, "baseline"]
    for how in candidates:
        other = _baseline_text(tree) if how == "baseline" else _trafilatura_text(tree, url, **how)
        if len(other) > len(text) * 1.1 and covers(other, text, 0.9):
            text = other
            if len(text) >= short:
                break
    return text
