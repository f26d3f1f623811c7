"""The clean stage: remove the page furniture extraction leaves in the text, one whole line at a time.

Why lines: extracted text has one paragraph a line, and furniture ("Leave a Comment", "Scroll to Top",
"Share this article", "Related Articles" and the teasers under it) is always a line of its own. A pattern is
only ever matched against a *whole* line, so a paragraph that mentions "read more" or "comments" in a sentence
is never touched.

The rules, applied in order:

1. ``tail``: from a section heading that ends articles ("Related Articles", "Comments", "Leave a Reply",
   "Hashtags", "You may also like" ...), everything to the end is removed when it stands in the last part of
   the text, or when what follows it looks like teasers (time stamps such as "8 minutes ago", repeated short
   source lines, or more furniture);
2. ``furniture``, anywhere, whole short lines only: known furniture phrases in several languages ("Leave a
   Comment", "Scroll to Top", "Leia também"), link-outs to other stories ("Read more: <headline>"), short
   lines with a copyright sign (photo credits), label lines ("Filed under: ...", "5 min read") and newsletter
   or app plugs ("Sign up for our newsletter ...", "... delivered to your inbox");
3. ``edges``: at the start and the end, credits, furniture and date lines ("November 20, 2019 - 11:28") are
   trimmed until a prose line is met; among the last ``signoff_window`` lines, a sign-off (newsletter or app
   offer, follow/share prompt, contact line, agency credit such as "Reporting by ...", rights notice) is cut
   with everything after it, when all of that is short.

``clean_text`` works on any extracted text, so the dedupe stage can call it on raw texts too.
The stage's adapter (``pipelines.clean.pipeline``) also applies site-level line learning
(``pipelines.clean.site_lines``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

from pipelines.settings import setting

logger = logging.getLogger(__name__)


_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


#: Whole-line furniture phrases. Anchored: the line must be nothing but the phrase (and punctuation).
FURNITURE = (
    # comments
    r"(?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:comment|reply|response)|tell\s+us\s+what\s+you\s+think|"
    r"(?:no|\d+|show|view|load|hide|see)\s+(?:more\s+)?comments?(?:\s+yet)?(?:\s*\.\.\.|…)?|comments?\s*(?:\(\d+\))?|"
    r"your\s+email\s+address\s+will\s+not\s+be\s+published\.?(?:\s*required\s+fields\s+are\s+marked\s*\*?)?|"
    r"required\s+fields\s+are\s+marked\s*\*?|cancel\s+reply|post\s+comment|join\s+the\s+(?:conversation|discussion)|"
    r"(?:you\s+must\s+be\s+)?log(?:ged)?\s+in\s+to\s+(?:post\s+a\s+)?comment\.?|be\s+the\s+first\s+to\s+comment|"
    r"save\s+my\s+name,?\s+email,?\s+and\s+website\s+in\s+this\s+browser\s+for\s+the\s+next\s+time\s+i\s+comment\.?|"
    r"this\s+site\s+uses\s+akismet\s+to\s+reduce\s+spam.*|"
    # navigation and page furniture
    r"(?:scroll|back|go|return)\s+to\s+(?:the\s+)?top|top\s+of\s+page|skip\s+to\s+(?:main\s+)?content|"
    r"previous\s+(?:article|post|story)|next\s+(?:article|post|story)|post\s+navigation|load\s+more|"
    r"(?:try|explore)\s+our\s+ai\s+features|explore\s+what\s+.{1,40}\s+can\s+do\s+for\s+you\s*:?|"
    r"hashtags?|tags?|topics?|filed\s+under|categories|"
    r"advertisement|advertising|sponsored(?:\s+content)?|paid\s+content|ad|"
    r"print(?:\s+(?:this\s+)?(?:article|page|story))?|e-?mail(?:\s+this\s+(?:article|story))?|order\s+reprints?|reprints?|"
    r"share(?:\s+(?:this|the)\s+(?:article|story|post|page))?(?:\s+(?:on|via)\s+\w+)?|shares?|"
    r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|copy\s+link|flipboard)|"
    # site menus and legal links, as labels of their own
    r"(?:free\s+|e-?mail\s+|daily\s+|our\s+)?newsletters?|site\s*map|advanced\s+search|rss(?:\s+feeds?)?|"
    r"contact\s+us|about\s+us|privacy\s+(?:policy|notice)|terms\s+(?:of\s+(?:use|service)|and\s+conditions)|"
    r"copyright(?:\s+(?:and|&)\s+trade\s*marks?)?(?:\s+(?:notice|policy))?|"
    r"follow\s+us(?:\s+on\s+.{1,40})?|like\s+us\s+on\s+facebook|"
    r"(?:sign\s+up|subscribe)\s+(?:to|for)\s+(?:our|the)\s+.{0,40}newsletter.{0,60}|subscribe(?:\s+now)?|"
    r"click\s+here\s+to\s+(?:subscribe|comment|read\s+more|share).*|"
    r"(?:related|recommended|popular|trending|latest)(?:\s+(?:articles?|stories|posts?|news|content|videos?))?|"
    r"(?:you\s+)?(?:may|might)\s+also\s+(?:like|enjoy)|read\s+(?:more|next|also)|more\s+(?:stories|articles|news)|"
    r"(?:most|top)\s+(?:read|popular|viewed|shared)(?:\s+(?:stories|articles|news))?|"
    # German
    r"kommentare?|kommentar\s+schreiben|ähnliche\s+artikel|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|"
    r"(?:artikel\s+)?teilen|nach\s+oben|zum\s+seitenanfang|anzeige|werbung|newsletter\s+abonnieren|meistgelesen|"
    # French
    r"commentaires?|laisser\s+un\s+commentaire|votre\s+adresse\s+(?:e-?mail|de\s+messagerie)\s+ne\s+sera\s+pas\s+publiée.*|"
    r"articles?\s+(?:similaires|liés|connexes)|(?:à\s+)?lire\s+aussi|partager|retour\s+en\s+haut|publicité|abonnez-vous|"
    # Spanish
    r"deja\s+(?:un|tu)\s+comentario|comentarios?|tu\s+(?:dirección\s+de\s+)?correo\s+electrónico\s+no\s+será\s+publicad[oa].*|"
    r"noticias\s+relacionadas|artículos\s+relacionados|te\s+puede\s+interesar|compartir|volver\s+arriba|publicidad|suscríbete|"
    # Portuguese
    r"deixe\s+(?:um|seu)\s+comentário|comentários?|o\s+seu\s+endereço\s+de\s+e-?mail\s+não\s+será\s+publicado.*|"
    r"notícias\s+relacionadas|leia\s+(?:também|mais)|veja\s+também|compartilhe|compartilhar|voltar\s+ao\s+topo|publicidade|"
    r"mais\s+lidas|"
    # Italian
    r"lascia\s+un\s+commento|commenti|il\s+tuo\s+indirizzo\s+email\s+non\s+sarà\s+pubblicato.*|articoli\s+correlati|"
    r"leggi\s+anche|condividi|torna\s+su|pubblicità|"
    # Russian
    r"комментари[иейя]|оставить\s+комментарий|читайте\s+также|похожие\s+(?:новости|статьи)|поделиться|наверх|реклама|"
    # Indonesian
    r"baca\s+juga|berita\s+terkait|artikel\s+terkait|komentar|bagikan|kembali\s+ke\s+atas|iklan|tinggalkan\s+komentar|"
    # Korean, Japanese
    r"댓글|관련\s*기사|많이\s*본\s*(?:기사|뉴스)|공유하기|맨\s*위로|광고|"
    r"コメント|関連記事|あわせて読みたい|シェア|ページの先頭へ|広告"
)


_FURNITURE_RE = re.compile(rf"^[\W_]*(?:{FURNITURE})[\W_]*$", re.IGNORECASE)


#: Headings after which an article does not continue: the rest of the text is page furniture.
TAIL_HEADINGS = (
    r"related(?:\s+(?:articles?|stories|posts?|news|content|coverage|reading))?|"
    r"(?:you\s+)?(?:may|might)\s+also\s+(?:like|enjoy)|more\s+(?:stories|articles|news)(?:\s+from\s+.{1,40})?|"
    r"more\s+from\s+.{1,40}|recommended(?:\s+(?:for\s+you|stories|articles))?|"
    r"(?:most|top)\s+(?:read|popular|viewed|shared)(?:\s+(?:stories|articles|news))?|trending(?:\s+now)?|"
    r"comments?|(?:no|\d+)\s+comments?(?:\s+yet)?.*|(?:leave|post|add|write)\s+(?:a|your)\s+(?:comment|reply)|"
    r"hashtags?|(?:try|explore)\s+our\s+ai\s+features|"
    r"kommentare|ähnliche\s+artikel|mehr\s+zum\s+thema|commentaires|articles\s+similaires|"
    r"noticias\s+relacionadas|notícias\s+relacionadas|articoli\s+correlati|читайте\s+также|похожие\s+новости|"
    r"berita\s+terkait|관련\s*기사|関連記事"
)


_TAIL_RE = re.compile(rf"^[\W_]*(?:{TAIL_HEADINGS})[\W_]*$", re.IGNORECASE)


#: Lines that mark teaser cards: relative times, bare dates and times, "- Source" lines.
_TEASER_META_RE = re.compile(
    r"^(?:\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago|yesterday|just\s+now|"
    r"\d{1,2}\s*(?:분|시간|일)\s*전|\d+\s*(?:分|時間|日)前|"
    r"(?:vor\s+\d+\s+(?:minuten|stunden|tagen))|(?:há\s+\d+\s+(?:minutos?|horas?|dias?))|"
    r"(?:hace\s+\d+\s+(?:minutos?|horas?|días?))|(?:\d+\s+(?:минут[уы]?|час(?:а|ов)?|дн(?:я|ей))\s+назад)|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:\s+\d{1,2}:\d{2})?|\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)$",
    re.IGNORECASE,
)


#: Credit and rights lines, trimmed at the edges of a text only.
_EDGE_RE = re.compile(
    r"^(?:©|\(c\)|copyright\b|all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés|"
    r"todos\s+los\s+derechos\s+reservados|todos\s+os\s+direitos\s+reservados|tutti\s+i\s+diritti\s+riservati|"
    r"все\s+права\s+защищены|무단\s*전재|저작권자|無断転載|"
    r"(?:photo|image|picture|foto|video|source|credit|file\s+photo)s?\s*(?:credit)?\s*[:|/]|"
    r"(?:read|see)\s+(?:more|also)\s*:|related\s*:|more\s*:|also\s+read\s*:|"
    r"(?:follow|like)\s+(?:us|.{1,30})\s+on\s+(?:twitter|facebook|instagram|x|telegram|linkedin)|"
    r"(?:sign\s+up|subscribe)\b.{0,80}newsletter|"
    r"this\s+(?:article|story)\s+(?:was|has\s+been)\s+(?:originally\s+)?(?:published|updated)|"
    r"(?:updated|published|posted)\s*(?:on|at)?\s*:?\s*\d)",
    re.IGNORECASE,
)


#: A link to another story set as a line of its own: "Read more: <headline>", "[Related: <headline>]".
_LINK_OUT_RE = re.compile(
    r"^[\W_]*(?:related(?:\s+(?:post|article|story|stories|posts|articles|coverage|content|reading|link))?|"
    r"(?:read|see|watch|listen)\s+(?:more|also|next|too)|also\s+(?:read|see|watch|on\s+\S+)|more\s+(?:on|about)\s+this|"
    r"click\s+here|recommended|further\s+reading|don'?t\s+miss|must\s+read|"
    r"lesen\s+sie\s+auch|mehr\s+zum\s+thema|auch\s+interessant|lire\s+aussi|à\s+lire|voir\s+aussi|"
    r"leia\s+(?:também|mais)|veja\s+(?:também|mais)|saiba\s+mais|lea\s+también|ver\s+también|te\s+puede\s+interesar|"
    r"leggi\s+anche|vedi\s+anche|читайте\s+также|смотрите\s+также|baca\s+juga|simak\s+juga|lihat\s+juga|"
    r"관련\s*기사|関連記事|あわせて読みたい)\s*[:：|»>–—-]\s*\S.*$",
    re.IGNORECASE,
)


#: Sign-off lines that close a text: newsletter and app offers, follow/share prompts, contact lines, agency
#: credits ("Reporting by ...", "... contributed to this report") and rights notices. Matched only in the last
#: lines (see ``_cut_signoff``), never in the body.
_SIGNOFF_RE = re.compile(
    r"\b(?:sign\s+up|subscribe|register)\s+(?:now|today|here|for|to)\b|\bsubscribing\s+to\b|\bunsubscribe\b|"
    r"\b(?:our|free|daily|weekly|morning|evening)\s+(?:\w+\s+)?newsletters?\b|\bnewsletters?\s+(?:sign|subscri)|"
    r"\b(?:in|to|into)\s+your\s+inbox\b|"
    r"\bfollow\s+(?:us|him|her|them|[\w.'’]+)\s+on\s+(?:twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky|x)\b|"
    r"\bfollow\s+(?:us|him|her|them)\b|@\w{2,}\s+on\s+(?:twitter|x)\b|\bshare\s+(?:it|this)\s+with\b|"
    r"\blike\s+this\s+(?:story|article)\b|\bif\s+you\s+(?:enjoyed|liked|value|appreciate)\s+(?:this|our)\b|"
    r"\btell\s+us\s+what\s+you\s+think\b|\bhave\s+a\s+(?:news\s+)?tip\b|\bget\s+(?:the|our)\s+.{1,30}\s+app\b|"
    r"\bwrite\s+to\s+.{1,40}\s+at\s+\S+@|\breach\s+(?:the\s+)?(?:reporters?|writers?|authors?|us|him|her|them)\s+(?:on|at|via)\b|"
    r"\bfollow\s+(?:\S+\s+){0,3}(?:full\s+|latest\s+|live\s+)?coverage\b|[\w.+-]+@[\w-]+\.[\w.]+|^\W*(?:https?://)?(?:www\.)?(?:twitter|x)\.com/\w+\W*$|"
    r"^\W*(?:additional\s+)?(?:reporting|writing|editing|research)\s+by\b|"
    r"\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b|"
    r"©|\bcopyright\b|\ball\s+rights\s+reserved\b|"
    r"\b(?:folgen\s+sie\s+uns|abonnieren\s+sie|siga-nos|inscreva-se|suscríbete|síguenos|seguici|iscriviti|"
    r"подписывайтесь|подпишитесь|ikuti\s+kami)\b|구독|購読",
    re.IGNORECASE,
)


#: Newsletter and app plugs, removed wherever they stand (short lines only): a call to sign up for a newsletter
#: or a mailing list, "... delivered to your inbox", "Thank you for subscribing", "Get the <outlet> app". The
#: sign-up verb opens a sentence, so a story that says someone subscribes to a newsletter keeps its line.
_PLUG_RE = re.compile(
    r"(?:^\W*|[.!?:]\s+|\bjust\s+|\bplease\s+)(?:sign\s+up|subscribe|register|join)\b.{0,80}"
    r"\b(?:newsletters?|inbox|mailing\s+list)\b|"
    r"\bdelivered\s+(?:right\s+|directly\s+|straight\s+)?to\s+your\s+inbox\b|"
    r"\b(?:directly|straight|right)\s+(?:in)?to\s+your\s+inbox\b|\bthanks?(?:\s+you)?\s+for\s+subscribing\b|"
    r"^\W*get\s+the\s+.{1,30}\s+app\W*$|^\W*subscribe\s+to\s+get\s+access\b|\bwhen\s+you\s+subscribe\s+today\b|"
    r"\bnewsletter\s+forwarded\s+to\s+you\b",
    re.IGNORECASE,
)


#: Short label lines: "Filed under: ...", "Tags: ...", reading time.
_LABEL_LINE_RE = re.compile(
    r"^\W*(?:(?:filed|posted)\s+(?:under|in)|tags?|tagged(?:\s+with)?|categor(?:y|ies)|categoria|kategorie|"
    r"(?:related\s+)?topics|themen|etiquetas|schlagwörter|reading\s+time|tempo\s+de\s+leitura|lesezeit|temps\s+de\s+lecture|"
    r"tiempo\s+de\s+lectura)\s*[:：]|^\W*\d+\s*(?:-|\s)?\s*min(?:ute)?s?\.?\s+read\W*$|^\W*\d+\s*분\s*소요\W*$",
    re.IGNORECASE,
)


#: Date and byline lines at the edges: a short line with a year (or 년/年) and a month, a numeric date or a time.
_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b|\d{4}\s*[년年]")


_DATE_PART_RE = re.compile(
    r"\d{1,2}:\d{2}|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\d+\s*[월月]|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
    r"september|october|november|december|janeiro|fevereiro|março|maio|junho|julho|agosto|setembro|outubro|novembro|"
    r"dezembro|enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre|januar|februar|märz|mai|"
    r"juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januari|februari|maret|mei|agustus|"
    r"desember|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanConfig:
    """Tunables of the clean stage (``enabled``: the stage runs).

    - ``max_furniture_words``: a line longer than this is never removed by the furniture rule.
    - ``tail_share``: a closing heading cuts the rest when it stands after this share of the text's
      characters and no sentence after it is longer than ``max_teaser_words`` (headlines, not paragraphs), or
      anywhere when teaser evidence follows it.
    - ``min_kept_words``: never cut a tail if fewer words than this would remain before it.
    - ``max_edge_words``: edge lines (credits, copyright) longer than this are kept.
    - ``max_plug_words``: a newsletter or app plug (``_PLUG_RE``) longer than this is kept (prose about one).
    """

    enabled: bool = setting("NEWSCORPUS_CLEAN_ENABLED", True)
    furniture: bool = True
    tail: bool = True
    edges: bool = True
    max_furniture_words: int = setting("NEWSCORPUS_CLEAN_MAX_FURNITURE_WORDS", 16)
    tail_share: float = setting("NEWSCORPUS_CLEAN_TAIL_SHARE", 0.5)
    min_kept_words: int = 30
    max_edge_words: int = 30
    max_teaser_words: int = 15
    max_link_out_words: int = 25
    signoff_window: int = 3
    max_signoff_words: int = 45
    max_dateline_words: int = 14
    max_credit_words: int = 20
    max_plug_words: int = 30


def normalise_lines(text: str) -> list[str]:
    # One substitution over the text: the spaces ``_WS`` collapses never include a line break.
    text = _WS.sub(" ", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def _words(line: str) -> int:
    return len(line.split())


def is_furniture(line: str, max_words: int = 16) -> bool:
    return _words(line) <= max_words and bool(_FURNITURE_RE.match(line))


def _teaser_evidence(lines: list[str]) -> bool:
    """What follows a closing heading looks like cards: time stamps (two, or one in the first card's lines: a
    source and "35 minutes ago" over a snippet), repeated short lines, more furniture."""
    if not lines:
        return True
    if any(_TEASER_META_RE.match(line) for line in lines[:3]):
        return True
    meta = sum(1 for line in lines if _TEASER_META_RE.match(line))
    # Table rows repeat their separators and short cells: a table, not cards.
    short = Counter(
        line.lstrip("-–—•· ").lower() for line in lines if _words(line) <= 5 and not _ROW_RE.match(line)
    )
    repeated = sum(n for n in short.values() if n >= 2)
    furniture = sum(1 for line in lines if is_furniture(line) or _TAIL_RE.match(line))
    return meta >= 2 or repeated >= 3 or furniture >= 2


def _has_prose(lines: list[str], config: CleanConfig) -> bool:
    """A sentence of some length: the article goes on after an inline box's heading (headlines are short and
    carry no final full stop)."""
    return any(
        _words(line) > config.max_teaser_words and line.rstrip("\"'”’»)").endswith((".", "!", "?", "…"))
        for line in lines
    )


def _cut_tail(lines: list[str], config: CleanConfig) -> list[str]:
    total = sum(len(line) for line in lines) or 1
    seen = 0
    words_before = 0
    for index, line in enumerate(lines):
        if _words(line) <= 8 and _TAIL_RE.match(line) and words_before >= config.min_kept_words:
            rest = lines[index + 1 :]
            if _teaser_evidence(rest) or (seen >= config.tail_share * total and not _has_prose(rest, config)):
                return lines[:index]
        seen += len(line)
        words_before += _words(line)
    return lines


def _is_link_out(line: str, config: CleanConfig) -> bool:
    return _words(line) <= config.max_link_out_words and bool(_LINK_OUT_RE.match(line))


_RIGHTS_RE = re.compile(r"^[\W_]*copyright\s+(?:\(c\)\s*)?(?:19|20)\d\d\b", re.IGNORECASE)


def _is_credit(line: str, config: CleanConfig) -> bool:
    """A short line with a copyright sign, or that opens with "Copyright 2008", is a photo credit or a rights
    notice, wherever it stands."""
    if _words(line) > config.max_credit_words:
        return False
    return "©" in line or bool(_RIGHTS_RE.match(line))


#: A table row as trafilatura writes it: "| cell | cell |".
_ROW_RE = re.compile(r"^\|.*\|$")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _is_menu_row(line: str, config: CleanConfig) -> bool:
    """A row of a layout table that is a site's menu: every cell a short label ("| Newsletter | Site Map |
    Search |"), or furniture.

    Why: pages laid out in tables (older sites) come out of trafilatura as rows of cells, and their menus and
    legal links as rows of a few words each; a data table's cells hold numbers (at most one label-only cell
    without a digit is a header row's first cell, kept with its row), and text cells end like sentences."""
    if not _ROW_RE.match(line):
        return False
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    cells = [cell for cell in cells if cell.strip("-–—•·* ")]
    if not cells:
        return True
    if all(is_furniture(cell, config.max_furniture_words) or _is_credit(cell, config) for cell in cells):
        return True
    if len(cells) < 2:
        return False
    short = all(_words(cell) <= 4 and not _SENTENCE_END_RE.search(cell) for cell in cells)
    return (
        short
        and sum(1 for cell in cells if any(ch.isdigit() for ch in cell)) <= 1
        and any(is_furniture(cell, config.max_furniture_words) for cell in cells)
    )


