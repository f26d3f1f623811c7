"""``newscorpus extract``: one saved page, and batches with the crawl's stages and their failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main

PAGES = Path(__file__).parent / "pages"


def test_single_page_prints_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://valleycourier.test/2025/03/18/town-council-backs-plan-for-night-buses/"
    code = main(
        [
            "extract",
            str(PAGES / "wordpress_comment_form.html"),
            "--url",
            url,
            "--fetched-at",
            "2025-03-20T00:00:00Z",
        ]
    )
    record = json.loads(capsys.readouterr().out)
    assert code == 0
    assert record["url"] == url
    assert record["title"] == "Town council backs plan for night buses"
    assert record["language"] == "en"
    assert record["fetched_at"] == "2025-03-20T00:00:00Z"
    assert "Leave a Comment" not in record["text"]
    assert list(record)[0] == "id"


def article(i: int, plug: bool = True) -> str:
    paragraphs = "".join(
        f"<p>Paragraph {j} of story {i}: the district heating network will reach {i + j} more streets this year, "
        f"the energy company said in its quarterly report to the council.</p>"
        for j in range(4)
    )
    extra = "<p>Support local reporting: become a member of the Valley Courier today.</p>" if plug else ""
    return f"<html><head><title>Story {i}</title></head><body><article>{paragraphs}{extra}</article></body></html>"


def test_batch_keeps_order_ids_and_reports_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": f"p{i}", "url": f"https://valleycourier.test/news/story-{i}", "html": article(i)}
        for i in range(7)
    ]
    lines.insert(3, {"id": "bad", "url": "https://valleycourier.test/file.pdf", "html": "\x00\x01\x02" * 100})
    lines.insert(5, {"id": "empty", "url": "https://valleycourier.test/empty", "html": ""})
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n", encoding="utf-8")

    assert main(["extract", "--batch", str(batch)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == [line["id"] for line in lines] + [None]
    by_id = {r["id"]: r for r in records if r["id"]}
    assert by_id["bad"]["text"] == "" and by_id["bad"]["error"].startswith("extract/unreadable")
    assert by_id["empty"]["error"].startswith("extract/unreadable")
    assert records[-1]["error"].startswith("input/bad-json")
    # Site-level learning across the batch, keyed by domain: the plug goes once the domain has enough pages.
    assert "Support local reporting" in by_id["p0"]["text"]
    assert "Support local reporting" not in by_id["p6"]["text"]
    assert "Paragraph 3 of story 6" in by_id["p6"]["text"]
    assert by_id["p6"]["language"] == "en"


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract"]) == 2
    assert main(["extract", "--batch", "/nonexistent/in.jsonl"]) == 2
