"""The Redis stores of distributed crawls against a real redis-server: crawl state, line counts, dedupe index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crawler.state.sqlite import DUPLICATE, REJECTED, WRITTEN
from pipelines.clean.line_stores import MemoryLineStore, RedisLineStore
from pipelines.clean.site_lines import SiteBoilerplate
from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.deduplicator import Deduplicator
from pipelines.dedupe.index.base import IndexMismatch
from pipelines.dedupe.index.memory import MemoryDedupeIndex
from tests.test_dedupe import first_paragraphs, item, spun, story


@pytest.fixture()
def client(redis_url: str) -> Iterator[Any]:
    import redis

    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


# -- crawl state ----------------------------------------------------------------------------------------------


def test_state_records_under_every_url_and_keeps_the_listed_date(client: Any) -> None:
    from crawler.state.redis import RedisCrawlState

    state = RedisCrawlState(client, "t", worker="w1")
    assert state.lookup("http://a.example/x") is None
    state.record(
        ["http://a.example/x#top", "http://a.example/x-final"],
        WRITTEN,
        article_id="id1",
        fingerprint="f",
        lastmod="2026-01-02",
        run_id="r1",
        revision=2,
    )
    seen = state.lookup("http://a.example/x")
    assert seen is not None and (seen.outcome, seen.article_id, seen.lastmod, seen.revision) == (
        WRITTEN,
        "id1",
        "2026-01-02",
        2,
    )
    assert state.lookup("http://a.example/x-final").article_id == "id1"  # type: ignore[union-attr]
    # A later record without a date keeps the recorded one (the SQLite state's coalesce).
    state.record(["http://a.example/x"], DUPLICATE, article_id="id1", run_id="r2")
    seen = state.lookup("http://a.example/x")
    assert seen is not None and seen.outcome == DUPLICATE and seen.lastmod == "2026-01-02"
    state.record(["http://b.example/y"], REJECTED, reason="fetch/not-html")
    assert state.page_count() == 3 and state.page_count(REJECTED) == 1
    assert set(state.lookup_many(["http://b.example/y", "http://c.example/"])) == {"http://b.example/y"}


def test_state_run_ledger_per_worker(client: Any) -> None:
    from crawler.state.redis import RedisCrawlState

    one, two = RedisCrawlState(client, "t", "w1"), RedisCrawlState(client, "t", "w2")
    one.begin_run("run", "/out/runs/run")
    two.begin_run("run", "/out/runs/run")
    one.finish_run("run", "finished", {"written": 3})
    runs = {r["worker"]: r for r in one.runs()}
    assert runs["w1"]["status"] == "finished" and runs["w1"]["counts"] == {"written": 3}
    assert [r["worker"] for r in two.unfinished_runs()] == ["w2"]


def test_recording_a_page_confirms_its_dedupe_decision(client: Any) -> None:
    from crawler.state.redis import RedisCrawlState
    from pipelines.dedupe.index.redis import RedisDedupeIndex

    index = RedisDedupeIndex(client, "t", worker="w1")
    dedup = Deduplicator(index=index, run_id="r")
    dedup.check(item("a", story("fire-1")))
    dedup.check(item("b", first_paragraphs(story("fire-1"), 0.5)))
    assert index.pending() == ["a", "b"]
    state = RedisCrawlState(client, "t", "w1")
    state.record(["https://a.example/news/a"], WRITTEN, article_id="a")
    assert index.pending() == ["b"]


# -- line counts ----------------------------------------------------------------------------------------------


def test_line_store_counts_like_the_memory_store(client: Any) -> None:
    pages = [f"Story {i} begins here.\nSubscribe to our newsletter today\nStory {i} ends." for i in range(8)]
    outputs = []
    for store in (MemoryLineStore(), RedisLineStore(client, "t")):
        learner = SiteBoilerplate(store=store)
        outputs.append([learner.process("a.example", page) for page in pages])
    assert outputs[0] == outputs[1]
    assert "Subscribe" not in outputs[1][-1] and "Story 7 ends." in outputs[1][-1]


def test_line_store_is_shared_and_bounded(client: Any) -> None:
    first, second = RedisLineStore(client, "t", max_lines_per_domain=5), RedisLineStore(client, "t", 5)
    first.add_page("a.example", ["k1", "k2"])
    second.add_page("a.example", ["k1", "k3"])
    # Right after add_page the counts come from its reply (one round trip a page); others ask Redis.
    assert second.page_count("a.example") == 2
    assert second.line_counts("a.example", ["k1", "k3"]) == {"k1": 2, "k3": 1}
    assert RedisLineStore(client, "t").page_count("a.example") == 2
    assert second.line_counts("a.example", ["k1", "k2", "zz"]) == {"k1": 2, "k2": 1}
    first.add_page("a.example", [f"x{i}" for i in range(10)])
    assert client.hlen("t:lines:a.example") == 1  # lines seen once dropped past the bound; k1 stays


# -- dedupe index ---------------------------------------------------------------------------------------------


TEXTS = [
    ("d0", story("bridge-1")),
    ("d1", first_paragraphs(story("bridge-1"), 0.5)),
    ("d2", story("bridge-2")),
    ("d3", spun("app-1")),
    ("d4", story("app-1")),
    ("d5", story("bridge-1").upper()),
]


def test_redis_index_decides_like_the_memory_index(client: Any) -> None:
    from pipelines.dedupe.index.redis import RedisDedupeIndex
    from pipelines.dedupe.shared import SharedDeduplicator

    results = []
    for dedup in (
        Deduplicator(index=MemoryDedupeIndex(), run_id="r"),
        SharedDeduplicator(None, RedisDedupeIndex(client, "t", "w1"), run_id="r"),
    ):
        results.append(
            [
                (d.kind, d.keep, d.duplicate_of, [r["id"] for r in d.retract])
                for d in map(dedup.check, (item(i, t) for i, t in TEXTS))
            ]
        )
    assert results[0] == results[1]
    assert [r[0] for r in results[1]] == ["new", "near", "new", "new", "reworded", "exact"]


def test_redis_index_round_trips_do_not_grow_with_bands(client: Any) -> None:
    from pipelines.dedupe.index.redis import RedisDedupeIndex
    from pipelines.dedupe.shared import SharedDeduplicator

    index = RedisDedupeIndex(client, "t", "w1")
    dedup = SharedDeduplicator(DedupeConfig(rows_per_band=1), index, run_id="r")  # 128 bands
    dedup.check(item("a", story("vote-1")))
    before = index.round_trips
    dedup.check(item("b", story("vote-2")))
    # resolve, query (all 128 bands in one MULTI), apply; get when there are candidates.
    assert index.round_trips - before <= 4


def test_redis_index_refuses_other_parameters(client: Any) -> None:
    from pipelines.dedupe.index.redis import RedisDedupeIndex

    Deduplicator(index=RedisDedupeIndex(client, "t"), run_id="r").open()
    other = Deduplicator(DedupeConfig(num_perm=64), index=RedisDedupeIndex(client, "t"), run_id="r")
    with pytest.raises(IndexMismatch, match="use another NEWSCORPUS_REDIS_NAMESPACE"):
        other.open()
    # Another namespace is another index.
    Deduplicator(DedupeConfig(num_perm=64), index=RedisDedupeIndex(client, "t2"), run_id="r").open()


def test_undo_restores_the_index_before_a_dead_workers_decisions(client: Any) -> None:
    from pipelines.dedupe.index.redis import RedisDedupeIndex, undo_pending
    from pipelines.dedupe.shared import SharedDeduplicator

    live = SharedDeduplicator(None, RedisDedupeIndex(client, "t", "live"), run_id="r")
    assert live.check(item("cut", first_paragraphs(story("rates-1"), 0.5))).kind == "new"
    client.hdel("t:dedupe:pending:live", "cut")  # written and confirmed
    dead = SharedDeduplicator(None, RedisDedupeIndex(client, "t", "dead"), run_id="r")
    replaced = dead.check(item("full", story("rates-1")))
    assert replaced.keep and [r["id"] for r in replaced.retract] == ["cut"]
    assert dead.check(item("fresh", story("vote-3"))).kind == "new"
    # The dead worker wrote neither: undo its decisions; the pages come back and decide as before.
    assert undo_pending(client, "t", "dead") == 2
    again = SharedDeduplicator(None, RedisDedupeIndex(client, "t", "other"), run_id="r")
    copy = again.check(item("cut2", first_paragraphs(story("rates-1"), 0.5)))
    assert (copy.kind, copy.duplicate_of) == ("exact", "cut")
    assert again.check(item("fresh", story("vote-3"))).kind == "new"  # not an exact copy of itself
    full = again.check(item("full", story("rates-1")))
    assert full.keep and [r["id"] for r in full.retract] == ["cut"]


# -- the frontier -------------------------------------------------------------------------------------------


def test_every_lua_script_compiles(client: Any) -> None:
    import crawler.distributed.cluster
    import crawler.state.redis
    import pipelines.clean.line_stores
    import pipelines.dedupe.index.redis

    scripts = [
        value
        for module in (
            crawler.distributed.cluster,
            crawler.state.redis,
            pipelines.clean.line_stores,
            pipelines.dedupe.index.redis,
        )
        for name, value in vars(module).items()
        if name.startswith("_") and name.isupper() and isinstance(value, str) and "redis.call" in value
    ]
    assert len(scripts) >= 10
    for script in scripts:
        client.script_load(script)


def test_frontier_pop_release_and_requeue(client: Any) -> None:
    from crawler.distributed.cluster import Cluster

    cluster = Cluster(client, "t")
    added, popped = cluster.flush(
        "w1", [("fp1", 10, b"req-a", False), ("fp2", 0, b"req-b\nwith newline", False)]
    )
    assert added == 2 and popped is None
    assert cluster.push("fp1", 10, b"again", False) is False  # seen by the duplicate filter
    assert cluster.push("fp1", 10, b"retry", True) is True  # dont_filter: queued anyway
    field, data = cluster.pop("w1")  # type: ignore[misc]
    assert data in (b"req-a", b"retry")  # the highest priority first
    assert cluster.pending_work()["inflight"] == 0  # w1 is not registered: only members count
    cluster.register("w1", 30, {})
    assert cluster.pending_work() == {"queued": 2, "seeds": 0, "inflight": 1, "archives": 0}
    _, second = cluster.flush("w1", fields=[field], pop=True)  # release the first, take the next
    assert second is not None and client.hkeys("t:inflight:w1") == [second[0].encode()]
    assert cluster.requeue("w1") == (1, 0)
    assert client.zcard("t:requests") == 2 and not client.exists("t:inflight:w1")
    # A request's bytes survive the trip through the in-flight hash (newlines included).
    datas = {cluster.pop("w2")[1] for _ in range(2)}  # type: ignore[index]
    assert b"req-b\nwith newline" in datas | {second[1]} and len(datas) == 2


def test_state_keeps_each_sites_rights_files(client: Any) -> None:
    from crawler.state.redis import RedisCrawlState

    state = RedisCrawlState(client, "t", worker="w1")
    assert state.site_facts("https://a.example") is None
    facts = {"tdmrep": [{"location": "/premium/", "tdm-reservation": 1}]}
    state.save_site_facts("https://a.example", "2026-11-18T00:00:00Z", facts)
    other = RedisCrawlState(client, "t", worker="w2")  # shared by every worker
    assert other.site_facts("https://a.example") == ("2026-11-18T00:00:00Z", facts)
    assert RedisCrawlState(client, "elsewhere").site_facts("https://a.example") is None
