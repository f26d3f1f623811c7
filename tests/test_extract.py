"""The extract stage on plain inputs: good pages, and every kind of bad input ending in a drop, never a crash."""

from __future__ import annotations

import asyncio

import pytest

from pipelines.drops import NotAnArticle, NoText, PublishedBeforeSince, UnreadablePage
from pipelines.extract.article import extract_article
from pipelines.extract.config import ExtractConfig
from pipelines.extract.decode import decode_html, repair_mojibake
from pipelines.extract.pipeline import ExtractPipeline
from pipelines.record import article_id
from pipelines.worker.pool import WorkerPool

PARAGRAPHS = [
    "The harbour authority said on Monday that the new ferry terminal will open in the spring, two years "
    "after building work began on the eastern quay.",
    "Officials expect the terminal to handle twice as many passengers as the old one, which was built in "
    "the nineteen-sixties and has been closed for repairs several times since.",
    "Local traders welcomed the news but warned that parking near the quay remains a problem for visitors "
    "who arrive by car from the surrounding villages.",
    "The council will publish a new traffic plan for the harbour district before the end of the year, a "
    "spokeswoman said, after consulting residents and businesses.",
]


def article_page(extra_head: str = "", body_extra: str = "", lang: str = "en") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>Ferry terminal to open in spring | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-04T09:30:00+01:00">
<link rel="canonical" href="https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal?utm_source=x">
{extra_head}</head>
<body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>Ferry terminal to open in spring</h1>
<p class="byline">By Anna Berg</p>
{paragraphs}
{body_extra}
</article></main><footer>Harbour Gazette</footer></body></html>"""


def test_extracts_text_and_metadata() -> None:
    result = extract_article(
        article_page(), "https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal"
    )
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert result.title == "Ferry terminal to open in spring"
    assert result.date_published == "2024-03-04T09:30:00+01:00"
    assert result.date_source == "meta"
    assert result.site_name == "Harbour Gazette"
    assert result.canonical_url == "https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal"
    assert result.declared_language == "en"


def test_bytes_with_wrong_declared_charset_are_read_as_utf8() -> None:
    page = article_page().replace('charset="utf-8"', 'charset="iso-8859-1"').replace("spring", "spring café")
    result = extract_article(page.encode("utf-8"), "https://harbour-gazette.test/a")
    assert "café" in result.title


def test_latin1_bytes_without_utf8_are_decoded_by_declaration() -> None:
    page = article_page().replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Monday", "Montag für")
    result = extract_article(page.encode("latin-1"), "https://harbour-gazette.test/a")
    assert "Montag für" in result.text


def test_mojibake_from_upstream_is_repaired() -> None:
    broken = "Café, naïve, déjà vu — résumé".encode().decode("cp1252")
    assert repair_mojibake(broken) == "Café, naïve, déjà vu — résumé"


@pytest.mark.parametrize("raw", [b"", b"   \n", "", None])
def test_empty_body_is_unreadable(raw: bytes | str | None) -> None:
    with pytest.raises(UnreadablePage):
        extract_article(raw, "https://example.test/a")  # type: ignore[arg-type]


def test_binary_is_unreadable() -> None:
    raw = bytes(range(256)) * 40
    with pytest.raises(UnreadablePage):
        extract_article(raw, "https://example.test/file.pdf")
    with pytest.raises(UnreadablePage):
        extract_article(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00\x00stream", "https://example.test/x")


@pytest.mark.parametrize("nuls", [1, 12])
def test_stray_nul_bytes_in_an_html_page_do_not_make_it_binary(nuls: int) -> None:
    page = article_page().encode("utf-8")
    head_end = page.index(b"<body>")
    step = max(1, head_end // (nuls + 1))
    for n in range(nuls):
        at = step * (n + 1)
        page = page[:at] + b"\x00" + page[at:]
    assert page[:4096].count(b"\x00") == nuls
    result = extract_article(page, "https://example.test/a")
    assert "ferry" in result.text.lower() and "\x00" not in result.text


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"<html>" * 100, "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"<p>text</p>" * 100, "JPEG"),
        (b"PK\x03\x04" + b"<html><body>x</body></html>" * 50, "ZIP"),
        (bytes(range(0, 32)) * 200, "control bytes"),
    ],
)
def test_binary_is_told_by_its_signature_or_its_share_of_control_bytes(raw: bytes, why: str) -> None:
    with pytest.raises(UnreadablePage, match=why):
        extract_article(raw, "https://example.test/a")


def test_utf16_pages_with_a_bom_are_not_binary() -> None:
    page = "\ufeff" + article_page()
    result = extract_article(page.encode("utf-16-le"), "https://example.test/a")
    assert "ferry" in result.text.lower()


def test_huge_page_over_cap_is_unreadable() -> None:
    page = article_page(body_extra="<p>" + "word " * 50_000 + "</p>")
    with pytest.raises(UnreadablePage, match="cap"):
        extract_article(page.encode(), "https://example.test/a", config=ExtractConfig(max_bytes=100_000))


def test_page_without_text_is_no_text() -> None:
    page = "<html><head><title>x</title></head><body><div><img src='a.png'></div></body></html>"
    with pytest.raises(NoText):
        extract_article(page, "https://example.test/a")


def test_navigation_page_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/news/{i}">Headline number {i} about the town</a></li>' for i in range(40))
    page = f"""<html><head><meta property="og:type" content="website"><title>News</title></head>
    <body><ul>{links}</ul></body></html>"""
    with pytest.raises(NotAnArticle):
        extract_article(page, "https://example.test/news/")


def test_decode_refuses_plain_text() -> None:
    with pytest.raises(UnreadablePage):
        decode_html(b"just some words, no markup at all")


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def test_pipeline_fills_the_record() -> None:
    stats = _Stats()
    pipeline = ExtractPipeline(stats=stats)
    item = {
        "url": "https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal",
        "_html": article_page(),
        "fetched_at": "2024-03-05T10:00:00+00:00",
        "_prune_selectors": [".byline"],
    }
    out = asyncio.run(pipeline.process_item(item))
    assert "_html" not in out
    assert out["canonical_url"] == "https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal"
    assert out["id"] == article_id(out["canonical_url"])
    assert out["domain"] == "harbour-gazette.test"
    assert out["word_count"] == len(out["text"].split())
    assert "Anna Berg" not in out["text"]
    assert out["source"] == "live"
    assert stats.values["newscorpus/extract/ok"] == 1


def test_clean_rules_run_ahead_in_the_extract_task() -> None:
    """With the clean stage in the plan, the page task also cleans; the clean stage takes that result, and the
    item ends the same as with two tasks. A text changed between the stages is cleaned again."""
    from pipelines.clean.pipeline import CleanPipeline
    from pipelines.clean.rules import CleanConfig
    from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate
    from pipelines.page_task import PageWork
    from pipelines.record import CLEANED_AHEAD as AHEAD_KEY

    configs = (CleanConfig(), BoilerplateConfig())

    def page() -> dict[str, object]:
        return {"url": "https://harbour-gazette.test/news/ferry", "_html": article_page(), "domain": "x"}

    calls: list[str] = []

    class CountingPool(WorkerPool):
        async def run(self, function, *args):  # type: ignore[no-untyped-def]
            calls.append(function.__name__)
            return await super().run(function, *args)

    def stages(shared: bool) -> tuple[ExtractPipeline, CleanPipeline]:
        """The two stages, sharing the crawl's page work (the clean stage then in the plan) or not."""
        work = PageWork(CountingPool(0))
        clean = CleanPipeline(configs[0], SiteBoilerplate(configs[1]), work=work if shared else None)
        clean.work.pool = CountingPool(0)
        return ExtractPipeline(work=work), clean

    extract, clean = stages(shared=True)
    ahead = asyncio.run(extract.process_item(page()))
    assert AHEAD_KEY in ahead
    ahead = asyncio.run(clean.process_item(ahead))
    assert calls == ["run_page_task"] and AHEAD_KEY not in ahead

    calls.clear()
    extract, clean = stages(shared=False)
    plain = asyncio.run(clean.process_item(asyncio.run(extract.process_item(page()))))
    assert calls == ["run_page_task", "clean_work"]
    assert ahead == plain

    calls.clear()
    extract, clean = stages(shared=True)
    changed = asyncio.run(extract.process_item(page()))
    changed["text"] = changed["text"] + "\nA line another stage added after the extraction."
    changed = asyncio.run(clean.process_item(changed))
    assert calls == ["run_page_task", "clean_work"]
    assert changed["text"].endswith("A line another stage added after the extraction.")


