"""The rights of an article: the pure readers of headers, pages and site files, and how they combine."""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crawler.commands.export import arrow_type
from crawler.commands.options import add_corpus_arguments, build_settings
from crawler.state.sqlite import SCHEMA_VERSION, CrawlState
from crawler.summary import format_summary
from pipelines.drops import NotAnArticle, TdmReserved
from pipelines.extract.article import fill_record
from pipelines.extract.metadata import extract_metadata
from pipelines.extract.parse import parse_html
from pipelines.extract.rights import (
    SIGNALS,
    HeaderRights,
    PageRights,
    article_rights,
    header_signals,
    reservations,
    robots_directives,
    signals_of,
)
from pipelines.extract.site_rights import (
    AI_CRAWLERS,
    SiteSignals,
    TdmrepError,
    TdmrepRules,
    TdmRule,
    ai_crawlers_disallowed,
    parse_tdmrep,
    robots_allowed,
    site_signals,
    tdm_reservation_value,
)
from pipelines.record import RECORD_FIELDS, RESPONSE_HEADERS, SITE_RIGHTS
from pipelines.settings import CorpusOptions, from_settings
from pipelines.write.writer import CorpusWriter

URL = "https://www.example-news.com/news/2026/11/18/story/"
BODY = "<p>" + " ".join(["The council met on Tuesday to discuss the harbour budget again."] * 12) + "</p>"


def page(head: str = "", body: str = BODY) -> str:
    return f"<html lang='en'><head><title>Story</title>{head}</head><body><article>{body}</article></body></html>"


def rights_of(head: str) -> PageRights:
    return extract_metadata(parse_html(page(head)), URL, use_htmldate=False).rights


def jsonld(obj: dict[str, Any]) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **obj})}</script>'


# -- values and directives -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), (0, 0), ("1", 1), (" 0 ", 0), (2, None), ("yes", None), (True, None), (None, None), ("", None)],
)
def test_tdm_reservation_values_other_than_0_and_1_are_unset(value: Any, expected: int | None) -> None:
    assert tdm_reservation_value(value) == expected


def test_robots_directives_of_headers_and_meta_tags() -> None:
    assert robots_directives(["noindex, noai"]) == {"noindex", "noai"}
    assert robots_directives(["GPTBot: noai"]) == {"noai"}  # a crawler's name before its directives
    assert robots_directives(["max-snippet: 20, NoAI"]) == {"max-snippet", "20", "noai"}
    assert robots_directives(["noai noimageai"]) == {"noai", "noimageai"}
    assert robots_directives([]) == set()


def test_header_signals() -> None:
    headers = {"TDM-Reservation": ["1", "0"], "tdm-policy": ["/policy.json"], "X-Robots-Tag": ["noindex"]}
    assert header_signals(headers, URL) == HeaderRights(1, "https://www.example-news.com/policy.json", False)
    assert header_signals({"x-robots-tag": ["noimageai"]}).noai is True  # either DeviantArt directive
    assert header_signals({"x-robots-tag": ["otherbot: noindex", "noai"]}).noai is True
    assert header_signals({"tdm-reservation": ["maybe"]}) == HeaderRights()
    assert header_signals(None) == HeaderRights()


# -- the page -------------------------------------------------------------------------------------------------


def test_page_rights_read_from_the_metadata_pass() -> None:
    head = (
        '<meta name="TDM-Reservation" content="1"><meta name="tdm-policy" content="https://x.example/p">'
        '<meta name="robots" content="index, noai"><meta name="copyright" content="  © 2026   Example News ">'
        '<link rel="stylesheet license" href="/licence">'
        + jsonld(
            {
                "isAccessibleForFree": "False",
                "copyrightHolder": [{"name": "Example News Ltd"}],
                "copyrightYear": "2026",
            }
        )
    )
    assert rights_of(head) == PageRights(
        tdm_reservation=1,
        tdm_policy="https://x.example/p",
        noai=True,
        license="https://www.example-news.com/licence",
        accessible_for_free=False,
        copyright_holder="Example News Ltd",
        copyright_year=2026,
        copyright_notice="© 2026 Example News",
    )


def test_licence_from_json_ld_first_then_link_then_anchor() -> None:
    cc = "https://creativecommons.org/licenses/by/4.0/"
    link = '<link rel="license" href="https://example.org/link-licence">'
    assert rights_of(link + jsonld({"license": {"@id": cc}})).license == cc
    assert (
        rights_of(link + jsonld({"license": "All rights reserved"})).license
        == "https://example.org/link-licence"
    )
    anchor = extract_metadata(
        parse_html(page(body=BODY + f'<a rel="license" href="{cc}">CC BY</a>')), URL, use_htmldate=False
    )
    assert anchor.rights.license == cc


