"""HTML pruning before extraction: remove clutter containers the page itself labels as clutter.

Why before trafilatura and not after: in the HTML a related-stories box is still a box, with a class name, a
heading and a list of links; once extracted it is a run of lines that look like any others. trafilatura drops
much of this already, but keeps boxes whose text is long (teasers with snippets) or whose markup looks like
article markup.

Three passes, all guarded so the element that holds most of the page's paragraph text (the article body) and
its ancestors are never removed:

1. per-site CSS selectors from the site profile (trusted: only the guard applies);
2. generic containers whose class, id, role or aria-label names clutter (related, recommended, comments,
   share, social, newsletter, promo, subscribe, cookie, breadcrumb, ...);
3. teaser blocks: a block introduced by a "Related articles" / "More stories" / "Read more" style heading, or a
   list of at least three sibling cards that each link to another page with a short snippet.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence

from lxml import etree
from lxml import html as lxml_html

from pipelines.extract.clutter_labels import is_clutter_label
from pipelines.extract.config import PruneConfig
from pipelines.extract.measure import PRUNABLE_TAGS, Measure, element_text_len
from pipelines.extract.teasers import teaser_blocks

logger = logging.getLogger(__name__)


def _remove(el: etree._Element) -> None:
    """Drop an element but keep its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _label(el: etree._Element) -> str:
    get = el.get
    return " ".join(filter(None, (get("class"), get("id"), get("role"), get("aria-label"))))


def prune_tree(
    tree: lxml_html.HtmlElement,
    selectors: Sequence[str] = (),
    config: PruneConfig | None = None,
    url: str | None = None,
) -> dict[str, int]:
    """Remove clutter from ``tree`` in place; returns how many elements each pass removed."""
    config = config or PruneConfig()
    guard = Measure(tree, config.guard_share)
    counts = {"selector": 0, "generic": 0, "teaser": 0}

    def drop(el: etree._Element, kind: str, cards: bool = False) -> bool:
        if el.getparent() is None or (guard.protected_teaser(el) if cards else guard.protected(el)):
            return False
        if kind == "generic" and guard.holds_prose(el):
            return False
        guard.forget(el)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("prune %s <%s %s> %d chars", kind, el.tag, _label(el)[:80], element_text_len(el))
        _remove(el)
        counts[kind] += 1
        return True

    for selector in selectors:
        compiled = compile_selector(selector)
        if compiled is None:
            continue
        for el in compiled(tree):
            drop(el, "selector")

    if config.generic:
        for el in list(_generic_candidates(tree)):
            if el.getparent() is not None and _is_detached(el, tree) is False:
                drop(el, "generic")

    if config.teasers:
        for el, cards in list(teaser_blocks(tree, config, url, guard)):
            if el.getparent() is not None and _is_detached(el, tree) is False:
                drop(el, "teaser", cards)
    return counts


@functools.lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath | None:
    """A profile's CSS selector as compiled XPath, once per process; a bad one is reported once and skipped."""
    try:
        from lxml.cssselect import CSSSelector

        return CSSSelector(selector, translator="html")
    except Exception:  # a bad selector in a profile must not stop the crawl
        logger.warning("invalid prune selector %r: skipped", selector)
        return None


def _is_detached(el: etree._Element, root: etree._Element) -> bool:
    """An element whose ancestor was removed earlier in the pass is already gone."""
    parent = el
    while parent is not None:
        if parent is root:
            return False
        parent = parent.getparent()
    return True


def _generic_candidates(tree: lxml_html.HtmlElement) -> Iterable[etree._Element]:
    for el in tree.iter(*PRUNABLE_TAGS):
        label = _label(el)
        if label and is_clutter_label(label):
            yield el