def test_language_runs_ahead_in_the_extract_task_where_it_pays_off() -> None:
    """With the language stage in the plan and a speculation record, a page is one pool task: the page task
    also runs the language stage's work on the cleaned text, and the item ends as with two tasks. Once the clean
    stage strips lines the site repeats, the result made ahead is not taken, and the site's next pages get
    their own language task (one page in ``probe_every`` still gets it ahead)."""
    import numpy as np

    from pipelines.clean.pipeline import CleanPipeline
    from pipelines.clean.rules import CleanConfig
    from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate
    from pipelines.dedupe.config import DedupeConfig
    from pipelines.dedupe.pipeline import DedupePipeline
    from pipelines.language.detect import LanguageConfig
    from pipelines.language.pipeline import LanguagePipeline
    from pipelines.page_task import PageWork
    from pipelines.record import FEATURES_AHEAD as FEATURES_AHEAD_KEY
    from pipelines.record import LANGUAGE_AHEAD as AHEAD_KEY
    from pipelines.worker.speculation import Speculation

    configs = (CleanConfig(), BoilerplateConfig())
    calls: list[str] = []

    class CountingPool(WorkerPool):
        async def run(self, function, *args):  # type: ignore[no-untyped-def]
            calls.append(function.__name__)
            return await super().run(function, *args)

    class Stats:
        def inc_value(self, key: str, count: int = 1) -> None:
            pass

    def stages(plan: Speculation | None, boilerplate: SiteBoilerplate) -> list[object]:
        work = PageWork(CountingPool(0), plan)
        DedupePipeline(DedupeConfig(), work=work)  # in the plan: the language work computes its features
        return [
            ExtractPipeline(work=work),
            CleanPipeline(configs[0], boilerplate, work=work),
            LanguagePipeline(LanguageConfig(), frozenset({"en"}), Stats(), work),
        ]

    made_ahead: list[bool] = []

    def crawl(pipeline: list[object], path: str) -> dict[str, object]:
        page = article_page().replace("twice", f"{path} times")
        page = page.replace("spokeswoman", f"spokeswoman ({path})")
        item: dict[str, object] = {"url": f"https://harbour-gazette.test/news/{path}", "_html": page}
        for stage in pipeline:
            item = asyncio.run(stage.process_item(item))  # type: ignore[attr-defined]
            if isinstance(stage, ExtractPipeline):
                made_ahead.append(AHEAD_KEY in item)
        assert AHEAD_KEY not in item
        return item

    def same(one: dict[str, object], other: dict[str, object]) -> None:
        assert {k: v for k, v in one.items() if k != FEATURES_AHEAD_KEY} == {
            k: v for k, v in other.items() if k != FEATURES_AHEAD_KEY
        }
        mine, theirs = one[FEATURES_AHEAD_KEY][1], other[FEATURES_AHEAD_KEY][1]  # type: ignore[index]
        assert np.array_equal(mine.fingerprint.signature, theirs.fingerprint.signature)
        assert (mine.quality, mine.length) == (theirs.quality, theirs.length)

    plan = Speculation(probe_every=3)
    boilerplate = SiteBoilerplate(configs[1])
    pipeline = stages(plan, boilerplate)
    first = crawl(pipeline, "1")
    assert calls == ["run_page_task"]  # one task for the page
    calls.clear()
    same(first, crawl(stages(None, SiteBoilerplate(configs[1])), "1"))
    assert calls == ["run_page_task", "language_work"]  # without the record: two, as before

    # The site's first line, on every page it publishes (the others differ): the clean stage learns it and
    # strips it.
    repeated = str(first["text"]).splitlines()[0]
    for _ in range(configs[1].min_pages):
        boilerplate.observe("harbour-gazette.test", repeated)
    calls.clear()
    stripped = crawl(pipeline, "2")
    assert repeated not in str(stripped["text"])
    # Made ahead from the text before the stripping: not taken.
    assert calls == ["run_page_task", "language_work"]
    made_ahead.clear()
    for path in "3456":
        crawl(pipeline, path)
    assert made_ahead == [False, False, True, False]  # the third page after the miss probes the site again