def _cut_signoff(lines: list[str], config: CleanConfig) -> list[str]:
    """From the first sign-off line among the last ``signoff_window`` lines, the rest goes, when all of it is
    short (sign-off furniture, not the article's last paragraphs)."""
    start = max(1, len(lines) - config.signoff_window)
    for index in range(start, len(lines)):
        rest = lines[index:]
        # The word counts first: the sign-off pattern costs about 0.1 ms on a paragraph, which is never one.
        short = all(_words(line) <= config.max_signoff_words for line in rest)
        if short and _SIGNOFF_RE.search(lines[index]):
            return lines[:index]
    return lines


def is_dateline(line: str, max_words: int = 14) -> bool:
    """A short line that is mostly a date: "November 20, 2019 - 11:28", "22 de outubro de 2010 às 20:13"."""
    if _words(line) > max_words or "@" in line:
        return False  # "— Name (@handle) May 3, 2025" closes an embedded post: content, not a dateline
    if _ROW_RE.match(line):
        cells = [cell for cell in (c.strip() for c in line.strip("|").split("|")) if cell]
        if len(cells) >= 2 and all(any(ch.isdigit() for ch in cell) for cell in cells):
            return False  # a table row of a date and its values: data
    return bool(_YEAR_RE.search(line)) and bool(_DATE_PART_RE.search(line))


