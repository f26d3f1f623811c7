"""The extract stage: one fetched page in, the article's text and metadata out, or a counted reason why not.

``extract_article`` is the pure function (crawl, ``newscorpus extract``, the benchmark and tests call it);
``ExtractPipeline`` is the thin Scrapy adapter around it.

The steps, each guarded so bad input ends in a drop class and never in a crash:

1. decode: bytes to text (BOM, declared charset, UTF-8, then cp1252), refusing binary and undecodable data and
   pages over the size cap; text that was decoded with the wrong charset upstream (``Ã©`` for ``é``) is repaired;
2. parse once (trafilatura's parser settings) and read the metadata (``pipelines.metadata``);
3. drop inert elements (scripts but JSON-LD, styles, SVG, forms' controls...) that trafilatura deletes anyway, then
   prune clutter containers from the tree (``pipelines.prune``), with the site profile's selectors;
4. trafilatura on the pruned tree, precision mode, comments excluded;
5. fallback (the documented rule is in ``_main_text``) when the text is short for the page;
6. the headline repeated as the first line is dropped (the record has a ``title``);
7. NotAnArticle / NoText decisions.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from collections.abc import Sequence
from copy import copy, deepcopy
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from pipelines import ahead
from pipelines.ahead import Speculation
from pipelines.clean import CleanConfigs, clean_ahead, clean_configs
from pipelines.drops import NotAnArticle, NoText, PublishedBeforeSince, UnreadablePage
from pipelines.language import LanguageSettings, language_ahead
from pipelines.metadata import (
    ARTICLE_TYPES,
    NON_ARTICLE_TYPES,
    Metadata,
    domain_of,
    extract_metadata,
    parse_date,
)
from pipelines.prune import PruneConfig, prune_tree
from pipelines.text_stats import count_words
from pipelines.worker_pool import WorkerPool

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractConfig:
    """Tunables of the extract stage (site profiles override single keys).

    - ``max_bytes``: pages larger than this are refused (``UnreadablePage``), well above any article page.
    - ``favor_precision``: trafilatura's precision mode; our pruning and cleaning remove what it would keep.
    - ``fallback_ratio``: when the extracted text is shorter than this share of the page's paragraph text, the
      recall-oriented modes are tried (see ``_main_text``).
    - ``fast``: the first pass skips trafilatura's own readability/justext comparison (our pruning does most of
      that work); ``confident_chars``: a first-pass text shorter than this gets the full comparison anyway.
    - ``min_article_words``: a page whose type says "not an article" is dropped when its text is shorter.
    - ``nav_link_share``: a page with no main text whose visible text is mostly link text is a navigation page.
    """

    max_bytes: int = 8 << 20
    favor_precision: bool = True
    fallback: bool = True
    fallback_ratio: float = 0.6
    fast: bool = True
    confident_chars: int = 600
    min_article_words: int = 150
    min_text_chars: int = 1
    nav_link_share: float = 0.5
    use_htmldate: bool = True
    prune: PruneConfig = field(default_factory=PruneConfig)


@dataclass
class Extracted:
    """The article as the page gives it; ``text`` has one paragraph a line."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date_published: str | None = None
    date_modified: str | None = None
    date_source: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    tags: list[str] = field(default_factory=list)
    declared_language: str | None = None
    page_type: str | None = None


# --------------------------------------------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_MOJIBAKE = re.compile(
    "[ÃÂâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MARKUP = re.compile(
    r"<\s*(?:!doctype|html|head|body|div|p|article|meta|title|span|section|main)\b", re.IGNORECASE
)


def decode_html(raw: str | bytes, max_bytes: int = 8 << 20) -> str:
    """The page as text; raises ``UnreadablePage`` for binary, undecodable, oversized or non-HTML input."""
    if raw is None:
        raise UnreadablePage("empty body")
    if isinstance(raw, bytes | bytearray):
        data = bytes(raw)
        if len(data) > max_bytes:
            raise UnreadablePage(f"page of {len(data)} bytes over the {max_bytes} byte cap")
        if not data.strip():
            raise UnreadablePage("empty body")
        head = data[:4096]
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise UnreadablePage("binary content")
        text = _decode_bytes(data)
    else:
        text = raw
        if len(text) > max_bytes:
            raise UnreadablePage(f"page of {len(text)} characters over the {max_bytes} cap")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadablePage("empty body")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.01 * len(sample) or sample.count("\ufffd") > 0.05 * len(sample):
        raise UnreadablePage("binary or undecodable content")
    if not _MARKUP.search(text[:65536]):
        raise UnreadablePage("not an HTML page")
    return repair_mojibake(text)


