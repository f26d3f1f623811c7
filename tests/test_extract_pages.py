"""Saved pages written for the tests (layouts modelled on real sites, texts our own), run through the extract and
clean stages exactly as ``newscorpus extract`` runs them, checked with must-contain / must-not-contain snippets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.clean.page_text import clean_item
from pipelines.extract.article import fill_record

PAGES = Path(__file__).parent / "pages"


def run(name: str, url: str, **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"url": url, "_html": (PAGES / name).read_text(encoding="utf-8"), **extra}
    fill_record(item)
    clean_item(item)
    return item


CASES = {
    "daily8_related_sidebar.html": (
        "https://daily-eight.test/news/lighthouse-keepers-return?ref=home",
        [
            "For the first time in four decades, two keepers will live year-round",
            "They are not good at climbing a tower in a gale to replace a fuse",
            "if the trial proves worth its cost.",
        ],
        [
            "Hashtags",
            "Try Our AI Features",
            "Explore what Daily Eight AI",
            "No comments yet",
            "Related Articles",
            "Harbor Herald",
            "minutes ago",
            "Container volumes at southern port",
            "The southern port handled more containers",
            "Negotiators from the two neighbouring states",
            "Stocks ended the session higher",
            "Most Read",
            "Ferry timetable changes",
            "All rights reserved",
            "Scroll to Top",
        ],
    ),
    # The same furniture and teasers as plain paragraphs inside the article body: no boxes, no class names.
    "daily8_teasers_in_body.html": (
        "https://daily-eight.test/news/lighthouse-keepers-return",
        [
            "For the first time in four decades, two keepers will live year-round",
            "if the trial proves worth its cost.",
        ],
        [
            "Hashtags",
            "No comments yet",
            "Related Articles",
            "Harbor Herald",
            "minutes ago",
            "The southern port handled more containers",
            "Stocks ended the session higher",
        ],
    ),
    "wordpress_comment_form.html": (
        "https://valleycourier.test/2025/03/18/town-council-backs-plan-for-night-buses/",
        [
            "The town council voted on Tuesday to fund a trial of night buses",
            "leaving them to walk or pay for taxis.",
            "decide after a year whether to continue.",
        ],
        [
            "Share this",
            "Bus fares to rise",
            "Operators blame fuel",
            "Previous Post",
            "thoughts on",
            "About time. I have been walking home",
            "fix the potholes",
            "Leave a Comment",
            "Your email address will not be published",
            "Required fields are marked",
            "Save my name, email",
            "Post Comment",
            "Sign up for our weekly newsletter",
            "Recent Posts",
            "Copyright",
            "Scroll to Top",
            "Skip to content",
        ],
    ),
    "inline_read_more.html": (
        "https://northernledger.test/transport/rail-operator-apologises",
        [
            # An inline "Read more" link inside a paragraph is part of the sentence and stays, with the sentence.
            "last month. Read more about the new timetable, which added forty trains a day, in our earlier report.",
            "Comments from passengers collected by the authority will be published with the report.",
            "Customers who were delayed by more than an hour can claim a full refund.",
        ],
        [
            "Read more: Ticket prices",
            "Ticket prices to rise again",
            "Follow us on Twitter",
            "Advertisement",
            "Log in",
            "Transport Correspondent",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_page_text(name: str) -> None:
    url, must, must_not = CASES[name]
    item = run(name, url)
    text = item["text"]
    for snippet in must:
        assert snippet in text, f"{name}: lost {snippet!r}\n---\n{text}"
    for snippet in must_not:
        assert snippet not in text, f"{name}: kept {snippet!r}\n---\n{text}"
    assert "_html" not in item
    assert item["word_count"] == len(text.split())


def test_daily8_metadata() -> None:
    item = run(
        "daily8_related_sidebar.html", "https://daily-eight.test/news/lighthouse-keepers-return?ref=home"
    )
    assert item["title"] == "Lighthouse keepers return to remote island station"
    assert item["authors"] == ["Mara Lindqvist"]
    assert item["date_published"] == "2025-08-07T06:15:00+00:00"
    assert item["date_modified"] == "2025-08-07T08:00:00+00:00"
    assert item["date_source"] == "json-ld"
    assert item["site_name"] == "Daily Eight"
    assert item["canonical_url"] == "https://daily-eight.test/news/lighthouse-keepers-return"
    assert item["domain"] == "daily-eight.test"
    assert item["declared_language"] == "en"


def test_wordpress_metadata() -> None:
    item = run(
        "wordpress_comment_form.html",
        "https://valleycourier.test/2025/03/18/town-council-backs-plan-for-night-buses/",
    )
    assert item["title"] == "Town council backs plan for night buses"
    assert item["authors"] == ["Tomas Reyes"]
    assert item["date_published"] == "2025-03-18T17:42:10+00:00"
    assert item["date_source"] == "meta"


def test_inline_page_metadata_and_hint() -> None:
    url = "https://northernledger.test/transport/rail-operator-apologises"
    item = run(
        "inline_read_more.html",
        url,
        _date_hint="2025-05-12T07:00:00Z",
        _date_hint_source="sitemap",
        fetched_at="2025-05-13T00:00:00Z",
    )
    assert item["title"] == "Rail operator apologises for weekend delays"
    assert item["authors"] == ["Ines Calloway", "Ruth Brandt"]
    assert item["date_published"] == "2025-05-12T07:00:00+00:00"
    assert item["date_source"] == "sitemap"
    assert item["text"].splitlines()[0].startswith("The regional rail operator apologised")


def test_teaser_block_without_class_names_is_found_by_its_heading() -> None:
    """The Daily8 page names none of its boxes: the related block is found by its heading and its cards."""
    from pipelines.extract.parse import parse_html
    from pipelines.extract.prune import prune_tree

    tree = parse_html((PAGES / "daily8_related_sidebar.html").read_text(encoding="utf-8"))
    counts = prune_tree(tree, url="https://daily-eight.test/news/lighthouse-keepers-return")
    assert counts["teaser"] >= 1
    body = tree.text_content()
    assert "The southern port handled more containers" not in body
    assert "two keepers will live year-round" in body
