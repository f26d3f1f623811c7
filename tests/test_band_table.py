"""The band table against what it replaces (a dict of sets), through buffer flushes and merges; the memory index
built on it (packed entries, exact keys)."""

from __future__ import annotations

import hashlib
import importlib
import random
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipelines.dedupe.index.band_table import BandTable, GrowableBuffer
from pipelines.dedupe.index.base import IndexEntry, IndexUpdate
from pipelines.dedupe.index.memory import MemoryDedupeIndex
from tests.fresh_process import run_snippet


class Reference:
    """The old in-memory band index: key -> set of entry ids."""

    def __init__(self) -> None:
        self.bands: dict[int, set[str]] = {}

    def add(self, entry_id: str, keys: list[int]) -> None:
        for key in keys:
            self.bands.setdefault(key, set()).add(entry_id)

    def remove(self, entry_id: str, keys: list[int]) -> None:
        for key in keys:
            ids = self.bands.get(key)
            if ids is not None:
                ids.discard(entry_id)
                if not ids:
                    del self.bands[key]

    def forget(self, ids: list[str]) -> None:
        gone = set(ids)
        for key in list(self.bands):
            self.bands[key] -= gone
            if not self.bands[key]:
                del self.bands[key]

    def query(self, keys: list[int]) -> Counter[str]:
        hits: Counter[str] = Counter()
        for key in keys:
            hits.update(self.bands.get(key, ()))
        return hits


def tiny() -> BandTable:
    """Flushes every 3 pairs, merges eagerly, moves 4 pairs at a time, and gives runs of 6 pairs a directory of
    buckets of 2: every path runs in a small test."""
    return BandTable(
        buffer_rows=3, merge_ratio=2, block_rows=4, directory_rows=6, bucket_rows=2, compiled_from=0
    )


def test_a_table_loads_the_compiled_lookups_once_it_is_large() -> None:
    """Small tables search with numpy (no compiler loaded); past ``compiled_from`` pairs the compiled lookups
    take over, and the answers stay the same."""
    table = BandTable(buffer_rows=10, compiled_from=40)
    for n in range(3):
        table.add(f"d{n}", [n, 100 + n, 7])
    table.flush()
    assert not table.compiled
    before = table.query([0, 100, 7])
    for n in range(3, 20):
        table.add(f"d{n}", [n, 100 + n, 7])
    assert table.compiled
    assert table.query([0, 100, 7]) == before + Counter({f"d{n}": 1 for n in range(3, 20)})


def test_query_counts_keys_shared() -> None:
    for table in (BandTable(), tiny()):
        table.add("a", [1, 2, 3])
        table.add("b", [3, 4])
        table.add("c", [9])
        assert table.query([1, 2, 3, 4]) == Counter({"a": 3, "b": 2})
        assert table.query([3, 3]) == Counter({"a": 2, "b": 2})  # a key given twice counts twice
        assert table.query([5]) == Counter()
        assert table.query([]) == Counter()


def test_pairs_are_a_set() -> None:
    for table in (BandTable(), tiny()):
        table.add("a", [1, 1, 2])
        table.add("a", [2, 3])  # re-added (a replaced representative): 2 is not counted twice
        table.flush()
        table.add("a", [1, 2, 3])
        assert table.query([1, 2, 3]) == Counter({"a": 3})


def test_remove_unpairs_only_the_given_keys() -> None:
    table = tiny()
    table.add("a", [1, 2, 3, 4])
    table.add("b", [2, 5])
    table.remove("a", [2, 3])
    assert table.query([1, 2, 3, 4, 5]) == Counter({"a": 2, "b": 2})
    table.remove("missing", [1])
    table.remove("a", [99])
    assert table.query([1, 4]) == Counter({"a": 2})


def test_removed_then_added_again_is_found() -> None:
    for table in (BandTable(), tiny()):
        table.add("a", [1, 2, 3])
        table.add("b", [1])
        table.remove("a", [1, 2, 3])
        assert table.query([1, 2, 3]) == Counter({"b": 1})
        table.add("a", [1, 2, 3])
        assert table.query([1, 2, 3]) == Counter({"a": 3, "b": 1})


def test_forgotten_then_added_again_starts_afresh() -> None:
    for table in (BandTable(), tiny()):
        table.add("a", [1, 2, 3])
        table.add("b", [1, 2])
        table.forget(["a", "missing"])
        assert "a" not in table and "b" in table
        assert table.query([1, 2, 3]) == Counter({"b": 2})
        table.add("a", [3, 4])  # its old pairs (1, 2) do not come back
        assert table.query([1, 2, 3, 4]) == Counter({"b": 2, "a": 2})


