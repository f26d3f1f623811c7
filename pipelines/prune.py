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
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Words of a class/id/role/aria-label that name a clutter container. The label is split into words at ``-``,
#: ``_``, spaces, digits and camelCase humps; a word, or two adjacent words written together, must be in the set,
#: so ``related-posts``, ``relatedPosts``, ``c-related`` and ``read-more`` match but ``unrelated`` does not.
#: A word right after "has", "with", "no" or "show" is a state (``has-comments``), not a container.
CLUTTER_WORDS = frozenset(
    [
        "related",
        "relacionados",
        "relacionadas",
        "relacionado",
        "relacionada",
        "correlati",
        "verwandte",
        "similar",
        "recommend",
        "recommended",
        "recommendation",
        "recommendations",
        "readmore",
        "readnext",
        "readalso",
        "morestories",
        "morenews",
        "morearticles",
        "morefrom",
        "alsoread",
        "mostread",
        "mostpopular",
        "mostviewed",
        "mostshared",
        "popular",
        "trending",
        "outbrain",
        "taboola",
        "comment",
        "comments",
        "commentform",
        "commentlist",
        "commentarea",
        "commentsection",
        "commentrespond",
        "respond",
        "disqus",
        "share",
        "sharing",
        "sharebar",
        "shares",
        "social",
        "socials",
        "sociallinks",
        "followus",
        "newsletter",
        "newsletters",
        "subscribe",
        "signup",
        "promo",
        "promos",
        "promoted",
        "promotion",
        "sponsored",
        "sponsor",
        "advert",
        "advertisement",
        "adslot",
        "adunit",
        "adcontainer",
        "adwrapper",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "breadcrumb",
        "breadcrumbs",
        "authorbio",
        "biobox",
        "tagslist",
        "taglist",
        "postnavigation",
        "navlinks",
        "pagination",
        "printonly",
        "sronly",
        "visuallyhidden",
        "caption",
        "imagecaption",
        "photocaption",
        "imgcaption",
        "mediacaption",
        "wpcaption",
        "figcaption",
        "imagecredit",
        "imagecredits",
        "photocredit",
        "photocredits",
    ]
)
#: Words that mark the article body itself: a container named like this is never pruned by name.
CONTENT_WORDS = frozenset(
    [
        "articlebody",
        "articlecontent",
        "articletext",
        "postbody",
        "postcontent",
        "entrycontent",
        "storybody",
        "storycontent",
        "maincontent",
        "contentbody",
    ]
)
_NEGATIONS = frozenset({"has", "with", "no", "show"})
_LABEL_SPLIT = re.compile(r"[^a-z]+")


def _label_words(label: str) -> list[str]:
    if not label.islower():
        label = _CAMEL.sub(" ", label).lower()
    return [w for w in _LABEL_SPLIT.split(label) if w]


#: Every clutter word contains one of these stems: labels without any are rejected in one C-level search.
_CLUTTER_STEMS = re.compile(
    r"relat|relacion|correlat|verwandt|similar|recomm|read|more|most|popular|trend|outbrain|taboola|comment|respond|"
    r"disqus|shar|social|follow|newsletter|subscri|sign|promo|sponsor|advert|ad|cookie|consent|gdpr|crumb|bio|tag|"
    r"navigation|nav|pagination|only|hidden|caption|credit"
)


@functools.lru_cache(maxsize=4096)
def is_clutter_label(label: str) -> bool:
    """True when a class/id/role/aria-label names a clutter container (see ``CLUTTER_WORDS``).

    Cached: a page repeats its few class names on hundreds of elements, and sites repeat them across pages."""
    if not _CLUTTER_STEMS.search(label.lower()):  # lower-case then a case-sensitive search: much faster
        return False
    words = _label_words(label)
    found = False
    for i, word in enumerate(words):
        pair = word + words[i + 1] if i + 1 < len(words) else ""
        if word in CONTENT_WORDS or pair in CONTENT_WORDS:
            return False
        if i and words[i - 1] in _NEGATIONS:
            continue
        if word in CLUTTER_WORDS or pair in CLUTTER_WORDS:
            found = True
    return found


