"""Distributed crawls end to end: real worker processes, a real redis-server, the local two-outlet site.

The workers' union must be the single-process corpus (same ids), with no id in two workers' shards and every
dropped copy recorded once; a worker killed with SIGKILL mid-crawl loses nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipelines.write.shards import iter_records
from tests.crawl_helpers import FAST, REPO, RunOutput, crawl, read_jsonl
from tests.newssite import NewsSite

pytestmark = pytest.mark.e2e

#: Quick heartbeats and idle stops for a test-sized cluster. A few requests in flight per worker and slow
#: answers: every worker holds pages at every moment, so copies of one story are fetched by different
#: workers at the same time. The download timeout outlasts the site's holds (``NewsSite.hold``), so a page
#: held back is waited for, not given up.
CLUSTER = [
    *FAST,
    "-s", "CONCURRENT_REQUESTS=6",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=6",
    "-s", "NEWSCORPUS_WORKER_HEARTBEAT=0.3",
    "-s", "NEWSCORPUS_WORKER_TTL=2",
    "-s", "NEWSCORPUS_DISTRIBUTED_POLL=0.2",
    "-s", "DOWNLOAD_TIMEOUT=180",
    "--idle-stop", "1.5",
]  # fmt: skip

#: How long a hold waits at most: a bound for a cluster that never gets there, far above what it takes.
HOLD_BOUND = 120.0


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    # Some latency, so that the frontier is shared out and copies meet in different workers at one moment.
    with NewsSite(delay=0.1) as running:
        yield running


@pytest.fixture(scope="module")
def single(site: NewsSite, tmp_path_factory: pytest.TempPathFactory) -> RunOutput:
    return crawl(site.base_urls, tmp_path_factory.mktemp("single"), "--no-state")


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def no_worker_left_behind() -> Iterator[None]:
    """A failed test does not leave its worker processes running."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.communicate()


def agent(worker: str) -> str:
    """The User-Agent of a test worker: the site tells the workers' requests apart by it."""
    return f"newscorpus-test/{worker}"


def start_worker(redis_url: str, out: Path, worker: str, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "crawler.cli", "worker", "--redis-url", redis_url, "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--worker-id", worker, *CLUSTER, "--user-agent", agent(worker), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    return process


def start_cluster(
    redis_url: str, out: Path, names: list[str], targets: list[str]
) -> list[subprocess.Popen[str]]:
    """The seed first, then the workers. Started the other way round, a worker that is up before the seed
    arrives stops after its idle time (``--idle-stop``), however soon the seed follows on a loaded machine;
    with the seed waiting, none stops before the crawl is over. That every worker takes part is the site's
    to make certain (``NewsSite.hold``), not the order of starting."""
    seeded = cli("seed", "--redis-url", redis_url, *targets)
    assert seeded.returncode == 0 and "(started)" in seeded.stdout, seeded.stdout + seeded.stderr
    return [start_worker(redis_url, out, name) for name in names]


def finish(process: subprocess.Popen[str], timeout: float = 240) -> tuple[str, str]:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"worker did not stop:\n{stderr[-3000:]}") from None
    return stdout, stderr


