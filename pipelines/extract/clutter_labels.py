"""Names that mark page furniture: class/id/role/aria-label words of clutter containers, and teaser headings."""

from __future__ import annotations

import functools
import logging
import re

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
