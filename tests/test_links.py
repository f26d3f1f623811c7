"""Link decisions of one site: learned shapes first, generic rules after, probes within a budget, waiting links
released by the probes' outcomes, and what a page's drop says it was."""

from __future__ import annotations

import pytest

from crawler.article_urls import ArticleUrlClassifier
from crawler.links import Follow, LinkConfig, SiteLinks, is_headline, page_verdict
from crawler.profiles import profile_from_dict, profile_from_url
from pipelines import drops

SITE = "https://kessa.example"


def links(budget: int = 10, **profile: object) -> SiteLinks:
    site = profile_from_dict({"name": "k", "start_urls": [SITE + "/"], **profile}) if profile else None
    classifier = ArticleUrlClassifier(site or profile_from_url(SITE + "/"))
    return SiteLinks(classifier, LinkConfig(probe_budget=budget))


def test_generic_rules_for_a_site_nobody_has_seen() -> None:
    site = links()
    assert site.decide(SITE + "/2026/11/18/port-workers-strike-enters-third-day/") is Follow.ARTICLE
    assert site.decide(SITE + "/tag/economy/") is Follow.HUB
    assert site.decide(SITE + "/login") is Follow.SKIP
    assert site.decide("https://elsewhere.example/2026/11/18/a-story-about-ports/") is Follow.SKIP
    assert site.decide(SITE + "/wire/000.html") is Follow.PROBE


def test_probes_of_one_shape_then_the_rest_wait_for_their_outcome() -> None:
    site = links()
    follows = [site.decide(SITE + f"/wire/{n:03d}.html", context=n) for n in range(6)]
    assert follows == [Follow.PROBE, Follow.PROBE] + [Follow.WAIT] * 4
    assert site.waiting == 4
    released = site.outcome(SITE + "/wire/000.html", True)
    assert sorted(r.url for r in released) == [SITE + f"/wire/{n:03d}.html" for n in range(2, 6)]
    assert {r.follow for r in released} == {Follow.ARTICLE}
    assert [r.context for r in sorted(released, key=lambda r: r.url)] == [2, 3, 4, 5]
    assert site.decide(SITE + "/wire/777.html") is Follow.ARTICLE  # the shape is known now
    assert site.budget_left == 8


def test_a_shape_of_non_articles_costs_its_probes_and_no_more() -> None:
    site = links()
    follows = [site.decide(SITE + f"/dossier/Kx8{n}ab/klima-{n}") for n in range(20)]
    assert follows.count(Follow.PROBE) == 2
    assert site.outcome(SITE + "/dossier/Kx80ab/klima-0", False) == []  # one "no" is not enough
    assert site.outcome(SITE + "/dossier/Kx81ab/klima-1", False) == []
    assert site.waiting == 0 and site.counts["released_skip"] == 18
    assert site.decide(SITE + "/dossier/Kx8zzab/klima-99") is Follow.SKIP


def test_a_probe_without_a_page_frees_its_place() -> None:
    site = links()
    site.decide(SITE + "/wire/000.html")
    site.decide(SITE + "/wire/001.html")
    assert site.decide(SITE + "/wire/002.html") is Follow.WAIT
    (release,) = site.outcome(SITE + "/wire/000.html", None)  # a 404: no verdict
    assert (release.url, release.follow) == (SITE + "/wire/002.html", Follow.PROBE)


def test_the_budget_bounds_probes_and_idle_leaves_what_cannot_be_probed() -> None:
    site = links(budget=3)
    shapes = [SITE + f"/{folder}/{n}.html" for folder in ("wire", "meldung", "ticker") for n in range(3)]
    follows = [site.decide(url) for url in shapes]
    assert follows.count(Follow.PROBE) == 3 and site.budget_left == 0
    assert site.idle() == []  # nothing came back: no budget to probe again, the rest is left
    assert site.waiting == 0 and site.counts["unfollowed"] == 6


def test_idle_probes_what_waits_while_the_budget_lasts() -> None:
    site = links(budget=4)
    for n in range(4):
        site.decide(SITE + f"/wire/{n}.html")
    assert site.waiting == 2
    released = site.idle()  # the two probes never came back (another worker took them)
    assert [r.follow for r in released] == [Follow.PROBE, Follow.PROBE]


def test_listings_teach_shapes_before_any_page_is_fetched() -> None:
    site = links(budget=0)
    site.listed(SITE + "/a/Ard8wM/some-title")
    assert site.decide(SITE + "/a/Zzz8qp/other-title") is Follow.ARTICLE
    assert site.decide(SITE + "/wire/000.html") is Follow.WAIT  # no budget: waits, then is left


def test_nothing_learned_overrides_the_profile_or_the_gate() -> None:
    site = links(articles={"deny": [r"/a/sponsored/"]})
    site.listed(SITE + "/a/sponsored/x-y")
    assert site.decide(SITE + "/a/sponsored/other-one") is Follow.SKIP
    site.listed(SITE + "/tag/port/")
    assert site.decide(SITE + "/tag/harbour/") is Follow.HUB


@pytest.mark.parametrize(
    ("exception", "verdict"),
    [
        (None, True),
        (drops.NotAnArticle("x"), False),
        (drops.NoText("x"), False),
        (drops.ListLike("x"), False),
        (drops.ExactDuplicate.__new__(drops.ExactDuplicate), True),
        (drops.LanguageNotWanted("x"), True),
        (drops.WorkerTimedOut("x"), None),
        (drops.MaxArticlesReached("x"), None),
    ],
)
def test_what_a_drop_says_the_page_was(exception: BaseException | None, verdict: bool | None) -> None:
    assert page_verdict(exception) is verdict


def test_a_headline_link_is_probed_without_the_budget_two_of_a_shape() -> None:
    site = links(budget=0)
    follows = [site.decide(SITE + f"/meldung/{n}.html", headline=True) for n in range(5)]
    assert follows == [Follow.PROBE, Follow.PROBE] + [Follow.WAIT] * 3
    assert site.decide(SITE + "/ticker/1.html") is Follow.WAIT  # no headline, no budget
    released = site.outcome(SITE + "/meldung/0.html", True)
    assert {r.follow for r in released} == {Follow.ARTICLE} and len(released) == 3


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Forscher aus Osnabrück warnt: Studierende verlernen Lesen", True),
        ("Next page", False),
        ("Martha Quayle", False),
        ("Privacy policy and cookies", False),
        ("Verfassungsänderungsgesetz", False),
        ("气候变化对农业的影响越来越大了", True),
    ],
)
def test_headline_anchors(text: str, headline: bool) -> None:
    assert is_headline(text) is headline
