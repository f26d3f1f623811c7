"""Parsing a page once, with trafilatura's parser settings, and dropping the inert elements it deletes anyway."""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html

from pipelines.drops import UnreadablePage

logger = logging.getLogger(__name__)


def _html_parser() -> etree.HTMLParser:
    """trafilatura's parser options, with lxml's C class lookup in place of ``lxml.html``'s Python one.

    Why: ``lxml.html.HTMLParser`` picks each element's class in a Python method (``HtmlElementClassLookup``),
    called whenever lxml hands an element to Python: hundreds of thousands of times a page across our passes,
    trafilatura's XPath cleaning and its extraction. ``ElementDefaultClassLookup`` makes every element an
    ``HtmlElement`` in C. The tree, the text and the API are the same (only lxml.html's form-field classes are
    not used, and nothing here uses them); extraction measured a fifth faster.
    """
    parser = etree.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    return parser


_PARSER = _html_parser()


#: The characters trafilatura's ``repair_faulty_html`` deletes (``INVALID_XML_CHARS``) that are one byte in UTF-8:
#: the C0 controls but tab, line feed and carriage return. The other two, U+FFFE and U+FFFF, are looked for in the str.
_C0_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))


def repaired_utf8(text: str, beginning: str) -> bytes:
    """The page as trafilatura's ``repair_faulty_html`` leaves it, in UTF-8 for lxml (which parses bytes faster
    than a str).

    Why not call it always: its first step deletes the characters XML forbids with a regular expression over the
    whole page, 0.7 ms a page of a crawl's 25, though pages seldom hold one. Here they are looked for in C (the
    encoded page's bytes through ``bytes.translate``, the str for U+FFFE and U+FFFF) and trafilatura's function
    runs only on a page that holds one. On the others its two repairs of the page's first lines are applied
    with its own patterns, in its order: a doctype holding a slash removed from the first line, then a
    self-closing ``<html .../>`` among the first four lines opened. ``tests/test_extract.py`` compares the
    result with trafilatura's function on pages that need each repair.
    """
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, repair_faulty_html

    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _C0_CONTROLS)) != len(data) or "\ufffe" in text or "\uffff" in text:
        return repair_faulty_html(text, beginning).encode("utf-8", "surrogatepass")
    repaired = text
    if "doctype" in beginning:
        firstline, _, rest = repaired.partition("\n")
        repaired = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in repaired[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            repaired = FAULTY_HTML.sub(r"\1>", repaired, count=1)
            break
    return data if repaired is text else repaired.encode("utf-8", "surrogatepass")


def parse_html(text: str) -> lxml_html.HtmlElement:
    """Parse the way trafilatura's ``load_html`` does (its parser options and repairs, the same steps), so the
    tree we prune is the tree it would have built itself: comments and processing instructions dropped, broken
    starts repaired. Only the element class lookup differs (see ``_html_parser``), and the page is handed to
    lxml as UTF-8 (see ``repaired_utf8``): ``load_html`` parses the str first and the bytes when that fails."""
    from trafilatura.utils import is_dubious_html

    beginning = text[:50].lower()
    try:
        tree = lxml_html.fromstring(repaired_utf8(text, beginning), parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError) as exc:
        raise UnreadablePage(f"unparseable HTML: {exc}") from exc
    if tree is None or len(tree) == 0 or (is_dubious_html(beginning) and len(tree) < 2):
        raise UnreadablePage("empty HTML tree")
    return tree


#: Elements with no article text that trafilatura deletes anyway (keeping their tails, as we do): removed once, in
#: C, before our passes and trafilatura's own run over the tree, which both cost time in proportion to its size.
_INERT = (
    "style",
    "noscript",
    "svg",
    "iframe",
    "canvas",
    "object",
    "embed",
    "video",
    "audio",
    "map",
    "input",
    "picture",
    "source",
    "link",
    "meta",
)


#: Controls that hold no article text, unless an unclosed one swallowed the rest of the page (the parser nests the
#: following elements inside it): deleted when small, their content kept otherwise.
_CONTROLS = ("button", "select", "textarea")
_CONTROL_MAX_CHARS = 200


def strip_inert(tree: lxml_html.HtmlElement, empty: bool = True) -> None:
    """Drop scripts (except JSON-LD, which the baseline fallback reads) and inert elements, keeping tails; with
    ``empty``, also the empty elements trafilatura deletes (``strip_empty``)."""
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            script.tag = "newscorpus-drop"
    keep: list[etree._Element] = []
    for control in list(tree.iter(*_CONTROLS)):
        if (
            len(control)
            and len(etree.tostring(control, method="text", encoding="unicode")) > _CONTROL_MAX_CHARS
        ):
            keep.append(control)
        else:
            control.tag = "newscorpus-drop"
    for control in keep:  # renamed after the walk: a kept control may hold others
        control.tag = "div"
    etree.strip_elements(tree, "newscorpus-drop", *_INERT, with_tail=False)
    # trafilatura unwraps these (its MANUALLY_STRIPPED): a template's content is the page's text on some sites.
    etree.strip_tags(tree, "template")
    if empty:
        strip_empty(tree)


#: The elements trafilatura deletes when empty (its ``CUT_EMPTY_ELEMS``), selected in C: no text, no children.
_EMPTY = etree.XPath(
    "/descendant::body/descendant::*[not(node())][self::span or self::i or self::b or self::em or self::strong"
    " or self::p or self::div or self::section or self::article or self::main or self::li or self::dd"
    " or self::dt or self::blockquote or self::pre or self::q or self::h1 or self::h2 or self::h3 or self::h4"
    " or self::h5 or self::h6]"
)


def strip_empty(tree: lxml_html.HtmlElement) -> None:
    """Remove the empty elements trafilatura deletes, keeping the text that follows each.

    Why: in precision mode trafilatura deletes them with their tails (``prune_html``), so an anchor target or an
    icon in front of a text (``<h3><span id="x"></span>Heading</h3>``, ``<p><i class="icon"></i>Text</p>``)
    takes that text with it: headings and first sentences lost on many pages. Its balanced mode keeps the tails,
    as this does; what is left for trafilatura to judge is the same text."""
    empty = _EMPTY(tree)
    if not empty:
        return
    for el in empty:
        el.tag = "newscorpus-empty"
    etree.strip_tags(tree, "newscorpus-empty")