def test_pipeline_drops_articles_before_since() -> None:
    from datetime import date

    pipeline = ExtractPipeline(since=date(2024, 6, 1))
    item = {
        "url": "https://harbour-gazette.test/a",
        "_html": article_page(),
        "fetched_at": "2024-07-01T00:00:00Z",
    }
    with pytest.raises(PublishedBeforeSince):
        asyncio.run(pipeline.process_item(item))


def test_canonical_pointing_at_site_root_is_ignored() -> None:
    page = article_page().replace(
        "https://www.harbour-gazette.test/news/2024/03/04/ferry-terminal?utm_source=x",
        "https://harbour-gazette.test/",
    )
    result = extract_article(page, "https://harbour-gazette.test/news/ferry?utm_medium=y&id=3")
    assert result.canonical_url == "https://harbour-gazette.test/news/ferry?id=3"


def test_from_crawler_reads_typed_settings() -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.extensions import WorkerPoolExtension
    from pipelines.clean.pipeline import CleanPipeline

    settings = {
        "NEWSCORPUS_SINCE": "2024-06-01",
        "NEWSCORPUS_EXTRACT_MAX_BYTES": "1000",
        "NEWSCORPUS_EXTRACT_FAVOR_PRECISION": "false",
        "NEWSCORPUS_CLEAN_BOILERPLATE_MIN_PAGES": "3",
    }
    crawler = get_crawler(settings_dict=settings)
    extract = ExtractPipeline.from_crawler(crawler)
    assert extract.config.max_bytes == 1000 and extract.config.favor_precision is False
    assert str(extract.since) == "2024-06-01"
    clean = CleanPipeline.from_crawler(crawler)
    assert clean.boilerplate is not None and clean.boilerplate.config.min_pages == 3
    assert extract.task("https://a.test/").clean is None  # no shared page work: nothing cleaned ahead
    both = get_crawler(settings_dict={**settings, "EXTENSIONS": {WorkerPoolExtension: 0}})
    extract = ExtractPipeline.from_crawler(both)
    clean = CleanPipeline.from_crawler(both)  # told the crawl's plan when built
    assert extract.task("https://a.test/").clean == clean.task
    off = get_crawler(settings_dict={"NEWSCORPUS_EXTRACT_ENABLED": False, "NEWSCORPUS_CLEAN_ENABLED": False})
    with pytest.raises(NotConfigured):
        ExtractPipeline.from_crawler(off)
    with pytest.raises(NotConfigured):
        CleanPipeline.from_crawler(off)
    with pytest.raises(ValueError, match="NEWSCORPUS_SINCE"):
        ExtractPipeline.from_crawler(get_crawler(settings_dict={"NEWSCORPUS_SINCE": "last tuesday-ish"}))


