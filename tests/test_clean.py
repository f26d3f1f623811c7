"""The clean stage on plain texts: furniture lines go, prose that mentions the same words stays."""

from __future__ import annotations

import asyncio

import pytest

from pipelines.clean.page_text import clean_page_text, finish_clean
from pipelines.clean.pipeline import CleanPipeline
from pipelines.clean.rules import CleanConfig, clean_text
from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate, line_keys
from pipelines.drops import NoTextAfterClean
from pipelines.text_stats import count_words, revision_digest

BODY = [
    "The city council approved the new budget on Tuesday after a debate that lasted well into the night.",
    "Spending on schools rises by four percent, while the road maintenance fund stays at last year's level.",
    "Opposition members said the plan leaves too little for housing, and promised to read more of the fine "
    "print before the final vote next month.",
]


def test_comment_form_footer_is_removed() -> None:
    text = "\n".join(
        [
            *BODY,
            "Leave a Comment",
            "Your email address will not be published. Required fields are marked *",
            "Scroll to Top",
        ]
    )
    assert clean_text(text) == "\n".join(BODY)


def test_related_teasers_after_hashtags_are_removed() -> None:
    teaser = (
        "Shares in the port operator rose sharply after it reported a record quarter of container traffic. "
        * 5
    )
    text = "\n".join(
        [
            *BODY,
            "Hashtags",
            "Try Our AI Features",
            "Comments",
            "No comments yet...",
            "Related Articles",
            "Coastal Times",
            "12 minutes ago",
            "- Coastal Times",
            "Port operator posts record quarter",
            teaser,
            "Coastal Times",
            "2 hours ago",
            "- Coastal Times",
            "Fishing quotas cut again",
            teaser,
        ]
    )
    assert clean_text(text) == "\n".join(BODY)


def test_words_inside_a_paragraph_stay() -> None:
    text = "\n".join(
        [*BODY, "Comments from readers and a share of the budget were discussed; read more in our guide."]
    )
    assert clean_text(text) == text


def test_empty_and_whitespace() -> None:
    assert clean_text("") == ""
    assert clean_text(" \n\t\n") == ""


def test_pipeline_recounts_words_and_drops_empty() -> None:
    pipeline = CleanPipeline(boilerplate=SiteBoilerplate())
    item = {"text": "\n".join([*BODY, "Share this article"]), "domain": "example.test"}
    out = asyncio.run(pipeline.process_item(item))
    assert out["text"] == "\n".join(BODY)
    assert out["word_count"] == len(out["text"].split())
    with pytest.raises(NoTextAfterClean):
        asyncio.run(pipeline.process_item({"text": "Scroll to top", "domain": "example.test"}))


def test_worker_result_carries_what_the_reactor_used_to_compute() -> None:
    """The clean task's fingerprint, word count and line keys are those of its text; a page whose learned lines
    are stripped gets its words recounted, one with nothing stripped keeps the worker's count."""
    config = BoilerplateConfig(min_pages=2)
    raw = "\n".join([*BODY, "Share this article"])
    result = clean_page_text(raw, CleanConfig(), config)
    assert result.text == clean_text(raw)
    assert result.digest == revision_digest(result.text)
    assert result.words == count_words(result.text)
    assert result.line_keys == line_keys(result.text.splitlines(), config)
    assert clean_page_text(raw, CleanConfig(), None).line_keys is None

    learner = SiteBoilerplate(config)
    plug = "Become a member of the Valley Courier today and support local news."
    for page in range(3):
        text = f"{result.text}\nPage {page} has a line of its own here.\n{plug}"
        pre = clean_page_text(text, CleanConfig(), config)
        item = finish_clean({"domain": "valley.test"}, pre.text, learner, pre.line_keys, pre.words)
        assert item["word_count"] == count_words(item["text"])
        assert (plug in item["text"]) == (page < 1)  # stripped once the domain has two pages that carry it


