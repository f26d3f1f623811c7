"""Running the real ``newscorpus crawl`` against the local test site and reading what it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.write.shards import iter_records

REPO = Path(__file__).resolve().parent.parent

#: The local site is ours: no politeness delays, quick retries.
FAST = [
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "NEWSCORPUS_RETRY_BACKOFF_BASE=0.05",
    "-s", "DOWNLOAD_TIMEOUT=10",
]  # fmt: skip


@dataclass
class RunOutput:
    """Everything one run wrote."""

    run_dir: Path
    manifest: dict[str, Any]
    articles: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    stdout: str = ""

    def by_url(self) -> dict[str, dict[str, Any]]:
        return {a["url"]: a for a in self.articles}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_run(run_dir: Path, stdout: str = "") -> RunOutput:
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    articles = [r for shard in manifest["shards"] for r in iter_records(run_dir / shard["name"])]
    return RunOutput(
        run_dir,
        manifest,
        articles,
        read_jsonl(run_dir / "duplicates.jsonl"),
        read_jsonl(run_dir / "rejected.jsonl"),
        stdout,
    )


def crawl(
    targets: list[str],
    out: Path,
    *extra: str,
    run_id: str = "test-run",
    timeout: float = 240,
    returncode: int = 0,
) -> RunOutput:
    """Run ``newscorpus crawl`` in a child process, as a user would, and read the run it wrote; the command
    must exit with ``returncode``."""
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        *targets,
        "--out",
        str(out),
        "--run-id",
        run_id,
        *FAST,
        *extra,
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != returncode:
        raise AssertionError(f"crawl failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-5000:]}")
    return read_run(out / "runs" / run_id, done.stdout)


def crawl_command(targets: list[str], out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", *targets, "--out", str(out), *FAST, *extra]


def start_crawl(targets: list[str], out: Path, *extra: str) -> subprocess.Popen[str]:
    """A crawl in a child process that the test can signal."""
    return subprocess.Popen(
        crawl_command(targets, out, *extra),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished_articles(out: Path) -> list[dict[str, Any]]:
    """Every line of every finished shard of every run in ``out``; each must parse (no torn lines)."""
    records = []
    for shard in sorted((out / "runs").glob("*/articles-*.jsonl*")):
        if shard.name.endswith(".part"):
            continue
        records.extend(iter_records(shard))
    return records
