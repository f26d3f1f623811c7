"""Text quality: the share of real words, garbled spellings counted twice."""

from __future__ import annotations

from pipelines.dedupe.word_quality import word_quality, words

CLEAN = (
    "The company said on Tuesday that its engineers had finished the new version of the app, which will be "
    "available to users in Europe from September. Velora's chief executive said the project was on time."
)
GARBLED = (
    "Company said at tuesday that his enginers had finish new version of app, which will be availble to "
    "users in Europe from September. Velloraa's chef executive said the projet was on thyme, Vellora said."
)


def test_words_lowercase_and_drop_possessives() -> None:
    assert words("Velora’s app, TikTok's rival") == ["velora", "app", "tiktok", "rival"]


def test_clean_text_scores_higher_than_garbled_copy() -> None:
    clean, garbled = word_quality(CLEAN), word_quality(GARBLED)
    assert clean is not None and garbled is not None
    assert clean > 0.95
    assert clean - garbled > 0.05


def test_variant_spellings_of_a_name_cost_more_than_one_consistent_unknown_name() -> None:
    consistent = word_quality("Velora said Velora would grow. " * 3)
    mixed = word_quality("Velora said Vellora would grow. " * 3)
    assert consistent is not None and mixed is not None
    assert consistent > mixed


def test_unknown_language_or_no_words_gives_none() -> None:
    assert word_quality(CLEAN, "xx") is None
    assert word_quality("12 34 56", "en") is None


def test_garbled_words_count_once_per_occurrence() -> None:
    """15 words; garbled: both spellings of Velora (3 times), two lower-case unknown words, Tikkok (twice)."""
    text = (
        "Velora said Vellora would grow, and the prognant bytedans Tikkok beside TikTok. Tikkok said Velora."
    )
    assert word_quality(text) == 1 - 7 / 15


def test_forms_of_many_tokens_at_once_match_one_at_a_time() -> None:
    """The joined-string normalisation gives each token's own form, including where lower-casing depends on
    the context (a Greek final sigma) or changes the length ("İ"), and possessives ending a token only."""
    from pipelines.dedupe.word_quality import _normal, _normal_all

    tokens = ["ΟΔΟΣ", "ΣΑΣ's", "Σ", "İstanbul", "İ’S", "x's's", "James’s", "O'Neill’s", "ǅemal", "ﬁnal", "s"]
    assert _normal_all(tokens) == [_normal(token) for token in tokens]
    assert _normal_all(tokens)[0] == "οδο\u03c2"  # the final sigma, as for the token alone
    assert _normal_all([]) == []
