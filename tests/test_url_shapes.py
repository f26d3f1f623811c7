"""URL shapes: the signatures of path segments, and what a site's URLs teach at each level."""

from __future__ import annotations

import pytest

from crawler.url_shapes import Level, SiteShapes, Verdict, segment_signature, shape_keys

SITE = "https://news.example.org"


@pytest.mark.parametrize(
    ("segment", "signature"),
    [
        ("522721.kenia.html", "#.a.html"),
        ("some-title", "s"),
        ("Ard8wM", "x"),
        ("A2026071220290000630", "x"),
        ("000.html", "9.html"),
        ("2026", "9"),
        ("1234567", "#"),
        ("world", "a"),
        ("osnabrueck_emsland", "s"),
        ("forscher-aus-osnabrueck-warnt-studierende-verlernen-lesen,leseforscher-100.html", "s,s.html"),
        ("rueckschlag-im-titelkampf,nachholspiele-everton-liverpool-100.html", "s,s.html"),
        ("espana.HTML", "a.html"),
    ],
)
def test_segment_signatures(segment: str, signature: str) -> None:
    assert segment_signature(segment) == signature


def test_keys_keep_words_literal_at_the_fine_level_only() -> None:
    fine, prefix, coarse = shape_keys(SITE + "/news/world/1234567/budget-vote-delayed")
    assert (fine, prefix, coarse) == ("/news/world/#/s", "/news/a/#/s", "/a/a/#/s")
    assert shape_keys(SITE + "/story.php?id=4133814&utm_source=rss")[0] == "/story.php?id=#"
    assert shape_keys(SITE + "/")[0] == "/"


def test_one_listed_url_teaches_its_fine_shape() -> None:
    shapes = SiteShapes()
    assert shapes.verdict(SITE + "/wire/001.html") is None
    shapes.listed(SITE + "/wire/000.html")
    verdict = shapes.verdict(SITE + "/wire/123.html")
    assert verdict is not None and (verdict.verdict, verdict.level) == (Verdict.ARTICLE, Level.FINE)
    assert shapes.verdict(SITE + "/dossier/123.html") is None  # another folder


def test_outcomes_outweigh_listings() -> None:
    shapes = SiteShapes()
    shapes.listed(SITE + "/thema/klima")
    shapes.learn(SITE + "/thema/klima", is_article=False)
    shapes.learn(SITE + "/thema/wahl", is_article=False)
    verdict = shapes.verdict(SITE + "/thema/hafen")
    assert verdict is not None and verdict.verdict is Verdict.OTHER


def test_prefix_level_generalises_a_folder_over_its_sections() -> None:
    shapes = SiteShapes()
    for section in ("bayern", "niedersachsen"):
        shapes.learn(SITE + f"/nachrichten/{section}/ort_kreis/eine-geschichte,stichwort-100.html", True)
    verdict = shapes.verdict(SITE + "/nachrichten/hessen/stadt_land/noch-eine,andere-100.html")
    assert verdict is not None and (verdict.verdict, verdict.level) == (Verdict.ARTICLE, Level.PREFIX)


def test_a_mixed_shape_is_an_article_shape_at_the_fine_level() -> None:
    shapes = SiteShapes()
    shapes.learn(SITE + "/a/Ard8wM/one-title", True)
    shapes.learn(SITE + "/a/Brd8wM/other-title", False)
    verdict = shapes.verdict(SITE + "/a/Crd8wM/third-title")
    assert verdict is not None and verdict.verdict is Verdict.ARTICLE


def test_memory_is_bounded() -> None:
    shapes = SiteShapes(max_keys=3)
    for n in range(10):
        shapes.listed(SITE + f"/f{'x' * n}/{n}.html")
    assert len(shapes) == 3