def test_nothing_declared_and_odd_values() -> None:
    assert rights_of("") == PageRights()
    odd = '<meta name="tdm-reservation" content="2"><meta name="robots" content="noimageai">'
    odd += '<meta itemprop="isAccessibleForFree" content="true">' + jsonld({"copyrightYear": "last year"})
    assert rights_of(odd) == PageRights(noai=True, accessible_for_free=True)
    assert rights_of('<meta name="robots" content="noindex, nofollow">').noai is False


# -- the site ---------------------------------------------------------------------------------------------------


def test_parse_tdmrep_keeps_usable_rules_in_order() -> None:
    body = json.dumps(
        [
            {"location": "/a/", "tdm-reservation": 1, "tdm-policy": "https://x.example/p"},
            {"location": "/b/", "tdm-reservation": "0"},
            {"location": "/c/", "tdm-reservation": 2},
            {"tdm-reservation": 1},
            "not a rule",
        ]
    )
    assert parse_tdmrep(body) == [TdmRule("/a/", 1, "https://x.example/p"), TdmRule("/b/", 0)]
    for bad in (b"{", b'{"location": "/"}', b"\xff"):
        with pytest.raises(TdmrepError):
            parse_tdmrep(bad)


def test_tdmrep_patterns_match_as_robots_txt_paths_and_the_first_rule_wins() -> None:
    rules = TdmrepRules(
        [
            TdmRule("/premium/*.html$", 1),
            TdmRule("/premium/", 0),
            TdmRule("/exact$", 1),
            TdmRule("/", 0, "https://x.example/ignored"),
        ]
    )
    site = "https://www.example-news.com"
    assert rules.match(site + "/premium/2026/story.html") == TdmRule("/premium/*.html$", 1)
    assert rules.match(site + "/premium/2026/story.html?page=2") == TdmRule("/premium/", 0)
    assert rules.match(site + "/%70remium/a.html") == TdmRule(
        "/premium/*.html$", 1
    )  # unreserved chars decoded
    assert rules.match(site + "/Premium/a.html").location == "/"  # case-sensitive
    assert rules.match(site + "/exact").location == "/exact$"
    assert rules.match(site + "/exactly").location == "/"
    assert TdmrepRules([TdmRule("/only/", 1)]).match(site + "/other") is None


def test_ai_crawlers_disallowed_by_their_groups_or_the_star_group() -> None:
    robots = (
        "User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /opinion/\n\nUser-agent: *\nDisallow: /private/\n"
    )
    allowed = robots_allowed(robots)
    assert ai_crawlers_disallowed(allowed, "https://x.example/opinion/a") == ("GPTBot", "CCBot")
    # GPTBot and CCBot have their own group, which does not name /private/; every other falls under "*".
    assert ai_crawlers_disallowed(allowed, "https://x.example/private/a") == tuple(AI_CRAWLERS[2:])
    assert ai_crawlers_disallowed(allowed, "https://x.example/news/a") == ()


def test_site_signals_of_one_url() -> None:
    rules = TdmrepRules([TdmRule("/premium/", 1, "https://x.example/p")])
    allowed = robots_allowed("User-agent: ClaudeBot\nDisallow: /\n")
    assert site_signals("https://x.example/premium/a", rules, allowed) == SiteSignals(
        1, "https://x.example/p", ("ClaudeBot",)
    )
    assert site_signals("https://x.example/news/a", None, None) == SiteSignals()


# -- together -----------------------------------------------------------------------------------------------------


def test_tdmrep_precedence_file_then_header_then_meta() -> None:
    file_reserved = SiteSignals(1, "https://x.example/file-policy")
    assert article_rights(None, None, file_reserved)["tdm_source"] == "tdmrep.json"
    header_free = article_rights(None, HeaderRights(0, "https://x.example/h"), file_reserved)
    assert (header_free["tdm_reserved"], header_free["tdm_source"], header_free["tdm_policy"]) == (
        False,
        "header",
        None,
    )
    meta = article_rights(PageRights(tdm_reservation=1), HeaderRights(0), file_reserved)
    assert (meta["tdm_reserved"], meta["tdm_source"], meta["tdm_policy"]) == (True, "meta", None)
    assert article_rights(PageRights(tdm_policy="https://x.example/p"))["tdm_reserved"] is None


def test_rights_object_matches_the_record_schema() -> None:
    (field,) = [f for f in RECORD_FIELDS if f.name == "rights"]
    struct = arrow_type(field.type)
    assert [struct.field(i).name for i in range(struct.num_fields)] == list(article_rights(None))


def test_reservations_and_signals() -> None:
    rights = article_rights(
        PageRights(noai=True, license="https://x.example/l", accessible_for_free=False),
        HeaderRights(1, "https://x.example/p"),
        SiteSignals(ai_crawlers_disallowed=("GPTBot",)),
    )
    assert reservations(rights) == ["tdm-reservation 1 (header)", "robots.txt disallows GPTBot", "noai"]
    assert signals_of(rights) == list(SIGNALS)
    assert reservations(article_rights(PageRights(license="https://x.example/l"))) == []
    assert signals_of(None) == [] and signals_of("odd") == []