def test_flushes_and_merges() -> None:
    table = tiny()
    for n in range(200):
        table.add(f"d{n}", [n, n + 1000, n % 7 + 5000])
    assert table.buffered < 3
    sizes = table.run_sizes
    assert sum(sizes) + table.buffered == 600 and len(sizes) < 12
    assert table.query([5, 1005]) == Counter({"d5": 2})
    assert table.query([5003]) == Counter({f"d{n}": 1 for n in range(200) if n % 7 == 3})


def test_merges_drop_holes_and_forgotten_entries() -> None:
    table = BandTable(buffer_rows=10, merge_ratio=1, block_rows=8)
    for n in range(100):
        table.add(f"d{n}", [n, n + 1000])
    table.flush()
    before = sum(table.run_sizes)
    table.forget([f"d{n}" for n in range(50)])
    table.remove("d60", [60, 1060])
    for n in range(100, 300):
        table.add(f"d{n}", [n + 5000])
    table.flush()
    assert sum(table.run_sizes) < before - 100 + 200  # the oldest run was rewritten without the dead pairs
    assert table.query(list(range(100))) == Counter({f"d{n}": 1 for n in range(50, 100) if n != 60})


def test_numbers() -> None:
    table = tiny()
    first = table.add("a", [1])
    assert table.add("a", [2]) == first == table.number("a") and table.name(first) == "a"
    table.forget(["a"])
    assert table.number("a") is None and table.name(first) is None
    assert table.add("a", [1]) != first and table.numbers_used == 3


def test_growable_buffer_keeps_bytes_across_resizes() -> None:
    buffer = GrowableBuffer(8)
    buffer.write(0, b"abcdefgh")
    buffer.resize(1 << 20)
    view = buffer.array(np.dtype(np.uint8), 4, offset=4)
    assert bytes(view) == b"efgh"
    with pytest.raises(BufferError):  # a view is out: the map cannot move
        buffer.resize(16)
    del view
    buffer.resize(3)
    assert buffer.read(0, 3) == b"abc" and buffer.nbytes == 3


def test_first_key_order() -> None:
    """Entries come in the order of the first key holding them, as a dict of sets filled key by key gives."""
    table = tiny()
    table.add("late", [30])
    table.add("early", [10, 30])
    table.add("middle", [20])
    assert list(table.query([10, 20, 30])) == ["early", "middle", "late"]
    assert list(table.query([30, 20, 10])) == ["late", "early", "middle"]


def test_keys_are_int64() -> None:
    extremes = [-(1 << 63), (1 << 63) - 1, 0, -1, 1]
    for table in (BandTable(), BandTable(buffer_rows=2, directory_rows=1, bucket_rows=1)):
        table.add("a", extremes[:3])
        table.add("b", extremes[2:])
        table.add("c", [7])
        table.flush()
        assert table.query(extremes) == Counter({"a": 3, "b": 3})
        assert table.query([(1 << 63) - 1, -(1 << 63), 5, -5]) == Counter({"a": 2})
        with pytest.raises(OverflowError):
            table.add("d", [1 << 63])


