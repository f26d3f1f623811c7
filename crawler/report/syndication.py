"""Who carries whose stories: the dropped copies of ``duplicates.jsonl`` against the articles they repeat.

Three passes, each a stream: the duplicates files (every copy with the id it repeats, small next to the
shards), the shards (only the domain and title of the articles some copy points at are kept), and the
duplicates files again for the copies of the few largest clusters, whose titles the page shows. A copy may
point at an article that was itself replaced later by a better copy (the writer retracts it); the chain is
followed to the article that was kept, as ``newscorpus merge`` does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.report.figures import host_of

#: Domains shown in the matrix, each way; the pairs list in report.json has every pair.
MATRIX_DOMAINS = 12
CLUSTERS = 10
COPIES_SHOWN = 25


@dataclass(frozen=True)
class Copy:
    domain: str
    kind: str
    duplicate_of: str
    kept_host: str


@dataclass
class Syndication:
    copies: dict[str, Copy] = field(default_factory=dict)
    repeated: int = 0
    _final: dict[str, str] = field(default_factory=dict)
    _kept: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    _details: dict[str, dict[str, Any]] = field(default_factory=dict)
    _largest: list[tuple[str, int]] = field(default_factory=list)

    # pass 1 ---------------------------------------------------------------------------------------------
    def add_copy(self, record: dict[str, Any]) -> None:
        key = str(record.get("id") or record.get("url") or "")
        if key in self.copies:
            self.repeated += 1
            return
        self.copies[key] = Copy(
            domain=str(record.get("domain") or host_of(record.get("url"))),
            kind=str(record.get("kind") or "?"),
            duplicate_of=str(record.get("duplicate_of") or ""),
            kept_host=host_of(record.get("duplicate_of_url")),
        )

    def resolve(self) -> None:
        """Follow every copy to the article that was kept; pick the largest clusters."""
        sizes: Counter[str] = Counter()
        for key, copy in self.copies.items():
            target = copy.duplicate_of
            seen = {key}
            while target in self.copies and target not in seen:
                seen.add(target)
                target = self.copies[target].duplicate_of
            self._final[key] = target
            sizes[target] += 1
        self._largest = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:CLUSTERS]

    def targets(self) -> set[str]:
        return set(self._final.values())

    # pass 2 ---------------------------------------------------------------------------------------------
    def add_kept(self, record: dict[str, Any], largest: set[str]) -> None:
        """A shard record whose id some copy points at (the caller checks ``targets``)."""
        rid = str(record.get("id"))
        domain = str(record.get("domain") or host_of(record.get("url")))
        if rid in largest:
            self._kept[rid] = (domain, record.get("title"), record.get("url"))
        else:
            self._kept[rid] = (domain, None, None)

    def largest_ids(self) -> set[str]:
        return {target for target, _ in self._largest}

    # pass 3 ---------------------------------------------------------------------------------------------
    def wanted_details(self) -> set[str]:
        largest = self.largest_ids()
        wanted: dict[str, list[str]] = {t: [] for t in largest}
        for key, target in self._final.items():
            if target in wanted and len(wanted[target]) < COPIES_SHOWN:
                wanted[target].append(key)
        return {key for keys in wanted.values() for key in keys}

    def add_detail(self, record: dict[str, Any]) -> None:
        key = str(record.get("id") or record.get("url") or "")
        self._details.setdefault(
            key,
            {"title": record.get("title"), "url": record.get("url"), "score": record.get("score")},
        )

    # figures --------------------------------------------------------------------------------------------
    def _kept_domain(self, copy_key: str) -> str:
        target = self._final[copy_key]
        if target in self._kept:
            return self._kept[target][0]
        # The kept article is not in the runs reported (an earlier run, or a worker's lost line): the copy's
        # record names its URL.
        last, seen = copy_key, {copy_key}
        while (step := self.copies[last].duplicate_of) != target and step in self.copies and step not in seen:
            seen.add(step)
            last = step
        return self.copies[last].kept_host

    def figures(self) -> dict[str, Any]:
        pairs: Counter[tuple[str, str]] = Counter()
        kinds: Counter[tuple[str, str, str]] = Counter()
        for key, copy in self.copies.items():
            kept = self._kept_domain(key)
            pairs[(kept, copy.domain)] += 1
            kinds[(kept, copy.domain, copy.kind)] += 1
        rows: Counter[str] = Counter()
        cols: Counter[str] = Counter()
        for (kept, copied), n in pairs.items():
            rows[kept] += n
            cols[copied] += n
        row_names = [d for d, _ in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))[:MATRIX_DOMAINS]]
        col_names = [d for d, _ in sorted(cols.items(), key=lambda kv: (-kv[1], kv[0]))[:MATRIX_DOMAINS]]
        all_kinds = Counter(copy.kind for copy in self.copies.values())
        cross = sum(n for (kept, copied), n in pairs.items() if kept != copied)
        return {
            "copies": len(self.copies),
            "repeated_records": self.repeated,
            "across_sites": cross,
            "within_site": len(self.copies) - cross,
            "by_kind": dict(sorted(all_kinds.items())),
            "matrix": {
                "rows": row_names,
                "columns": col_names,
                "counts": [[pairs.get((r, c), 0) for c in col_names] for r in row_names],
                "more_rows": max(0, len(rows) - len(row_names)),
                "more_columns": max(0, len(cols) - len(col_names)),
            },
            "pairs": [
                {
                    "kept": kept,
                    "copied": copied,
                    "count": n,
                    "kinds": {
                        k: kinds[(kept, copied, k)] for k in sorted(all_kinds) if kinds[(kept, copied, k)]
                    },
                }
                for (kept, copied), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "clusters": [self._cluster(target, size) for target, size in self._largest],
        }

    def _cluster(self, target: str, size: int) -> dict[str, Any]:
        domain, title, url = self._kept.get(target, (None, None, None))
        members = [key for key, final in self._final.items() if final == target]
        kinds = Counter(self.copies[key].kind for key in members)
        shown = []
        for key in members[:COPIES_SHOWN]:
            detail = self._details.get(key, {})
            copy = self.copies[key]
            shown.append(
                {
                    "id": key,
                    "domain": copy.domain,
                    "kind": copy.kind,
                    "score": detail.get("score"),
                    "title": detail.get("title"),
                    "url": detail.get("url"),
                }
            )
        return {
            "kept_id": target,
            "kept_domain": domain or (self._kept_domain(members[0]) if members else None),
            "kept_title": title,
            "kept_url": url,
            "in_runs": target in self._kept,
            "copies": size,
            "kinds": dict(sorted(kinds.items())),
            "shown": shown,
        }
