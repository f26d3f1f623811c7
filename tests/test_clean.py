"""The clean stage on plain texts: furniture lines go, prose that mentions the same words stays."""

from __future__ import annotations

import pytest

from pipelines.boilerplate import SiteBoilerplate
from pipelines.clean import CleanPipeline, clean_text
from pipelines.drops import NoTextAfterClean

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
    out = pipeline.process_item(item)
    assert out["text"] == "\n".join(BODY)
    assert out["word_count"] == len(out["text"].split())
    with pytest.raises(NoTextAfterClean):
        pipeline.process_item({"text": "Scroll to top", "domain": "example.test"})
