"""The shared queue holds data, not code: a pickled entry is refused, never run, never put back."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import Request
from scrapy.utils.request import request_from_dict

from crawler.distributed.serializer import BadQueueEntry, dumps, loads
from tests.crawl_helpers import REPO


class _Spider(scrapy.Spider):
    name = "news"

    def parse_article(self, response: Any) -> None: ...

    def article_failed(self, failure: Any) -> None: ...


class WritesAFile:
    """Unpickling this writes ``path``: what an attacker's entry would do (with os.system)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> Any:
        return (Path.write_text, (self.path, "the queue ran code"))


def test_a_request_survives_the_round_trip() -> None:
    spider = _Spider()
    request = Request(
        "https://site.example/2026/11/20/story/?a=1&b=2",
        callback=spider.parse_article,
        errback=spider.article_failed,
        method="POST",
        body=b"\x00\xffbinary",
        headers={"X-Test": "1"},
        priority=10,
        dont_filter=True,
        flags=["f"],
        meta={"profile": 3, "update_of": {"id": "x", "revision": 2}, "not_json": object()},
    )
    back = request_from_dict(loads(dumps(request.to_dict(spider=spider))), spider=spider)
    assert back.url == request.url and back.method == "POST" and back.body == b"\x00\xffbinary"
    assert back.headers.get("X-Test") == b"1" and back.priority == 10 and back.dont_filter
    assert back.callback == spider.parse_article and back.errback == spider.article_failed
    assert back.meta == {"profile": 3, "update_of": {"id": "x", "revision": 2}} and back.flags == ["f"]


def test_a_pickled_entry_is_refused_unrun(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(BadQueueEntry):
        loads(pickle.dumps(WritesAFile(marker)))
    assert not marker.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"callback": "close"},
        {"errback": "__init__"},
        {"url": "file:///etc/passwd"},
        {"format": 99},
        {"body": "not base64!"},
        {"meta": ["x"]},
    ],
)
def test_entries_naming_other_things_are_refused(change: dict[str, Any]) -> None:
    spider = _Spider()
    good = json.loads(
        dumps(Request("https://s.example/a", callback=spider.parse_article).to_dict(spider=spider))
    )
    with pytest.raises(BadQueueEntry):
        loads(json.dumps({**good, **change}).encode())


@pytest.mark.e2e
def test_a_worker_drops_a_pickled_entry_and_still_stops_when_idle(redis_url: str, tmp_path: Path) -> None:
    import redis

    from crawler.distributed.cluster import Cluster
    from crawler.distributed.config import Keys

    marker = tmp_path / "ran"
    client = redis.Redis.from_url(redis_url)
    cluster = Cluster(client)
    cluster.new_run("attacked")
    cluster.push("f" * 40, 0, pickle.dumps(WritesAFile(marker)), False)
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "worker", "--redis-url", redis_url, "--out", str(tmp_path / "out"),
         "--worker-id", "w1", "--idle-stop", "1.5", "-s", "NEWSCORPUS_WORKER_HEARTBEAT=0.3",
         "-s", "NEWSCORPUS_DISTRIBUTED_POLL=0.2"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert not marker.exists(), "the worker unpickled the entry"
    assert done.returncode == 0, done.stderr[-3000:]
    keys = Keys("newscorpus")
    assert client.zcard(keys.requests) == 0 and client.hlen(keys.inflight("w1")) == 0, "the entry came back"
    (manifest,) = (tmp_path / "out").glob("runs/*/manifest-w1.json")
    stats = json.loads(manifest.read_text(encoding="utf-8"))
    assert stats["status"] == "finished", stats
    assert stats["stats"]["newscorpus/distributed/bad_queue_entries"] == 1, stats
    client.close()