def _decode_bytes(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # UTF-8 that decodes cleanly is UTF-8 whatever the page declares (the most common charset lie).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", "ignore").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
        if name and name not in ("utf-8", "utf8"):
            name = "cp1252" if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii") else name
            try:
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # charset_normalizer is a guesser: any failure falls back to cp1252 below
        logger.debug("charset guess failed", exc_info=True)
    return data.decode("cp1252", errors="replace")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 upstream (``CafÃ©`` -> ``Café``) when that is clearly what happened."""
    sample = text[:200_000]
    if "Ã" not in sample and "Â" not in sample and "â€" not in sample:
        return text  # the lead bytes of every UTF-8-read-as-cp1252 sequence we repair: none, nothing to do
    hits = len(_MOJIBAKE.findall(sample))
    if hits < 3:
        return text
    for encoding in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if len(_MOJIBAKE.findall(fixed[:200_000])) < hits / 4:
            return fixed
    return text


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


# --------------------------------------------------------------------------------------------------- text

#: Elements with no article text that trafilatura deletes anyway (keeping their tails, as we do): removed once, in
#: C, before our passes and trafilatura's own run over the tree, which both cost time in proportion to its size.
_INERT = (
    "style",
    "noscript",
    "svg",
    "iframe",
    "template",
    "canvas",
    "object",
    "embed",
    "video",
    "audio",
    "map",
    "button",
    "input",
    "select",
    "textarea",
    "picture",
    "source",
    "link",
    "meta",
)


def strip_inert(tree: lxml_html.HtmlElement) -> None:
    """Drop scripts (except JSON-LD, which the baseline fallback reads) and inert elements, keeping tails."""
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            script.tag = "newscorpus-drop"
    etree.strip_elements(tree, "newscorpus-drop", *_INERT, with_tail=False)


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


def _main_text(tree: lxml_html.HtmlElement, url: str, config: ExtractConfig) -> str:
    """trafilatura's text, with the fallback rule.

    The first pass is trafilatura in precision mode without its own fallbacks (``fast``): our pruning already
    did the work its readability/justext comparison does on most pages, at a fraction of the time.

    Rule: when that text is shorter than ``fallback_ratio`` of the page's prose paragraphs or than
    ``confident_chars``, precision mode is run again with trafilatura's own fallbacks, and its text is taken
    when longer. When the text is still shorter than ``fallback_ratio`` of the prose, the other extractors are
    tried in order: trafilatura's balanced mode, its recall mode, then its baseline (JSON-LD ``articleBody`` or
    all paragraphs). A candidate replaces the current text only when it is at least 10% longer *and* holds at least
    90% of the current text's 4-word shingles: the fallback may add the paragraphs the first pass cut, never
    swap the article for something else. The search stops at the first text that is long enough.

    The balanced candidate runs without trafilatura's readability/justext comparison (``fast``). That
    comparison has already had its say in the second pass; in balanced mode it differs only in giving
    readability a less pruned tree and takes about 25 ms more a page. The recall candidate keeps it: its
    rules are the lenient ones, which take readability's text where it is half as long again. On the 181
    scrapinghub pages, the balanced candidate's text was the same with and without the comparison on every
    page that reached it.
    """
    text = _trafilatura_text(tree, url, favor_precision=config.favor_precision, fast=config.fast)
    if not config.fallback:
        return text
    yardstick = _paragraph_chars(tree)
    short = config.fallback_ratio * yardstick
    if config.fast and len(text) < max(short, config.confident_chars):
        # Same mode with trafilatura's own readability/justext comparison: its judgement, taken as is.
        slow = _trafilatura_text(tree, url, favor_precision=config.favor_precision)
        if len(slow) > len(text):
            text = slow
    if len(text) >= short:
        return text
    candidates: list[Any] = [{"fast": True}] if config.favor_precision else []
    candidates += [{"favor_recall": True}, "baseline"]
    for how in candidates:
        other = _baseline_text(tree) if how == "baseline" else _trafilatura_text(tree, url, **how)
        if len(other) > len(text) * 1.1 and covers(other, text, 0.9):
            text = other
            if len(text) >= short:
                break
    return text


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _headlines(tree: lxml_html.HtmlElement, title: str | None) -> set[str]:
    """The headline as the page shows it (title and first ``h1``), normalised, to recognise it in the text."""
    keys = {_key(title)} if title else set()
    h1 = tree.find(".//h1")
    if h1 is not None:
        keys.add(_key(h1.text_content() or ""))
    return {k for k in keys if len(k) >= 10}


def _drop_headline(text: str, headlines: set[str]) -> str:
    """The record has a ``title`` field; the headline repeated as the text's first lines is not body text."""
    if not headlines:
        return text
    lines = text.splitlines()
    start = 0
    while start < min(len(lines), 3) and (not lines[start].strip() or _key(lines[start]) in headlines):
        start += 1
    return "\n".join(lines[start:]) if start else text


