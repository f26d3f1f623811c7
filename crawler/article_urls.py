"""What a URL's shape says about its page, for a site nobody has seen yet: article, listing, or neither.

Two questions, two answers of different strength:

- :func:`non_article_shape` is the gate of sitemap and feed entries, which are article candidates: only a shape
  that cannot be an article (a static file, a feed, a tag, category or author page, a search, a sign-in page,
  page N of a list, a date archive) keeps a listed URL from being fetched. Short on purpose, and tested on the
  URLs of 1,590 real article pages.
- :class:`ArticleUrlClassifier` sorts the links found on pages: ``ARTICLE`` (fetched as an article), ``HUB``
  (a listing, followed for its links), ``SKIP``, and ``UNCERTAIN`` for a shape that says neither, which the
  spider fetches as a probe within the site's budget or once the site's own URLs taught it the shape
  (:mod:`crawler.url_shapes`). A profile's allow/deny patterns decide first when given.

courlan's filters do part of the work (pages not worth crawling, index pages, its list of web extensions); its
navigation filter is too wide for the gate (``/topics/<topic>/<article>`` is an article on many sites), so the
navigation words are matched here with the number of segments that may follow them.
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import parse_qsl, urlsplit

from courlan import is_not_crawlable
from courlan.filters import INDEX_PAGE_FILTER

from crawler.profiles import SiteProfile


class UrlKind(Enum):
    ARTICLE = "article"
    UNCERTAIN = "uncertain"
    HUB = "hub"
    SKIP = "skip"


#: Files that are never an HTML page (anchored at the end of the path, unlike courlan's ``FILE_TYPE``, which
#: also matches ``/png-`` inside a headline slug).
_NOT_HTML = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|css|js|json|xml|mp[34]|m4a|aac|ogg|wav|avi|mov|webm|flv|zip"
    r"|gz|tgz|bz2|rar|7z|exe|dmg|apk|pdf|docx?|xlsx?|pptx?|odt|csv|woff2?|ttf|eot|rss|atom|rdf|ics|vcf)$",
    re.IGNORECASE,
)
#: Web page extensions, stripped before a segment is read (``/espana.html`` is the section ``espana``).
_WEB_EXTENSION = re.compile(r"\.(s?html?|php\d?|aspx?|jspx?|cfm|cgi|do|stm|ece|cms|amp)$", re.IGNORECASE)

# -- the gate: a segment word and how many segments may follow it ----------------------------------------------
_FEED = frozenset({"feed", "feeds", "rss", "rss2", "atom"})
_TAG = frozenset({"tag", "tags", "topic", "topics", "thema", "themen", "schlagwort", "schlagworte", "sujet"})
_CATEGORY = frozenset({"category", "categories", "kategorie", "categorie", "categoria"})
_AUTHOR = frozenset({"author", "authors", "autor", "autoren", "auteur", "auteurs", "autore", "autori"})
_SEARCH = frozenset({"search", "suche", "recherche", "buscador", "busca", "ricerca", "zoeken", "site-search"})
_LOGIN = frozenset(
    {"login", "logout", "signin", "sign-in", "signup", "sign-up", "register", "auth", "connexion", "anmelden"}
)
_GATE: tuple[tuple[frozenset[str], int, str], ...] = (
    (_TAG, 1, "tag"),
    (_CATEGORY, 3, "category"),
    (_AUTHOR, 3, "author"),
    (_SEARCH, 1, "search"),
    (_LOGIN, 1, "login"),
)
#: The shapes of the gate that are listings, worth following for their links.
_LISTINGS = frozenset({"tag page", "category page", "author page", "page N of a list", "date archive"})
_PAGE_N = re.compile(r"/((page|seite|pagina)[/-]|p)\d{1,4}/?$", re.IGNORECASE)
_PAGE_PARAMS = frozenset({"page", "paged", "seite", "pagina", "pg"})
_SEARCH_PARAMS = frozenset({"s", "q", "query", "search", "searchtext", "keyword", "keywords"})
_TRACKING = ("utm_", "fbclid", "gclid", "srsltid", "mc_", "icid", "cmpid", "ito", "at_", "cm_", "ref", "mod")
_DATE_PART = re.compile(r"^((19|20)\d\d|0?[1-9]|[12]\d|3[01])$")

# -- link rules ------------------------------------------------------------------------------------------------
#: Listings and service pages the gate leaves to the page, but a link follower should not take for articles.
_LISTING_WORDS = frozenset(
    {"profile", "profiles", "by", "people", "staff", "correspondents", "signataires", "hub", "section", "sections",
     "archive", "archives", "latest", "most-recent", "index", "list", "dossier", "argomenti", "rubrik"}
)  # fmt: skip
_MEDIA_PAGE = re.compile(
    r"/(video|videos|video_and_audio|watch|gallery|galleries|inpictures|pictures|fotostrecke|photos?|multimedia"
    r"|podcasts?|sounds|live|live-tv|liveblog|newsletters?|email-newsletters|subscribe|subscription|abo|account"
    r"|my-account|wp-admin|crosswords?|weather|signin|sign-in|register)(/|$)",
    re.IGNORECASE,
)
#: Site furniture pages: about-us, privacy-policy, terms-of-use, cookies, contact, imprint...
_FURNITURE = re.compile(
    r"/(about|privacy|datenschutz|terms|cookies?|cookie-policy|contact|imprint|impressum|mentions-legales|legal|careers"
    r"|jobs|advertise)([-_][a-z]{1,8}){0,2}/?$",
    re.IGNORECASE,
)
_DATE_TAIL = re.compile(r"/(19|20)\d\d(/(0?[1-9]|1[0-2])(/(0?[1-9]|[12]\d|3[01]))?)?/?$")
_DATE_IN_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2]|[a-z]{3})([/-]\d{1,2})?(/|-|$)")
_NUMERIC_ID = re.compile(r"(^|[/_,.$-])\d{5,}([/_.,-]|$)")
#: A token of letters and digits that is an id: ``A2026071220290000630``, ``SB119873001823452323``, ``a63515464``.
_ALNUM_ID = re.compile(
    r"(^|[/_.,-])(?=[a-z0-9]*[a-z])(?=(?:[a-z]*\d){6})[a-z0-9]{7,}([/_.,-]|$)", re.IGNORECASE
)
_SLUG_WORD = re.compile(r"[^\W_]+")
_ID_PARAM = re.compile(
    r"^(id|idx|aid|nid|sid|cid|p|articleid|article_id|article|storyid|story_id|story|contentid|content_id|newsid"
    r"|news_id|itemid|postid|post_id|objectid|docid|fArticleId|story_name)$",
    re.IGNORECASE,
)
#: Segments after which the next one names a piece of content, not a section (``/article/<name>/``).
_CONTENT_WORDS = frozenset(
    {"article", "articles", "artikel", "story", "stories", "post", "posts", "blog", "blogs", "item",
     "detail", "details", "content", "a", "p", "noticia", "noticias", "nachricht", "read",
     "guide", "guides", "thoughts", "research", "review", "reviews", "features", "feature", "opinion"}
)  # fmt: skip
#: A section name is a short word; a longer one is a headline squashed into one word (``smallbusinesscyber``).
_MAX_SECTION_WORD = 14


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _bare(segment: str) -> str:
    return _WEB_EXTENSION.sub("", segment).lower()


def non_article_shape(url: str) -> str | None:
    """Why the URL's shape alone says it is no article (``"tag page"``...), or ``None`` when it may be one."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if _NOT_HTML.search(path):
        return "static file"
    segments = [_bare(s) for s in _segments(path)]
    if any(s in _FEED for s in segments[-2:]):
        return "feed"
    if _query_has_id(parts.query):
        return None  # /category/story.cfm?objectid=10486887 is a story
    for index, segment in enumerate(segments):
        for words, after, name in _GATE:
            following = segments[index + 1 :]
            short = name != "tag" or all(len(_SLUG_WORD.findall(s)) <= 2 for s in following)
            if segment in words and len(following) <= after and short:
                return f"{name} page"
    if segments and segments[-1] in ("wp-login", "wp-admin"):
        return "login page"
    if _PAGE_N.search(path):
        return "page N of a list"
    params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    if any(name in _PAGE_PARAMS and value.isdigit() for name, value in params.items()):
        return "page N of a list"
    if len(segments) <= 1 and params.keys() & _SEARCH_PARAMS:
        return "search page"
    if segments and all(_DATE_PART.match(s) for s in segments) and re.match(r"(19|20)\d\d$", segments[0]):
        return "date archive"
    return None