#: Headings that introduce a block of teasers or furniture, in the languages of the corpora we build.
TEASER_HEADING_RE = re.compile(
    r"^\W*(?:"
    r"related(?:\s+(?:articles?|stories|posts?|news|content|coverage|links|reading|topics))?|"
    r"more\s+(?:stories|articles|news|from\b.*|on\b.*|in\b.*|like\s+this)|"
    r"(?:you\s+)?(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)|"
    r"recommended(?:\s+(?:for\s+you|stories|articles|reading))?|"
    r"(?:most|top)\s+(?:read|popular|viewed|shared|stories)(?:\s+\w+)?|trending(?:\s+now|\s+stories)?|"
    r"read\s+(?:more|next|also)|also\s+read|don't\s+miss|editor'?s?\s+picks?|latest\s+(?:news|stories|articles)|"
    r"popular\s+(?:stories|articles|posts|now)|in\s+(?:other|case\s+you\s+missed)\b.*|"
    r"ähnliche\s+artikel|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|meistgelesen|"
    r"articles?\s+(?:similaires|liés|connexes)|à\s+lire\s+aussi|lire\s+aussi|"
    r"noticias\s+relacionadas|artículos\s+relacionados|te\s+puede\s+interesar|"
    r"notícias\s+relacionadas|leia\s+também|veja\s+também|mais\s+lidas|"
    r"articoli\s+correlati|leggi\s+anche|potrebbe\s+interessarti|"
    r"читайте\s+также|похожие\s+(?:новости|статьи)|самое\s+читаемое|"
    r"baca\s+juga|berita\s+terkait|artikel\s+terkait|terpopuler|"
    r"관련\s*기사|많이\s*본\s*(?:기사|뉴스)|関連記事|あわせて読みたい|人気記事"
    r")\W*$",
    re.IGNORECASE,
)