def test_one_key_held_by_many_entries() -> None:
    """A bucket much wider than the others (one key, many entries) is binary searched."""
    table = BandTable(buffer_rows=64, directory_rows=1, bucket_rows=4)
    for n in range(700):
        table.add(f"e{n}", [42, 1000 + n])
    table.flush()
    assert table.query([42]) == Counter({f"e{n}": 1 for n in range(700)})
    assert table.query([42, 1005, 41, 43]) == Counter({f"e{n}": 1 + (n == 5) for n in range(700)})


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_a_dict_of_sets(seed: int) -> None:
    rng = random.Random(seed)
    tables = [
        BandTable(
            buffer_rows=rng.choice([1, 5, 17, 64]),
            merge_ratio=r,
            block_rows=rng.choice([1, 9, 50]),
            directory_rows=rng.choice([1, 20, 1 << 20]),
            bucket_rows=rng.choice([1, 3, 32]),
            compiled_from=compiled_from,  # compiled lookups from the start, from 200 pairs on, or never
        )
        for r in (1, 2, 4)
        for compiled_from in (0, 200, 1 << 62)
    ]
    reference = Reference()
    keys_of: dict[str, list[int]] = {}
    key_space = rng.choice([40, 400, 1 << 62])
    for step in range(1500):
        op = rng.random()
        if op < 0.6 or not keys_of:
            entry_id = f"e{rng.randrange(300)}"
            keys = keys_of.get(entry_id) if rng.random() < 0.5 else None
            if keys is None:
                keys = [rng.randrange(-key_space, key_space) for _ in range(rng.randrange(0, 9))]
            keys_of[entry_id] = keys
            for table in tables:
                table.add(entry_id, keys)
            reference.add(entry_id, keys)
        elif op < 0.75:
            entry_id = rng.choice(sorted(keys_of))
            keys = rng.sample(keys_of[entry_id], rng.randrange(0, len(keys_of[entry_id]) + 1))
            for table in tables:
                table.remove(entry_id, keys)
            reference.remove(entry_id, keys)
        elif op < 0.8:
            gone = rng.sample(sorted(keys_of), min(len(keys_of), rng.randrange(1, 4)))
            for table in tables:
                table.forget(gone)
            reference.forget(gone)
            for entry_id in gone:
                del keys_of[entry_id]
        else:
            stored = [k for ks in keys_of.values() for k in ks]
            asked = [
                rng.choice(stored) if stored and rng.random() < 0.7 else rng.randrange(key_space)
                for _ in range(8)
            ]
            expected = reference.query(asked)
            for table in tables:
                got = table.query(asked)
                assert got == expected, (step, asked)
                firsts = [
                    min(i for i, k in enumerate(asked) if entry in reference.bands.get(k, ()))
                    for entry in got
                ]
                assert firsts == sorted(firsts)
                at_least_two = table.query(asked, min_hits=2)
                assert at_least_two == Counter({i: n for i, n in expected.items() if n >= 2})
                assert list(at_least_two) == [i for i in got if got[i] >= 2]  # same order: ties fall alike
    every = sorted({k for ks in keys_of.values() for k in ks})
    for table in tables:
        assert table.query(every) == reference.query(every)


# -- the memory index built on it -----------------------------------------------------------------------------


def _entry(entry_id: str, **changes: Any) -> IndexEntry:
    values: dict[str, Any] = {
        "id": entry_id,
        "cluster": entry_id,
        "run_id": "run-1",
        "url": f"https://example.org/{entry_id}",
        "domain": "example.org",
        "title": "Zürich vote",
        "priority": 2,
        "quality": 0.93,
        "length": 420,
        "date": "2025-03-01",
        "text_hash": hashlib.sha1(entry_id.encode()).hexdigest(),
        "signature": np.arange(128, dtype=np.uint32),
        "sample": np.array([7, 3, 2**32 - 1], dtype=np.uint32),
        "modulus": 4,
        "shingles": 2000,
        "numbers": frozenset({"2025", "", "12"}),
    }
    values.update(changes)
    return IndexEntry(**values)


def _same(a: IndexEntry, b: IndexEntry) -> bool:
    plain = [f.name for f in fields(IndexEntry) if f.name not in ("signature", "sample")]
    return (
        all(getattr(a, n) == getattr(b, n) and type(getattr(a, n)) is type(getattr(b, n)) for n in plain)
        and np.array_equal(a.signature, b.signature)
        and np.array_equal(a.sample, b.sample)
        and a.signature.dtype == b.signature.dtype
        and a.sample.dtype == b.sample.dtype
    )


def test_memory_index_returns_entries_as_given() -> None:
    """Entries are stored packed: every field comes back equal, odd ones (kept unpacked) too."""
    index = MemoryDedupeIndex()
    entries = [
        _entry("a"),
        _entry(
            "b", cluster="a", url=None, domain=None, title=None, date=None, quality=None, numbers=frozenset()
        ),
        _entry("c", sample=np.empty(0, dtype=np.uint32), priority=-(2**40), numbers=frozenset({""})),
        _entry("d", text_hash="not hex"),  # does not pack: kept as the object
        _entry("e", signature=np.arange(4, dtype=np.int64)),  # idem
        _entry("f", run_id="run-2", quality=0.0),
    ]
    index.apply(IndexUpdate(add=[(e, [hash(e.id)]) for e in entries]))
    got = index.get([e.id for e in entries] + ["missing"])
    assert list(got) == [e.id for e in entries]
    for entry in entries:
        assert _same(got[entry.id], entry), entry.id
    assert got["a"].sample.flags.writeable and got["a"] is not entries[0]
    assert sorted(index.ids_of_run("run-1")) == ["a", "b", "c", "d", "e"]
    assert index.ids_of_run("run-2") == ["f"]
    index.forget(["a", "d"])
    assert sorted(index.get(["a", "b", "d"])) == ["b"]
    assert index.query([hash("a"), hash("b")]) == Counter({"b": 1})


