from __future__ import annotations

import pytest

from pipelines.drops import ListLike, TooFewLetters, TooRepetitive, TooShort
from pipelines.quality.rules import check_quality
from pipelines.text_stats import count_words

PARAGRAPH = (
    "The council met on Monday evening to discuss the harbour budget, which has grown by a third since the "
    "storm damaged the northern pier. Several members asked for an independent review of the contracts."
)


def test_article_passes() -> None:
    text = "\n".join(PARAGRAPH.replace("Monday", day) for day in ("Monday", "Tuesday", "Friday", "Sunday"))
    assert check_quality(text) is None


@pytest.mark.parametrize(
    ("text", "drop"),
    [
        ("", TooShort),
        ("Breaking: port strike ends.", TooShort),
        ("\n".join(f"{i} | {i * 3.5:.2f} | {i * 7} | -- | {i}% | {i}:{i}" for i in range(60)), TooFewLetters),
        ("\n".join(f"Top story number {i}" for i in range(30)), ListLike),
        ("\n".join([PARAGRAPH] * 10), TooRepetitive),
    ],
)
def test_rules(text: str, drop: type) -> None:
    assert isinstance(check_quality(text), drop)


def test_an_article_ending_in_a_list_is_not_list_like() -> None:
    """A concert review ending in its set list: most lines are short, but the paragraphs hold most words."""
    songs = "\n".join(f"Song number {i}" for i in range(30))
    text = "\n".join(
        [PARAGRAPH.replace("Monday", day) for day in ("Monday", "Tuesday", "Friday", "Sunday")] + [songs]
    )
    assert check_quality(text) is None
    menu = "\n".join([PARAGRAPH, *(f"Section {i}" for i in range(60))])  # a menu with one paragraph above it
    assert isinstance(check_quality(menu), ListLike)


def test_word_count_handles_unspaced_scripts() -> None:
    assert count_words("one two three") == 3
    assert count_words("东京都は新しい予算案を発表した") > 5
    assert count_words("") == 0


@pytest.mark.parametrize(
    "text",
    ["", "Plain ASCII, with digits 2024 and_under-scores!", "Café Ølstrøm ﬁnal ½ 漢字 ١٢٣", "\t\n \x00\x7f~"],
)
def test_count_letters_is_isalpha(text: str) -> None:
    from pipelines.quality.rules import count_letters

    assert count_letters(text) == sum(ch.isalpha() for ch in text)


def test_given_word_count_is_used() -> None:
    """The quality stage passes the item's ``word_count`` (kept by the extract and clean stages)."""
    text = " ".join(["harbour"] * 100)
    assert check_quality(text) is None
    assert isinstance(check_quality(text, words=10), TooShort)