_PRUNABLE_TAGS = frozenset(
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
_INLINE_TAGS = frozenset(
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
_DIV_TAGS = frozenset({"div", "section", "td", "dd", "article", "main", "font", "center"})
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class PruneConfig:
    """``guard_share``: an element holding more than this share of the page's paragraph text is the article (or
    holds it) and is never pruned. ``min_cards``: sibling link cards needed to call a block a teaser list.
    ``max_card_words``: a card with more words outside its links than this is prose, not a teaser."""

    generic: bool = True
    teasers: bool = True
    guard_share: float = 0.5
    min_cards: int = 3
    max_card_words: int = 60


def _text(el: etree._Element) -> str:
    """The element's text with whitespace runs collapsed to one space (``text_content``, normalized).

    A leaf's text is read as ``el.text``, a bigger element's through the serializer: both give libxml2's node
    content, as ``text_content`` does, without an XPath evaluation on each call."""
    if not isinstance(el.tag, str):
        return ""
    text = el.text if len(el) == 0 else etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return " ".join(text.split()) if text else ""


def _has_descendant(el: etree._Element, *tags: str) -> bool:
    """``el.find(".//tag") is not None``, with lxml's C iterator in place of ElementPath's Python one."""
    return next(el.iterdescendants(*tags), None) is not None


def _text_len(el: etree._Element) -> int:
    return len(_text(el))


_LINKED_HEADINGS = etree.XPath(
    "count(.//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6][.//a[@href]])"
)


class _Measure:
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
            elif _has_descendant(el, "p"):
                continue
            elif tag == "li":
                n = text_len(el) - link_len(el)
                if n >= 30:
                    add(el, n)
            else:
                n = text_len(el)
                if n >= 30:
                    add(el, n, paragraph=True)
        for el in tree.iter(*_DIV_TAGS):
            text = el.text
            own = len(text.strip()) if text else 0
            links = 0
            for child in el:
                tail = child.tail
                if tail:
                    own += len(tail.strip())
                if child.tag in _INLINE_TAGS:
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
            size = self._text[el] = len(_text(el))
        return size

    def text(self, el: etree._Element) -> str:
        """``el``'s normalized text as it is now: cached until an element is removed (see ``forget``)."""
        text = self._strings.get(el)
        if text is None:
            text = self._strings[el] = _text(el)
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
    guard = _Measure(tree, config.guard_share)
    counts = {"selector": 0, "generic": 0, "teaser": 0}

    def drop(el: etree._Element, kind: str, cards: bool = False) -> bool:
        if el.getparent() is None or (guard.protected_teaser(el) if cards else guard.protected(el)):
            return False
        if kind == "generic" and guard.holds_prose(el):
            return False
        guard.forget(el)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("prune %s <%s %s> %d chars", kind, el.tag, _label(el)[:80], _text_len(el))
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
        for el, cards in list(_teaser_blocks(tree, config, url, guard)):
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
    for el in tree.iter(*_PRUNABLE_TAGS):
        label = _label(el)
        if label and is_clutter_label(label):
            yield el


#: Short text nodes of the body: where teaser headings and captions are looked for (selected in C).
#: ``/descendant::body/descendant::text()`` is ``//body//text()`` without its large intermediate node sets, and
#: the first test drops the whitespace between tags before the lengths are counted.
_SHORT_TEXTS = etree.XPath(
    "/descendant::body/descendant::text()[normalize-space()]"
    "[string-length(normalize-space()) > 2 and string-length(normalize-space()) <= 300]"
)


def _heading_candidates(
    tree: lxml_html.HtmlElement, texts: list[Any], sizes: _Measure
) -> Iterable[etree._Element]:
    """Elements whose whole text is a teaser heading: ``h1``-``h6`` and any element whose text node matches."""
    for heading in tree.iter(*_HEADING_TAGS):
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
        if el is None or el.tag in _HEADING_TAGS or len(el) > 2:
            continue
        yield el


def _teaser_blocks(
    tree: lxml_html.HtmlElement, config: PruneConfig, url: str | None, guard: _Measure
) -> Iterable[tuple[etree._Element, bool]]:
    """Candidate blocks, each with a flag: True for a heading block made of cards (see ``protected_teaser``)."""
    sizes = guard
    texts = _SHORT_TEXTS(tree)
    # 1. A teaser heading and the block it introduces.
    for heading in _heading_candidates(tree, texts, sizes):
        if heading.tag not in _HEADING_TAGS and sizes.text_len(heading) > 60:
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


def _is_link_list(container: etree._Element, sizes: _Measure) -> bool:
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


def _introduced_block(heading: etree._Element, sizes: _Measure) -> etree._Element | None:
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
        if _has_descendant(el, "a") and len(parent_text) > len(heading_text) + 20:
            return el
    # Heading inside the article flow: take it and the following link-dominated siblings.
    siblings: list[etree._Element] = []
    node = el.getnext()
    while node is not None and isinstance(node.tag, str):
        if node.tag in _HEADING_TAGS:
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


def _card_count(block: etree._Element, url: str | None, sizes: _Measure) -> int:
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


def _looks_like_card(child: etree._Element, link: etree._Element, sizes: _Measure) -> bool:
    """A card leads with its headline link (or sets it as a heading), or carries a time stamp or a picture; a
    paragraph that merely contains a link does none of these."""
    parent = link.getparent()
    while parent is not None and parent is not child:
        if parent.tag in _HEADING_TAGS:
            return True
        parent = parent.getparent()
    text = sizes.text_len(child)
    if text and sizes.link_len(child) >= 0.35 * text:
        return True
    if sizes.text(child).startswith(sizes.text(link)[:30]):
        return True
    if _has_descendant(child, "time", "img"):
        return True
    words = " ".join(part.strip() for part in child.itertext(with_tail=False) if isinstance(part, str))
    return bool(_CARD_TIME_RE.search(words[:400]))


def _is_card_list(container: etree._Element, config: PruneConfig, url: str | None, sizes: _Measure) -> bool:
    # The cheap tests first: most containers fail on their children's tags before any subtree is searched.
    children = [c for c in container if isinstance(c.tag, str)]
    if len(children) < config.min_cards or len({c.tag for c in children}) != 1:
        return False
    if not _has_descendant(container, "a"):
        return False
    linked = sum(1 for c in children if c.tag == "a" or _has_descendant(c, "a"))
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


def _is_card(child: etree._Element, config: PruneConfig, url: str | None, sizes: _Measure) -> bool:
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