def _query_has_id(query: str) -> bool:
    """A query that names a piece of content: an id parameter with a number, a long number or a dated path
    anywhere in it (``?id=4133814``, ``?p=7638``, ``?/base/sports/1200651303285480.xml``); tracking
    parameters do not count."""
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower().startswith(_TRACKING):
            continue
        if _ID_PARAM.match(name) and (re.search(r"\d{3,}", value) or len(_SLUG_WORD.findall(value)) >= 3):
            return True
        text = name + "=" + value
        if re.search(r"\d{5,}", text) or _DATE_IN_PATH.search(text) or _ALNUM_ID.search(value):
            return True
    return False


def _is_section_word(segment: str) -> bool:
    """A section name: one short word (``wirtschaft``, ``espana.html``), or the ``<region>-news`` of the
    Guardian's sections; two words are a short headline as often as a section (``japan-itinerary``)."""
    words = _SLUG_WORD.findall(segment)
    if any(ch.isdigit() for ch in segment):
        return False
    if len(words) == 2:
        return words[1] == "news" and len(words[0]) <= _MAX_SECTION_WORD
    return len(words) == 1 and len(segment) <= _MAX_SECTION_WORD


class ArticleUrlClassifier:
    """Classifies URLs for one site profile by their shape (what the site's own URLs teach comes on top)."""

    def __init__(self, profile: SiteProfile) -> None:
        self.profile = profile
        self._allow = [re.compile(p) for p in profile.article_allow]
        self._deny = [re.compile(p) for p in profile.article_deny]

    def denied(self, url: str) -> bool:
        """The profile's ``articles.deny`` patterns match."""
        return any(p.search(url) for p in self._deny)

    def allowed(self, url: str) -> bool | None:
        """Whether the profile's ``articles.allow`` patterns match; ``None`` when the profile has none."""
        return any(p.search(url) for p in self._allow) if self._allow else None

    def classify(self, url: str) -> UrlKind:
        return self.judge(url)[0]

    def judge(self, url: str) -> tuple[UrlKind, bool]:
        """The URL's kind, and whether it is *ruled*: off the site, a static file, a shape of the gate, or decided
        by the profile's patterns, so that nothing a site teaches can change it."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not self.profile.allows_host(url):
            return UrlKind.SKIP, True
        path = parts.path or "/"
        if _NOT_HTML.search(path) or self.denied(url):
            return UrlKind.SKIP, True
        shape = non_article_shape(url)
        if shape is not None:
            return (UrlKind.HUB if shape in _LISTINGS else UrlKind.SKIP), True
        allowed = self.allowed(url)
        if allowed is not None:
            return (UrlKind.ARTICLE if allowed else self._hub_or_skip(url, path)), True
        return shape_kind(url), False

    @staticmethod
    def _hub_or_skip(url: str, path: str) -> UrlKind:
        if is_not_crawlable(url) or _MEDIA_PAGE.search(path) or _FURNITURE.search(path):
            return UrlKind.SKIP
        return UrlKind.HUB


def shape_kind(url: str) -> UrlKind:
    """The generic rules, past the gate: service and media pages, listings, article shapes, and the rest."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if is_not_crawlable(url):
        return UrlKind.SKIP
    segments = _segments(path)
    bare = [_bare(s) for s in segments]
    media = _MEDIA_PAGE.search(path)
    last = segments[-1] if segments else ""
    hub_word = media is not None and media.end() >= len(path) - len(last) - 1
    if (hub_word or _FURNITURE.search(path)) and len(_SLUG_WORD.findall(last)) < 4:
        return UrlKind.SKIP  # a media hub (/video/, /live-tv/s-100825) or the site's furniture (/about-us/)
    if _query_has_id(parts.query) or looks_like_article_path(path):
        return UrlKind.ARTICLE
    if media:
        return UrlKind.SKIP
    if not segments or INDEX_PAGE_FILTER.match(path) or bare[-1] in ("index", "default", "home"):
        return UrlKind.HUB
    if any(s in _LISTING_WORDS for s in bare[-2:]) and len(_SLUG_WORD.findall(bare[-1])) < 3:
        return UrlKind.HUB
    sections = bare[:-1] if segments[-1].isdigit() and len(segments[-1]) <= 3 else bare  # /international/2/
    dated = _DATE_TAIL.search(path)
    if dated:  # /events/2026/11/18/: a calendar or archive of a section
        sections = _segments(path[: dated.start()])
    listing = (sections or dated) and all(_is_section_word(s) for s in sections) and len(sections) <= 3
    if listing and not any(s in _CONTENT_WORDS for s in sections[:-1]):
        return UrlKind.HUB
    return UrlKind.UNCERTAIN