@pytest.mark.parametrize(
    "line",
    [
        "Deixe um comentário",
        "Leia também: Prefeitura anuncia obras na orla",
        "Lesen Sie auch: Stadtrat beschließt neuen Haushalt",
        "Kommentare",
        "Читайте также: Мэрия объявила о ремонте моста",
        "Baca juga: Pemerintah umumkan proyek jembatan baru",
        "관련기사",
        "関連記事",
        "Votre adresse e-mail ne sera pas publiée.",
        "Tu dirección de correo electrónico no será publicada.",
        "Il tuo indirizzo email non sarà pubblicato.",
        "Read more: Council approves the harbour budget",
        "[Related: Council approves the harbour budget]",
        "Filed under: Local politics |",
        "Tempo de leitura: 2 minutos",
        "5 min read",
        "Photo by a reader, © Valley Courier 2025",
        "Share this article",
        "Advertisement",
        "Print article",
    ],
)
def test_furniture_lines_in_several_languages_are_removed_anywhere(line: str) -> None:
    text = "\n".join([BODY[0], line, *BODY[1:]])
    assert clean_text(text) == "\n".join(BODY)


@pytest.mark.parametrize(
    "line",
    [
        "Want more from Valley Courier? Sign up for our newsletter and never miss a story.",
        "The best of Valley Courier, delivered to your inbox every morning",
        "Thank you for subscribing to our daily newsletter.",
        "Get the Valley Courier app!",
        "Join our mailing list! Get the weekly briefing first.",
    ],
)
def test_newsletter_and_app_plugs_are_removed_anywhere(line: str) -> None:
    assert clean_text("\n".join([BODY[0], line, *BODY[1:]])) == "\n".join(BODY)


def test_a_sentence_about_newsletters_stays() -> None:
    line = "She said she subscribes to dozens of newsletters and reads them in her inbox every morning."
    assert line in clean_text("\n".join([BODY[0], line, *BODY[1:]]))


@pytest.mark.parametrize(
    "closing",
    [
        ["Get the day's headlines every morning with our free newsletter."],
        ["Follow Valley Courier on Instagram, Facebook and X."],
        ["(Reporting by Ana Ruiz; Editing by Tom Hale)"],
        [
            "Ana Ruiz contributed reporting from the valley.",
            "Copyright 2025 Valley Courier. All rights reserved.",
        ],
        ["Have a tip? Write to Ana Ruiz at ana.ruiz@valleycourier.test."],
        ["Like this story? Share it with a friend!"],
    ],
)
def test_sign_off_lines_are_cut_at_the_end_only(closing: list[str]) -> None:
    assert clean_text("\n".join([*BODY, *closing])) == "\n".join(BODY)
    # The same lines in the middle of the text are left alone (only the furniture rule works there).
    middle = "\n".join([BODY[0], closing[0], *BODY[1:], *BODY])
    assert closing[0] in clean_text(middle)


def test_a_last_paragraph_about_subscriptions_stays() -> None:
    last = "The streaming service will cost subscribers twelve euros a month from January, the company said."
    text = "\n".join([*BODY, last])
    assert clean_text(text) == text


def test_date_and_byline_lines_at_the_edges_go() -> None:
    text = "\n".join(["November 20, 2025 - 11:28", *BODY, "sexta-feira, 22 de outubro de 2025 às 20:13"])
    assert clean_text(text) == "\n".join(BODY)
    # Inside the text, a line with a date is content.
    inside = "\n".join([BODY[0], "The vote is set for March 3, 2026 at 10:00.", *BODY[1:]])
    assert clean_text(inside) == inside


def test_inline_read_more_in_a_paragraph_stays() -> None:
    paragraph = (
        "The plan was first presented in May (read more about it in our earlier report) and has been changed "
        "twice since. Related: the council also voted on parking fees."
    )
    text = "\n".join([BODY[0], paragraph, BODY[1]])
    assert clean_text(text) == text


