"""The dedupe check under concurrency: two (or three) workers meeting copies of one story at the same moment
keep exactly one of them, whatever the interleaving. Against a real redis-server."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from typing import Any

import pytest

from pipelines.dedupe.index.base import IndexUpdate
from tests.test_dedupe import EVAL, first_paragraphs, item, story

STORIES = sorted(p.stem for p in (EVAL / "stories").glob("*.txt"))


@pytest.fixture()
def url(redis_url: str) -> str:
    return redis_url


def copies(name: str, round_no: int, how_many: int = 2) -> list[dict[str, Any]]:
    """Copies of one story with other furniture and cuts, under ids of their own."""
    text = story(name)
    variants = [
        f"Breaking News\nMost Read\n{text}\nShare this article\n© Outlet {round_no}",
        first_paragraphs(text, 0.7),
        text.upper(),
    ]
    return [item(f"r{round_no}-{name}-{i}", variants[i]) for i in range(how_many)]


def story_of(rid: str) -> str:
    """``r<round>-<story>-<copy>`` -> ``<story>``."""
    return rid.split("-", 1)[1].rsplit("-", 1)[0]


def kept_per_story(decisions: list[tuple[str, Any]]) -> Counter[str]:
    """Copies written and not retracted later, per story (the id minus its copy number)."""
    kept = {rid for rid, d in decisions if d.keep}
    kept -= {r["id"] for _, d in decisions for r in d.retract}
    return Counter(rid.rsplit("-", 1)[0] for rid in kept)


class PausingIndex:
    """A Redis index whose first ``apply`` of each check waits until every racer has read: both read the
    index before either writes, the interleaving that breaks a plain query-then-insert."""

    def __init__(self, inner: Any, barrier: threading.Barrier, compare_and_set: bool = True) -> None:
        self.inner = inner
        self.barrier = barrier
        self.compare_and_set = compare_and_set
        self.waited = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def apply(self, update: IndexUpdate) -> None:
        if not self.waited:
            self.waited = True
            self.barrier.wait(timeout=30)
        if not self.compare_and_set:
            self.inner.begin()  # forget what was read: a plain insert
        self.inner.apply(update)


def race_in_threads(
    url: str, records: list[dict[str, Any]], compare_and_set: bool = True
) -> list[tuple[str, Any]]:
    import redis

    from pipelines.dedupe.index.redis import RedisDedupeIndex
    from pipelines.dedupe.shared import SharedDeduplicator

    barrier = threading.Barrier(len(records))
    results: list[tuple[str, Any]] = []
    errors: list[BaseException] = []

    def run(number: int, record: dict[str, Any]) -> None:
        client = redis.Redis.from_url(url)
        index = PausingIndex(RedisDedupeIndex(client, "t", f"w{number}"), barrier, compare_and_set)
        dedup = SharedDeduplicator(None, index, run_id="run")  # type: ignore[arg-type]
        try:
            results.append((record["id"], dedup.check(record)))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(n, r)) for n, r in enumerate(records)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("racers", [2, 3])
def test_copies_read_before_either_writes_are_kept_once(url: str, racers: int) -> None:
    decisions: list[tuple[str, Any]] = []
    for number, name in enumerate(STORIES[:6]):
        decisions += race_in_threads(url, copies(name, number, racers))
    assert all(n == 1 for n in kept_per_story(decisions).values()), kept_per_story(decisions)
    assert len(kept_per_story(decisions)) == 6
    # Every copy that was not kept points at a copy of its own story.
    for rid, decision in decisions:
        if not decision.keep:
            assert decision.duplicate_of.rsplit("-", 1)[0] == rid.rsplit("-", 1)[0]


def test_without_compare_and_set_the_same_race_keeps_both(url: str) -> None:
    """The control: a plain query-then-insert (what datasketch's Redis storage does) writes the story twice."""
    decisions = race_in_threads(url, copies(STORIES[0], 0), compare_and_set=False)
    assert kept_per_story(decisions)[f"r0-{STORIES[0]}"] == 2


def _racer(
    url: str, worker: str, rounds: list[list[dict[str, Any]]], slot: int, barrier: Any, out: Any
) -> None:
    import redis

    from pipelines.dedupe.index.redis import RedisDedupeIndex
    from pipelines.dedupe.shared import SharedDeduplicator

    client = redis.Redis.from_url(url)
    dedup = SharedDeduplicator(None, RedisDedupeIndex(client, "t", worker), run_id="run")
    results = []
    for records in rounds:
        barrier.wait(timeout=60)  # start each round together
        decision = dedup.check(records[slot])
        results.append(
            (records[slot]["id"], decision.keep, decision.duplicate_of, [r["id"] for r in decision.retract])
        )
    out.put((worker, results, dedup.retries))
    client.close()


@pytest.mark.slow
def test_racing_processes_keep_each_story_once(url: str) -> None:
    """Two worker processes, released together on each of many rounds, each with one copy of the story."""
    rounds = [copies(name, number) for number, name in enumerate(STORIES * 2)]
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(2), context.Queue()
    processes = [
        context.Process(target=_racer, args=(url, f"p{slot}", rounds, slot, barrier, out))
        for slot in range(2)
    ]
    for process in processes:
        process.start()
    reports = [out.get(timeout=120) for _ in processes]
    print("compare-and-set retries:", sum(r[2] for r in reports))
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    kept: set[str] = set()
    retracted: set[str] = set()
    for _, results, _ in reports:
        for rid, keep, _, retract in results:
            if keep:
                kept.add(rid)
            retracted.update(retract)
    # Each story comes twice (two rounds): once kept over all four copies.
    per_story = Counter(story_of(rid) for rid in kept - retracted)
    assert len(per_story) == len(STORIES) and set(per_story.values()) == {1}, per_story
    # The index agrees: one representative (cluster == own id) per story.
    import redis

    client = redis.Redis.from_url(url)
    clusters = {k.decode(): v.decode() for k, v in client.hgetall("t:dedupe:clusters").items()}
    client.close()
    representatives = Counter(story_of(i) for i, c in clusters.items() if i == c)
    assert set(representatives.values()) == {1} and len(representatives) == len(STORIES)


def test_forgetting_a_representative_makes_the_copies_it_replaced_represent_their_story(url: str) -> None:
    """As the SQLite and memory indexes do (``tests/test_band_table.py``): recovery forgets a replacing copy a
    killed worker never wrote, and the copy it replaced represents its story again."""
    import redis

    from pipelines.dedupe.index.redis import RedisDedupeIndex
    from tests.test_band_table import _entry

    client = redis.Redis.from_url(url)
    try:
        index = RedisDedupeIndex(client, "forget", "w1")
        index.open({"k": 1})
        entries = [_entry("a", cluster="c"), _entry("b", cluster="b"), _entry("c", cluster="c")]
        index.apply(IndexUpdate(add=[(e, [hash(e.id)]) for e in entries]))
        index.forget(["c"])
        got = index.get(["a", "b", "c"])
        assert {i: e.cluster for i, e in got.items()} == {"a": "a", "b": "b"}
    finally:
        client.delete(*client.keys("forget:*"))
        client.close()
