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
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from pipelines.model_cache import cached_arrays, file_identity, source_key

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_POSSESSIVE = ("'s", "\u2019s")


class Vocabulary:
    """The words of a language's word list, as a sorted array of their hashes: membership is all we need.

    Hand-written rather than ``wordfreq.get_frequency_dict``: that dict (and the list it is built from, both
    kept by wordfreq's unbounded caches) takes 50 MB for English and 130 MB for Russian in every process that
    scores text, and each crawl worker process scores text. The hashes take 8 bytes a word (2.6 MB for
    English), are the same in every process (``stable_hashes``), so they are derived once and then read from the
    model cache (``pipelines.model_cache``), mapped and shared by the worker processes; a 64-bit collision is
    negligible.
    """

    def __init__(self, hashes: np.ndarray) -> None:
        """``hashes``: ``stable_hashes`` of the words, sorted (``from_words`` makes them)."""
        self.hashes = hashes

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        # A word holding NUL (none do) could not be hashed apart from its neighbours, nor be a token.
        return cls(np.sort(stable_hashes([word for word in words if "\0" not in word])))

    def __len__(self) -> int:
        return len(self.hashes)

    def known(self, tokens: Sequence[str]) -> np.ndarray:
        """A boolean per token: is it in the list?"""
        if not len(self.hashes) or not tokens:
            return np.zeros(len(tokens), dtype=bool)
        wanted = stable_hashes(tokens)
        at = np.searchsorted(self.hashes, wanted)
        at[at == len(self.hashes)] = 0
        return np.asarray(self.hashes[at] == wanted)


_MULTIPLIER = np.uint64(0x100000001B3)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: Words hashed at once: about 1 MB of text, some 40 MB of numpy temporaries.
_HASH_CHUNK = 50_000


