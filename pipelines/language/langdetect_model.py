"""langdetect's model with its detection loops rewritten: the same answers, about half the CPU.

langdetect spends its time in two Python loops: one over the characters of the text (normalise each through a
binary search of Unicode blocks, then look up its 1- to 3-grams) and one over the 55 languages for every
n-gram it samples (7 trials of up to a thousand samples each). In a crawl this ran in every page's worker task,
for 2 ms a text (1000 characters, 3 trials). No other library computes langdetect's answers; a faster detector
(fastText, CLD3, lingua) would give other labels and other probabilities. So this module keeps langdetect
whole (its profiles, its ``Detector`` with its random draws and its control flow) and overrides only the
methods holding those loops:

- each character is normalised once per process (``NGram.normalize`` is a pure function of the character),
  and the n-gram walk is langdetect's ``NGram.add_char`` state machine written out in one loop;
- the profiles' probability lists become one numpy matrix, so a sampled n-gram updates all languages in one
  vector operation. The float operations are the same, in the same order (the normalising sum is a sequential
  ``cumsum``, as Python's ``sum`` of floats is on 3.11), so the probabilities are equal to the last bit.

``tests/test_language.py`` compares the two detectors on texts in many scripts. On the 1,057 texts of the
extraction and dedupe benchmarks both give the same labels and probabilities, in about 1.0 ms a text against
1.9 (first 1000 characters, 3 trials).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

from pipelines.model_cache import cached_arrays, file_identity, source_key

_SPACE_RUN = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', the six signs between Z and a included
_ABOVE_LATIN = re.compile("[\u0300-\U0010ffff]")


class NgramModel:
    """langdetect's profiles as a matrix (n-gram row x language), loaded once per process.

    Loading replaces the factory's dict of per-n-gram lists by a dict of row numbers (the lists, with a float
    object per non-zero entry, cost more memory than the matrix).
    """

    def __init__(self, seed: int) -> None:
        from langdetect.detector_factory import DetectorFactory

        arrays = profile_arrays()
        factory = DetectorFactory()
        factory.langlist = arrays["languages"].tolist()
        factory.word_lang_prob_map = {gram: row for row, gram in enumerate(arrays["grams"].tolist())}
        factory.set_seed(seed)
        self.matrix = arrays["matrix"]
        self.factory = factory
        #: Character -> langdetect's normalised character, filled as characters are met (a few thousand).
        self.normalised: dict[str, str] = {}

    def detector(self) -> VectorDetector:
        """A fresh detector (langdetect's are single use: they keep the text they were given)."""
        return VectorDetector(self)


def profile_arrays() -> dict[str, np.ndarray]:
    """langdetect's profiles as arrays, from the model cache (``pipelines.model_cache``): the matrix, its rows'
    n-grams and its columns' languages. Deriving them from the 55 JSON profiles, when the cache does not hold them
    yet, takes 0.45 s."""
    import importlib.metadata
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    def derive() -> dict[str, np.ndarray]:
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        lists = factory.word_lang_prob_map
        return {
            "matrix": np.array(list(lists.values()), dtype=np.float64),
            "grams": np.array(list(lists)),
            "languages": np.array(factory.langlist),
        }

    profiles = sorted(os.listdir(PROFILES_DIRECTORY))
    key = source_key(
        "langdetect",
        importlib.metadata.version("langdetect"),
        *(file_identity(os.path.join(PROFILES_DIRECTORY, name)) for name in profiles),
    )
    return cached_arrays("langdetect-profiles", key, derive)


class VectorDetector(Detector):
    """langdetect's ``Detector`` with the loops of its hot methods rewritten (see the module docstring)."""

    def __init__(self, model: NgramModel) -> None:
        super().__init__(model.factory)
        self.text: str = ""
        self._matrix = model.matrix
        self._normalised = model.normalised

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # langdetect adds the characters one by one, skipping a space after a space.
        self.text += _SPACE_RUN.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        # langdetect compares ``unicode_block(ch)`` (a number) with the name 'Latin Extended Additional', which
        # never matches: every character from U+0300 up counts as non-Latin.
        if len(_LATIN.findall(self.text)) * 2 < len(_ABOVE_LATIN.findall(self.text)):
            self.text = _LATIN.sub("", self.text)

    def _init_probability(self) -> np.ndarray:
        if self.prior_map is not None:
            return np.array(self.prior_map, dtype=np.float64)
        return np.full(len(self.langlist), 1.0 / len(self.langlist))

    def _extract_ngrams(self) -> list[str]:
        rows = self.word_lang_prob_map
        normalised = self._normalised
        result: list[str] = []
        grams = " "
        capital = False
        for ch in self.text:
            norm = normalised.get(ch)
            if norm is None:
                norm = normalised[ch] = NGram.normalize(ch)
            last = grams[-1]
            if last == " ":
                grams = " "
                capital = False
                if norm == " ":
                    continue
            elif len(grams) >= 3:
                grams = grams[1:]
            grams += norm
            if norm.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            if norm != " " and norm in rows:
                result.append(norm)
            if len(grams) >= 2:
                pair = grams[-2:]
                if pair in rows:
                    result.append(pair)
                if len(grams) == 3 and grams in rows:
                    result.append(grams)
        return result

    def _update_lang_prob(self, prob: np.ndarray, word: Any, alpha: float) -> bool:
        row = self.word_lang_prob_map.get(word) if isinstance(word, str) else None
        if row is None:
            return False
        prob *= alpha / self.BASE_FREQ + self._matrix[row]
        return True

    def _normalize_prob(self, prob: np.ndarray) -> float:
        total = float(np.cumsum(prob)[-1])  # in order, as langdetect's sum()
        if total == 0.0:
            raise ZeroDivisionError("all language probabilities underflowed")
        prob /= total
        return float(prob.max())

    def _sort_probability(self, prob: Any) -> list[Any]:
        return super()._sort_probability([float(p) for p in prob])