def test_undated_article_is_kept_with_since() -> None:
    page = article_page().replace(
        '<meta property="article:published_time" content="2024-03-04T09:30:00+01:00">', ""
    )
    item = {"url": "https://harbour-gazette.test/a", "_html": page, "fetched_at": "2024-07-01T00:00:00Z"}
    from datetime import date

    pipeline = ExtractPipeline(config=ExtractConfig(use_htmldate=False), since=date(2024, 6, 1))
    out = asyncio.run(pipeline.process_item(item))
    assert out["date_published"] is None and out["text"]


def _fake_modes(monkeypatch: pytest.MonkeyPatch, outputs: dict[str, str]) -> list[str]:
    """Make trafilatura's modes return fixed texts, to test the fallback rule on its own."""
    import pipelines.extract.main_text as extract_module

    calls: list[str] = []

    def fake(tree: object, url: str, **modes: object) -> str:
        name = (
            "recall"
            if modes.get("favor_recall")
            else "precision"
            if modes.get("favor_precision")
            else "balanced"
        )
        name += "-fast" if modes.get("fast") else ""
        calls.append(name)
        return outputs.get(name, outputs.get(name.removesuffix("-fast"), ""))

    monkeypatch.setattr(extract_module, "_trafilatura_text", fake)
    monkeypatch.setattr(extract_module, "_baseline_text", lambda tree: outputs.get("baseline", ""))
    return calls


