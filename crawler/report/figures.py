"""Per-site, time, language and length figures, tallied one record at a time.

A run of a million articles does not fit in memory as records, but its tallies do: counters keyed by site,
day, language and exact word count (a site has a few thousand distinct word counts at most), from which the
medians and quantiles are exact. Each ``add_*`` method takes one line of a run file; the ``*_figures``
methods turn the tallies into the JSON the page is drawn from.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pipelines.extract.rights import SIGNALS, signals_of

#: Lag between publication and fetch: (upper bound in seconds, label).
LAG_BUCKETS: tuple[tuple[float, str], ...] = (
    (3600, "under 1 hour"),
    (6 * 3600, "1 to 6 hours"),
    (86400, "6 to 24 hours"),
    (3 * 86400, "1 to 3 days"),
    (7 * 86400, "3 to 7 days"),
    (30 * 86400, "1 to 4 weeks"),
    (365 * 86400, "1 to 12 months"),
    (math.inf, "over a year"),
)
#: Edges of the word-count histogram (the last bin is open).
WORD_EDGES = (0, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000, 5000)
#: Rejections that say a page had no article in it: a site whose layout changed shows many.
EMPTY_REASONS = frozenset({"extract/no-text", "extract/not-article", "clean/no-text"})
#: Rejections of pages that never reached the item pipeline (not counted as a site's article pages).
BEFORE_PIPELINE = ("discover", "fetch")


def host_of(url: Any) -> str:
    if not isinstance(url, str) or not url:
        return "?"
    return (urlsplit(url).hostname or "?").removeprefix("www.")


def primary_language(tag: Any) -> str | None:
    """``en-GB``, ``en_us``, ``EN`` -> ``en``; None when the page declares nothing."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def quantiles(counts: Counter[int], points: Iterable[float]) -> dict[str, int | None]:
    """Exact quantiles (nearest rank) of integers tallied in ``counts``."""
    total = sum(counts.values())
    wanted = sorted(points)
    result: dict[str, int | None] = {f"p{round(p * 100)}": None for p in wanted}
    if not total:
        return result
    seen = 0
    targets = [(f"p{round(p * 100)}", max(1, math.ceil(p * total))) for p in wanted]
    it = iter(targets)
    name, rank = next(it)
    for value in sorted(counts):
        seen += counts[value]
        while seen >= rank:
            result[name] = value
            step = next(it, None)
            if step is None:
                return result
            name, rank = step
    return result


def median(counts: Counter[int]) -> int | None:
    return quantiles(counts, (0.5,))["p50"]


def top_shares(counts: Counter[str], n: int = 3) -> list[dict[str, Any]]:
    total = sum(counts.values())
    return [{"value": k, "count": v, "share": round(v / total, 4)} for k, v in counts.most_common(n) if total]


@dataclass
class SiteTally:
    """What one domain gave: written, dropped copies, rejections by reason, and its articles' make-up."""

    written: int = 0
    duplicates: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    words: Counter[int] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    date_sources: Counter[str] = field(default_factory=Counter)
    rights: Counter[str] = field(default_factory=Counter)

    def row(self, domain: str) -> dict[str, Any]:
        pipeline_rejected = sum(
            n for reason, n in self.rejected.items() if reason.split("/", 1)[0] not in BEFORE_PIPELINE
        )
        pages = self.written + self.duplicates + pipeline_rejected
        empty = sum(n for reason, n in self.rejected.items() if reason in EMPTY_REASONS)
        top = self.rejected.most_common(1)
        return {
            "domain": domain,
            "written": self.written,
            "duplicates": self.duplicates,
            "rejected": sum(self.rejected.values()),
            "top_rejection": {"reason": top[0][0], "count": top[0][1]} if top else None,
            "article_pages": pages,
            "empty_share": round(empty / pages, 4) if pages else None,
            "median_words": median(self.words),
            "languages": top_shares(self.languages),
            "date_sources": top_shares(self.date_sources),
        }