def looks_like_article_path(path: str) -> bool:
    """A date or a long numeric or letter-and-digit id in the path, or a last segment that reads like a
    headline slug (four words or more)."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = _WEB_EXTENSION.sub("", last)
    if last.isdigit() and len(last) <= 4:
        return False  # a date archive such as /2026/11/18/, or page 2 of a list
    if _DATE_IN_PATH.search(path) and len(_segments(path)) >= 3:
        return True
    if _NUMERIC_ID.search(path) or _ALNUM_ID.search(path):
        return True
    return len(_SLUG_WORD.findall(last)) >= 4 and not any(ch in last for ch in "?=&")


_PAGE_PATH = re.compile(r"/(?:page|seite|pagina)/(\d{1,4})/?$|/p(\d{1,4})/?$", re.IGNORECASE)


def page_number(url: str, listing_url: str) -> int | None:
    """N when ``url`` is page N of the listing at ``listing_url`` (``?page=2``, ``/page/2/``, ``/p2/`` of the
    same path and query), else ``None``: the spider follows pages of a listing without spending follow depth."""
    link, listing = urlsplit(url), urlsplit(listing_url)
    if link.netloc.lower() != listing.netloc.lower():
        return None
    base = _PAGE_PATH.sub("", listing.path).rstrip("/")
    match = _PAGE_PATH.search(link.path)
    if match:
        same = _PAGE_PATH.sub("", link.path).rstrip("/") == base and link.query == listing.query
        return int(match.group(1) or match.group(2)) if same else None
    if link.path.rstrip("/") not in (listing.path.rstrip("/"), base):
        return None
    number = None
    rest: dict[str, list[str]] = {"link": [], "listing": []}
    for side, query in (("link", link.query), ("listing", listing.query)):
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name.lower() in _PAGE_PARAMS and value.isdigit():
                if side == "link":
                    number = int(value)
            else:
                rest[side].append(f"{name}={value}")
    return number if number is not None and sorted(rest["link"]) == sorted(rest["listing"]) else None


_LISTING_SITEMAP = re.compile(
    r"(^|[/_-])(post_tag|tags?|categor(y|ies)|authors?|users?)[-_]?sitemap|sitemap[-_]?(tags?|categor(y|ies)|authors?)",
    re.IGNORECASE,
)


def listing_sitemap(url: str) -> bool:
    """A child sitemap of tag, category or author pages (``post_tag-sitemap.xml``, ``sitemap-authors.xml``, as
    Yoast and most CMS plugins name them): nothing in it is an article."""
    return bool(_LISTING_SITEMAP.search(urlsplit(url).path.rsplit("/", 1)[-1]))
