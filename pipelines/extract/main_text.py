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
from pipelines.extract.paragraphs import flattened, is_prose, prose_chars, resegment, trim_new_edges

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")

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


def long_runs(tree: lxml_html.HtmlElement) -> list[str]:
    """The page's long text runs (``_LONG_TEXTS``), whitespace collapsed."""
    return [" ".join(node.split()) for node in _LONG_TEXTS(tree)]


def _words_key(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.lower())) + " "


def coverage(text: str, runs: list[str]) -> float:
    """The share of the characters of ``runs`` (the page's long text runs) that ``text`` holds.

    A run counts when its words, less the first and the last, are in ``text`` in order: an extractor keeps a
    run's words but may change its spacing and punctuation, and a drop cap or a word split by markup changes the
    run's first or last word."""
    total = sum(len(run) for run in runs)
    if not total:
        return 0.0
    held = _words_key(text)
    found = 0
    for run in runs:
        words = _WORD.findall(run.lower())[1:-1]
        if words and " " + " ".join(words) + " " in held:
            found += len(run)
    return found / total


def _baseline_text(tree: lxml_html.HtmlElement) -> str:
    """trafilatura's baseline: JSON-LD ``articleBody`` when the page has one, else all paragraph text."""
    from trafilatura import baseline

    try:
        _, text, _ = baseline(deepcopy(tree))
    except Exception:  # the baseline is a last resort; failing here only means no fallback text
        logger.debug("baseline failed", exc_info=True)
        return ""
    return (text or "").strip()


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
    """trafilatura's text, with the fallback rule and the coverage rescue.

    The first pass is trafilatura in precision mode without its own fallbacks (``fast``): our pruning already
    did the work its readability/justext comparison does on most pages, at a fraction of the time.

    The yardstick of "too short" is the page's prose: its ``<p>`` paragraphs of 80 characters or more, or, on a
    page that holds less than ``text_node_share`` of its long text runs in such paragraphs (a table layout, text
    in ``<div>`` or between ``<br>``), those runs.

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

    Then the coverage rescue (``_rescue``): a text that holds little of the page's long text runs was taken from
    the wrong block, however long it is.
    """
    runs: dict[tuple[tuple[str, Any], ...], str] = {}

    def run(**modes: Any) -> str:
        key = tuple(sorted(modes.items()))
        if key not in runs:
            runs[key] = _trafilatura_text(tree, url, **modes)
        return runs[key]

    text = run(favor_precision=config.favor_precision, fast=config.fast)
    if not config.fallback:
        return text
    yardstick = _paragraph_chars(tree)
    with_baseline = True
    texts = long_runs(tree)
    nodes = sum(map(len, texts))
    if yardstick < config.text_node_share * nodes:
        yardstick, with_baseline = nodes, False
    short = config.fallback_ratio * yardstick
    if config.fast and len(text) < max(short, config.confident_chars):
        # Same mode with trafilatura's own readability/justext comparison: its judgement, taken as is.
        slow = run(favor_precision=config.favor_precision)
        if len(slow) > len(text):
            text = slow
    if len(text) < short:
        candidates: list[Any] = [{"fast": True}] if config.favor_precision else []
        candidates += [{"favor_recall": True}] + (["baseline"] if with_baseline else [])
        for how in candidates:
            other = _baseline_text(tree) if how == "baseline" else run(**how)
            taken = accept_candidate(other, text)
            if taken is not None:
                text = taken
                if len(text) >= short:
                    break
    if config.rescue or config.recall_rescue:
        text = _rescue(text, texts, run, config)
    return text


#: The coverage rescue: a text holding at most ``RESCUE_BELOW`` of the page's long text runs is replaced by a
#: candidate holding at least ``RESCUE_ABOVE`` of them and ``RESCUE_GAIN`` more than it.
RESCUE_BELOW = 0.4
RESCUE_ABOVE = 0.7
RESCUE_GAIN = 0.4
#: The recall rescue: a text holding at most ``RECALL_BELOW`` of the runs is extended by a candidate
#: (``RECALL_CANDIDATES``: trafilatura's recall mode, run on about one page in five) that holds it
#: (``accept_candidate``), at least ``RECALL_GAIN`` more of the runs and ``RECALL_MIN_CHARS`` more characters,
#: ``RECALL_PROSE_SHARE`` of them in prose lines and list items (``_body_chars``).
RECALL_BELOW = 0.9
RECALL_GAIN = 0.1
RECALL_MIN_CHARS = 250
RECALL_PROSE_SHARE = 0.6
RECALL_CANDIDATES: tuple[dict[str, bool], ...] = ({"favor_recall": True},)


def _body_chars(text: str) -> int:
    """Characters of the text's prose lines and list items: what an article's sections are made of."""
    return sum(len(line) for line in text.splitlines() if line.startswith("- ") or is_prose(line))


def _rescue(text: str, texts: list[str], run: Any, config: ExtractConfig) -> str:
    """The text, or a candidate that holds far more of the page's long text runs.

    Why: the first pass and the fallback weigh a candidate against the text already chosen; when that text came
    from the wrong block (a summary box, a header, a teaser above the article) and reads as prose, no candidate
    that does not contain it is taken, and the article is lost. The runs of 80 characters or more outside links
    are where a page's article is (``long_runs``): a text that holds few of them while another extractor's holds
    most is the wrong block. Measured on the three benchmark sets (``benchmarks/extraction.py --ablate``): the
    candidates are trafilatura's balanced and recall modes and its precision mode, each with its
    readability/justext comparison, run on the few pages (about one in twenty-five) whose text holds little.

    The recall rescue (``recall_rescue``): precision mode also drops whole sections of an article it has found
    (a run of paragraphs it scores as boilerplate), and the text, long enough for the fallback, holds only half
    of the page's runs. The recall mode's text (with trafilatura's readability/justext comparison; the balanced
    mode without it most often lacks the same section) takes its place when it keeps the text (as
    ``accept_candidate`` weighs it: its shingles, its new edge lines prose), holds ``RECALL_GAIN`` more of the
    runs and adds mostly prose or list items (not a table of ads, not a standfirst alone)."""
    mine = coverage(text, texts)
    if not texts:
        return text
    best, held = text, mine
    if config.rescue and mine <= RESCUE_BELOW:
        for how in ({}, {"favor_recall": True}, {"favor_precision": config.favor_precision}):
            other = run(**how)
            share = coverage(other, texts)
            if share >= RESCUE_ABOVE and share >= mine + RESCUE_GAIN and share > held:
                best, held = other, share
    # The runs the text lacks must hold the characters a candidate has to add (a pass saved on the other pages).
    missing = (1 - held) * sum(map(len, texts))
    if config.recall_rescue and held <= RECALL_BELOW and missing >= RECALL_MIN_CHARS:
        current, body = best, _body_chars(best)
        for how in RECALL_CANDIDATES:
            taken = accept_candidate(run(**how), current)
            if taken is None or len(taken) < len(current) + RECALL_MIN_CHARS:
                continue
            if _body_chars(taken) - body >= RECALL_PROSE_SHARE * (len(taken) - len(current)):
                share = coverage(taken, texts)
                if share >= held + RECALL_GAIN:
                    best, held = taken, share
                    if held > RECALL_BELOW:
                        break
    return best
