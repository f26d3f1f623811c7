"""How real the words of a text are: the share of its words that the language's word-frequency list knows.

The dedupe stage keeps the best copy of a story. A copy that went through machine translation and back, or
through a spinner, carries words no dictionary has ("Tikkok", "bytedans", "Reutersthat", "prognant"), while
the outlet's own copy spells its names the way everybody else does. ``wordfreq`` lists hundreds of thousands
of words, names and brands per language with their frequency on the web, so it knows "TikTok" and "ByteDance"
and not their garbled forms: no hand-made list can do that.
"""

from __future__ import annotations

import functools
import logging
import re

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_POSSESSIVE = ("'s", "\u2019s")


@functools.lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float] | None:
    """The word list of a language (loaded once, about 0.1 s), or None when wordfreq has none for it."""
    import wordfreq

    try:
        return wordfreq.get_frequency_dict(language, wordlist="best")
    except LookupError:
        logger.info("wordfreq has no word list for %r: text quality not scored", language)
        return None


def words(text: str) -> list[str]:
    """Word tokens as the frequency list spells them: lower case, plain apostrophe, no possessive ending."""
    out = []
    for token in _WORD.findall(text):
        token = token.lower()
        if token.endswith(_POSSESSIVE):
            token = token[:-2]
        out.append(token.replace("\u2019", "'"))
    return out


def word_quality(text: str, language: str | None = "en") -> float | None:
    """Share of the text's words (0..1) found in the word list of ``language``; None when it cannot be told.

    Unknown words are counted once per occurrence: a garbled name repeated through a spun copy lowers its
    score each time, which is what separates it from the clean copy of the same story.
    """
    freqs = _frequencies((language or "en").split("-")[0].lower())
    if freqs is None:
        return None
    tokens = words(text)
    if not tokens:
        return None
    known = sum(1 for token in tokens if token in freqs)
    return known / len(tokens)