def stable_hashes(words: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each word (none may hold NUL), the same in every process and every run.

    Why not ``hash``: Python salts the hash of a str per process, so hashes saved by one process mean nothing to
    the next. Hashing each word through ``hashlib`` is a Python call a word (0.3 s for Russian's 700,000); here
    the words are hashed together in numpy: a polynomial of their UTF-8 bytes modulo 2**64, with the length
    mixed in, through splitmix64's finaliser.
    """
    if len(words) > _HASH_CHUNK:  # a word list: in chunks, so its temporaries stay small (a worker's RSS)
        return np.concatenate(
            [stable_hashes(words[start : start + _HASH_CHUNK]) for start in range(0, len(words), _HASH_CHUNK)]
        )
    if not words:
        return np.zeros(0, dtype=np.uint64)
    data = np.frombuffer(("\0".join(words) + "\0").encode("utf-8", "surrogatepass"), dtype=np.uint8)
    ends = np.flatnonzero(data == 0)
    starts = np.zeros_like(ends)
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    position = np.arange(len(data)) - np.repeat(starts, lengths + 1)
    powers = np.cumprod(np.full(int(lengths.max()) + 1, _MULTIPLIER, dtype=np.uint64))
    terms = (data.astype(np.uint64) + np.uint64(1)) * powers[position]
    terms[ends] = 0
    hashes = np.add.reduceat(terms, starts) ^ (lengths.astype(np.uint64) * _GOLDEN)
    hashes ^= hashes >> np.uint64(30)
    hashes *= _MIX_1
    hashes ^= hashes >> np.uint64(27)
    hashes *= _MIX_2
    hashes ^= hashes >> np.uint64(31)
    return hashes


@functools.lru_cache(maxsize=8)
def vocabulary(language: str) -> Vocabulary | None:
    """The word list of a language, or None when wordfreq has none for it.

    The file is chosen as ``wordfreq.get_frequency_list`` chooses it (the large list where there is one, the
    nearest language code), but read without wordfreq's caches. Its hashes come from the model cache; deriving
    them when they are not there yet takes 0.05 to 0.3 s."""
    import importlib.metadata

    import langcodes
    import wordfreq

    available = wordfreq.available_languages("best")
    best, _distance = langcodes.closest_match(language, list(available), max_distance=60)
    if best == "und":
        logger.info("wordfreq has no word list for %r: text quality not scored", language)
        return None
    path = available[best]

    def derive() -> dict[str, np.ndarray]:
        words = (word for bucket in wordfreq.read_cBpack(path) for word in bucket)
        return {"hashes": Vocabulary.from_words(words).hashes}

    key = source_key("wordfreq", importlib.metadata.version("wordfreq"), *file_identity(path))
    return Vocabulary(cached_arrays(f"words-{best}", key, derive)["hashes"])


def _normal(token: str) -> str:
    """A token as the frequency list spells it: lower case, plain apostrophe, no possessive ending."""
    token = token.lower()
    if token.endswith(_POSSESSIVE):
        token = token[:-2]
    return token.replace("\u2019", "'")


_POSSESSIVE_END = re.compile("['\u2019]s$", re.MULTILINE)


def _normal_all(tokens: Sequence[str]) -> list[str]:
    """``[_normal(token) for token in tokens]`` in three passes over one joined string instead of a Python call
    a token (a third of ``word_quality``'s time). The same forms: tokens hold no line break, and lower-casing
    sees a line break as it sees the start or end of a string (where a final sigma is decided)."""
    if not tokens:
        return []
    joined = _POSSESSIVE_END.sub("", "\n".join(tokens).lower())
    return joined.replace("\u2019", "'").split("\n")


def words(text: str) -> list[str]:
    """Word tokens as the frequency list spells them."""
    return _normal_all(_WORD.findall(text))


def _variants(unknown: set[str], vocabulary: set[str], min_length: int = 5) -> set[str]:
    """Unknown words one edit (a letter added, dropped or changed) away from another word of the same text.

    A clean copy spells a name the same way throughout, even a name the word list lacks ("Velora"); a garbled
    copy mixes spellings ("Velora", "Vellora", "Velloraa"; "TikTok", "Tikkok"). Found with shared
    one-deletion keys, so the cost stays linear in the text's vocabulary.
    """
    unknown = {word for word in unknown if len(word) >= min_length}
    if not unknown:
        return set()
    # Only words that could be one edit away are keyed: same first letter, length within one.
    shapes = {(word[0], len(word) + d) for word in unknown for d in (-1, 0, 1)}
    # Each key's first owner, and the keys a second word also holds: what a dict of owner sets would tell,
    # without a set per key (most keys have one owner).
    first: dict[str, str] = {}
    shared: set[str] = set()
    for word in vocabulary:
        if len(word) < min_length or (word[0], len(word)) not in shapes:
            continue
        for key in (word, *(word[:i] + word[i + 1 :] for i in range(1, len(word)))):
            if first.setdefault(key, word) != word:
                shared.add(key)
    return {
        word
        for word in unknown
        if word in shared or any(word[:i] + word[i + 1 :] in shared for i in range(1, len(word)))
    }


def word_quality(text: str, language: str | None = "en") -> float | None:
    """How real the words of a text are, 0..1 (1: no garbled word); None when it cannot be told.

    A word the word list of ``language`` does not know is garbled when it is written in lower case (a name
    would be capitalised: "prognant", "bytedans") or when it is a variant spelling of another word of the
    same text ("Tikkok" beside "TikTok"). A capitalised unknown word spelled one way throughout is a name the
    list lacks ("Velora") and costs nothing, so copies are not judged by how many names they carry.
    Garbled words count once per occurrence: a garbled name repeated through a spun copy lowers its score
    each time, which is what separates it from the clean copy of the same story.
    """
    vocab = vocabulary((language or "en").split("-")[0].lower())
    if vocab is None:
        return None
    raw = _WORD.findall(text)
    if not raw:
        return None
    # Each distinct token is normalised and looked up once (a text repeats about half of its tokens).
    counts = Counter(raw)
    forms = _normal_all(list(counts))
    unique = list(dict.fromkeys(forms))
    known = dict(zip(unique, vocab.known(unique).tolist(), strict=True))
    variants = _variants({form for form in unique if not known[form]}, set(unique))
    garbled = sum(
        count
        for (token, count), form in zip(counts.items(), forms, strict=True)
        if not known[form] and (form in variants or not token[:1].isupper())
    )
    return max(0.0, 1.0 - garbled / len(raw))