def _link_share(tree: lxml_html.HtmlElement) -> tuple[float, int]:
    body = tree.find(".//body")
    if body is None:
        return 0.0, 0
    total = len(" ".join((body.text_content() or "").split()))
    links = list(body.iter("a"))
    link_chars = sum(len(" ".join((a.text_content() or "").split())) for a in links)
    return (link_chars / total if total else 0.0), len(links)


def _is_not_article_type(page_type: str | None) -> bool:
    if not page_type:
        return False
    kind = page_type.lower().rsplit("/", 1)[-1]
    return kind in NON_ARTICLE_TYPES and kind not in ARTICLE_TYPES


# --------------------------------------------------------------------------------------------------- main


def extract_article(
    html: str | bytes,
    url: str,
    *,
    prune_selectors: Sequence[str] = (),
    date_hint: str | None = None,
    date_hint_source: str | None = None,
    fetched_at: str | None = None,
    config: ExtractConfig | None = None,
) -> Extracted:
    """Extract one article; raises ``UnreadablePage``, ``NotAnArticle`` or ``NoText`` when there is none."""
    config = config or ExtractConfig()
    text_html = decode_html(html, config.max_bytes)
    tree = parse_html(text_html)
    try:
        meta = extract_metadata(
            tree,
            url,
            date_hint=date_hint,
            date_hint_source=date_hint_source,
            fetched_at=fetched_at,
            use_htmldate=config.use_htmldate,
        )
    except Exception:  # metadata is best effort; the text decides whether there is an article
        logger.warning("metadata extraction failed on %s", url, exc_info=True)
        meta = Metadata(canonical_url=url)

    headings = _headlines(tree, meta.title)
    strip_inert(tree)
    prune_tree(tree, prune_selectors, config.prune, url=url)
    text = _drop_headline(_main_text(tree, url, config), headings)
    words = len(text.split())

    if _is_not_article_type(meta.page_type) and words < config.min_article_words:
        raise NotAnArticle(f"page type {meta.page_type!r} with {words} words")
    if len(text) < config.min_text_chars or not any(ch.isalnum() for ch in text):
        share, links = _link_share(tree)
        if share >= config.nav_link_share and links >= 10:
            raise NotAnArticle(f"navigation page: {links} links, {share:.0%} of the text in links")
        raise NoText("no main text found")
    return Extracted(
        text=text,
        title=meta.title,
        authors=meta.authors,
        date_published=meta.date_published,
        date_modified=meta.date_modified,
        date_source=meta.date_source,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        tags=meta.tags,
        declared_language=meta.declared_language,
        page_type=meta.page_type,
    )


def published_before(date_published: str | None, since: date | None) -> bool:
    """True when the article has a date and it is earlier than ``since`` (undated articles are kept)."""
    if since is None or not date_published:
        return False
    parsed = parse_date(date_published)
    if parsed is None:
        return False
    moment = parsed[0]
    day = moment.date() if hasattr(moment, "date") and callable(moment.date) else moment
    return day < since


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    parsed = parse_date(str(value))
    if parsed is None:
        raise ValueError(f"NEWSCORPUS_SINCE is not an ISO date: {value!r}")
    moment = parsed[0]
    return moment.date() if hasattr(moment, "date") and callable(moment.date) else moment


