"""The same page gives the same text through every path: a crawl of the local news site, ``newscorpus extract
--batch`` on the pages it served, and ``LocalChain`` (the benchmarks' path).

Site line learning is off in all three: it depends on which other pages of the site came first, which differs
by path by design; every other step is the one page task.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.cli import main
from pipelines import record
from pipelines.clean.rules import CleanConfig
from pipelines.drops import Rejected
from pipelines.language.detect import LanguageConfig
from pipelines.page_task import LocalChain
from tests.crawl_helpers import crawl
from tests.newssite import NewsSite


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def test_crawl_batch_and_local_chain_give_the_same_text(
    site: NewsSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = crawl(site.base_urls, tmp_path / "corpus", "-s", "NEWSCORPUS_CLEAN_BOILERPLATE=False")
    assert len(run.articles) >= 10
    pages = []
    for article in run.articles[:25]:
        with urllib.request.urlopen(article["url"], timeout=10) as response:  # the local site on 127.0.0.1
            pages.append(
                {"id": article["id"], "url": article["url"], "html": response.read().decode("utf-8")}
            )
    batch = tmp_path / "pages.jsonl"
    batch.write_text("\n".join(json.dumps(page) for page in pages) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["extract", "--batch", str(batch), "--no-site-learning"]) == 0
    from_batch = {r["id"]: r["text"] for r in map(json.loads, capsys.readouterr().out.splitlines())}

    chain = LocalChain(clean=CleanConfig(), language=LanguageConfig())
    from_chain = {}
    for page in pages:
        item: dict[str, Any] = {"url": page["url"], record.HTML: page["html"]}
        try:
            chain(item)
        except Rejected:
            item["text"] = ""
        from_chain[page["id"]] = item["text"]

    crawled = {a["id"]: a["text"] for a in run.articles}
    for page in pages:
        assert from_batch[page["id"]] == crawled[page["id"]], page["url"]
        assert from_chain[page["id"]] == crawled[page["id"]], page["url"]
