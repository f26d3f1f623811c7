"""HTML pruning: clutter containers go, the article body never does."""

from __future__ import annotations

import logging

import pytest
from lxml import html as lxml_html

from pipelines.extract.config import PruneConfig
from pipelines.extract.prune import prune_tree

PROSE = [
    "The water utility said on Wednesday it would replace four kilometres of lead pipes in the old town by the "
    "end of next year, bringing forward work that was planned for the next decade.",
    "Tests last spring found lead levels above the legal limit in eleven homes, all of them in streets where the "
    "pipes were laid before the war, according to the utility's annual report.",
    "Residents will receive letters two weeks before work starts in their street. Water will be cut for no more "
    "than six hours at a time, and bottled water will be handed out from the town hall.",
]


def page(body: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def paragraphs() -> str:
    return "".join(f"<p>{p}</p>" for p in PROSE)


def test_generic_clutter_containers_are_removed() -> None:
    tree = page(
        f"<article><div class='story'>{paragraphs()}</div>"
        "<div class='related-posts'><h3>Related</h3><ul><li><a href='/a'>Old pipes in the new town</a></li></ul></div>"
        "<div id='newsletterSignup'><p>Get our morning briefing in your inbox.</p></div>"
        "<section aria-label='Share this story'><a href='#'>Facebook</a></section>"
        "<div class='cookie-banner'>We use cookies to improve your experience.</div></article>"
    )
    counts = prune_tree(tree)
    text = tree.text_content()
    assert counts["generic"] == 4
    for snippet in ("Old pipes", "morning briefing", "Facebook", "We use cookies"):
        assert snippet not in text
    assert all(p in text for p in PROSE)


def test_state_words_and_unrelated_words_do_not_match() -> None:
    tree = page(
        f"<div class='post has-comments'>{paragraphs()}</div><div class='unrelated-note'>Kept note text here.</div>"
    )
    prune_tree(tree)
    assert "Kept note text here." in tree.text_content()
    assert PROSE[0] in tree.text_content()


def test_guard_keeps_the_container_of_most_prose_whatever_its_name() -> None:
    # A theme that names the article wrapper after its share bar must not lose the article.
    tree = page(f"<div class='social-story-wrapper'>{paragraphs()}</div><div class='share'>Share</div>")
    prune_tree(tree)
    text = tree.text_content()
    assert all(p in text for p in PROSE)
    assert "Share" not in text


def test_list_article_inside_the_body_is_kept() -> None:
    items = "".join(
        f"<li><strong><a href='/story/{i}'>Headline number {i} of the morning digest</a>.</strong> "
        f"A sentence or two of summary about story number {i}, written for the digest readers.</li>"
        for i in range(6)
    )
    sidebar = "".join(
        f"<li><a href='/other/{i}'>Another story people are reading now {i}</a></li>" for i in range(5)
    )
    tree = page(
        f"<div class='post-content'><p>Here is what you need to know this morning.</p><ol>{items}</ol></div>"
        f"<div class='rail'><ul>{sidebar}</ul></div>"
    )
    counts = prune_tree(tree, url="https://example.test/digest")
    text = tree.text_content()
    assert "summary about story number 5" in text
    assert "Another story people are reading" not in text
    assert counts["teaser"] == 1


def test_teaser_heading_takes_its_block() -> None:
    cards = "".join(
        f"<div class='c'><a href='/x/{i}'>A different story about the harbour {i}</a><span>2 hours ago</span></div>"
        for i in range(3)
    )
    tree = page(
        f"<div class='a1'>{paragraphs()}</div><div class='zz'><h2>More from the Gazette</h2>{cards}</div>"
    )
    counts = prune_tree(tree)
    assert counts["teaser"] >= 1
    assert "A different story" not in tree.text_content()
    assert PROSE[2] in tree.text_content()


def test_in_flow_teaser_heading_with_link_lines_is_cut_but_prose_after_it_stays() -> None:
    tree = page(
        f"<div class='body'>{''.join(f'<p>{p}</p>' for p in PROSE[:2])}"
        "<h3>Read more</h3><p><a href='/a'>Pipes replaced in the east end last year</a></p>"
        "<p><a href='/b'>Utility raises water prices</a></p>"
        f"<h2>What happens next</h2><p>{PROSE[2]}</p></div>"
    )
    prune_tree(tree)
    text = tree.text_content()
    assert "Pipes replaced in the east end" not in text
    assert "What happens next" in text and PROSE[2] in text


def test_profile_selectors_and_bad_selectors(caplog: pytest.LogCaptureFixture) -> None:
    tree = page(f"<div class='x'>{paragraphs()}<div class='partner-box'>Partner offer text</div></div>")
    with caplog.at_level(logging.WARNING, logger="pipelines.extract.prune"):
        counts = prune_tree(tree, [".partner-box", "div[[["])
    assert counts["selector"] == 1
    assert "Partner offer text" not in tree.text_content()
    assert "invalid prune selector" in caplog.text


def test_profile_selector_cannot_remove_the_article() -> None:
    tree = page(f"<div class='x'>{paragraphs()}</div>")
    prune_tree(tree, [".x"])
    assert PROSE[0] in tree.text_content()


def test_switches() -> None:
    tree = page(f"<div>{paragraphs()}</div><div class='related'><a href='/a'>Old story link here</a></div>")
    prune_tree(tree, config=PruneConfig(generic=False, teasers=False))
    assert "Old story link here" in tree.text_content()


def test_div_paragraphs_with_inline_links_are_not_cards() -> None:
    # Some sites write paragraphs as divs; a run of them with a link in each is prose, not a teaser list.
    paras = "".join(
        f"<div class='para'>{p[:60]} <a href='/topic/{i}'>the regional water board</a> {p[60:]}</div>"
        for i, p in enumerate(PROSE * 2)
    )
    tree = page(f"<div class='intro'><p>{PROSE[0]}</p></div><div class='rest'>{paras}</div>")
    prune_tree(tree, url="https://example.test/story")
    assert tree.text_content().count("the regional water board") == 6


def test_link_only_list_in_the_body_and_alt_text_captions_go() -> None:
    links = "".join(
        f"<li><a href='/s/{i}'>Earlier story about the water works number {i}</a></li>" for i in range(3)
    )
    tree = page(
        f"<div class='b'><p>{PROSE[0]}</p><img src='x.jpg' alt='Workers lay new pipes on Mill Street'>"
        f"<span class='c1'>Workers lay new pipes on Mill Street</span><p>{PROSE[1]}</p><ul>{links}</ul><p>{PROSE[2]}</p></div>"
    )
    prune_tree(tree, url="https://example.test/story")
    text = tree.text_content()
    assert "Earlier story about the water works" not in text
    assert "Workers lay new pipes" not in text
    assert all(p in text for p in PROSE)


def test_long_teasers_under_a_heading_go_even_when_they_outweigh_a_short_article() -> None:
    snippet = (
        "A long teaser snippet about another town's budget that runs on for a while to outweigh the story. "
        * 4
    )
    cards = "".join(
        f"<div><div>Other Paper</div><div>{n} minutes ago</div><a href='https://other.test/s{n}'>Another town passes its budget</a>"
        f"<div>{snippet}</div></div>"
        for n in (5, 20, 45)
    )
    tree = page(
        f"<h1>Lead pipes</h1><div class='b'>{paragraphs()}</div><div class='m'><div>Related Articles</div>{cards}</div>"
    )
    counts = prune_tree(tree, url="https://example.test/story")
    assert counts["teaser"] >= 1
    assert "A long teaser snippet" not in tree.text_content()
    assert PROSE[1] in tree.text_content()


def test_read_more_wrapper_around_the_second_half_of_the_article_stays() -> None:
    first = "".join(f"<p>{p}</p>" for p in PROSE)
    second = "".join(f"<p>{p.replace('utility', 'company')}</p>" for p in PROSE)
    tree = page(f"<article>{first}<div class='read-more-content'>{second}</div></article>")
    prune_tree(tree)
    assert "The water company said on Wednesday" in tree.text_content()


def test_inline_story_list_with_summaries_is_pruned_and_the_article_goes_on() -> None:
    promos = "".join(
        f"<div class='c-promo'><h3><a href='/s/{i}'>Another story headline number {i}</a></h3>"
        f"<p>A summary of another story that runs for a sentence or two, number {i}, to look like a teaser.</p></div>"
        for i in range(3)
    )
    tree = page(
        f"<div class='story'><p>{PROSE[0]}</p><section class='c-promo-list'><h2>Related Articles</h2>{promos}</section>"
        f"<p>{PROSE[1]}</p><p>{PROSE[2]}</p></div>"
    )
    prune_tree(tree, url="https://example.test/story")
    text = tree.text_content()
    assert "Related Articles" not in text and "A summary of another story" not in text
    assert all(p in text for p in PROSE)


def test_measured_text_is_text_content_with_whitespace_collapsed() -> None:
    # The sizes are read without text_content (a leaf's .text, a bigger element through the serializer); they
    # must stay what text_content gives, non-breaking spaces and text left behind by stripped elements included.
    from lxml import etree

    from pipelines.extract.measure import element_text as _text
    from pipelines.extract.parse import parse_html, strip_inert

    tree = parse_html(
        "<html><body><div class='x'> Lead\u00a0 <b>pipes</b>\n<span></span><br>go <script>var x;</script>"
        "<i>out <a href='/a'>of\tthe</a> ground</i>  </div><p>\u2003</p><ul><li>one</li><li><em></em></li></ul>"
        "</body></html>"
    )
    strip_inert(tree)
    tree.append(etree.Comment("a note"))
    for el in tree.iter():
        expected = " ".join((el.text_content() or "").split()) if isinstance(el.tag, str) else ""
        assert _text(el) == expected
