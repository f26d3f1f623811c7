"""How teaser snippets and ground-truth check snippets are cut from an article's text.

Teasers quote the opening of another story word for word, which is what makes them hard to tell from
article text; check snippets are whole sentences so that they survive any whitespace normalisation.
"""

from __future__ import annotations

import re

from tests.newssite.model import Article

# A sentence ends at . ! ? (optionally followed by a closing quote) before whitespace and a capital,
# a digit or an opening quote. The stories avoid abbreviations with full stops, so this is enough.
_SENTENCE_END = re.compile(
    r"[.!?][\"\u201c\u201d\u00bb]?(?=\s+[\"\u201e\u201c\u00ab\u00bf\u00a1A-Z\u00c0-\u00de0-9])"
)

TEASER_MAX_WORDS = 45


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        out.append(paragraph[start : match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def teaser_snippet(article: Article) -> str:
    """The first one or two sentences, as "related posts" widgets show them."""
    first = sentences(article.paragraphs[0])
    snippet = first[0]
    if len(first) > 1 and len((snippet + " " + first[1]).split()) <= TEASER_MAX_WORDS:
        snippet = f"{snippet} {first[1]}"
    return snippet


def check_snippets(article: Article) -> list[str]:
    """Sentences from the start, middle and end, plus the paragraph that carries an inline link."""
    paragraphs = article.paragraphs
    picks = [
        sentences(paragraphs[0])[0],
        sentences(paragraphs[len(paragraphs) // 2])[0],
        sentences(paragraphs[-1])[-1],
    ]
    if article.inline_link is not None:
        linked = article.paragraphs[article.inline_link.paragraph]
        picks.extend(s for s in sentences(linked) if article.inline_link.text in s)
    return list(dict.fromkeys(picks))
