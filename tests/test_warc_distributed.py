"""Archive files read by a cluster of workers sharing one Redis: each file taken by one worker, a killed worker's
file taken over from its checkpoint, the merged run holding every article once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.crawl_helpers import REPO, read_jsonl
from tests.newssite import NewsSite
from tests.warc_fixtures import fetch_pages, write_warc

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUICK = [
    "-s", "NEWSCORPUS_WORKERS=0",
    "-s", "NEWSCORPUS_WORKER_HEARTBEAT=0.3",
    "-s", "NEWSCORPUS_WORKER_TTL=2",
    "-s", "NEWSCORPUS_DISTRIBUTED_POLL=0.2",
    "-s", "NEWSCORPUS_WARC_CHECKPOINT_EVERY=0",
    "--idle-stop", "3",
]  # fmt: skip


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], set[str]]:
    """The site's articles split over two archive files."""
    folder = tmp_path_factory.mktemp("archives")
    with NewsSite() as site:
        captures = fetch_pages(a.url for a in site.expected_articles())
    half = len(captures) // 2
    files = [
        write_warc(folder / "one.warc.gz", captures[:half]),
        write_warc(folder / "two.warc.gz", captures[half:]),
    ]
    return files, {c.url for c in captures}


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def merged_articles(out: Path) -> tuple[dict[str, object], Counter[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "merge", "--force", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    run_dir = next((out / "runs").iterdir())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    urls = Counter(a["url"] for shard in run_dir.glob("articles-*.jsonl") for a in read_jsonl(shard))
    return manifest, urls


def test_two_workers_read_each_file_once(
    archives: tuple[list[Path], set[str]], redis_url: str, tmp_path: Path
) -> None:
    files, urls = archives
    first = cli(
        "warc",
        *map(str, files),
        "--redis-url",
        redis_url,
        "--out",
        str(tmp_path),
        "--worker-id",
        "w0",
        *QUICK,
    )
    second = cli("worker", "--redis-url", redis_url, "--out", str(tmp_path), "--worker-id", "w1", *QUICK)
    for process in (first, second):
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-3000:]
    manifest, written = merged_articles(tmp_path)
    assert set(written) == urls and set(written.values()) == {1}
    readers = Counter(Path(a["file"]).name for a in manifest["archives"])  # type: ignore[union-attr]
    assert readers == {"one.warc.gz": 1, "two.warc.gz": 1}  # one worker a file


def test_a_killed_workers_file_is_taken_over_from_its_checkpoint(
    archives: tuple[list[Path], set[str]], redis_url: str, tmp_path: Path
) -> None:
    files, urls = archives
    killed = cli(
        "warc", str(files[0]), "--redis-url", redis_url, "--out", str(tmp_path), "--worker-id", "w0",
        *QUICK, "-s", "NEWSCORPUS_CRASH_AT=line:3",
    )  # fmt: skip
    killed.communicate(timeout=240)
    assert killed.returncode == -9
    taker = cli("worker", "--redis-url", redis_url, "--out", str(tmp_path), "--worker-id", "w1", *QUICK)
    _, err = taker.communicate(timeout=240)
    assert taker.returncode == 0, err[-3000:]
    _, written = merged_articles(tmp_path)
    run_dir = next((tmp_path / "runs").iterdir())
    taken = json.loads((run_dir / "manifest-w1.json").read_text())["archives"][0]
    # The taker went on from the killed worker's checkpoint inside the file, not from its start.
    assert 0 < taken["records"]["response"] < len(urls) // 2
    assert set(written.values()) == {1} and set(written) <= urls  # every article of the file once
    assert len(written) == len(urls) // 2