def test_teaser_section_in_the_middle_is_left_for_the_html_pass() -> None:
    # A closing heading early in a text with no teaser evidence after it is not a reason to cut the text.
    text = "\n".join(
        [*BODY, "Comments", BODY[0] + " Again with more words to make the rest of the text long."] + BODY * 3
    )
    assert BODY[2] in clean_text(text).splitlines()[-1]


def test_inline_box_heading_in_the_second_half_does_not_cut_the_article() -> None:
    text = "\n".join([*BODY, "Related Articles", *BODY[:2]])
    assert clean_text(text) == "\n".join([*BODY, *BODY[:2]])
    # Followed by headlines only, the same heading closes the article.
    headlines = ["Council approves harbour budget", "New ferry timetable from May"]
    assert clean_text("\n".join([*BODY, "Related Articles", *headlines])) == "\n".join(BODY)


def test_a_single_teaser_card_after_a_closing_heading_goes_with_its_snippet() -> None:
    """A source and a time stamp over a snippet is a card: the snippet is another story's paragraph (left in, two
    copies of different stories would share it)."""
    snippet = (
        "Officials of the port authority said the new terminal would open in spring, two years later than planned, "
        "after a dispute over the dredging contract."
    )
    text = "\n".join([*BODY, "Related Articles", "News Desk", "35 minutes ago", snippet])
    assert clean_text(text) == "\n".join(BODY)
    # Without the card's time stamp, a paragraph after the same heading is article text.
    assert clean_text("\n".join([*BODY, "Related Articles", snippet])) == "\n".join([*BODY, snippet])


def test_a_page_that_is_all_learned_boilerplate_is_dropped() -> None:
    """The empty check reads the text after the site's learned lines are stripped, not before."""
    learner = SiteBoilerplate(BoilerplateConfig(min_pages=2))
    page = "Become a member of the Valley Courier today and support local news.\nFollow the Valley Courier."
    finish_clean({"domain": "valley.test"}, page, learner)
    with pytest.raises(NoTextAfterClean):
        finish_clean({"domain": "valley.test"}, page, learner)


def test_menu_rows_of_a_layout_table_go_and_data_rows_stay() -> None:
    """Older pages laid out in tables come out as rows of cells: a row of menu labels is furniture, a row of a
    data table (numbers, its header) is text."""
    rows = [
        "| Newsletter | Site Map | | Search | Advanced Search |",
        "| FREE Newsletter |",
        "| Sunday, 20 January, 2008 | Subscribe | News Research Centre | Place a Classified Ad |",
        "| Copyright and Trade Mark Notice |",
    ]
    data = ["| Year | Passengers | Ferries |", "| 2023 | 1,204,000 | 14 |", "| 2024 | 1,310,500 | 16 |"]
    text = "\n".join([rows[0], *BODY[:2], rows[1], *data, rows[2], BODY[2], rows[3]])
    assert clean_text(text).splitlines() == [*BODY[:2], *data, BODY[2]]


def test_a_rights_line_goes_wherever_it_stands() -> None:
    rights = (
        "Copyright 2008 Associated Press. All rights reserved. This material may not be published, broadcast, "
        "rewritten, or redistributed."
    )
    text = "\n".join([BODY[0], rights, *BODY[1:]])
    assert clean_text(text) == "\n".join(BODY)
    # A sentence about copyright is not a rights line.
    prose = "Copyright law gives the authors of the study the last word on how it is used, the court said."
    text = "\n".join([BODY[0], prose, *BODY[1:], *BODY])
    assert clean_text(text) == text


def test_a_data_table_at_the_end_is_not_taken_for_dates_or_teasers() -> None:
    """Rows of dates and values close the text and repeat their separators: neither datelines at the edge nor
    teaser cards after a heading."""
    table = ["| Date | Change |", "|---|---|", *(f"| {m}/1/2024 | +{m}.{m}% |" for m in range(1, 13))]
    text = "\n".join([*BODY, "Related", BODY[0] + " More on the figures below.", *table])
    assert clean_text(text).splitlines()[-12:] == table[-12:]