@dataclass
class CorpusTally:
    """The tallies of every record of the runs reported."""

    sites: dict[str, SiteTally] = field(default_factory=dict)
    by_day: Counter[str] = field(default_factory=Counter)
    lag: Counter[str] = field(default_factory=Counter)
    lag_hours: Counter[int] = field(default_factory=Counter)
    no_date: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    declared: Counter[tuple[str, str]] = field(default_factory=Counter)
    undeclared: int = 0
    words: Counter[int] = field(default_factory=Counter)
    rights: Counter[str] = field(default_factory=Counter)

    def site(self, domain: str) -> SiteTally:
        tally = self.sites.get(domain)
        if tally is None:
            tally = self.sites[domain] = SiteTally()
        return tally

    def add_article(self, record: dict[str, Any]) -> None:
        site = self.site(record.get("domain") or host_of(record.get("url")))
        site.written += 1
        words = record.get("word_count")
        if isinstance(words, int):
            site.words[words] += 1
            self.words[words] += 1
        language = record.get("language") or "und"
        site.languages[language] += 1
        self.languages[language] += 1
        declared = primary_language(record.get("declared_language"))
        if declared is None:
            self.undeclared += 1
        else:
            self.declared[(declared, language)] += 1
        site.date_sources[record.get("date_source") or "none"] += 1
        signals = signals_of(record.get("rights"))
        site.rights.update(signals)
        self.rights.update(signals)
        published = record.get("date_published")
        if not isinstance(published, str) or len(published) < 10:
            self.no_date += 1
            return
        self.by_day[published[:10]] += 1
        start, end = parse_time(published), parse_time(record.get("fetched_at"))
        if start is None or end is None:
            return
        seconds = max(0.0, (end - start).total_seconds())
        self.lag_hours[int(seconds // 3600)] += 1
        for bound, label in LAG_BUCKETS:
            if seconds < bound:
                self.lag[label] += 1
                break

    def add_duplicate(self, record: dict[str, Any]) -> None:
        self.site(record.get("domain") or host_of(record.get("url"))).duplicates += 1

    def add_rejected(self, record: dict[str, Any]) -> None:
        reason = f"{record.get('stage') or '?'}/{record.get('reason') or '?'}"
        self.site(record.get("domain") or host_of(record.get("url"))).rejected[reason] += 1

    def site_figures(self) -> list[dict[str, Any]]:
        rows = [tally.row(domain) for domain, tally in self.sites.items()]
        return sorted(rows, key=lambda r: (-r["written"], -r["duplicates"], -r["rejected"], r["domain"]))

    def rights_figures(self) -> dict[str, Any]:
        """Of the articles written, how many carry each rights signal (``pipelines.extract.rights.SIGNALS``):
        over the corpus and per site, sites with most articles first."""

        def shares(counts: Counter[str], articles: int) -> dict[str, dict[str, Any]]:
            return {
                s: {"count": counts[s], "share": round(counts[s] / articles, 4) if articles else None}
                for s in SIGNALS
            }

        articles = sum(t.written for t in self.sites.values())
        ranked = sorted(
            (kv for kv in self.sites.items() if kv[1].written > 0), key=lambda kv: (-kv[1].written, kv[0])
        )
        sites = [
            {"domain": domain, "articles": t.written, "signals": shares(t.rights, t.written)}
            for domain, t in ranked
        ]
        return {
            "signals": list(SIGNALS),
            "articles": articles,
            "total": shares(self.rights, articles),
            "sites": sites,
        }

    def time_figures(self) -> dict[str, Any]:
        dated = sum(self.lag_hours.values())
        return {
            "by_day": dict(sorted(self.by_day.items())),
            "first_day": min(self.by_day) if self.by_day else None,
            "last_day": max(self.by_day) if self.by_day else None,
            "no_date": self.no_date,
            "lag": [
                {
                    "lag": label,
                    "count": self.lag[label],
                    "share": round(self.lag[label] / dated, 4) if dated else None,
                }
                for _, label in LAG_BUCKETS
            ],
            "lag_median_hours": median(self.lag_hours),
            "lag_p90_hours": quantiles(self.lag_hours, (0.9,))["p90"],
        }

    def language_figures(self) -> dict[str, Any]:
        total = sum(self.languages.values())
        declared_total = sum(self.declared.values())
        agree = sum(n for (declared, detected), n in self.declared.items() if declared == detected)
        return {
            "detected": [
                {"language": k, "count": v, "share": round(v / total, 4)}
                for k, v in self.languages.most_common()
            ],
            "declared_vs_detected": [
                {"declared": d, "detected": g, "count": n, "agrees": d == g}
                for (d, g), n in sorted(self.declared.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "agreement": round(agree / declared_total, 4) if declared_total else None,
            "undeclared": self.undeclared,
        }

    def length_figures(self) -> dict[str, Any]:
        total = sum(self.words.values())
        bins = []
        for i, low in enumerate(WORD_EDGES):
            high = WORD_EDGES[i + 1] if i + 1 < len(WORD_EDGES) else None
            count = sum(n for w, n in self.words.items() if w >= low and (high is None or w < high))
            bins.append({"from": low, "to": high, "count": count})
        return {
            "articles": total,
            "total_words": sum(w * n for w, n in self.words.items()),
            "mean": round(sum(w * n for w, n in self.words.items()) / total, 1) if total else None,
            "quantiles": quantiles(self.words, (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)),
            "histogram": bins,
        }
