"""Teaser blocks: a block introduced by a "Related articles" style heading, or a list of sibling cards that each link
to another page with a short snippet.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from pipelines.extract.clutter_labels import TEASER_HEADING_RE
from pipelines.extract.config import PruneConfig
from pipelines.extract.measure import HEADING_TAGS, Measure, has_descendant

logger = logging.getLogger(__name__)


#: Short text nodes of the body: where teaser headings and captions are looked for (selected in C).
#: ``/descendant::body/descendant::text()`` is ``//body//text()`` without its large intermediate node sets, and
#: the first test drops the whitespace between tags before the lengths are counted.
_SHORT_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[normalize-space()]"
    "[string-length(normalize-space()) > 2 and string-length(normalize-space()) <= 300]"
)


def _heading_candidates(
    tree: lxml_html.HtmlElement, texts: list[Any], sizes: Measure
) -> Iterable[etree._Element]:
    """Elements whose whole text is a teaser heading: ``h1``-``h6`` and any element whose text node matches."""
    for heading in tree.iter(*HEADING_TAGS):
        text = sizes.text(heading)
        if text and len(text) <= 60 and TEASER_HEADING_RE.match(text):
            yield heading
    for node in texts:
        if not node.is_text or len(node) > 200:
            continue
        stripped = node.strip()
        if len(stripped) > 60 or not TEASER_HEADING_RE.match(stripped):
            continue
        el = node.getparent()
        if el is None or el.tag in HEADING_TAGS or len(el) > 2:
            continue
        yield el


def teaser_blocks(
    tree: lxml_html.HtmlElement, config: PruneConfig, url: str | None, guard: Measure
) -> Iterable[tuple[etree._Element, bool]]:
    """Candidate blocks, each with a flag: True for a heading block made of cards (see ``protected_teaser``)."""
    sizes = guard
    texts = _SHORT_TEXTS(tree)
    # 1. A teaser heading and the block it introduces.
    for heading in _heading_candidates(tree, texts, sizes):
        if heading.tag not in HEADING_TAGS and sizes.text_len(heading) > 60:
            continue
        if heading.tag in ("span", "strong", "b", "em", "i", "a"):
            # An inline word is a heading only when it opens its block ("<p><b>Read more:</b> <a>..."), never
            # when it sits inside a sentence.
            parent = heading.getparent()
            if parent is None or (parent.text or "").strip() or heading.getprevious() is not None:
                continue
        block = _introduced_block(heading, sizes)
        if block is not None:
            yield block, _card_count(block, url, sizes) >= 2
    # 2. Lists of link cards, outside the article body (inside it, a list of linked items is more often the
    #    article itself, a digest; teaser lists inside the body are caught by their heading above).
    for container in tree.iter("ul", "ol", "div", "section"):
        if len(container) < config.min_cards or guard.inside_main(container):
            continue
        if _is_card_list(container, config, url, sizes):
            yield container, False
    # 3. Lists whose every item is nothing but a headline link: "more on this" lists, wherever they are. A list
    #    of links with text of its own (a digest) is not one.
    for container in tree.iter("ul", "ol"):
        if len(container) >= 2 and _is_link_list(container, sizes):
            yield container, False
    # 4. Captions that repeat an image's alt text (the caption line trafilatura keeps between paragraphs).
    alts = {" ".join(img.get("alt", "").split()).lower() for img in tree.iter("img")}
    alts = {alt for alt in alts if len(alt) >= 15}
    if alts:
        for node in texts:
            if not node.is_text or " ".join(node.split()).lower() not in alts:
                continue
            el = node.getparent()
            if (
                el is not None
                and len(el) == 0
                and el.tag in ("span", "p", "div", "figcaption", "em", "small", "i")
            ):
                yield el, False


def _is_link_list(container: etree._Element, sizes: Measure) -> bool:
    items = [c for c in container if isinstance(c.tag, str)]
    if len(items) < 2 or any(c.tag != "li" for c in items):
        return False
    for item in items:
        text = sizes.text_len(item)
        if not text or sizes.link_len(item) < 0.9 * text:
            return False
        words = sizes.text(item).split()
        if len(words) < 3:
            return False  # menus and tag lists: one or two words an item, left to the other passes
    return True


def _introduced_block(heading: etree._Element, sizes: Measure) -> etree._Element | None:
    """The block a teaser heading opens: its nearest ancestor that starts with the heading and holds links.

    When the heading sits among article paragraphs (no such ancestor), the heading and the link-heavy siblings
    that follow it are wrapped into one block so they go together and the prose around them stays.
    """
    heading_text = sizes.text(heading)
    el = heading
    for _ in range(4):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html", "main", "article"):
            break
        parent_text = sizes.text(parent)
        if not parent_text.startswith(heading_text[:20]):
            break
        el = parent
        if has_descendant(el, "a") and len(parent_text) > len(heading_text) + 20:
            return el
    # Heading inside the article flow: take it and the following link-dominated siblings.
    siblings: list[etree._Element] = []
    node = el.getnext()
    while node is not None and isinstance(node.tag, str):
        if node.tag in HEADING_TAGS:
            break
        text_len = sizes.text_len(node)
        link_len = sizes.link_len(node)
        if text_len and link_len < 0.5 * text_len:
            break
        siblings.append(node)
        node = node.getnext()
    if not siblings:
        return None
    parent = el.getparent()
    if parent is None:
        return None
    wrapper = parent.makeelement("div")
    wrapper.set("data-newscorpus", "teaser")
    index = parent.index(el)
    parent.insert(index, wrapper)
    for node in (el, *siblings):
        wrapper.append(node)
    return wrapper


def _card_count(block: etree._Element, url: str | None, sizes: Measure) -> int:
    """Children of ``block`` (or of its single wrapper) that are cards linking to another page."""
    children = [c for c in block if isinstance(c.tag, str)]
    if len(children) <= 2:
        children = [g for c in children for g in c if isinstance(g.tag, str)] or children
    count = 0
    for child in children:
        links = [a for a in child.iter("a") if a.get("href") and not a.get("href", "").startswith("#")]
        if not links:
            continue
        best = max(links, key=sizes.text_len)
        if len(sizes.text(best).split()) < 3:
            continue
        if _links_to_itself(best, url):
            continue
        if _looks_like_card(child, best, sizes):
            count += 1
    return count


_CARD_TIME_RE = re.compile(
    r"(?<!\d)\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago\b|\byesterday\b|"
    r"\bvor\s+\d+\s+(?:minuten|stunden|tagen)\b|\bhá\s+\d+\s+(?:minutos?|horas?|dias?)\b|"
    r"\bhace\s+\d+\s+(?:minutos?|horas?|días?)\b|\bil\s+y\s+a\s+\d+\s+(?:minutes?|heures?|jours?)\b|"
    r"\d+\s+(?:минут[уы]?|час(?:а|ов)?|дн(?:я|ей))\s+назад|\d+\s*(?:분|시간|일)\s*전|\d+\s*(?:分|時間|日)前",
    re.IGNORECASE,
)


def _links_to_itself(link: etree._Element, url: str | None) -> bool:
    """A card links to another page; a link back to this page (a jump link, a share link) makes no card."""
    href = (link.get("href") or "").split("#")[0].strip()
    if not href or not url:
        return not href
    page = url.split("#")[0]
    if href == page:
        return True
    return not href.startswith(("http:", "https:", "//")) and urljoin(page, href) == page


def _looks_like_card(child: etree._Element, link: etree._Element, sizes: Measure) -> bool:
    """A card leads with its headline link (or sets it as a heading), or carries a time stamp or a picture; a
    paragraph that merely contains a link does none of these."""
    parent = link.getparent()
    while parent is not None and parent is not child:
        if parent.tag in HEADING_TAGS:
            return True
        parent = parent.getparent()
    text = sizes.text_len(child)
    if text and sizes.link_len(child) >= 0.35 * text:
        return True
    if sizes.text(child).startswith(sizes.text(link)[:30]):
        return True
    if has_descendant(child, "time", "img"):
        return True
    words = " ".join(part.strip() for part in child.itertext(with_tail=False) if isinstance(part, str))
    return bool(_CARD_TIME_RE.search(words[:400]))


def _is_card_list(container: etree._Element, config: PruneConfig, url: str | None, sizes: Measure) -> bool:
    # The cheap tests first: most containers fail on their children's tags before any subtree is searched.
    children = [c for c in container if isinstance(c.tag, str)]
    if len(children) < config.min_cards or len({c.tag for c in children}) != 1:
        return False
    if not has_descendant(container, "a"):
        return False
    linked = sum(1 for c in children if c.tag == "a" or has_descendant(c, "a"))
    if linked < config.min_cards or linked < 0.7 * len(children):
        return False
    # Most children must be cards, and the children must be alike (same tag), as in a rendered list. The count
    # stops once too few children are left to reach it: the rest would change nothing, as the teaser pass removes
    # nothing while it looks (so what it measures, and when, does not matter).
    wanted = max(config.min_cards, 0.7 * len(children))
    cards = 0
    left = len(children)
    for child in children:
        left -= 1
        if _is_card(child, config, url, sizes):
            cards += 1
        elif cards + left < wanted:
            return False
    return cards >= wanted


def _is_card(child: etree._Element, config: PruneConfig, url: str | None, sizes: Measure) -> bool:
    """A child of a card list that links to another page under a headline of three words or more, with a
    short snippet at most."""
    link_chars = sizes.link_len(child)
    if not link_chars:
        return False
    links = [a for a in child.iter("a") if a.get("href") and not a.get("href", "").startswith("#")]
    if not links:
        return False
    best = max(links, key=sizes.text_len)
    if len(sizes.text(best).split()) < 3:
        return False
    if sizes.text_len(child) - link_chars > 7 * config.max_card_words:
        return False
    return not _links_to_itself(best, url) and _looks_like_card(child, best, sizes)
