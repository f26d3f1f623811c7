"""Sizes of a page's elements (text, links, prose) and the guard that keeps the article body from being pruned."""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)


PRUNABLE_TAGS = frozenset(
    {
        "div",
        "section",
        "aside",
        "ul",
        "ol",
        "nav",
        "footer",
        "header",
        "form",
        "span",
        "p",
        "figure",
        "details",
        "dl",
        "table",
        "figcaption",
    }
)


INLINE_TAGS = frozenset(
    {
        "a",
        "span",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "small",
        "sup",
        "sub",
        "mark",
        "time",
        "abbr",
        "q",
        "cite",
        "font",
        "br",
    }
)


DIV_TAGS = frozenset({"div", "section", "td", "dd", "article", "main", "font", "center"})


HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def element_text(el: etree._Element) -> str:
    """The element's text with whitespace runs collapsed to one space (``text_content``, normalized).

    A leaf's text is read as ``el.text``, a bigger element's through the serializer: both give libxml2's node
    content, as ``text_content`` does, without an XPath evaluation on each call."""
    if not isinstance(el.tag, str):
        return ""
    text = el.text if len(el) == 0 else etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return " ".join(text.split()) if text else ""


def has_descendant(el: etree._Element, *tags: str) -> bool:
    """``el.find(".//tag") is not None``, with lxml's C iterator in place of ElementPath's Python one."""
    return next(el.iterdescendants(*tags), None) is not None


def element_text_len(el: etree._Element) -> int:
    return len(element_text(el))


_LINKED_HEADINGS = etree.XPath(
    "count(.//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][.//a[@href]])"
)


class Measure:
    """Sizes of elements (computed lazily and cached) and the guard.

    ``text_len``: characters of text; ``link_len``: characters inside links; ``prose``: characters of prose, that
    is paragraphs (``p``; ``blockquote``/``pre`` without ``p``) of 30 characters or more, the text outside links of
    list items without paragraphs (articles written as lists: digests, "10 things" pieces), and text of 80
    characters or more written straight into a ``div`` (sites that use divs as paragraphs).
    The guard: an element holding more than ``share`` of the page's prose is, or holds, the article body.
    """

    def __init__(self, tree: lxml_html.HtmlElement, share: float) -> None:
        self.share = share
        self._text: dict[etree._Element, int] = {}
        self._links: dict[etree._Element, int] = {}
        self._strings: dict[etree._Element, str] = {}
        self.prose: dict[etree._Element, int] = {}
        self.paragraphs: dict[etree._Element, int] = {}
        text_len, link_len, add = self.text_len, self.link_len, self._add
        for el in tree.iter("p", "blockquote", "pre", "li"):
            tag = el.tag
            if tag == "p":
                n = text_len(el)
                if n >= 30:
                    add(el, n, paragraph=True)
            elif has_descendant(el, "p"):
                continue
            elif tag == "li":
                n = text_len(el) - link_len(el)
                if n >= 30:
                    add(el, n)
            else:
                n = text_len(el)
                if n >= 30:
                    add(el, n, paragraph=True)
        for el in tree.iter(*DIV_TAGS):
            text = el.text
            own = len(text.strip()) if text else 0
            links = 0
            for child in el:
                tail = child.tail
                if tail:
                    own += len(tail.strip())
                if child.tag in INLINE_TAGS:
                    own += text_len(child)
                    links += link_len(child)
            if own - links >= 80:
                add(el, own)
        self.total = self.prose.get(tree, 0)
        self.paragraph_total = self.paragraphs.get(tree, 0)
        self.main = self._main(tree)
        self.h1 = tree.find(".//h1")

    def _add(self, el: etree._Element, n: int, paragraph: bool = False) -> None:
        prose, paragraphs = self.prose, self.paragraphs
        node: etree._Element | None = el
        while node is not None:
            prose[node] = prose.get(node, 0) + n
            if paragraph:
                paragraphs[node] = paragraphs.get(node, 0) + n
            node = node.getparent()

    def text_len(self, el: etree._Element) -> int:
        """The length of ``el``'s text when first measured, kept for the whole call (removals do not update it,
        unlike ``text``)."""
        size = self._text.get(el)
        if size is None:
            size = self._text[el] = len(element_text(el))
        return size

    def text(self, el: etree._Element) -> str:
        """``el``'s normalized text as it is now: cached until an element is removed (see ``forget``)."""
        text = self._strings.get(el)
        if text is None:
            text = self._strings[el] = element_text(el)
        return text

    def link_len(self, el: etree._Element) -> int:
        size = self._links.get(el)
        if size is None:
            size = self.text_len(el) if el.tag == "a" else sum(self.text_len(a) for a in el.iter("a"))
            self._links[el] = size
        return size

    def _main(self, tree: lxml_html.HtmlElement) -> etree._Element | None:
        """The deepest element holding more than ``share`` of the prose: the article body's container."""
        if not self.total:
            return None
        node = tree
        while True:
            bigger = next((c for c in node if self.prose.get(c, 0) > self.share * self.total), None)
            if bigger is None:
                return node
            node = bigger

    def inside_main(self, el: etree._Element) -> bool:
        if self.main is None:
            return False
        parent = el.getparent()
        while parent is not None:
            if parent is self.main:
                return True
            parent = parent.getparent()
        return False

    def protected(self, el: etree._Element) -> bool:
        if el.tag in ("html", "body", "main", "head"):
            return True
        return self.total > 0 and self.prose.get(el, 0) > self.share * self.total

    def holds_prose(self, el: etree._Element) -> bool:
        """A class name is weak evidence: a container holding a quarter of the page's paragraphs, with few
        links, is article text whatever it is called (``read-more`` wrappers around the article's second half)."""
        paragraphs = self.paragraphs.get(el, 0)
        if not self.paragraph_total or paragraphs <= 0.25 * self.paragraph_total:
            return False
        if _LINKED_HEADINGS(el) >= 2:
            return False  # headlines linking elsewhere, each with its summary: a list of other stories
        return self.link_len(el) < 0.2 * max(self.text_len(el), 1)

    def protected_teaser(self, el: etree._Element) -> bool:
        """The guard for a block that a teaser heading opens and that holds cards: teaser snippets can outweigh a
        short article, so only the article's own marks protect it: its ``<h1>`` or most of its ``<p>`` text."""
        if el.tag in ("html", "body", "main", "head"):
            return True
        if self.h1 is not None and (el is self.h1 or self.h1 in el.iterdescendants()):
            return True
        return self.paragraph_total > 0 and self.paragraphs.get(el, 0) > self.share * self.paragraph_total

    def forget(self, el: etree._Element) -> None:
        """After ``el`` is removed, its prose no longer counts for its ancestors (nor the total), and the texts of
        its ancestors change. (Wrapping elements, as ``_introduced_block`` does, leaves every text as it was.)"""
        self._strings.clear()
        removed = self.prose.get(el, 0)
        if not removed:
            return
        parent = el.getparent()
        while parent is not None:
            self.prose[parent] = self.prose.get(parent, 0) - removed
            parent = parent.getparent()
        self.total -= removed
