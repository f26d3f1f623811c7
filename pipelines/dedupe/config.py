"""The dedupe stage's thresholds, each a setting ``NEWSCORPUS_DEDUP_<FIELD>``."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.dedupe.fingerprint import FingerprintConfig
from pipelines.settings import setting


@dataclass(frozen=True)
class DedupeConfig:
    """Thresholds of the dedupe stage; the defaults are the values ``benchmarks/dedupe_quality.py`` chose.

    The four fingerprint fields change the fingerprints: a persistent index built with other values refuses to open.
    """

    #: The stage runs; its index's updates are committed in groups of the last ``commit_delay`` seconds (0: each
    #: update at once), at most ``commit_every`` at once (see ``pipelines.dedupe.pipeline``).
    enabled: bool = setting("NEWSCORPUS_DEDUP_ENABLED", True)
    commit_delay: float = setting("NEWSCORPUS_DEDUP_COMMIT_DELAY", 0.25)
    commit_every: int = setting("NEWSCORPUS_DEDUP_COMMIT_EVERY", 64)
    #: Characters per shingle, MinHash permutations, permutations per LSH band, MinHash seed.
    shingle_size: int = setting("NEWSCORPUS_DEDUP_SHINGLE_SIZE", 9)
    num_perm: int = setting("NEWSCORPUS_DEDUP_NUM_PERM", 128)
    rows_per_band: int = setting("NEWSCORPUS_DEDUP_ROWS_PER_BAND", 2)
    seed: int = setting("NEWSCORPUS_DEDUP_SEED", 1)
    #: A candidate must share this many LSH bands with the new text (2 of 64 keeps copies with a 9-gram
    #: Jaccard of 0.25 at 91%, 0.3 at 98%, and drops 99.99% of unrelated texts before verification).
    min_band_hits: int = setting("NEWSCORPUS_DEDUP_MIN_BAND_HITS", 2)
    #: Verify at most this many candidates, the ones sharing the most bands first.
    max_candidates: int = setting("NEWSCORPUS_DEDUP_MAX_CANDIDATES", 64)
    #: Texts shorter than this many shingles (about characters) are only checked for exact copies.
    min_shingles: int = setting("NEWSCORPUS_DEDUP_MIN_SHINGLES", 150)
    #: near: containment of the shorter text in the longer one, the shorter one's minimum share of the
    #: longer one's length, and how far into the longer text the shared part may start (0..1).
    near_containment: float = setting("NEWSCORPUS_DEDUP_NEAR_CONTAINMENT", 0.8)
    near_min_ratio: float = setting("NEWSCORPUS_DEDUP_NEAR_MIN_RATIO", 0.2)
    near_max_start: float = setting("NEWSCORPUS_DEDUP_NEAR_MAX_START", 0.3)
    #: near, a cut (an outlet that runs the first paragraphs of a wire story, its own furniture around them): the
    #: shared part starts at the very top of the longer text (within ``cut_max_top``), and then a lower
    #: containment, a shorter text and a later start in the shorter one (its furniture in front) are enough. The
    #: lead's LSH keys make a cut a candidate (``fingerprint.lead_keys``); 0.01: a 600-character cut of a
    #: 60,000-character story.
    cut_containment: float = setting("NEWSCORPUS_DEDUP_CUT_CONTAINMENT", 0.6)
    cut_min_ratio: float = setting("NEWSCORPUS_DEDUP_CUT_MIN_RATIO", 0.01)
    cut_max_start: float = setting("NEWSCORPUS_DEDUP_CUT_MAX_START", 0.6)
    cut_max_top: float = 0.05
    #: near, a later version of a rolling story (paragraphs added on top): nearly all of the shorter text is in
    #: the longer one, shared from at most this far into it.
    version_containment: float = setting("NEWSCORPUS_DEDUP_VERSION_CONTAINMENT", 0.95)
    version_max_start: float = setting("NEWSCORPUS_DEDUP_VERSION_MAX_START", 0.45)
    #: reworded: Jaccard of the two texts, containment of the shorter in the longer, and how far into
    #: either text the shared part may start. 0.30: syn-news's re-worded copies score 0.31 and more; two outlets'
    #: write-ups of one press release, cut to their first paragraphs, 0.28.
    reworded_jaccard: float = setting("NEWSCORPUS_DEDUP_REWORDED_JACCARD", 0.30)
    reworded_containment: float = setting("NEWSCORPUS_DEDUP_REWORDED_CONTAINMENT", 0.5)
    reworded_max_start: float = setting("NEWSCORPUS_DEDUP_REWORDED_MAX_START", 0.3)
    #: reworded: when both texts carry at least ``numbers_min`` numbers, at least this share of the shorter
    #: text's numbers must be in the longer one (spun copies lose some numbers, follow-ups bring new ones).
    numbers_min: int = setting("NEWSCORPUS_DEDUP_NUMBERS_MIN", 4)
    numbers_share: float = setting("NEWSCORPUS_DEDUP_NUMBERS_SHARE", 0.15)
    #: reworded: publication dates further apart than this many days (when both are known) are different
    #: stories, however alike.
    date_window_days: float = setting("NEWSCORPUS_DEDUP_DATE_WINDOW_DAYS", 7.0)
    #: Keep rule: a quality difference under this (share of real words) or a length difference under this
    #: share is a tie, decided by the next criterion.
    quality_margin: float = setting("NEWSCORPUS_DEDUP_QUALITY_MARGIN", 0.005)
    length_margin: float = setting("NEWSCORPUS_DEDUP_LENGTH_MARGIN", 0.1)

    def fingerprint_config(self) -> FingerprintConfig:
        return FingerprintConfig(
            shingle_size=self.shingle_size,
            num_perm=self.num_perm,
            rows_per_band=self.rows_per_band,
            seed=self.seed,
        )
