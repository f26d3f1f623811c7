"""A distributed crawl runs the one page task too: each page's clean rules run once, in the task that extracts
it, and its language detection in that task as well wherever the site's learned lines do not change the text.

Before the stage packages, a distributed crawl replaced the clean stage by a subclass, whose path the extract
stage did not recognise in ``ITEM_PIPELINES``: every page then went to the worker pool twice for cleaning."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.crawl_helpers import FAST, REPO
from tests.newssite import NewsSite

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_distributed_worker_cleans_each_page_once_in_the_page_task(redis_url: str, tmp_path: Path) -> None:
    with NewsSite() as site:
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "crawl", *site.base_urls, "--redis-url", redis_url,
             "--out", str(tmp_path), *FAST, "-s", "NEWSCORPUS_WORKERS=2", "-s", "NEWSCORPUS_WORKER_IDLE_STOP=1",
             "-s", "NEWSCORPUS_WORKER_HEARTBEAT=0.3", "-s", "NEWSCORPUS_DISTRIBUTED_POLL=0.2"],
            cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    stats: Counter[str] = Counter()
    for manifest in tmp_path.glob("runs/*/manifest-*.json"):
        stats.update(json.loads(manifest.read_text(encoding="utf-8"))["stats"])
    cleaned = stats["newscorpus/clean/ahead"] + stats["newscorpus/clean/here"]
    assert cleaned >= 20, dict(stats)  # the site's article pages reached the clean stage
    assert stats["newscorpus/clean/here"] == 0  # never a second task for the clean rules
    # Detection is speculated per site: taken ahead for most pages, computed again only where the site's
    # learned lines changed the text after the task (never both taken and computed).
    detected = stats["newscorpus/language_work/ahead"] + stats["newscorpus/language_work/here"]
    assert stats["newscorpus/language_work/ahead"] > detected / 2, dict(stats)