def test_memory_index_packs_arrays_exactly() -> None:
    index = MemoryDedupeIndex()
    rng = np.random.default_rng(3)
    cases = {
        "random": rng.integers(0, 2**32, 500, dtype=np.uint32),
        "sampled": rng.integers(0, 2**29, 300, dtype=np.uint32) << np.uint32(3),
        "zeros": np.zeros(7, dtype=np.uint32),
        "top": np.array([2**32 - 1, 0, 1 << 31], dtype=np.uint32),
        "empty": np.empty(0, dtype=np.uint32),
    }
    for name, values in cases.items():
        entry = _entry(name, signature=values, sample=values[::-1].copy())
        index.apply(IndexUpdate(add=[(entry, [])]))
        assert _same(index.get([name])[name], entry), name


def test_memory_index_remove_replace_and_compaction() -> None:
    index = MemoryDedupeIndex()
    index._entries.min_garbage = 0  # compact as soon as a quarter of the bytes is garbage
    for n in range(40):
        index.apply(IndexUpdate(add=[(_entry(f"e{n}"), [n, 100 + n])], exact={f"u:e{n}": f"e{n}"}))
    for n in range(0, 40, 2):  # replaced (the cluster changes) and removed entries leave garbage
        index.apply(IndexUpdate(add=[(_entry(f"e{n}", cluster="e1"), [n, 100 + n])]))
    index.apply(IndexUpdate(remove=[(f"e{n}", [n]) for n in range(30, 40)]))
    assert index._entries.garbage < index._entries.used  # compacted along the way
    got = index.get([f"e{n}" for n in range(40)])
    assert sorted(got) == sorted(f"e{n}" for n in range(30))
    for n in range(30):
        assert _same(got[f"e{n}"], _entry(f"e{n}", cluster="e1" if n % 2 == 0 else f"e{n}"))
    # e30..e39 lost their entry and one key; the other key still finds them, as with the dict of sets.
    assert index.query([31, 131]) == Counter({"e31": 1})
    index.apply(IndexUpdate(add=[(_entry("e31"), [31])]))
    assert index.query([31, 131]) == Counter({"e31": 2}) and "e31" in index.get(["e31"])
    assert index.resolve(["u:e3", "u:nope"]) == {"u:e3": "e3"}


def test_memory_index_exact_keys() -> None:
    index = MemoryDedupeIndex()
    digest = hashlib.sha1(b"x").hexdigest()
    keys = {f"t:{digest}": "a", f"t:{digest.upper()}": "b", "t:xyz": "c", f"u:{digest}": "d"}
    index.apply(IndexUpdate(exact=keys))
    assert index.resolve([*keys, "t:" + "0" * 40]) == keys
    index.forget(["b"])
    assert index.resolve(list(keys)) == {k: v for k, v in keys.items() if v != "b"}


def test_memory_index_url_keys_of_their_own_entry() -> None:
    """``u:X -> X`` is kept as a set of ids; a later ``u:X -> Y`` (the story's representative) overrides it."""
    index = MemoryDedupeIndex()
    index.apply(IndexUpdate(exact={"u:a": "a", "u:b": "b", "u:c": "a"}))
    assert index.resolve(["u:a", "u:b", "u:c", "u:d", "a"]) == {"u:a": "a", "u:b": "b", "u:c": "a"}
    index.apply(IndexUpdate(exact={"u:a": "b"}))
    assert index.resolve(["u:a"]) == {"u:a": "b"}
    index.apply(IndexUpdate(exact={"u:a": "a", "u:c": "c"}))
    assert index.resolve(["u:a", "u:c"]) == {"u:a": "a", "u:c": "c"}
    index.forget(["a", "c"])
    assert index.resolve(["u:a", "u:b", "u:c"]) == {"u:b": "b"}


def _kernels(name: str) -> Any:
    """The compiled lookups or their numpy twins."""
    return importlib.import_module(f"pipelines.dedupe.index.{name}")


KERNELS = ["band_search", "band_search_numpy"]