class ExtractPipeline:
    """Scrapy adapter: pops ``_html`` and fills the record's text and metadata fields."""

    def __init__(
        self,
        config: ExtractConfig | None = None,
        since: date | None = None,
        stats: Any = None,
        pool: WorkerPool | None = None,
        clean: CleanConfigs | None = None,
        language: LanguageSettings | None = None,
        speculation: Speculation | None = None,
    ) -> None:
        """``clean``: the clean stage's configurations when it runs after this one; its text rules then run in
        this stage's worker task, right after the extraction (one round trip to the pool a page fewer).

        ``language`` and ``speculation``: the language stage's settings when it runs later, and the record of
        the sites where its task run ahead pays off. For those sites this stage's task also runs the language
        stage's task (and so the dedupe stage's features) on the cleaned text: a page is one round trip to the
        pool instead of two, unless the clean stage then strips lines the site repeats (see ``Speculation``).
        """
        self.config = config or ExtractConfig()
        self.since = since
        self.stats = stats
        self.pool = pool or WorkerPool(0)
        self.clean = clean
        self.language = language
        self.speculation = speculation

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not settings.getbool("NEWSCORPUS_EXTRACT_ENABLED", True):
            raise NotConfigured("NEWSCORPUS_EXTRACT_ENABLED is off")
        defaults = ExtractConfig()
        config = replace(
            defaults,
            max_bytes=settings.getint("NEWSCORPUS_EXTRACT_MAX_BYTES", defaults.max_bytes),
            favor_precision=settings.getbool("NEWSCORPUS_EXTRACT_FAVOR_PRECISION", defaults.favor_precision),
            fallback=settings.getbool("NEWSCORPUS_EXTRACT_FALLBACK", defaults.fallback),
            fallback_ratio=settings.getfloat("NEWSCORPUS_EXTRACT_FALLBACK_RATIO", defaults.fallback_ratio),
            min_article_words=settings.getint(
                "NEWSCORPUS_EXTRACT_MIN_ARTICLE_WORDS", defaults.min_article_words
            ),
            use_htmldate=settings.getbool("NEWSCORPUS_EXTRACT_USE_HTMLDATE", defaults.use_htmldate),
            prune=replace(
                defaults.prune,
                generic=settings.getbool("NEWSCORPUS_EXTRACT_PRUNE_GENERIC", defaults.prune.generic),
                teasers=settings.getbool("NEWSCORPUS_EXTRACT_PRUNE_TEASERS", defaults.prune.teasers),
            ),
        )
        if settings.get("LOG_LEVEL") != "DEBUG":
            # trafilatura warns on every page without text; our drop reasons record it once per page already.
            logging.getLogger("trafilatura").setLevel(logging.ERROR)
        from crawler.extensions import speculation, worker_pool
        from pipelines.language import language_settings

        clean = (
            clean_configs(settings) if ahead.stage_runs(settings, "pipelines.clean.CleanPipeline") else None
        )
        language = (
            language_settings(settings)
            if ahead.stage_runs(settings, "pipelines.language.LanguagePipeline")
            else None
        )
        since = parse_since(settings.get("NEWSCORPUS_SINCE"))
        return cls(config, since, crawler.stats, worker_pool(crawler), clean, language, speculation(crawler))

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        # HTML parsing and extraction run in a worker process; the reactor keeps downloading meanwhile.
        language = self.language
        if language is not None and (
            self.speculation is None or not self.speculation.wanted(domain_of(item.get("url") or ""))
        ):
            language = None
        result = await self.pool.run(
            fill_record_and_clean, item, self.config, self.since, self.clean, language
        )
        # Keep the same dict: Scrapy reports a later drop with the item object the spider yielded.
        if result is not item:
            item.clear()
            item.update(result)
        if self.stats is not None:
            self.stats.inc_value("newscorpus/extract/ok")
        return item


def fill_record_and_clean(
    item: dict[str, Any],
    config: ExtractConfig,
    since: date | None,
    clean: CleanConfigs | None,
    language: LanguageSettings | None = None,
) -> dict[str, Any]:
    """The task a worker process runs for the extract stage, with the clean stage's text rules and the language
    stage's task when their settings are given (see ``ExtractPipeline``)."""
    fill_record(item, config, since)
    text = item.get("text") or ""
    if clean is not None:
        text = clean_ahead(item, clean).text
    if language is not None:
        language_ahead(item, text, language)
    return item


def fill_record(
    item: dict[str, Any], config: ExtractConfig | None = None, since: date | None = None
) -> dict[str, Any]:
    """Run ``extract_article`` on an item dict and fill the record fields (shared by the crawl and the CLI)."""
    from crawler.items import article_id

    html = item.pop("_html", None)
    url = item.get("url") or ""
    if html is None:
        raise UnreadablePage("no HTML in the item")
    result = extract_article(
        html,
        url,
        prune_selectors=item.pop("_prune_selectors", None) or (),
        date_hint=item.pop("_date_hint", None),
        date_hint_source=item.pop("_date_hint_source", None),
        fetched_at=item.get("fetched_at"),
        config=config,
    )
    canonical = result.canonical_url or url
    item["id"] = article_id(canonical)
    item["canonical_url"] = canonical
    item["domain"] = domain_of(url)
    item["title"] = result.title
    item["authors"] = result.authors
    item["date_published"] = result.date_published
    item["date_modified"] = result.date_modified
    item["date_source"] = result.date_source
    item["declared_language"] = result.declared_language
    item["text"] = result.text
    item["word_count"] = count_words(result.text)
    item["site_name"] = result.site_name
    item["tags"] = result.tags
    item["source"] = item.get("source") or "live"
    if published_before(result.date_published, since):
        raise PublishedBeforeSince(f"published {result.date_published}, before {since}")
    return item
