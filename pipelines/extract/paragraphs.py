"""Paragraph-level features of an extracted text, on which a fallback candidate is weighed against the first pass.

Why lines: extracted text has one paragraph a line. A fallback candidate (trafilatura's other modes, its baseline)
is only worth taking when it adds paragraphs of prose; it must not flatten the paragraphs into one long line (a
baseline over a page without paragraph markup does), nor bring in page furniture around the article (the menus,
box headings and share prompts above and below the text the first pass chose).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")

#: A line of prose ends like a sentence (closing quotes and brackets allowed after the mark).
_SENTENCE_END = re.compile(r"[.!?。！？…:;][\"'”’»)\]]*\s*$")

#: Words of a prose line: a sentence, not a menu entry or a caption (CJK text has few spaces: counted by chars).
PROSE_MIN_WORDS = 10
PROSE_MIN_CJK_CHARS = 40


def _key(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))


def is_prose(line: str) -> bool:
    """True for a line that reads as a paragraph: enough words, and it ends like a sentence."""
    line = line.strip()
    if not _SENTENCE_END.search(line):
        return False
    return len(line.split()) >= PROSE_MIN_WORDS or (len(line) >= PROSE_MIN_CJK_CHARS and " " not in line[:40])


def prose_chars(text: str) -> int:
    """Characters of the text's prose lines."""
    return sum(len(line) for line in text.splitlines() if is_prose(line))


def lines_of(text: str) -> list[str]:
    return [line for line in (part.strip() for part in text.splitlines()) if line]


def flattened(candidate: str, current: str) -> bool:
    """True when ``candidate`` has lost the paragraph structure ``current`` has: most of its text in one line,
    longer than any paragraph of ``current``."""
    mine, theirs = lines_of(current), lines_of(candidate)
    if len(mine) < 2 or not theirs:
        return False
    longest = max(len(line) for line in theirs)
    return longest > 0.5 * sum(len(line) for line in theirs) and longest > 2 * max(len(line) for line in mine)


def trim_new_edges(candidate: str, current: str) -> str:
    """``candidate`` without the lines above the first and below the last line it shares with ``current`` that are
    not prose: a fallback may add paragraphs, not the furniture around them."""
    known = {_key(line) for line in lines_of(current)}
    theirs = lines_of(candidate)
    shared = [i for i, line in enumerate(theirs) if _key(line) in known]
    if not shared:
        return "\n".join(theirs)
    start, end = shared[0], shared[-1]
    # Outwards through prose; one short line between two prose lines (a subheading, a short sentence) goes along.
    while start > 0 and (is_prose(theirs[start - 1]) or (start > 1 and is_prose(theirs[start - 2]))):
        start -= 1
    last = len(theirs) - 1
    while end < last and (is_prose(theirs[end + 1]) or (end + 1 < last and is_prose(theirs[end + 2]))):
        end += 1
    return "\n".join(theirs[start : end + 1])


_SENTENCE_BREAK = re.compile(r"(?<=[.!?。！？])[\"'”’»)]*\s+(?=[\"'“‘«(]?[^\W\d_a-z])")


def resegment(candidate: str, current: str) -> str:
    """``candidate`` with its flattened lines cut back into paragraphs: where a paragraph of ``current`` starts or
    ends inside one, and elsewhere at sentence ends (a line a sentence, which the clean rules and the edge trim
    can judge one by one, where one line of a whole page could only be kept or dropped whole)."""
    mine = [line for line in lines_of(current) if len(line) >= 40]
    widest = max((len(line) for line in lines_of(current)), default=0)
    out: list[str] = []
    for line in lines_of(candidate):
        if len(line) <= 2 * widest or len(line) < 400:
            out.append(line)
            continue
        pieces = [line]
        for paragraph in mine:
            cut: list[str] = []
            for piece in pieces:
                at = piece.find(paragraph)
                if at < 0:
                    cut.append(piece)
                    continue
                cut += [piece[:at], paragraph, piece[at + len(paragraph) :]]
            pieces = [p.strip() for p in cut if p.strip()]
        known = set(mine)
        for piece in pieces:
            out += [piece] if piece in known else [s for s in _SENTENCE_BREAK.split(piece) if s.strip()]
    return "\n".join(out)
