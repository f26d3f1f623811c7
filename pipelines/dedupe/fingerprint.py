"""Text fingerprints for the dedupe stage: normalisation, character shingles, MinHash signatures, samples.

A fingerprint is everything the dedupe stage needs to find and verify copies of a text without keeping the
text: an exact hash of the normalised text, a MinHash signature over character shingles (for the LSH
candidate search), and an ordered sample of the shingles (for the exact containment and Jaccard scores of the
verification step, and for where in a text the shared part sits).

Why character shingles: machine-translated and spun copies change words ("Tikkok", "bytedans", dropped
articles), which breaks most word n-grams but leaves most character n-grams of the neighbouring words intact.
Nine characters (about two words) is where shared names and phrases of different stories on one event stop
looking alike (measured on syn-news: background Jaccard median 0.012 at 9, 0.076 at 5) while copies keep a
Jaccard of 0.34 or more.

Why rensa and not datasketch for the signatures (measured on syn-news, 128 permutations, ~5,400 shingles a
document, one core): rensa's ``RMinHash.digest_matrix_from_flat_token_hashes`` takes our numpy array of
shingle hashes as a buffer and computes the signature in 0.04 ms; datasketch's ``MinHash.update_batch`` on
the same hashes takes 6.6 ms (it builds a num_perm x shingles matrix in numpy), 150 times slower, which alone
would hold the stage under 200 documents a second. The LSH banding and its storage are ours (see
``pipelines.dedupe.index.base``), so the index can live in memory, in SQLite or in Redis alike.

Shingle hashes are computed with numpy from the text's code points (a polynomial rolling hash, then a 64-bit
mixer): stable across processes and machines, unlike Python's ``hash``, so signatures stored by one run are
valid in the next.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace

import numpy as np

#: Bumped whenever a change here alters signatures or samples: stored indexes record it and refuse a mismatch.
FINGERPRINT_VERSION = 2

_NON_WORD = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MASK32 = np.uint64(0xFFFFFFFF)
_BASE = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class FingerprintConfig:
    """How texts are fingerprinted. Changing any value invalidates a stored index (it refuses to open)."""

    #: Characters per shingle (see the module docstring for why 9).
    shingle_size: int = 9
    #: MinHash permutations; ``rows_per_band`` of them form one LSH band.
    num_perm: int = 128
    rows_per_band: int = 2
    seed: int = 1
    #: Shingles are sampled by hash (1 in ``modulus``) for verification; the modulus is chosen per text so
    #: that about ``sample_target`` shingles are kept, between 1 and ``max_modulus`` (powers of two).
    sample_target: int = 384
    max_modulus: int = 8
    #: The lead's LSH keys (``lead_keys``): the first ``lead_shingles`` shingles of the sample thinned to
    #: ``max_modulus`` (about 8 characters each: the first 500 characters), ``lead_perm`` permutations.
    lead_shingles: int = 64
    lead_perm: int = 64

    def params(self) -> dict[str, int | str]:
        """What a stored index must agree with."""
        return {
            "fingerprint_version": FINGERPRINT_VERSION,
            "signature_backend": "rensa.RMinHash",
            "shingle_size": self.shingle_size,
            "num_perm": self.num_perm,
            "rows_per_band": self.rows_per_band,
            "seed": self.seed,
            "lead_shingles": self.lead_shingles,
            "lead_perm": self.lead_perm,
        }


@dataclass
class Fingerprint:
    """What the index keeps of a text."""

    text_hash: str
    signature: np.ndarray  # uint32[num_perm]
    sample: np.ndarray  # uint32, shingle hashes in text order, each once
    modulus: int
    shingles: int  # number of shingle positions (about the text's length in characters)
    numbers: frozenset[str] = field(default_factory=frozenset)
    #: The text's LSH keys (``lsh_keys``: the signature's and the lead's), computed with the signature so that a
    #: crawl's worker process pays for them, not the reactor; empty when not computed.
    bands: list[int] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """Case, Unicode forms, punctuation and spacing removed: what is left is what copies share."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


def text_hash(normalized: str) -> str:
    """The exact-duplicate key of a normalised text."""
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the rolling hash over all 64 bits (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingle_hashes(normalized: str, size: int) -> np.ndarray:
    """64-bit hashes of every character ``size``-gram, in text order (a shorter text is one shingle)."""
    codes = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.uint64)
    size = min(size, len(codes))
    n = len(codes) - size + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(size):
        h = h * _BASE + codes[j : j + n]
    return _mix64(h ^ np.uint64(size))


def choose_modulus(shingles: int, config: FingerprintConfig) -> int:
    """The sampling modulus for a text of ``shingles`` shingles: a power of two, small for short texts."""
    modulus = 1
    while modulus < config.max_modulus and shingles // (modulus * 2) >= config.sample_target:
        modulus *= 2
    return modulus


