"""robots.txt as RFC 9309 reads it, on the hostile test site: 2xx parsed (500 KiB of it), 3xx followed up to five
hops, 4xx no rules, 5xx and no answer (a timeout) a complete disallow for the run.

One crawl of several sites, one a case (robots.txt is kept per host and port), each test reading its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from tests.crawl_helpers import RunOutput, crawl
from tests.hostile_site import MINUTES, STORY, Answer, HostileSite, article_page, home_page

pytestmark = pytest.mark.e2e

ARTICLE = "/2026/11/20/harbour-pier-rebuilt/"
PRIVATE = "/private/2026/11/20/board-minutes-draft/"


def _chain(hops: int) -> dict[str, Answer]:
    routes = {
        (f"/robots-{i}.txt" if i else "/robots.txt"): Answer(
            301, headers=[("Location", f"/robots-{i + 1}.txt")]
        )
        for i in range(hops)
    }
    routes[f"/robots-{hops}.txt"] = Answer(body="User-agent: *\nDisallow: /\n", content_type="text/plain")
    return routes


CASES: dict[str, dict[str, Answer]] = {
    "2xx": {"/robots.txt": Answer(body="User-agent: *\nDisallow: /private/\n")},
    "500 KiB": {
        "/robots.txt": Answer(
            body="User-agent: *\nDisallow: /private/\n" + ("# padding\n" * 60_000) + "Disallow: /2026/\n"
        )
    },
    "5 redirects": _chain(5),
    "6 redirects": _chain(6),
    "4xx": {"/robots.txt": Answer(403, "<html>forbidden</html>")},
    "500": {"/robots.txt": Answer(500, "<html><h1>Internal Server Error</h1></html>")},
    "503": {"/robots.txt": Answer(503, "<html><h1>Service Unavailable</h1></html>")},
    "timeout": {"/robots.txt": Answer(body="User-agent: *\nAllow: /\n", stall=4)},
}


@dataclass
class Case:
    site: HostileSite
    written: set[str]
    rejected: dict[str, str]  # path -> reason


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Case]]:
    with ExitStack() as stack:
        sites = {
            name: stack.enter_context(HostileSite("127.0.0.1", dict(robots)))
            for name, robots in CASES.items()
        }
        for site in sites.values():
            site.routes.update(
                {
                    "/": Answer(body=home_page([ARTICLE, PRIVATE])),
                    ARTICLE: Answer(body=article_page("Pier rebuilt", STORY)),
                    PRIVATE: Answer(body=article_page("Board minutes", MINUTES)),
                }
            )
        run = crawl(
            [s.url("/") for s in sites.values()],
            tmp_path_factory.mktemp("robots"),
            "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=2", "--no-state",
            # The sites share a text and a domain (127.0.0.1): neither copies nor a site's repeated lines here.
            "-s", "NEWSCORPUS_DEDUP_ENABLED=False", "-s", "NEWSCORPUS_CLEAN_BOILERPLATE=False",
        )  # fmt: skip
        yield {name: _case(site, run) for name, site in sites.items()}


def _case(site: HostileSite, run: RunOutput) -> Case:
    def mine(url: str) -> str | None:
        return url.removeprefix(site.origin) if url.startswith(site.origin + "/") else None

    written = {path for a in run.articles if (path := mine(a["url"]))}
    rejected = {path: r["reason"] for r in run.rejected if (path := mine(r["url"]))}
    return Case(site, written, rejected)


def test_2xx_rules_are_followed(cases: dict[str, Case]) -> None:
    case = cases["2xx"]
    assert case.written == {ARTICLE}
    assert not case.site.fetched(PRIVATE)
    assert case.rejected[PRIVATE] == "robots-disallowed"


def test_only_the_first_500_kib_are_read(cases: dict[str, Case]) -> None:
    case = cases["500 KiB"]
    assert case.written == {ARTICLE}, "a rule past 500 KiB was applied"
    assert not case.site.fetched(PRIVATE)


def test_five_redirects_are_followed(cases: dict[str, Case]) -> None:
    case = cases["5 redirects"]
    assert case.site.fetched("/robots-5.txt")
    # "/" waited for robots.txt with the site's rights files: every waiting request gets the same answer.
    assert not case.site.fetched("/") and not case.site.fetched(ARTICLE) and not case.written


def test_more_than_five_redirects_mean_no_rules(cases: dict[str, Case]) -> None:
    case = cases["6 redirects"]
    assert case.written == {ARTICLE, PRIVATE}


def test_4xx_means_no_rules(cases: dict[str, Case]) -> None:
    assert cases["4xx"].written == {ARTICLE, PRIVATE}


@pytest.mark.parametrize("status", ["500", "503"])
def test_5xx_means_complete_disallow_for_the_run(cases: dict[str, Case], status: str) -> None:
    case = cases[status]
    assert not case.written
    assert set(case.site.requests) == {"/robots.txt"}, case.site.requests
    assert set(case.rejected.values()) == {"robots-unreachable"}, case.rejected


def test_a_robots_txt_that_times_out_means_complete_disallow(cases: dict[str, Case]) -> None:
    case = cases["timeout"]
    assert not case.written and not case.site.fetched(ARTICLE)
    assert set(case.rejected.values()) == {"robots-unreachable"}, case.rejected
