"""The quality stage: simple, documented rules that keep non-articles and broken pages out of the corpus.

Each rule is its own drop reason, so ``rejected.jsonl`` and the stats say which rule rejected what.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from pipelines.drops import ListLike, Rejected, TooFewLetters, TooRepetitive, TooShort
from pipelines.settings import setting
from pipelines.text_stats import count_words

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the rules.

    - ``min_words``: a news article shorter than this is a brief, a caption or a stub page (80 words is
      about four sentences).
    - ``min_letter_ratio``: letters among non-space characters; tables of figures and binary garbage fall
      below it.
    - ``max_short_line_share``, ``max_short_word_share``: index pages and link lists are mostly lines under
      ``short_line_words`` words, which hold most of their words; a page is list-like past both shares. By lines
      alone, a concert review ending in its set list, or a listicle of products with prices, would be (on the
      gold texts of the three extraction sets, short lines hold at most 54% of an article's words). Only applied
      from ``min_lines_for_shape`` lines on.
    - ``min_unique_line_share``: share of distinct lines; repeated blocks mean a broken extraction.
    """

    min_words: int = setting("NEWSCORPUS_QUALITY_MIN_WORDS", 80)
    min_letter_ratio: float = setting("NEWSCORPUS_QUALITY_MIN_LETTER_RATIO", 0.55)
    max_short_line_share: float = setting("NEWSCORPUS_QUALITY_MAX_SHORT_LINE_SHARE", 0.7)
    max_short_word_share: float = setting("NEWSCORPUS_QUALITY_MAX_SHORT_WORD_SHARE", 0.6)
    short_line_words: int = 6
    min_lines_for_shape: int = 8
    min_unique_line_share: float = setting("NEWSCORPUS_QUALITY_MIN_UNIQUE_LINE_SHARE", 0.5)


#: The ASCII characters that are not letters, and all ASCII characters: deleted from a text's bytes to count
#: its ASCII letters.
_ASCII_NOT_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())


_ASCII = bytes(range(128))


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def count_letters(text: str) -> int:
    """Characters that are letters (``str.isalpha``). The ASCII ones, most of a news text even with its curly
    quotes and dashes, are counted in C (bytes deleted from the UTF-8 form); only the others one by one."""
    data = text.encode("utf-8", "surrogatepass")
    kept = data.translate(None, _ASCII_NOT_LETTERS)  # ASCII letters, and the bytes of non-ASCII characters
    ascii_letters = len(kept) - len(kept.translate(None, _ASCII))
    return ascii_letters + sum(map(str.isalpha, "".join(_NON_ASCII.findall(text))))


def check_quality(
    text: str, config: QualityConfig | None = None, words: int | None = None
) -> Rejected | None:
    """The first rule the text breaks, as the drop to raise, or None when it passes.

    ``words``: ``count_words(text)`` when the caller has it (the item's ``word_count``)."""
    config = config or QualityConfig()
    words = count_words(text) if words is None else words
    if words < config.min_words:
        return TooShort(f"{words} words < {config.min_words}")
    # str.split() and str.isspace() share one definition of white space; both loops run in C.
    visible = len("".join(text.split()))
    letters = count_letters(text)
    ratio = letters / visible if visible else 0.0
    if ratio < config.min_letter_ratio:
        return TooFewLetters(f"letter ratio {ratio:.2f} < {config.min_letter_ratio}")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) >= config.min_lines_for_shape:
        counts = [count_words(line) for line in lines]
        short_counts = [n for n in counts if n < config.short_line_words]
        short = len(short_counts) / len(lines)
        short_words = sum(short_counts) / max(1, sum(counts))
        if short > config.max_short_line_share and short_words > config.max_short_word_share:
            return ListLike(
                f"{short:.0%} of {len(lines)} lines are short, with {short_words:.0%} of the words"
            )
        unique = len(set(lines)) / len(lines)
        if unique < config.min_unique_line_share:
            return TooRepetitive(f"only {unique:.0%} of lines are distinct")
    return None