def _trim_edges(lines: list[str], config: CleanConfig) -> list[str]:
    def edge(line: str) -> bool:
        if _words(line) > config.max_edge_words:
            return False
        return (
            bool(_EDGE_RE.match(line))
            or is_furniture(line, config.max_furniture_words)
            or bool(_TEASER_META_RE.match(line))
            or is_dateline(line, config.max_dateline_words)
        )

    start, end = 0, len(lines)
    while end > start and edge(lines[end - 1]):
        end -= 1
    while start < end and edge(lines[start]):
        start += 1
    return lines[start:end]


def clean_text(text: str, config: CleanConfig | None = None) -> str:
    """``text`` without furniture lines, closing teaser sections and edge credits; paragraphs one a line."""
    config = config or CleanConfig()
    lines = normalise_lines(text)
    if config.tail:
        lines = _cut_tail(lines, config)
    if config.furniture:
        lines = [
            line
            for line in lines
            if not (
                is_furniture(line, config.max_furniture_words)
                or _is_link_out(line, config)
                or _is_credit(line, config)
                or _is_menu_row(line, config)
                or (_words(line) <= config.max_plug_words and bool(_PLUG_RE.search(line)))
                or (_words(line) <= config.max_furniture_words and bool(_LABEL_LINE_RE.search(line)))
            )
        ]
    if config.edges:
        lines = _trim_edges(lines, config)
        lines = _cut_signoff(lines, config)
        lines = _trim_edges(lines, config)
    return "\n".join(lines)