def ordered_sample(hashes: np.ndarray, modulus: int) -> np.ndarray:
    """The shingles whose hash is 0 modulo ``modulus``, low 32 bits, first occurrences in text order.

    Sampling by hash value (not by position) keeps the same shingles in every copy, so the share of a sample
    found in another text estimates containment without bias; the low bits hold the modulus test, so a
    sample can be thinned to a coarser modulus later (see :func:`thin`).
    """
    low = hashes & _MASK32
    if modulus > 1:
        low = low[(low & np.uint64(modulus - 1)) == 0]
    values = low.astype(np.uint32)
    if len(values) == 0:
        return values
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = sorted_values[1:] != sorted_values[:-1]
    keep = np.sort(order[first])
    return values[keep]


def thin(sample: np.ndarray, modulus: int) -> np.ndarray:
    """A sample restricted to a coarser modulus, so two samples of different moduli can be compared."""
    if modulus <= 1:
        return sample
    return sample[(sample & np.uint32(modulus - 1)) == 0]


def signature(hashes: np.ndarray, config: FingerprintConfig) -> np.ndarray:
    """The MinHash signature (uint32[num_perm]) of a set of shingle hashes (duplicates do not matter)."""
    import rensa

    if len(hashes) == 0:
        return np.full(config.num_perm, 0xFFFFFFFF, dtype=np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(hashes), [0, len(hashes)], config.num_perm, config.seed
    )
    return np.asarray(matrix.to_rows()[0], dtype=np.uint32)


def band_keys(sig: np.ndarray, rows_per_band: int, first_band: int = 0) -> list[int]:
    """One LSH key per band: the band number in the top bits, a hash of the band's values below.

    Keys fit in a signed 64-bit integer (SQLite's INTEGER, a Redis key suffix) and differ between bands, so
    one flat table of (key, id) serves every band; ``first_band`` numbers the bands of a second signature after
    the first one's (at most 256 bands in all).
    """
    bands = len(sig) // rows_per_band
    values = sig[: bands * rows_per_band].astype(np.uint64).reshape(bands, rows_per_band)
    h = np.zeros(bands, dtype=np.uint64)
    for j in range(rows_per_band):
        h = _mix64(h * _BASE + values[:, j])
    low = h & np.uint64((1 << 55) - 1)
    keys = (np.arange(first_band, first_band + bands, dtype=np.uint64) << np.uint64(55)) | low
    return [int(k) for k in keys]


#: A lead of fewer sampled shingles than this gets no keys (its few shingles make chance matches).
LEAD_MIN_SHINGLES = 16


