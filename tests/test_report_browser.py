"""The demo's report as a person sees it: opened from the file system in headless Chromium, with no console
error, the funnel figures of the page equal to the manifest's, the sites table sorting, and a screenshot.

The screenshot goes to the test's tmp folder; with ``NEWSCORPUS_DOCS_SCREENSHOT=docs/report.png`` the test also
writes the small one the README shows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.chromium import Chromium, find_chromium

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium_binary() -> str:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no chromium: install Debian's package (apt-get install chromium; make test does it)")
    return binary


def small_png(source: Path, target: Path) -> None:
    """The README's screenshot: a palette of 64 colours keeps it small (Pillow comes with matplotlib)."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)


def figure(figures: dict[str, str], name: str) -> int:
    return int(figures[name].replace(",", ""))


def test_demo_report_in_chromium(demo_corpus: Path, chromium_binary: str, tmp_path: Path) -> None:
    (run_dir,) = (demo_corpus / "runs").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    page = demo_corpus / "report" / "index.html"
    assert page.exists(), "make demo (tests/demo.py) writes the report"

    with Chromium(chromium_binary, tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        figures = browser.evaluate(
            "Object.fromEntries(Array.from(document.querySelectorAll('[data-figure]'),"
            " e => [e.dataset.figure, e.textContent.trim()]))"
        )
        sections = browser.evaluate("Array.from(document.querySelectorAll('main > section'), s => s.id)")
        svgs = browser.evaluate("document.querySelectorAll('figure svg').length")
        sorted_by = []
        for _ in range(2):
            sorted_by.append(
                browser.evaluate(
                    "(() => { const th = document.querySelectorAll('#sites thead th')[1];"
                    " th.querySelector('button').click();"
                    " return [th.getAttribute('aria-sort'),"
                    " Array.from(document.querySelectorAll('#sites tbody tr'), r => +r.cells[1].dataset.sort)]; })()"
                )
            )
        browser.evaluate("window.scrollTo(0, 0)")
        shot = browser.screenshot(tmp_path / "report.png", full_page=True)
        docs = os.environ.get("NEWSCORPUS_DOCS_SCREENSHOT")
        if docs:
            browser.call(
                "Emulation.setDeviceMetricsOverride",
                width=1100,
                height=1180,
                deviceScaleFactor=1,
                mobile=False,
            )
            small_png(browser.screenshot(tmp_path / "docs.png"), REPO / docs)
        browser.settle()
        errors = browser.errors

    assert errors == [], errors
    counts, stats = manifest["counts"], manifest["stats"]
    assert figure(figures, "funnel.entered") == stats["response_received_count"]
    assert figure(figures, "funnel.article_pages") == stats["newscorpus/fetched_articles"]
    assert figure(figures, "funnel.written") == counts["written"]
    assert figure(figures, "funnel.duplicates") == counts["duplicates"]
    assert figure(figures, "funnel.rejected") == counts["rejected"]
    assert figure(figures, "funnel.step.written") == counts["written"]
    for kind, count in counts["duplicates_by_kind"].items():
        assert figure(figures, f"funnel.duplicates_by_kind.{kind}") == count
    for reason, count in counts["rejected_by_reason"].items():
        assert figure(figures, f"funnel.rejected_by_reason.{reason}") == count
    assert sections == ["funnel", "sites", "rights", "time", "languages", "syndication"]
    assert svgs >= 6
    (first, first_rows), (second, second_rows) = sorted_by
    assert (first, second) == ("descending", "ascending")
    assert first_rows == sorted(first_rows, reverse=True) and second_rows == sorted(second_rows)
    assert shot.stat().st_size > 50_000
