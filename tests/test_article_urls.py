from __future__ import annotations

import pytest

from crawler.article_urls import ArticleUrlClassifier, UrlKind
from crawler.profiles import profile_from_dict, profile_from_url

SITE = "https://news.example.com"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/2026/11/18/port-workers-strike-enters-third-day/", UrlKind.ARTICLE),
        ("/news/world/1234567/budget-vote-delayed", UrlKind.ARTICLE),
        ("/culture/museum-opens-new-wing-after-long-renovation", UrlKind.ARTICLE),
        ("/tag/economy/", UrlKind.HUB),
        ("/author/jane-doe/", UrlKind.HUB),
        ("/category/world/page/2/", UrlKind.HUB),
        ("/world/", UrlKind.HUB),
        ("/2026/11/18/", UrlKind.HUB),
        ("/video/port-strike-footage", UrlKind.SKIP),
        ("/login", UrlKind.SKIP),
        ("/files/annual-report.pdf", UrlKind.SKIP),
        ("/static/site.css", UrlKind.SKIP),
        ("/about-us/", UrlKind.SKIP),
        ("/privacy-policy/", UrlKind.SKIP),
        ("/cookies", UrlKind.SKIP),
        ("/business/about-the-new-harbour-tax-and-what-it-costs", UrlKind.ARTICLE),
    ],
)
def test_heuristics(path: str, kind: UrlKind) -> None:
    assert ArticleUrlClassifier(profile_from_url(SITE + "/")).classify(SITE + path) is kind


def test_other_domains_are_skipped() -> None:
    classifier = ArticleUrlClassifier(profile_from_url(SITE + "/"))
    assert classifier.classify("https://other.example.org/2026/11/18/a-story-about-ports/") is UrlKind.SKIP
    assert classifier.classify("mailto:desk@news.example.com") is UrlKind.SKIP


def test_profile_patterns_win_over_heuristics() -> None:
    profile = profile_from_dict(
        {
            "name": "x",
            "start_urls": [SITE + "/"],
            "articles": {"allow": [r"/story/\w+$"], "deny": [r"/story/sponsored"]},
        }
    )
    classifier = ArticleUrlClassifier(profile)
    assert classifier.classify(SITE + "/story/abc") is UrlKind.ARTICLE
    assert classifier.classify(SITE + "/story/sponsored") is UrlKind.SKIP
    # A date path is not enough when the profile says what articles look like.
    assert classifier.classify(SITE + "/2026/11/18/port-workers-strike/") is UrlKind.HUB
