"""Site-level boilerplate learning: a domain's recurring lines go once the domain has enough pages."""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.clean.line_stores import LineCountStore, MemoryLineStore
from pipelines.clean.site_lines import BoilerplateConfig, SiteBoilerplate, line_key

PLUG = "Support independent journalism in the valley: become a member today."


def story(i: int) -> str:
    return "\n".join(
        [
            f"Story number {i} begins with a paragraph that no other page of the site repeats in these words.",
            f"It goes on with a second paragraph about subject {i}, again unique to this page.",
            PLUG,
        ]
    )


def test_recurring_line_is_stripped_after_min_pages() -> None:
    learner = SiteBoilerplate(BoilerplateConfig(threshold=0.5, min_pages=4))
    outputs = [learner.process("valley.test", story(i)) for i in range(6)]
    assert all(PLUG in out for out in outputs[:3])  # fewer than min_pages seen: nothing stripped yet
    assert all(PLUG not in out for out in outputs[3:])
    assert all(f"Story number {i} begins" in out for i, out in enumerate(outputs))


def test_lines_below_threshold_and_other_domains_are_kept() -> None:
    learner = SiteBoilerplate(BoilerplateConfig(threshold=0.5, min_pages=3))
    for i in range(4):
        learner.observe("valley.test", story(i))
    rare = "A line that two pages share."
    learner.observe("valley.test", rare)
    assert learner.strip("valley.test", f"{rare}\nmore") == f"{rare}\nmore"
    assert learner.strip("other.test", PLUG) == PLUG
    assert PLUG not in learner.strip("valley.test", story(99))


def test_case_and_punctuation_do_not_hide_a_line() -> None:
    assert line_key("Follow us on X!") == line_key("follow us on   x")


class DictStore:
    """A store as a shared backend would implement it (the Protocol is all the learner needs)."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.lines: dict[tuple[str, str], int] = {}

    def add_page(self, domain: str, keys: Iterable[str]) -> None:
        self.pages[domain] = self.pages.get(domain, 0) + 1
        for key in set(keys):
            self.lines[domain, key] = self.lines.get((domain, key), 0) + 1

    def page_count(self, domain: str) -> int:
        return self.pages.get(domain, 0)

    def line_counts(self, domain: str, keys: Iterable[str]) -> dict[str, int]:
        return {k: self.lines[domain, k] for k in keys if (domain, k) in self.lines}


def test_custom_store() -> None:
    store: LineCountStore = DictStore()
    learner = SiteBoilerplate(BoilerplateConfig(min_pages=2), store=store)
    for i in range(3):
        learner.process("valley.test", story(i))
    assert PLUG not in learner.process("valley.test", story(3))


def test_memory_store_is_bounded() -> None:
    store = MemoryLineStore(max_lines_per_domain=10)
    for i in range(30):
        store.add_page("valley.test", [f"k{i}"])
    store.add_page("valley.test", ["k0"])
    assert len(store._lines["valley.test"]) <= 11


def test_sqlite_line_counts_carry_over_to_the_next_run(tmp_path) -> None:  # noqa: ANN001
    from pipelines.clean.line_stores import SQLiteLineStore

    first = SQLiteLineStore(tmp_path / "lines.sqlite")
    for page in range(6):
        first.add_page("site.example", ["footer", f"story {page}"])
    first.close()
    second = SQLiteLineStore(tmp_path / "lines.sqlite")
    assert second.page_count("site.example") == 6
    assert second.line_counts("site.example", ["footer", "story 1", "never"]) == {"footer": 6, "story 1": 1}
    assert second.page_count("other.example") == 0
    second.close()


def test_sqlite_line_store_stays_bounded(tmp_path) -> None:  # noqa: ANN001
    from pipelines.clean.line_stores import SQLiteLineStore

    store = SQLiteLineStore(tmp_path / "lines.sqlite", max_lines_per_domain=50)
    for page in range(100):
        store.add_page("site.example", ["footer", f"a {page}", f"b {page}"])
    assert store.line_counts("site.example", ["footer"]) == {"footer": 100}
    (size,) = store.db.execute("SELECT count(*) FROM lines").fetchone()
    assert size <= 51  # pruned at the hundredth page: lines seen once are dropped
    store.close()


def test_sqlite_line_counts_are_committed_in_batches_and_on_close(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    from pipelines.clean.line_stores import SQLiteLineStore

    store = SQLiteLineStore(tmp_path / "lines.sqlite", commit_every=3)

    def committed_pages() -> int:
        reader = sqlite3.connect(tmp_path / "lines.sqlite")
        try:
            row = reader.execute("SELECT count FROM pages WHERE domain = 'site.example'").fetchone()
        finally:
            reader.close()
        return int(row[0]) if row else 0

    for page in range(4):
        store.add_page("site.example", ["footer", f"story {page}"])
    assert store.page_count("site.example") == 4  # the store sees its own batch
    assert committed_pages() == 3  # the fourth page waits for the next batch
    store.close()
    assert committed_pages() == 4


def test_boilerplate_learner_closes_its_store(tmp_path) -> None:  # noqa: ANN001
    from pipelines.clean.line_stores import SQLiteLineStore
    from pipelines.clean.site_lines import SiteBoilerplate

    learner = SiteBoilerplate(store=SQLiteLineStore(tmp_path / "lines.sqlite"))
    learner.process("site.example", "A line long enough to be counted as a line of this page.")
    learner.close()
    reopened = SQLiteLineStore(tmp_path / "lines.sqlite")
    assert reopened.page_count("site.example") == 1
    reopened.close()