def lead_keys(sample: np.ndarray, config: FingerprintConfig) -> list[int]:
    """LSH keys of the text's lead: a MinHash of its first shingles, banded after the signature's bands.

    Why: an outlet that runs the first two or three paragraphs of a wire story shares a tenth of the full story's
    shingles or less, so the two signatures seldom share a band and the cut is never a candidate, though it is
    contained in the story. Their leads are the same text. The lead is read from the ordered sample thinned to
    ``max_modulus`` (every text's sample holds those shingles, chosen by hash value, so two copies of a lead
    sample the same ones), which also lets the keys of a stored entry be computed again from what the index keeps.
    """
    lead = thin(sample, config.max_modulus)[: config.lead_shingles]
    if len(lead) < LEAD_MIN_SHINGLES:
        return []
    sig = signature(
        _mix64(lead.astype(np.uint64)), replace(config, num_perm=config.lead_perm, seed=config.seed + 1)
    )
    return band_keys(sig, config.rows_per_band, first_band=config.num_perm // config.rows_per_band)


def lsh_keys(sig: np.ndarray, sample: np.ndarray, config: FingerprintConfig) -> list[int]:
    """Every LSH key of a text: its signature's bands, then its lead's (``lead_keys``)."""
    return band_keys(sig, config.rows_per_band) + lead_keys(sample, config)


def numbers_of(text: str) -> frozenset[str]:
    """The numbers a text states (digits only, separators dropped): copies keep them, other stories differ."""
    return frozenset(n.replace(",", "").replace(".", "") for n in _NUMBER.findall(text))


def fingerprint(text: str, config: FingerprintConfig | None = None) -> Fingerprint:
    """Fingerprint one (already cleaned) text."""
    config = config or FingerprintConfig()
    normalized = normalize_text(text)
    hashes = shingle_hashes(normalized, config.shingle_size)
    modulus = choose_modulus(len(hashes), config)
    sig = signature(hashes, config)
    sample = ordered_sample(hashes, modulus)
    return Fingerprint(
        text_hash=text_hash(normalized),
        signature=sig,
        sample=sample,
        modulus=modulus,
        shingles=len(hashes),
        numbers=numbers_of(normalized),
        bands=lsh_keys(sig, sample, config),
    )


@dataclass(frozen=True)
class Overlap:
    """How much two fingerprinted texts share, measured on their samples."""

    jaccard: float
    containment: float  # of the shorter text in the longer one
    ratio: float  # shorter / longer, in shingles
    start: float  # where the shared part begins, 0..1: the later of the two texts (10th percentile)
    top: float = 1.0  # where the shared part begins in the longer text (the second one on a tie)


def _start(in_other: np.ndarray) -> float:
    """Where the shared shingles of a text begin, as a share of its length (robust to a few stray ones).

    The 10th percentile of the shared positions, interpolated as ``np.percentile`` does by default (the same
    float operations, so the same value to the last bit): written out because ``np.percentile`` spends about
    30 microseconds on its generality, and verification calls this twice per candidate.
    """
    positions = np.flatnonzero(in_other)
    count = len(positions)
    if count == 0:
        return 1.0
    virtual = (count - 1) * 0.1
    below = int(virtual)
    gamma = virtual - below
    low, high = float(positions[below]), float(positions[min(below + 1, count - 1)])
    diff = high - low
    value = low + diff * gamma if gamma < 0.5 else high - diff * (1 - gamma)
    return value / len(in_other)


def _members(values: np.ndarray, sorted_other: np.ndarray) -> np.ndarray:
    """Which of ``values`` occur in the sorted array ``sorted_other`` (``np.isin``, without its sorting)."""
    where = sorted_other.searchsorted(values)
    where[where == len(sorted_other)] = 0
    return sorted_other[where] == values


def overlap(a: Fingerprint, b: Fingerprint, min_containment: float = 0.0) -> Overlap:
    """Exact scores of a candidate pair (on the samples): what the verification step decides on.

    ``start`` tells a copy from a teaser: a copy shares its text from the top in both texts, while a story
    whose paragraphs sit in another page's teaser block is shared only from the middle of that page on.
    ``min_containment``: below this containment the caller rejects the pair whatever the other scores, so
    ``start`` is not computed (1.0, nothing shared from the top): most candidates, and half the work.
    """
    modulus = max(a.modulus, b.modulus)
    # A sample drawn at this modulus is already thin (every value passes the test): most pairs of long texts.
    sa = a.sample if a.modulus == modulus else thin(a.sample, modulus)
    sb = b.sample if b.modulus == modulus else thin(b.sample, modulus)
    if len(sa) == 0 or len(sb) == 0:
        return Overlap(0.0, 0.0, 0.0, 1.0)
    a_in_b = _members(sa, np.sort(sb))
    inter = int(np.count_nonzero(a_in_b))
    jaccard = inter / (len(sa) + len(sb) - inter)
    containment = inter / min(len(sa), len(sb))
    ratio = min(a.shingles, b.shingles) / max(a.shingles, b.shingles, 1)
    if not inter or containment < min_containment:
        return Overlap(jaccard, containment, ratio, 1.0)
    start_a, start_b = _start(a_in_b), _start(_members(sb, np.sort(sa)))
    top = start_a if a.shingles > b.shingles else start_b
    return Overlap(jaccard, containment, ratio, max(start_a, start_b), top)


def relation(a: Fingerprint, b: Fingerprint) -> str:
    """How a ``near`` copy relates to the other copy of its story, for ``duplicates.jsonl``: ``copy`` (about the
    same text, other furniture or light edits), ``cut`` (the shorter is the top of the longer: a copy cut to its
    first paragraphs) or ``version`` (the shorter is the longer less paragraphs at the top or inside: an earlier
    version of a rolling story)."""
    shorter, longer = (a, b) if a.shingles <= b.shingles else (b, a)
    if shorter.shingles >= 0.85 * longer.shingles:
        return "copy"
    modulus = max(a.modulus, b.modulus)
    ss = shorter.sample if shorter.modulus == modulus else thin(shorter.sample, modulus)
    sl = longer.sample if longer.modulus == modulus else thin(longer.sample, modulus)
    if len(ss) == 0 or len(sl) == 0:
        return "copy"
    shared = _members(sl, np.sort(ss))
    count = int(np.count_nonzero(shared))
    if count == 0:
        return "copy"
    # A cut: the longer text's shared shingles fill its top, as long as the shorter text, and little after it.
    top = shared[: max(1, min(len(shared), count + count // 4))]
    return "cut" if _start(shared) <= 0.05 and np.count_nonzero(top) >= 0.8 * count else "version"
