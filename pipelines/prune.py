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

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)

#: class/id/role/aria-label words that name a clutter container. Matched on the attribute split into words at
#: ``-``, ``_``, spaces and camelCase humps, so ``related-posts``, ``relatedPosts`` and ``c-related`` all match but
#: ``unrelated`` does not.
CLUTTER_WORDS = (
    r"related|relacionad[oa]s?|correlati|verwandte|similar|recommend(?:ed|ations?)?|recommended|"
    r"read(?:[-_ ]?more|[-_ ]?next|[-_ ]?also)|more[-_ ]?(?:stories|news|articles|from)|also[-_ ]?read|"
    r"most[-_ ]?(?:read|popular|viewed|shared)|popular|trending|outbrain|taboola|"
    r"comments?|comment[-_ ]?(?:form|list|area|section|respond)|respond|disqus|"
    r"share|sharing|sharebar|shares|social|socials|sociallinks|follow[-_ ]?us|"
    r"newsletter|newsletters|subscribe|signup|sign[-_ ]?up|"
    r"promo|promos|promoted|promotion|sponsored|sponsor|advert|advertisement|adslot|ad[-_ ]?(?:slot|unit|container|wrapper)|"
    r"cookie|cookies|consent|gdpr|breadcrumbs?|author[-_ ]?bio|bio[-_ ]?box|tags?[-_ ]?list|"
    r"post[-_ ]?navigation|nav[-_ ]?links|pagination|print[-_ ]?only|sr[-_ ]?only|visually[-_ ]?hidden|"
    r"(?:image|photo|img|media|wp)?[-_ ]?caption|figcaption|(?:image|photo)[-_ ]?credits?"
)
_CLUTTER_RE = re.compile(
    rf"(?<!\bhas)(?<!\bwith)(?<!\bno)(?<!\bshow)(?:^|[\s_-])(?:{CLUTTER_WORDS})(?:$|[\s_-])", re.IGNORECASE
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

#: Words in class/id that mark the article body itself: a container named like this is never pruned by name.
_CONTENT_RE = re.compile(
    r"(?:^|[\s_-])(?:article[-_ ]?(?:body|content|text)|post[-_ ]?(?:body|content)|entry[-_ ]?content|"
    r"story[-_ ]?(?:body|content)|main[-_ ]?content|content[-_ ]?body)(?:$|[\s_-])",
    re.IGNORECASE,
)

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
_WS = re.compile(r"\s+")


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


def _text_len(el: etree._Element) -> int:
    return len(_WS.sub(" ", el.text_content() or "").strip()) if isinstance(el.tag, str) else 0


class _Measure:
    """Sizes of every element, computed bottom-up in one pass (no repeated ``text_content``), and the guard.

    ``text``: characters of text; ``links``: characters inside links; ``prose``: characters of prose, that is
    paragraphs (``p``; ``blockquote``/``pre`` without ``p``) of 30 characters or more, plus the text outside links
    of list items without paragraphs (articles written as lists: digests, "10 things" pieces).
    The guard: an element holding more than ``share`` of the page's prose is, or holds, the article body.
    """

    def __init__(self, tree: lxml_html.HtmlElement, share: float) -> None:
        self.share = share
        self.text: dict[etree._Element, int] = {}
        self.links: dict[etree._Element, int] = {}
        self.prose: dict[etree._Element, int] = {}
        self.paragraphs: dict[etree._Element, int] = {}
        has_p: set[etree._Element] = set()
        for el in reversed(list(tree.iter())):
            tag = el.tag
            if not isinstance(tag, str):
                continue
            total = own = len(el.text.strip()) if el.text else 0
            links = prose = paragraphs = 0
            inner_p = False
            for child in el:
                if child.tail:
                    tail = len(child.tail.strip())
                    total += tail
                    own += tail
                if isinstance(child.tag, str):
                    size = self.text.get(child, 0)
                    total += size
                    if child.tag in _INLINE_TAGS:
                        own += size
                    links += self.links.get(child, 0)
                    prose += self.prose.get(child, 0)
                    paragraphs += self.paragraphs.get(child, 0)
                    inner_p = inner_p or child in has_p or child.tag == "p"
            if tag == "a":
                links = total
            if tag == "p" or (tag in ("blockquote", "pre") and not inner_p):
                prose = total if total >= 30 else prose
                paragraphs = prose
            elif tag == "li" and not inner_p and total - links >= 30:
                prose = total - links
            elif tag in _DIV_TAGS and own - self._inline_links(el) >= 80:
                # Text written straight into a div (sites that use divs as paragraphs).
                prose += own
            if inner_p:
                has_p.add(el)
            self.text[el] = total
            if links:
                self.links[el] = links
            if prose:
                self.prose[el] = prose
            if paragraphs:
                self.paragraphs[el] = paragraphs
        self.total = self.prose.get(tree, 0)
        self.paragraph_total = self.paragraphs.get(tree, 0)
        self.main = self._main(tree)
        self.h1 = tree.find(".//h1")

    def _inline_links(self, el: etree._Element) -> int:
        return sum(
            self.links.get(child, 0)
            for child in el
            if isinstance(child.tag, str) and child.tag in _INLINE_TAGS
        )

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

    def protected_teaser(self, el: etree._Element) -> bool:
        """The guard for a block that a teaser heading opens and that holds cards: teaser snippets can outweigh a
        short article, so only the article's own marks protect it: its ``<h1>`` or most of its ``<p>`` text."""
        if el.tag in ("html", "body", "main", "head"):
            return True
        if self.h1 is not None and (el is self.h1 or self.h1 in el.iterdescendants()):
            return True
        return self.paragraph_total > 0 and self.paragraphs.get(el, 0) > self.share * self.paragraph_total

    def forget(self, el: etree._Element) -> None:
        """After ``el`` is removed, its prose no longer counts for its ancestors (nor the total)."""
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
    parts = [
        el.get("class"),
        el.get("id"),
        el.get("role"),
        el.get("aria-label"),
        el.get("data-component"),
        el.get("data-module"),
    ]
    label = " ".join(p for p in parts if p)
    return _CAMEL.sub(" ", label) if label and not label.islower() else label


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
        guard.forget(el)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("prune %s <%s %s> %d chars", kind, el.tag, _label(el)[:80], _text_len(el))
        _remove(el)
        counts[kind] += 1
        return True

    for selector in selectors:
        try:
            matches = tree.cssselect(selector)
        except Exception:  # a bad selector in a profile must not stop the crawl
            logger.warning("invalid prune selector %r", selector)
            continue
        for el in matches:
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
        if not label:
            continue
        if _CLUTTER_RE.search(label) and not _CONTENT_RE.search(label):
            yield el


def _heading_text(el: etree._Element) -> str:
    return _WS.sub(" ", el.text_content() or "").strip()


def _teaser_blocks(
    tree: lxml_html.HtmlElement, config: PruneConfig, url: str | None, guard: _Measure
) -> Iterable[tuple[etree._Element, bool]]:
    """Candidate blocks, each with a flag: True for a heading block made of cards (see ``protected_teaser``)."""
    sizes = guard
    # 1. A teaser heading and the block it introduces.
    for heading in tree.iter(*_HEADING_TAGS, "strong", "b", "span", "div", "p"):
        size = sizes.text.get(heading, 0)
        if not size or size > 60:
            continue
        if heading.tag in ("div", "p", "span", "strong", "b") and len(heading) > 2:
            continue
        if heading.tag in ("span", "strong", "b"):
            # An inline word is a heading only when it opens its block ("<p><b>Read more:</b> <a>..."), never
            # when it sits inside a sentence.
            parent = heading.getparent()
            if parent is None or (parent.text or "").strip() or heading.getprevious() is not None:
                continue
        text = _heading_text(heading)
        if not TEASER_HEADING_RE.match(text):
            continue
        block = _introduced_block(heading, sizes)
        if block is not None:
            yield block, _card_count(block, url, sizes) >= 2
    # 2. Lists of link cards, outside the article body (inside it, a list of linked items is more often the
    #    article itself, a digest; teaser lists inside the body are caught by their heading above).
    for container in tree.iter("ul", "ol", "div", "section"):
        if not guard.inside_main(container) and _is_card_list(container, config, url, sizes):
            yield container, False
    # 3. Lists whose every item is nothing but a headline link: "more on this" lists, wherever they are. A list
    #    of links with text of its own (a digest) is not one.
    for container in tree.iter("ul", "ol"):
        if _is_link_list(container, sizes):
            yield container, False
    # 4. Captions that repeat an image's alt text (the caption line trafilatura keeps between paragraphs).
    alts = {_WS.sub(" ", img.get("alt", "")).strip().lower() for img in tree.iter("img")}
    alts = {alt for alt in alts if len(alt) >= 15}
    if alts:
        for el in tree.iter("span", "p", "div", "figcaption", "em", "small", "i"):
            size = sizes.text.get(el, 0)
            if 15 <= size <= 300 and _heading_text(el).lower() in alts:
                yield el, False


def _is_link_list(container: etree._Element, sizes: _Measure) -> bool:
    items = [c for c in container if isinstance(c.tag, str)]
    if len(items) < 2 or any(c.tag != "li" for c in items):
        return False
    for item in items:
        text = sizes.text.get(item, 0)
        if not text or sizes.links.get(item, 0) < 0.9 * text:
            return False
        words = _heading_text(item).split()
        if len(words) < 3:
            return False  # menus and tag lists: one or two words an item, left to the other passes
    return True


def _introduced_block(heading: etree._Element, sizes: _Measure) -> etree._Element | None:
    """The block a teaser heading opens: its nearest ancestor that starts with the heading and holds links.

    When the heading sits among article paragraphs (no such ancestor), the heading and the link-heavy siblings
    that follow it are wrapped into one block so they go together and the prose around them stays.
    """
    heading_text = _heading_text(heading)
    el = heading
    for _ in range(4):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html", "main", "article"):
            break
        parent_text = _heading_text(parent)
        if not parent_text.startswith(heading_text[:20]):
            break
        el = parent
        if el.find(".//a") is not None and len(parent_text) > len(heading_text) + 20:
            return el
    # Heading inside the article flow: take it and the following link-dominated siblings.
    siblings: list[etree._Element] = []
    node = el.getnext()
    while node is not None and isinstance(node.tag, str):
        if node.tag in _HEADING_TAGS:
            break
        text_len = sizes.text.get(node, 0)
        link_len = sizes.links.get(node, 0)
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
    page = url.split("#")[0] if url else None
    count = 0
    for child in children:
        links = [a for a in child.iter("a") if a.get("href") and not a.get("href", "").startswith("#")]
        if not links:
            continue
        best = max(links, key=lambda a: sizes.text.get(a, 0))
        if len(_heading_text(best).split()) < 3:
            continue
        if page and urljoin(page, best.get("href", "")).split("#")[0] == page:
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


def _looks_like_card(child: etree._Element, link: etree._Element, sizes: _Measure) -> bool:
    """A card leads with its headline link (or sets it as a heading), or carries a time stamp or a picture; a
    paragraph that merely contains a link does none of these."""
    parent = link.getparent()
    while parent is not None and parent is not child:
        if parent.tag in _HEADING_TAGS:
            return True
        parent = parent.getparent()
    text = sizes.text.get(child, 0)
    if text and sizes.links.get(child, 0) >= 0.35 * text:
        return True
    if _heading_text(child).startswith(_heading_text(link)[:30]):
        return True
    if child.find(".//time") is not None or child.find(".//img") is not None:
        return True
    words = " ".join(part.strip() for part in child.itertext(with_tail=False) if isinstance(part, str))
    return bool(_CARD_TIME_RE.search(words[:400]))


def _is_card_list(container: etree._Element, config: PruneConfig, url: str | None, sizes: _Measure) -> bool:
    if len(container) < config.min_cards or not sizes.links.get(container):
        return False
    children = [c for c in container if isinstance(c.tag, str)]
    if len(children) < config.min_cards or len({c.tag for c in children}) != 1:
        return False
    cards = 0
    page = url.split("#")[0] if url else None
    for child in children:
        if not sizes.links.get(child):
            continue
        links = [a for a in child.iter("a") if a.get("href") and not a.get("href", "").startswith("#")]
        if not links:
            continue
        best = max(links, key=lambda a: sizes.text.get(a, 0))
        headline_words = len(_heading_text(best).split())
        if headline_words < 3:
            continue
        other_chars = sizes.text.get(child, 0) - sizes.links.get(child, 0)
        if other_chars > 7 * config.max_card_words:
            continue
        if page and urljoin(page, best.get("href", "")).split("#")[0] == page:
            continue
        if not _looks_like_card(child, best, sizes):
            continue
        cards += 1
    # Most children must be cards, and the children must be alike (same tag), as in a rendered list.
    return cards >= config.min_cards and cards >= 0.7 * len(children)
