"""Counting words the same way in every stage, including scripts written without spaces."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
# Han, kana and Thai are written without spaces between words; a run of them is several words.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
#: Average characters per word in unspaced scripts (Chinese and Japanese words are mostly 1-2 characters).
CHARS_PER_UNSPACED_WORD = 1.7


def count_words(text: str) -> int:
    """Words in ``text``: ``\\w+`` runs, with runs of unspaced scripts counted by their length."""
    total = 0
    for token in _WORD.findall(text or ""):
        unspaced = len(_UNSPACED.findall(token))
        if unspaced:
            total += max(1, round(unspaced / CHARS_PER_UNSPACED_WORD)) + (1 if unspaced < len(token) else 0)
        else:
            total += 1
    return total
