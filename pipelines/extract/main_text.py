"""The article's main text from the pruned tree: trafilatura, and the fallback rule when it returns too little."""

from __future__ import annotations

import functools
import logging
import re
from copy import copy, deepcopy
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from pipelines.extract.config import ExtractConfig
from pipelines.extract.paragraphs import flattened, prose_chars, resegment, trim_new_edges

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


#: Text nodes of the body of at least 80 characters outside links: the prose of a page that does not mark its
#: paragraphs with ``<p>`` (table layouts, ``<br>`` runs, ``<div>`` text), selected in C.
_LONG_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[string-length(normalize-space()) >= 80][not(ancestor::a)]"
)


def _text_node_chars(tree: lxml_html.HtmlElement) -> int:
    return sum(len(" ".join(node.split())) for node in _LONG_TEXTS(tree))


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


def accept_candidate(candidate: str, current: str) -> str | None:
    """The fallback ``candidate`` as it may replace ``current``, or None when it may not.

    Weighed on paragraph-level features (``pipelines.extract.paragraphs``): a flattened candidate is cut back into
    paragraphs first, and lines it adds above or below the text ``current`` has are kept only when they are prose.
    It is taken when it is then at least 10% longer and either holds 90% of ``current``'s 4-word shingles (it adds
    what the first pass cut) or, when ``current`` is mostly not prose (the first pass took the wrong block: a
    fixtures table, a menu), has more than twice its prose. An article is never swapped for other prose."""
    if flattened(candidate, current):
        candidate = resegment(candidate, current)
    candidate = trim_new_edges(candidate, current)
    if flattened(candidate, current) or len(candidate) <= len(current) * 1.1:
        return None
    if covers(candidate, current, 0.9):
        return candidate
    mine = prose_chars(current)
    if mine < 0.5 * len(current) and prose_chars(candidate) > 2 * mine:
        return candidate
    return None


def _main_text(tree: lxml_html.HtmlElement, url: str, config: ExtractConfig) -> str:
    """trafilatura's text, with the fallback rule.

    The first pass is trafilatura in precision mode without its own fallbacks (``fast``): our pruning already
    did the work its readability/justext comparison does on most pages, at a fraction of the time.

    The yardstick of "too short" is the page's prose: its ``<p>`` paragraphs of 80 characters or more, or, on a
    page that holds less than ``text_node_share`` of its long text nodes in such paragraphs (a table layout, text
    in ``<div>`` or between ``<br>``), those text nodes.

    Rule: when the first text is shorter than ``fallback_ratio`` of the yardstick or than ``confident_chars``,
    precision mode is run again with trafilatura's own fallbacks, and its text is taken when longer. When the text
    is still shorter than ``fallback_ratio`` of the yardstick, the other extractors are tried in order:
    trafilatura's balanced mode, its recall mode, then its baseline (JSON-LD ``articleBody`` or all paragraphs;
    not on a page without paragraph markup, where it is one line of the whole page). A candidate replaces the
    current text only as ``accept_candidate`` allows. The search stops at the first text that is long enough.

    The balanced candidate runs without trafilatura's readability/justext comparison (``fast``). That
    comparison has already had its say in the second pass; in balanced mode it differs only in giving
    readability a less pruned tree and takes about 25 ms more a page. The recall candidate keeps it: its
    rules are the lenient ones, which take readability's text where it is half as long again.
    """
    text = _trafilatura_text(tree, url, favor_precision=config.favor_precision, fast=config.fast)
    if not config.fallback:
        return text
    yardstick = _paragraph_chars(tree)
    with_baseline = True
    nodes = _text_node_chars(tree)
    if yardstick < config.text_node_share * nodes:
        yardstick, with_baseline = nodes, False
    short = config.fallback_ratio * yardstick
    if config.fast and len(text) < max(short, config.confident_chars):
        # Same mode with trafilatura's own readability/justext comparison: its judgement, taken as is.
        slow = _trafilatura_text(tree, url, favor_precision=config.favor_precision)
        if len(slow) > len(text):
            text = slow
    if len(text) >= short:
        return text
    candidates: list[Any] = [{"fast": True}] if config.favor_precision else []
    candidates += [{"favor_recall": True}] + (["baseline"] if with_baseline else [])
    for how in candidates:
        other = _baseline_text(tree) if how == "baseline" else _trafilatura_text(tree, url, **how)
        taken = accept_candidate(other, text)
        if taken is not None:
            text = taken
            if len(text) >= short:
                break
    return text
