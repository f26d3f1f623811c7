"""Fingerprints: stable hashes, samples that estimate overlap, and where the shared part starts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pipelines.dedupe.fingerprint import (
    Fingerprint,
    FingerprintConfig,
    Overlap,
    band_keys,
    fingerprint,
    lead_keys,
    lsh_keys,
    normalize_text,
    numbers_of,
    ordered_sample,
    overlap,
    shingle_hashes,
    thin,
)

STORY = (
    "The harbour authority of Port Alder said on Monday that the old grain terminal will close in June. "
    "About 140 workers will move to the new container quay on the eastern bank, where cranes arrived last "
    "spring. The authority's director, Helen Marsh, said the move would cut shipping times by a third. "
    "Local unions asked for guarantees that no jobs would be lost and for a meeting before the end of May. "
    "The terminal was opened in 1958 and handled most of the region's wheat exports for four decades."
)
OTHER = (
    "A new cycling path along the canal in Kessington opened on Saturday after two years of building work. "
    "The path is nine kilometres long and links the university district with the central station. The city "
    "council said it expects 3,000 cyclists a day by the end of the summer, and plans a second path in 2027."
)


def test_normalize_ignores_case_punctuation_and_spacing() -> None:
    assert normalize_text("  The “Bridge” —  fell!\n\nIt’s OVER. ") == normalize_text(
        "the bridge fell it s over"
    )


def test_shingle_hashes_are_stable_and_ordered() -> None:
    a = shingle_hashes("abcdefghijkl", 9)
    assert a.dtype == np.uint64 and len(a) == 4
    assert np.array_equal(a, shingle_hashes("abcdefghijkl", 9))
    assert a[0] == shingle_hashes("abcdefghi", 9)[0]
    assert len(shingle_hashes("", 9)) == 0
    assert len(shingle_hashes("short", 9)) == 1


def test_sample_is_first_occurrences_in_text_order_and_thins() -> None:
    hashes = np.array([8, 3, 8, 16, 5, 16, 24], dtype=np.uint64)
    assert ordered_sample(hashes, 1).tolist() == [8, 3, 16, 5, 24]
    assert ordered_sample(hashes, 8).tolist() == [8, 16, 24]
    assert thin(np.array([8, 16, 24], dtype=np.uint32), 16).tolist() == [16]


def test_identical_texts_overlap_fully_and_unrelated_ones_barely() -> None:
    a, b = fingerprint(STORY), fingerprint(STORY.upper())
    ov = overlap(a, b)
    assert a.text_hash == b.text_hash
    assert ov.jaccard == 1.0 and ov.containment == 1.0
    assert ov.start <= 0.1  # the 10th percentile of shared positions: 0.1 when all is shared
    assert overlap(fingerprint(STORY), fingerprint(OTHER)).jaccard < 0.05


def test_truncation_is_contained_and_starts_at_the_top() -> None:
    full, half = fingerprint(STORY), fingerprint(STORY[: len(STORY) // 2])
    ov = overlap(half, full)
    assert ov.containment > 0.95
    assert ov.jaccard < 0.6
    assert ov.start <= 0.15


def test_story_inside_a_teaser_block_starts_late() -> None:
    page = fingerprint(OTHER + " Related Articles. " + STORY)
    ov = overlap(fingerprint(STORY), page)
    assert ov.containment > 0.9
    assert ov.start > 0.4


def test_band_keys_differ_between_bands_and_fit_in_63_bits() -> None:
    config = FingerprintConfig()
    keys = band_keys(fingerprint(STORY, config).signature, config.rows_per_band)
    assert len(keys) == config.num_perm // config.rows_per_band
    assert len(set(k >> 55 for k in keys)) == len(keys)
    assert all(0 <= k < 2**63 for k in keys)
    assert keys == band_keys(fingerprint(STORY, config).signature, config.rows_per_band)


def test_numbers() -> None:
    assert numbers_of("48,000 cars, 4.25% and 1971") == {"48000", "425", "1971"}


def _reference_overlap(a: Fingerprint, b: Fingerprint) -> Overlap:
    """The scores by their definition: np.isin for membership, np.percentile for where sharing starts."""
    modulus = max(a.modulus, b.modulus)
    sa, sb = thin(a.sample, modulus), thin(b.sample, modulus)
    if len(sa) == 0 or len(sb) == 0:
        return Overlap(0.0, 0.0, 0.0, 1.0)

    def start(in_other: np.ndarray) -> float:
        positions = np.flatnonzero(in_other)
        return float(np.percentile(positions, 10)) / len(in_other) if len(positions) else 1.0

    a_in_b = np.isin(sa, sb)
    inter = int(a_in_b.sum())
    start_a, start_b = start(a_in_b), start(np.isin(sb, sa))
    return Overlap(
        inter / (len(sa) + len(sb) - inter),
        inter / min(len(sa), len(sb)),
        min(a.shingles, b.shingles) / max(a.shingles, b.shingles, 1),
        max(start_a, start_b) if inter else 1.0,
        (start_a if a.shingles > b.shingles else start_b) if inter else 1.0,
    )


def test_overlap_equals_its_definition_to_the_last_bit() -> None:
    """The sorted-search membership and the written-out percentile give exactly np.isin's and np.percentile's."""
    rng = np.random.default_rng(7)
    for _ in range(2000):
        pool = rng.integers(0, 1 << 32, size=int(rng.integers(1, 1500)), dtype=np.uint64).astype(np.uint32)
        a = pool[rng.random(len(pool)) < rng.random()]
        b = pool[rng.random(len(pool)) < rng.random()]
        if rng.random() < 0.3:
            b = np.concatenate([b, rng.integers(0, 1 << 32, size=40, dtype=np.uint64).astype(np.uint32)])
        if rng.random() < 0.2:
            a = np.concatenate([a, a[:5]])  # repeated values: membership must not depend on uniqueness
        # A sample holds only values that pass its modulus's test (as ordered_sample draws it).
        fa, fb = (
            Fingerprint("a", np.zeros(4, np.uint32), thin(x, modulus), modulus, int(rng.integers(0, 5000)))
            for x, modulus in ((a, int(rng.choice([1, 2, 4, 8]))), (b, int(rng.choice([1, 2, 4, 8]))))
        )
        expected = _reference_overlap(fa, fb)
        assert overlap(fa, fb) == expected
        # Below the caller's containment floor only ``start`` is left out (1.0); every other score is the same.
        floor = float(rng.random())
        cut = overlap(fa, fb, min_containment=floor)
        assert cut == (expected if expected.containment >= floor else replace(expected, start=1.0, top=1.0))


def test_fingerprint_carries_its_band_keys() -> None:
    config = FingerprintConfig(rows_per_band=4)
    fp = fingerprint("The council approved the budget for the new bridge on Tuesday evening. " * 5, config)
    assert (
        fp.bands == band_keys(fp.signature, 4) and len(fp.bands) == config.num_perm // 4
    )  # a lead too short
    long = fingerprint(STORY, config)
    assert long.bands == lsh_keys(long.signature, long.sample, config)
    assert long.bands[: config.num_perm // 4] == band_keys(long.signature, 4)


def test_lead_keys_are_banded_after_the_signature_and_shared_by_a_cut() -> None:
    config = FingerprintConfig()
    full = fingerprint(STORY + " " + OTHER, config)
    cut = fingerprint("Updated 9:30 a.m. " + STORY[:350], config)
    bands = config.num_perm // config.rows_per_band
    lead = lead_keys(full.sample, config)
    assert len(lead) == config.lead_perm // config.rows_per_band
    assert {k >> 55 for k in lead} == set(range(bands, bands + len(lead)))
    assert len(set(lead) & set(lead_keys(cut.sample, config))) >= 0.2 * len(lead)
    assert not set(lead) & set(lead_keys(fingerprint(OTHER, config).sample, config))