def test_fallback_adds_the_cut_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    first = "\n".join(PARAGRAPHS[:1])
    calls = _fake_modes(monkeypatch, {"precision": first, "balanced": first, "recall": "\n".join(PARAGRAPHS)})
    result = extract_article(article_page(), "https://harbour-gazette.test/a")
    assert all(p in result.text for p in PARAGRAPHS)
    assert calls == ["precision-fast", "precision", "balanced-fast", "recall"]


def test_fallback_never_swaps_the_article_for_other_text(monkeypatch: pytest.MonkeyPatch) -> None:
    other = "A completely different and much longer text about something else entirely. " * 20
    _fake_modes(monkeypatch, {"precision": PARAGRAPHS[0], "recall": other, "baseline": other})
    result = extract_article(article_page(), "https://harbour-gazette.test/a")
    assert result.text == PARAGRAPHS[0]


def test_no_fallback_when_the_text_is_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_modes(monkeypatch, {"precision": "\n".join(PARAGRAPHS), "recall": "x " * 5000})
    extract_article(article_page(), "https://harbour-gazette.test/a")
    assert calls == ["precision-fast"]


def test_parser_builds_the_tree_trafilatura_would() -> None:
    """Our parser differs from trafilatura's load_html only in how lxml picks element classes (in C)."""
    from lxml import html as lxml_html
    from trafilatura.utils import load_html

    from pipelines.extract.parse import parse_html

    page = article_page(
        body_extra="<!-- a comment --><form><input name='q'><select><option>x</option></select></form>"
    )
    ours, theirs = parse_html(page), load_html(page)
    assert isinstance(ours, lxml_html.HtmlElement)
    assert lxml_html.tostring(ours) == lxml_html.tostring(theirs)
    assert ours.text_content() == theirs.text_content()
    assert all(
        isinstance(el, lxml_html.HtmlElement) for el in ours.iter()
    )  # comments were dropped on parsing


XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)


@pytest.mark.parametrize(
    "page",
    [
        article_page(),
        XHTML_DOCTYPE + "\n" + article_page().removeprefix("<!DOCTYPE html>\n"),
        XHTML_DOCTYPE + article_page().removeprefix("<!DOCTYPE html>\n").replace("\n", " "),
        article_page().replace('<html lang="en"><head>', '<html lang="en" />\n<head>'),
        article_page(body_extra="<p>bell\x07 and form feed\x0c, vertical tab\x0b</p>"),
        article_page(body_extra="<p>noncharacters \ufffe and \uffff here</p>"),
        article_page(body_extra="<p>Seoul 서울 \u2014 tab\tand\r\nline ends stay</p>"),
    ],
    ids=[
        "html5",
        "xhtml-doctype",
        "one-line",
        "self-closing-html",
        "c0-controls",
        "nonchars",
        "clean-unicode",
    ],
)
def test_parser_repairs_as_trafilatura_does(page: str) -> None:
    """The repairs made only where needed (``repaired_utf8``) give trafilatura's repaired page and its tree."""
    from lxml import html as lxml_html
    from trafilatura.utils import load_html, repair_faulty_html

    from pipelines.extract.parse import parse_html, repaired_utf8

    beginning = page[:50].lower()
    assert repaired_utf8(page, beginning) == repair_faulty_html(page, beginning).encode("utf-8")
    assert lxml_html.tostring(parse_html(page)) == lxml_html.tostring(load_html(page))