def test_fill_record_combines_headers_page_and_site_and_excludes_on_request() -> None:
    def item() -> dict[str, Any]:
        return {
            "url": URL,
            "_html": page('<meta name="robots" content="noai">').encode(),
            RESPONSE_HEADERS: {"tdm-reservation": ["1"]},
            SITE_RIGHTS: SiteSignals(0, None, ("CCBot",)),
        }

    kept = fill_record(item())
    assert RESPONSE_HEADERS not in kept and SITE_RIGHTS not in kept
    assert kept["rights"] == {
        **article_rights(None),
        "tdm_reserved": True,
        "tdm_source": "header",
        "ai_crawlers_disallowed": ["CCBot"],
        "noai": True,
    }
    with pytest.raises(TdmReserved) as dropped:
        fill_record(item(), exclude_reserved=True)
    assert dropped.value.detail == "tdm-reservation 1 (header); robots.txt disallows CCBot; noai"
    assert dropped.value.record({"url": URL})["stage"] == "rights"
    assert fill_record({"url": URL, "_html": page().encode()}, exclude_reserved=True)[
        "rights"
    ] == article_rights(None)
    listing = {"url": URL, "_html": page(jsonld({"@type": "CollectionPage"}), "<p>Short list.</p>").encode()}
    listing[RESPONSE_HEADERS] = {"tdm-reservation": ["1"]}
    with pytest.raises(NotAnArticle):  # not an article: its own reason, not the publisher's reservation
        fill_record(listing, exclude_reserved=True)


# -- options, state, outputs ----------------------------------------------------------------------------------


def test_tdm_option_becomes_the_setting() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="out")
    parser.add_argument("--run-id", default=None)
    parser.add_argument("--state", default=None)
    parser.add_argument("--no-state", action="store_true")
    parser.add_argument("--resume", default=None)
    parser.add_argument("targets", nargs="*")
    add_corpus_arguments(parser, "max")
    settings = build_settings(parser.parse_args(["--tdm", "exclude"]))
    assert from_settings(CorpusOptions, settings).exclude_reserved is True
    assert from_settings(CorpusOptions, build_settings(parser.parse_args([]))).tdm == "record"
    with pytest.raises(SystemExit):
        parser.parse_args(["--tdm", "maybe"])
    with pytest.raises(ValueError, match="NEWSCORPUS_TDM"):
        from_settings(CorpusOptions, {"NEWSCORPUS_TDM": "maybe"})


def test_workers_take_the_tdm_option_too() -> None:
    from crawler.commands.worker import add_arguments, worker_settings

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--redis-url", "redis://127.0.0.1:6379/0", "--out", "out", "--tdm", "exclude"])
    settings, _ = worker_settings(args)
    assert from_settings(CorpusOptions, settings).tdm == "exclude"


def test_state_of_schema_1_is_migrated_and_keeps_site_facts(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "state.sqlite")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.commit()
    db.close()
    state = CrawlState.open(tmp_path)
    try:
        assert state._db.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
        assert state.site_facts("https://x.example") is None
        facts = {"tdmrep": [{"location": "/", "tdm-reservation": 1}]}
        state.save_site_facts("https://x.example", "2026-11-18T00:00:00Z", facts)
        state.save_site_facts("https://x.example", "2026-11-19T00:00:00Z", facts)
        assert state.site_facts("https://x.example") == ("2026-11-19T00:00:00Z", facts)
    finally:
        state.close()
    db = sqlite3.connect(tmp_path / "state.sqlite")
    db.execute("UPDATE meta SET value = '99'")
    db.commit()
    db.close()
    with pytest.raises(RuntimeError, match="schema version 99"):
        CrawlState.open(tmp_path)


def test_writer_counts_rights_per_domain_and_the_summary_shows_shares(tmp_path: Path) -> None:
    from pipelines.drops import duplicate_record

    writer = CorpusWriter(tmp_path / "run")
    writer.open()
    reserved = article_rights(None, HeaderRights(1))
    for n, rights in enumerate([reserved, reserved, article_rights(None), None]):
        record = {"id": f"id{n}", "url": f"https://a.example/{n}", "domain": "a.example", "text": "x"}
        writer.write_article({**record, "rights": rights} if rights else record)
    # The second reserved article turns out to be a lesser copy: it leaves the shard, and the counts.
    writer.retract("id1", duplicate_record({"id": "id1", "domain": "a.example"}, "near", "id2", 0.9))
    manifest = writer.close()
    assert manifest["rights_per_domain"] == {"a.example": {"tdm_reserved": 1}}
    summary = format_summary(manifest)
    assert "rights: share of articles" in summary
    assert [line.split()[:3] for line in summary.splitlines() if line.startswith("a.example")][-1] == [
        "a.example",
        "33%",
        "0%",
    ]