@pytest.mark.parametrize("kernels", KERNELS)
@pytest.mark.parametrize("seed", range(4))
def test_lookups_find_what_a_binary_search_of_the_whole_run_finds(seed: int, kernels: str) -> None:
    from pipelines.dedupe.index.band_table import _Run

    band_search = _kernels(kernels)

    rng = np.random.default_rng(seed)
    span = [1 << 20, 1 << 62][seed % 2]
    keys = np.sort(rng.integers(-span, span, 5000, dtype=np.int64))
    keys[100:160] = keys[100]  # one key held by many entries: a wide bucket
    run = _Run(keys, np.arange(len(keys), dtype=np.int32))
    queried = np.sort(
        np.concatenate(
            [
                rng.choice(keys, 50),
                rng.integers(-span, span, 50, dtype=np.int64),
                np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, keys[0] - 1, keys[-1] + 1]),
            ]
        )
    )
    want = (keys.searchsorted(queried, "left"), keys.searchsorted(queried, "right"))
    for bucket_rows in (None, 1, 8, 64):
        if bucket_rows is not None:
            run.build_directory(bucket_rows, 777)
        lo, hi = band_search.search_run(*run.lookup(), queried)
        found = hi > lo
        assert (hi - lo == want[1] - want[0]).all()
        assert (lo[found] == want[0][found]).all()


@pytest.mark.parametrize("kernels", KERNELS)
def test_grouping_counts_and_orders_as_a_dict_filled_hit_by_hit(kernels: str) -> None:
    band_search = _kernels(kernels)
    rng = np.random.default_rng(7)
    hits = rng.integers(1, 40, 600).astype(np.int32)
    positions = rng.integers(0, 64, 600).astype(np.int64)
    for min_hits in (1, 2, 5):
        counts: dict[int, int] = {}
        for index in np.argsort(positions, kind="stable").tolist():
            counts[int(hits[index])] = counts.get(int(hits[index]), 0) + 1
        want = [(number, n) for number, n in counts.items() if n >= min_hits]
        numbers, found = band_search.group_hits(hits, positions, min_hits)
        assert list(zip(numbers.tolist(), found.tolist(), strict=True)) == want
    empty = band_search.group_hits(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64), 1)
    assert [len(part) for part in empty] == [0, 0]


_NO_CACHE_FOLDER = """
import numpy as np
import numba.core.caching as caching

def refuse(self):
    raise OSError("read-only")

caching._CacheLocator.ensure_cache_path = refuse  # no folder numba could cache machine code in
from pipelines.dedupe.index import band_search

lo, hi = band_search.search_run(
    np.array([1, 3, 3, 7], dtype=np.int64), np.zeros(0, dtype=np.int64), 0, 0, np.array([3], dtype=np.int64)
)
print(lo.tolist(), hi.tolist())
"""


def test_compiled_lookups_work_where_numba_cannot_cache() -> None:
    """A read-only install without a home folder: the lookups compile in the process instead of failing."""
    assert run_snippet(_NO_CACHE_FOLDER, timeout=300).split() == ["[1]", "[3]"]


def test_forgetting_a_representative_makes_the_copies_it_replaced_represent_their_story(
    tmp_path: Path,
) -> None:
    """A killed run's copy that had replaced the kept article as its cluster's representative is forgotten by
    recovery (it never reached the files); the article it replaced, written before, represents its story again,
    so its copies are still found (``Deduplicator`` skips a candidate whose representative is gone)."""
    from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex

    for index in (MemoryDedupeIndex(), SQLiteDedupeIndex(tmp_path / "dedupe.sqlite")):
        index.open({"k": 1})
        written, other, unwritten = (
            _entry("a", cluster="c"),
            _entry("b", cluster="b"),
            _entry("c", cluster="c"),
        )
        index.apply(IndexUpdate(add=[(e, [hash(e.id)]) for e in (written, other, unwritten)]))
        index.forget(["c"])
        got = index.get(["a", "b", "c"])
        assert {i: e.cluster for i, e in got.items()} == {"a": "a", "b": "b"}, type(index).__name__
        assert _same(got["a"], _entry("a"))
        index.close()


def test_the_sqlite_index_counts_and_orders_hits_as_the_memory_index(tmp_path: Path) -> None:
    """SQLite counts the shared keys of each entry itself: the same counts, in the same order (ties fall alike),
    also for a query of more keys than one statement takes."""
    from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex

    rng = random.Random(7)
    keys_of = {f"e{n:03d}": sorted(rng.sample(range(2000), rng.randrange(1, 80))) for n in range(120)}
    memory, sqlite = MemoryDedupeIndex(), SQLiteDedupeIndex(tmp_path / "dedupe.sqlite")
    for index in (memory, sqlite):
        index.open({"k": 1})
        index.apply(IndexUpdate(add=[(_entry(i), keys) for i, keys in keys_of.items()]))
    for asked in (keys_of["e007"], sorted(rng.sample(range(2000), 64)), list(range(0, 2000, 3))):
        for min_hits in (1, 2):
            expected = memory.query(asked, min_hits)
            got = sqlite.query(asked, min_hits)
            assert got == expected and list(got) == list(expected)
    sqlite.close()