def test_parser_takes_a_page_with_an_xml_declaration() -> None:
    from pipelines.extract.parse import parse_html

    page = '<?xml version="1.0" encoding="utf-8"?>\n' + article_page()
    tree = parse_html(page)
    assert "ferry terminal" in tree.text_content()
    text = extract_article(page, "https://example.test/a").text
    assert text.startswith("The harbour authority said on Monday")


def test_trafilatura_options_built_once_and_never_changed_by_a_call() -> None:
    """Each call extracts with a copy of the mode's options, its own URL set on the copy only."""
    from pipelines.extract.main_text import _extractor

    _extractor.cache_clear()
    first = extract_article(article_page(), "https://harbour-gazette.test/a").text
    again = extract_article(article_page(), "https://other-paper.test/b").text
    assert first == again and first.startswith("The harbour authority said on Monday")
    info = _extractor.cache_info()
    assert info.misses == 1 and info.hits >= 1  # one mode on this page (the first pass), built once
    options = _extractor((("fast", True), ("favor_precision", True)))
    assert options.url is None and options.source is None and options.focus == "precision" and options.fast


def test_fallback_never_flattens_nor_brings_furniture(monkeypatch: pytest.MonkeyPatch) -> None:
    """The case of a page served as a site: the fallback's text was the article in one line, with the page's
    furniture in front ("Inhalt ... Teilen ... Personen-Box aufklappen"). Paragraphs stay paragraphs, and what
    the candidate adds above and below the first pass's text is kept only when it is prose."""
    first = "\n".join(PARAGRAPHS[:2])
    flat = "Inhalt Teilen Personen-Box aufklappen Personen-Box zuklappen " + " ".join(PARAGRAPHS)
    _fake_modes(monkeypatch, {"precision": first, "recall": flat, "baseline": flat})
    result = extract_article(article_page(), "https://harbour-gazette.test/a")
    assert "Personen-Box" not in result.text and "Inhalt" not in result.text
    assert all(p in result.text.splitlines() for p in PARAGRAPHS[:2])
    assert max(len(line) for line in result.text.splitlines()) < len(" ".join(PARAGRAPHS))


def test_fallback_keeps_added_prose_and_trims_added_furniture(monkeypatch: pytest.MonkeyPatch) -> None:
    first = "\n".join(PARAGRAPHS[1:2])
    furnished = "\n".join(["Home", "Menu", *PARAGRAPHS, "Share on Facebook", "More stories"])
    _fake_modes(monkeypatch, {"precision": first, "recall": furnished})
    result = extract_article(article_page(), "https://harbour-gazette.test/a")
    assert result.text.splitlines() == PARAGRAPHS


