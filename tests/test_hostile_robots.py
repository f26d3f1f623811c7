"""robots.txt as RFC 9309 reads it, on the hostile test site: 2xx parsed (500 KiB of it), 3xx followed up to five
hops, 4xx no rules, 5xx and no answer (a timeout) a complete disallow for the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crawl_helpers import RunOutput, crawl
from tests.hostile_site import MINUTES, STORY, Answer, HostileSite, article_page, home_page

pytestmark = pytest.mark.e2e

ARTICLE = "/2026/11/20/harbour-pier-rebuilt/"
PRIVATE = "/private/2026/11/20/board-minutes-draft/"


def crawl_with_robots(
    tmp_path: Path, robots: dict[str, Answer], *extra: str, returncode: int = 0
) -> tuple[RunOutput, HostileSite]:
    with HostileSite("127.0.0.1", robots) as site:
        site.routes.update(
            {
                "/": Answer(body=home_page([ARTICLE, PRIVATE])),
                ARTICLE: Answer(body=article_page("Pier rebuilt", STORY)),
                PRIVATE: Answer(body=article_page("Board minutes", MINUTES)),
            }
        )
        run = crawl([site.url("/")], tmp_path, "-s", "RETRY_TIMES=1", *extra, returncode=returncode)
    return run, site


def written(run: RunOutput) -> set[str]:
    return {a["url"].split(":", 2)[2].split("/", 1)[1] for a in run.articles}


def test_2xx_rules_are_followed(tmp_path: Path) -> None:
    run, site = crawl_with_robots(
        tmp_path, {"/robots.txt": Answer(body="User-agent: *\nDisallow: /private/\n")}
    )
    assert written(run) == {ARTICLE[1:]}
    assert not site.fetched(PRIVATE)
    assert {r["reason"] for r in run.rejected if r["url"].endswith(PRIVATE)} == {"robots-disallowed"}


def test_only_the_first_500_kib_are_read(tmp_path: Path) -> None:
    body = "User-agent: *\nDisallow: /private/\n" + ("# padding\n" * 60_000) + "Disallow: /2026/\n"
    run, site = crawl_with_robots(tmp_path, {"/robots.txt": Answer(body=body)})
    assert written(run) == {ARTICLE[1:]}, "a rule past 500 KiB was applied"
    assert not site.fetched(PRIVATE)


def _chain(hops: int) -> dict[str, Answer]:
    routes = {
        (f"/robots-{i}.txt" if i else "/robots.txt"): Answer(
            301, headers=[("Location", f"/robots-{i + 1}.txt")]
        )
        for i in range(hops)
    }
    routes[f"/robots-{hops}.txt"] = Answer(body="User-agent: *\nDisallow: /\n", content_type="text/plain")
    return routes


def test_five_redirects_are_followed(tmp_path: Path) -> None:
    run, site = crawl_with_robots(tmp_path, _chain(5), returncode=1)
    assert not site.fetched(ARTICLE) and not run.articles


def test_more_than_five_redirects_mean_no_rules(tmp_path: Path) -> None:
    run, site = crawl_with_robots(tmp_path, _chain(6))
    assert written(run) == {ARTICLE[1:], PRIVATE[1:]}


def test_4xx_means_no_rules(tmp_path: Path) -> None:
    run, _ = crawl_with_robots(tmp_path, {"/robots.txt": Answer(403, "<html>forbidden</html>")})
    assert written(run) == {ARTICLE[1:], PRIVATE[1:]}


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_means_complete_disallow_for_the_run(tmp_path: Path, status: int) -> None:
    error = Answer(status, "<html><h1>Internal Server Error</h1></html>")
    run, site = crawl_with_robots(tmp_path, {"/robots.txt": error}, returncode=1)
    assert not run.articles
    assert set(site.requests) == {"/robots.txt"}, site.requests
    assert {r["reason"] for r in run.rejected} == {"robots-unreachable"}, run.rejected


def test_a_robots_txt_that_times_out_means_complete_disallow(tmp_path: Path) -> None:
    stalled = Answer(body="User-agent: *\nAllow: /\n", stall=4)
    run, site = crawl_with_robots(
        tmp_path, {"/robots.txt": stalled}, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0", returncode=1
    )
    assert not run.articles and not site.fetched(ARTICLE)
    assert {r["reason"] for r in run.rejected} == {"robots-unreachable"}, run.rejected