def merged(out: Path, *extra: str) -> tuple[Path, dict[str, Any]]:
    (run_dir,) = (out / "runs").iterdir()
    done = cli("merge", str(run_dir), *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return run_dir, json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def articles_by_worker(run_dir: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for shard in sorted(run_dir.glob("articles-*.jsonl")):
        worker = shard.name.removeprefix("articles-").rsplit("-", 1)[0]
        out.setdefault(worker, []).extend(iter_records(shard))
    return out


def page(url: str) -> tuple[str, str]:
    """A page of the test site whatever port it was served on."""
    parts = urlsplit(url)
    return parts.hostname or "", parts.path


def check_against_single(run_dir: Path, manifest: dict[str, Any], single: RunOutput) -> list[dict[str, Any]]:
    by_worker = articles_by_worker(run_dir)
    articles = [a for records in by_worker.values() for a in records]
    ids = Counter(a["id"] for a in articles)
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    assert set(ids) == {a["id"] for a in single.articles}, (
        sorted(set(ids) - {a["id"] for a in single.articles}),
        sorted({a["id"] for a in single.articles} - set(ids)),
    )
    # The workers read each site's rights as the single process does (the Harbour Daily keeps GPTBot out).
    assert {a["id"]: a["rights"] for a in articles} == {a["id"]: a["rights"] for a in single.articles}
    assert manifest["rights_per_domain"] == single.manifest["rights_per_domain"]
    # Every dropped copy once, in the run's duplicates.jsonl and over the workers' own files.
    duplicates = read_jsonl(run_dir / "duplicates.jsonl")
    assert Counter(d["url"] for d in duplicates) == Counter(d["url"] for d in single.duplicates)
    per_worker = [d["url"] for path in run_dir.glob("duplicates-*.jsonl") for d in read_jsonl(path)]
    assert sorted(per_worker) == sorted(d["url"] for d in duplicates)
    assert {d["duplicate_of"] for d in duplicates} == {d["duplicate_of"] for d in single.duplicates}
    # Kept articles list their copies, wherever they were recorded.
    listed = [i for a in articles for i in (a.get("duplicates") or {}).get("ids", [])]
    assert len(listed) == len(duplicates)
    assert manifest["counts"]["written"] == len(articles) and manifest["status"] == "finished"
    assert manifest["counts"]["duplicates"] == len(duplicates)
    return articles


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_write_the_single_process_corpus(
    site: NewsSite, single: RunOutput, redis_url: str, tmp_path: Path, workers: int
) -> None:
    names = [f"w{i}" for i in range(workers)]
    # Article pages are answered once every worker has one waiting: on a site this small, one worker could
    # otherwise fetch the whole frontier before the others first look at the queue.
    with site.hold(kind="article", all_waiting=[agent(n) for n in names], bound=HOLD_BOUND) as shared:
        processes = start_cluster(redis_url, tmp_path, names, site.base_urls)
        outputs = [finish(p) for p in processes]
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr[-3000:]
    assert shared.met, "not every worker took article pages from the shared frontier"
    run_dir, manifest = merged(tmp_path)
    articles = check_against_single(run_dir, manifest, single)
    fetched = {
        w["worker"]: json.loads((run_dir / w["manifest"]).read_text())["stats"].get(
            "response_received_count", 0
        )
        for w in manifest["workers"]
    }
    assert sorted(fetched) == names and all(n > 0 for n in fetched.values()), fetched
    assert len({a["id"] for a in articles}) == len(articles)
    # Nothing left in Redis for a next run to trip on: no worker, nothing queued or in flight.
    import redis

    client = redis.Redis.from_url(redis_url)
    assert not client.hlen("newscorpus:workers") and not client.zcard("newscorpus:requests")
    assert not client.keys("newscorpus:inflight:*") and not client.keys("newscorpus:dedupe:pending:*")
    client.close()


def victim_recorded_an_article(client: Any, out: Path) -> bool:
    """Has the victim written a whole article line whose page the shared crawl state records?"""
    for shard in out.glob("runs/*/articles-victim-*"):
        for line in shard.read_bytes().split(b"\n")[:-1]:  # whole lines only
            record = json.loads(line)
            urls = {record.get("url"), record.get("canonical_url")} - {None}
            if any(client.hexists("newscorpus:state:pages", url) for url in urls):
                return True
    return False


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_loses_nothing(single: RunOutput, redis_url: str, tmp_path: Path) -> None:
    with NewsSite(delay=0.1) as other_site:
        # The survivor's article pages wait until the kill; the victim gets its first, then its next ones wait:
        # it is killed with an article written and more pages in flight, whatever the machine's speed.
        with (
            other_site.hold(kind="article", agent=agent("survivor"), bound=HOLD_BOUND) as survivor_held,
            other_site.hold(kind="article", agent=agent("victim"), after=1, bound=HOLD_BOUND) as victim_held,
        ):
            victim, survivor = start_cluster(
                redis_url, tmp_path, ["victim", "survivor"], other_site.base_urls
            )
            victim_held.wait_for_waiting(1, timeout=HOLD_BOUND, process=victim)
            import redis

            client = redis.Redis.from_url(redis_url)
            deadline = time.monotonic() + HOLD_BOUND
            # Killed once an article is written AND recorded in the shared state: killed between the two, its page
            # is still in flight, goes to the survivor, which writes it too, and merge may keep either copy.
            while not victim_recorded_an_article(client, tmp_path):
                assert victim.poll() is None, "the victim ended before the kill"
                assert time.monotonic() < deadline, "the victim wrote no article"
                time.sleep(0.05)
            held = client.hlen("newscorpus:inflight:victim")
            victim.send_signal(signal.SIGKILL)
            assert victim.wait(timeout=30) == -signal.SIGKILL
        assert survivor_held.met and victim_held.met
        finish(victim)
        _, stderr = finish(survivor)
        assert survivor.returncode == 0, stderr[-3000:]
        assert "worker victim is dead" in stderr
        assert held > 0
        assert not client.keys("newscorpus:inflight:*") and not client.hlen("newscorpus:workers")
        client.close()
    # The victim has no manifest and wrote moments ago (the survivor's crawl after the kill may take longer
    # than merge's 120 s on a loaded machine, so "moments ago" is made now): merge wants to be told it is dead.
    for path in tmp_path.glob("runs/*/*-victim*"):
        os.utime(path)
    # What the victim wrote before the kill: its whole lines (its shards are still open, as a kill leaves them).
    victim_wrote = {
        json.loads(line)["id"]
        for shard in tmp_path.glob("runs/*/articles-victim-*")
        for line in shard.read_bytes().split(b"\n")[:-1]
    }
    assert victim_wrote
    refused = cli("merge", str(tmp_path))
    assert refused.returncode == 1 and "worker victim has no manifest" in refused.stderr, refused.stderr
    run_dir, manifest = merged(tmp_path, "--force")
    statuses = {w["worker"]: w["status"] for w in manifest["workers"]}
    assert statuses == {"victim": "interrupted", "survivor": "finished"}
    articles = articles_by_worker(run_dir)
    ids = Counter(a["id"] for records in articles.values() for a in records)
    # Nothing the victim wrote is lost: each of its lines stands, or its story does, as the better copy found
    # later (the lesser one recorded in duplicates.jsonl and retracted, as one process retracts it). Which
    # worker's line stands is not fixed: a page the victim wrote but had not released from its in-flight hash
    # went to the survivor, which wrote it too, and merge keeps one of the two.
    better = {d["id"]: d["duplicate_of"] for d in read_jsonl(run_dir / "duplicates.jsonl")}

    def stands(article_id: str) -> bool:
        for _ in range(10):
            if article_id in ids:
                return True
            if article_id not in better:
                return False
            article_id = better[article_id]
        return False

    lost = {i for i in victim_wrote if not stands(i)}
    assert not lost, lost
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    # The other site is the same site on other ports: the same pages as one process wrote.
    pages = {page(a["url"]) for records in articles.values() for a in records}
    assert pages == {page(a["url"]) for a in single.articles}
    duplicates = read_jsonl(run_dir / "duplicates.jsonl")
    assert Counter(page(d["url"]) for d in duplicates) == Counter(page(d["url"]) for d in single.duplicates)


def test_seed_checks_targets_before_touching_redis(tmp_path: Path) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "x"\nstart_urls = ["https://x.example/"]\nfeeds = 3\n', encoding="utf-8")
    done = cli("seed", "--redis-url", "redis://127.0.0.1:1/0", str(profile))
    assert done.returncode == 2 and "key 'feeds' must be a list of strings" in done.stderr
    done = cli("seed", "https://x.example/", timeout=60)
    assert done.returncode == 2 and "NEWSCORPUS_REDIS_URL" in done.stderr


def test_seeding_joins_a_live_run_and_starts_a_new_one_when_it_is_over(
    redis_url: str, tmp_path: Path
) -> None:
    import redis

    from crawler.distributed.cluster import Cluster
    from crawler.distributed.targets import target_spec

    profile = tmp_path / "site.toml"
    profile.write_text('name = "Site"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    first = cli("seed", "--redis-url", redis_url, "--run-id", "run-a", str(profile), "http://127.0.0.2:9/")
    assert first.returncode == 0 and "run run-a (started): 2 of 2" in first.stdout, first.stderr
    client = redis.Redis.from_url(redis_url)
    cluster = Cluster(client)
    # The profile's content travels, not its path.
    spec = json.loads(client.lindex("newscorpus:targets", 0))
    assert spec["profile"]["name"] == "Site" and spec == target_spec(str(profile))
    # Seeds are waiting: the run is not over, a new seed joins it (and the same target is not queued twice).
    again = cli("seed", "--redis-url", redis_url, str(profile), "https://example.org/")
    assert "run run-a (joined): 1 of 2" in again.stdout
    assert client.llen("newscorpus:seeds") == 3
    # Once nothing is left and no worker is alive, the next seed starts a new run with a clean frontier.
    client.delete("newscorpus:seeds")
    client.sadd("newscorpus:dupefilter", "old-fingerprint")
    fresh = cli("seed", "--redis-url", redis_url, "--run-id", "run-b", "https://example.org/")
    assert "run run-b (started): 1 of 1" in fresh.stdout
    assert not client.exists("newscorpus:dupefilter") and client.llen("newscorpus:targets") == 1
    assert cluster.current_run() == "run-b"
    client.close()


def test_a_worker_refuses_an_index_built_with_other_parameters(redis_url: str, tmp_path: Path) -> None:
    cli("seed", "--redis-url", redis_url, "http://127.0.0.1:9/")
    done = cli(
        "worker",
        "--redis-url",
        redis_url,
        "--out",
        str(tmp_path),
        *CLUSTER,
        "-s",
        "NEWSCORPUS_DEDUP_NUM_PERM=64",
    )
    assert done.returncode == 0, done.stderr[-2000:]  # the index is new: it takes these parameters
    done = cli("worker", "--redis-url", redis_url, "--out", str(tmp_path), *CLUSTER)
    assert (
        done.returncode == 2
        and '"num_perm": 64' in done.stderr
        and "NEWSCORPUS_REDIS_NAMESPACE" in done.stderr
    )
    assert not list(tmp_path.glob("runs/*/manifest-*.json"))[1:], "the second worker wrote nothing"


def test_a_worker_with_nothing_to_do_stops_after_its_idle_time(redis_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "-v", "worker", "--redis-url", redis_url, "--out", str(tmp_path),
         "--worker-id", "lonely", *CLUSTER],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "worker lonely: nothing to do anywhere for 2s, stopping" in done.stderr  # --idle-stop 1.5
    (manifest,) = tmp_path.glob("runs/*/manifest-lonely.json")
    assert json.loads(manifest.read_text(encoding="utf-8"))["counts"]["written"] == 0


def test_a_crawl_without_redis_url_never_imports_redis(site: NewsSite, tmp_path: Path) -> None:
    code = (
        "import sys; from crawler.cli import main;"
        f"code = main(['crawl', {site.base_urls[0]!r}, '--out', {str(tmp_path)!r}, '--max-articles', '2', *{FAST!r}]);"
        "print('redis imported:', any(m == 'redis' or m.startswith(('redis.', 'scrapy_redis')) for m in sys.modules));"
        "sys.exit(code)"
    )
    env = {k: v for k, v in os.environ.items() if k != "NEWSCORPUS_REDIS_URL"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "redis imported: False" in done.stdout
    assert len(list(tmp_path.glob("runs/*/articles-00000.jsonl"))) == 1  # the single-process layout