def test_fallback_replaces_a_first_pass_that_took_no_prose(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first pass that took a fixtures table or a menu is no article to protect: the prose candidate wins."""
    table = "\n".join(["Monday Jan 21", "Liverpool v A Villa", "Tuesday Jan 22", "Tottenham v Arsenal"])
    _fake_modes(monkeypatch, {"precision": table, "recall": "\n".join(PARAGRAPHS)})
    result = extract_article(article_page(), "https://harbour-gazette.test/a")
    assert result.text.splitlines() == PARAGRAPHS


def test_an_unclosed_control_does_not_take_the_article_with_it() -> None:
    """An unclosed ``<button>`` nests the rest of the page inside it; deleting it as an inert control deleted the
    article. A control holding that much text is unwrapped; a real button is still removed."""
    page = article_page().replace("<main>", "<main><button class='menu'>Menu", 1)
    page = page.replace("</footer>", "</footer><button>Accept cookies</button>")
    result = extract_article(page, "https://harbour-gazette.test/a")
    assert all(p in result.text for p in PARAGRAPHS)
    assert "Accept cookies" not in result.text


# -- a page of no article URL shape must prove it is an article (pipelines.record.NEEDS_PROOF) ------------------


def page_declaring(head: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour news</title>{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article><h1>Harbour news</h1>
{body}</article></main></body></html>"""


def listing_page() -> str:
    """A section front of long teasers: about 200 words, each teaser's headline a link."""
    teasers = "".join(
        f'<li class="teaser"><h3><a href="/a/{i}/story">{p.split(",")[0]}</a></h3><p>{p}</p></li>'
        for i, p in enumerate(PARAGRAPHS * 2)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour | News</title>
<meta property="og:type" content="website"></head><body><main><h1>Harbour</h1><ul>{teasers}</ul></main></body></html>"""


def test_a_listing_fetched_as_a_probe_is_not_an_article() -> None:
    url = "https://example.test/ressort/hafen"
    assert len(extract_article(listing_page(), url).text.split()) > 150  # as a listed URL: written
    with pytest.raises(NotAnArticle, match="no article URL shape"):
        extract_article(listing_page(), url, needs_proof=True)


def test_a_probe_proves_itself_by_its_declared_type() -> None:
    ld = '<script type="application/ld+json">{"@type": ["NewsArticle", "ReportageNewsArticle"]}</script>'
    result = extract_article(
        page_declaring(ld, PARAGRAPHS), "https://example.test/wire/000.html", needs_proof=True
    )
    assert result.page_type == "newsarticle"


def test_a_probe_that_declares_nothing_needs_a_main_text_of_article_length() -> None:
    url = "https://example.test/wire/000.html"
    with pytest.raises(NotAnArticle, match="no page type"):
        extract_article(page_declaring("", PARAGRAPHS), url, needs_proof=True)  # about 100 words
    assert extract_article(page_declaring("", PARAGRAPHS * 2), url, needs_proof=True).text


def test_a_probe_that_says_it_is_a_website_needs_a_long_text_with_few_links() -> None:
    url = "https://example.test/guides/mesh-wifi/"
    head = '<meta property="og:type" content="website">'
    with pytest.raises(NotAnArticle, match="page type 'website'"):
        extract_article(page_declaring(head, PARAGRAPHS * 2), url, needs_proof=True)
    assert extract_article(page_declaring(head, PARAGRAPHS * 6), url, needs_proof=True).text


def test_an_empty_element_does_not_take_the_text_after_it() -> None:
    """In precision mode trafilatura deletes an empty element with the text after it: an anchor target in a
    heading (``<h2><span id=...></span>Heading</h2>``) or an icon before a paragraph's first words."""
    heading = "Where the ferries will berth"
    body = (
        f"<h2><span class='toc-anchor' id='berth'></span>{heading}<span class='toc-end'></span></h2>"
        f"<p><i class='icon-anchor'></i>{PARAGRAPHS[3].replace('The council', 'The harbour council')}</p>"
    )
    text = extract_article(article_page(body_extra=body), "https://harbour-gazette.test/a").text
    assert heading in text.splitlines()
    assert "The harbour council will publish a new traffic plan" in text
    off = ExtractConfig(strip_empty=False)
    assert heading not in extract_article(article_page(body_extra=body), "https://h.test/a", config=off).text


def test_coverage_counts_the_runs_a_text_holds() -> None:
    from pipelines.extract.main_text import coverage

    runs = [PARAGRAPHS[0], PARAGRAPHS[1]]
    assert coverage("\n".join(PARAGRAPHS), runs) == 1.0
    assert coverage(PARAGRAPHS[0], runs) == pytest.approx(len(PARAGRAPHS[0]) / sum(map(len, runs)))
    # Spacing, punctuation and a first letter set apart (a drop cap) do not hide a run the text holds.
    dropped = PARAGRAPHS[1][1:].replace(",", " ,").replace("  ", " ")
    assert coverage(PARAGRAPHS[0] + "\n" + dropped, runs) == 1.0
    assert coverage("Something else.", runs) == 0.0 and coverage("x", []) == 0.0


def test_a_text_from_the_wrong_block_is_rescued(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first pass that took a summary box above the article (prose, so no candidate that lacks it is taken by
    the fallback) holds little of the page's long text runs: another mode's text that holds them wins."""
    summary = "Key points: the terminal opens in spring, with twice the capacity of the old one."
    page = article_page().replace("<main>", f"<main><div class='summary'><p>{summary}</p></div>", 1)
    _fake_modes(monkeypatch, {"precision": summary, "balanced": "\n".join(PARAGRAPHS)})
    assert extract_article(page, "https://harbour-gazette.test/a").text.splitlines() == PARAGRAPHS
    off = ExtractConfig(rescue=False)
    assert extract_article(page, "https://harbour-gazette.test/a", config=off).text == summary


def test_the_rescue_never_takes_a_text_that_holds_no_more_of_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comments = "\n".join(
        f"Reader {n} wrote that the old terminal was good enough for everyone." for n in range(30)
    )
    _fake_modes(monkeypatch, {"precision": PARAGRAPHS[0], "balanced": comments, "recall": comments})
    assert extract_article(article_page(), "https://harbour-gazette.test/a").text == PARAGRAPHS[0]


SECTION = [
    f"In the second part of the plan, the {part} will be rebuilt with wider pavements, new lighting and benches "
    f"along the water, the harbour authority said, and the works should be finished by the autumn."
    for part in ("eastern quay", "fish market", "old customs house", "ferry car park")
]


def test_a_text_that_lost_a_section_gets_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Precision mode dropped the article's second section: the text is long enough for the fallback but holds
    little more than half of the page's long text runs; the recall mode's text holds it and the rest."""
    page = article_page(body_extra="".join(f"<p>{p}</p>" for p in SECTION))
    whole = "\n".join(PARAGRAPHS + SECTION)
    _fake_modes(monkeypatch, {"precision": "\n".join(PARAGRAPHS + SECTION[:2]), "recall": whole})
    assert extract_article(page, "https://harbour-gazette.test/a").text == whole
    off = ExtractConfig(recall_rescue=False)
    assert extract_article(page, "https://harbour-gazette.test/a", config=off).text.splitlines() == (
        PARAGRAPHS + SECTION[:2]
    )


def test_the_recall_rescue_adds_sections_not_ads_or_other_text(monkeypatch: pytest.MonkeyPatch) -> None:
    page = article_page(body_extra="".join(f"<p>{p}</p>" for p in SECTION))
    first = "\n".join(PARAGRAPHS + SECTION[:2])
    ads = [
        f"| Great deals at the {part} | Click here | Buy now and save |" for part in ("quay", "market")
    ] * 6
    # The missing section, with a table of ads in the middle: most of what it adds is not prose.
    with_ads = "\n".join(PARAGRAPHS[:2] + ads + PARAGRAPHS[2:] + SECTION)
    _fake_modes(monkeypatch, {"precision": first, "recall": with_ads})
    assert extract_article(page, "https://harbour-gazette.test/a").text == first
    # Other text (the comments under the article) that lacks what the first pass has.
    _fake_modes(monkeypatch, {"precision": first, "recall": "\n".join(SECTION[2:] * 3)})
    assert extract_article(page, "https://harbour-gazette.test/a").text == first
