"""The dedupe stage: one story once, the best copy kept, every other copy accounted for.

Three levels, each its own drop class and ``kind`` in ``duplicates.jsonl``:

- ``exact``: the same canonical URL (the same article id), or the same text once case, punctuation and
  spacing are normalised away.
- ``near``: a syndicated copy with other furniture or light edits, or a truncated or extended version: most of
  the shorter text (character 9-gram containment) is in the longer one, and the shared part starts near the
  top of the longer one (a story whose paragraphs only show up in another page's teaser block starts late).
- ``reworded``: the same story re-written (machine translation and back, spinning, light paraphrase): the
  two texts share a large part of their character 9-grams both ways (Jaccard), not only one way, within a
  window of publication dates.

How: MinHash signatures of the character shingles go into an LSH index (candidates); each candidate is then
verified with exact scores on the shingle samples. A new text is compared only with each cluster's
representative (the copy kept so far), never with the other copies, so weak links do not chain different
stories together.

Which copy is kept (the keep rule, applied over the whole cluster, not first come):

1. the higher source priority (``_source_priority``, from the site profile: an outlet marked as the
   original wins);
2. the better text quality, when it differs by more than ``quality_margin``: the share of real words
   (``pipelines.text_quality``), which a garbled machine-translated copy loses;
3. the more complete text, when one is longer by more than ``length_margin``;
4. the earlier publication date (a known date beats an unknown one);
5. otherwise the copy already kept.

When a better copy arrives after a lesser one was written in the same run, the item goes on with
``item["_retract"]``: the write stage removes the lesser copy from its shard when the run closes and records
it as a duplicate of the better one. Copies of an article kept by an earlier run are always dropped (earlier
runs' shards are never rewritten).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipelines import ahead
from pipelines.dedupe_index import DedupeIndex, IndexEntry, IndexUpdate, MemoryDedupeIndex, SQLiteDedupeIndex
from pipelines.drops import Duplicate, ExactDuplicate, NearDuplicate, RewordedDuplicate, duplicate_record
from pipelines.fingerprint import Fingerprint, FingerprintConfig, band_keys, fingerprint, overlap
from pipelines.text_quality import word_quality
from pipelines.worker_pool import WorkerPool

logger = logging.getLogger(__name__)

SETTINGS_PREFIX = "NEWSCORPUS_DEDUP_"
INDEX_FILE = "dedupe.sqlite"
KIND_RANK = {"exact": 3, "near": 2, "reworded": 1}
DROPS: dict[str, type[Duplicate]] = {
    "exact": ExactDuplicate,
    "near": NearDuplicate,
    "reworded": RewordedDuplicate,
}


@dataclass(frozen=True)
class DedupeConfig:
    """Thresholds of the dedupe stage; the defaults are the values ``benchmarks/dedupe_quality.py`` chose.

    Every field can be set with a Scrapy setting ``NEWSCORPUS_DEDUP_<FIELD>`` (``NEWSCORPUS_DEDUP_NEAR_CONTAINMENT``).
    The first four change the fingerprints: a persistent index built with other values refuses to open.
    """

    #: Characters per shingle, MinHash permutations, permutations per LSH band, MinHash seed.
    shingle_size: int = 9
    num_perm: int = 128
    rows_per_band: int = 2
    seed: int = 1
    #: A candidate must share this many LSH bands with the new text (2 of 64 keeps copies with a 9-gram
    #: Jaccard of 0.25 at 91%, 0.3 at 98%, and drops 99.99% of unrelated texts before verification).
    min_band_hits: int = 2
    #: Verify at most this many candidates, the ones sharing the most bands first.
    max_candidates: int = 64
    #: Texts shorter than this many shingles (about characters) are only checked for exact copies.
    min_shingles: int = 150
    #: near: containment of the shorter text in the longer one, the shorter one's minimum share of the
    #: longer one's length, and how far into the longer text the shared part may start (0..1).
    near_containment: float = 0.8
    near_min_ratio: float = 0.2
    near_max_start: float = 0.3
    #: reworded: Jaccard of the two texts, containment of the shorter in the longer, and how far into
    #: either text the shared part may start.
    reworded_jaccard: float = 0.28
    reworded_containment: float = 0.5
    reworded_max_start: float = 0.3
    #: reworded: when both texts carry at least ``numbers_min`` numbers, at least this share of the shorter
    #: text's numbers must be in the longer one (spun copies lose some numbers, follow-ups bring new ones).
    numbers_min: int = 4
    numbers_share: float = 0.15
    #: reworded: publication dates further apart than this many days (when both are known) are different
    #: stories, however alike.
    date_window_days: float = 7.0
    #: Keep rule: a quality difference under this (share of real words) or a length difference under this
    #: share is a tie, decided by the next criterion.
    quality_margin: float = 0.005
    length_margin: float = 0.1

    def fingerprint_config(self) -> FingerprintConfig:
        return FingerprintConfig(
            shingle_size=self.shingle_size,
            num_perm=self.num_perm,
            rows_per_band=self.rows_per_band,
            seed=self.seed,
        )

    @classmethod
    def from_settings(cls, settings: Any) -> DedupeConfig:
        """Read ``NEWSCORPUS_DEDUP_<FIELD>`` settings; fields not set keep their defaults."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = SETTINGS_PREFIX + f.name.upper()
            if settings.get(key) is None:
                continue
            getter = {"int": settings.getint, "float": settings.getfloat}.get(str(f.type), settings.get)
            values[f.name] = getter(key)
        return cls(**values)


@dataclass
class Decision:
    """What the stage decided for one record.

    ``kind`` is ``"new"`` when nothing matched, else the level of the match. ``keep`` tells whether the record
    goes on; when it goes on as the better copy of a story already written in this run, ``retract`` holds the
    ``duplicates.jsonl`` lines of the copies it replaces.
    """

    kind: str
    keep: bool
    duplicate_of: str | None = None
    duplicate_of_url: str | None = None
    score: float = 1.0
    retract: list[dict[str, Any]] = field(default_factory=list)

    def drop(self) -> Duplicate:
        """The exception to raise for a dropped record."""
        assert not self.keep and self.duplicate_of is not None
        return DROPS[self.kind](self.duplicate_of, self.score, self.duplicate_of_url)


@dataclass
class _Match:
    entry: IndexEntry
    kind: str
    score: float


def record_id(record: dict[str, Any]) -> str:
    """The record's id, else one made from its canonical URL or URL, as ``crawler.items.article_id`` does."""
    from crawler.items import article_id

    rid = record.get("id")
    if rid:
        return str(rid)
    url = record.get("canonical_url") or record.get("url")
    if url:
        return article_id(str(url))
    return article_id("text:" + fingerprint_text_hash(record.get("text") or ""))


def fingerprint_text_hash(text: str) -> str:
    from pipelines.fingerprint import normalize_text, text_hash

    return text_hash(normalize_text(text))


def _parse_date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed


def _days_apart(a: str | None, b: str | None) -> float | None:
    da, db = _parse_date(a), _parse_date(b)
    if da is None or db is None:
        return None
    if (da.tzinfo is None) != (db.tzinfo is None):
        da, db = da.replace(tzinfo=None), db.replace(tzinfo=None)
    return abs((da - db).total_seconds()) / 86400.0


def better(a: IndexEntry, b: IndexEntry, config: DedupeConfig) -> bool:
    """True when copy ``a`` should be kept rather than copy ``b`` (the keep rule; ``b`` wins ties)."""
    if a.priority != b.priority:
        return a.priority > b.priority
    if a.quality is not None and b.quality is not None and abs(a.quality - b.quality) > config.quality_margin:
        return a.quality > b.quality
    longer, shorter = max(a.length, b.length), min(a.length, b.length)
    if longer > shorter * (1.0 + config.length_margin):
        return a.length > b.length
    da, db = _parse_date(a.date), _parse_date(b.date)
    if da is not None and db is not None:
        if (da.tzinfo is None) != (db.tzinfo is None):
            da, db = da.replace(tzinfo=None), db.replace(tzinfo=None)
        return da < db
    return da is not None and db is None


@dataclass(frozen=True)
class TextFeatures:
    """What the check needs from the text alone: the CPU-heavy part (shingling, MinHash, word quality), which
    the crawl computes in a worker process so that the reactor only queries and updates the index."""

    fingerprint: Fingerprint
    quality: float | None
    length: int


def text_features(text: str, language: str | None, config: FingerprintConfig) -> TextFeatures:
    """The worker task of the dedupe stage (also what ``Deduplicator.check`` runs when not given features)."""
    return TextFeatures(fingerprint(text, config), word_quality(text, language or "en"), len(text.split()))


#: Item key of text features computed ahead, in the language stage's worker task (see ``pipelines.ahead``).
FEATURES_AHEAD_KEY = "_features_ahead"


def fingerprint_config_ahead(settings: Any) -> FingerprintConfig | None:
    """The dedupe stage's fingerprint configuration when the stage runs in this crawl, for an earlier stage that
    computes the text features ahead (the language stage); None when it does not run."""
    if not settings.getbool(SETTINGS_PREFIX + "ENABLED", True):
        return None
    if not ahead.stage_runs(settings, "pipelines.dedupe.DedupePipeline"):
        return None
    return DedupeConfig.from_settings(settings).fingerprint_config()


def keep_features_ahead(item: dict[str, Any], config: FingerprintConfig, features: TextFeatures) -> None:
    """Leave features computed from the item's current text and language for the dedupe stage."""
    ahead.leave(item, FEATURES_AHEAD_KEY, (item.get("text") or "", item.get("language"), config), features)


def features_from_ahead(item: dict[str, Any], config: FingerprintConfig) -> TextFeatures | None:
    """The features ``keep_features_ahead`` left, if made with this configuration from the item's current text
    and language (a stage in between may change either)."""
    features = ahead.take(item, FEATURES_AHEAD_KEY, (item.get("text") or "", item.get("language"), config))
    return features if isinstance(features, TextFeatures) else None


class Deduplicator:
    """The stage's logic, without Scrapy: ``check(record) -> Decision`` for one record after another.

    ``run_id`` tells this run's entries from earlier runs' in a persistent index: copies of an earlier run's
    article are always dropped, copies within the run compete under the keep rule.
    """

    def __init__(
        self, config: DedupeConfig | None = None, index: DedupeIndex | None = None, run_id: str | None = None
    ) -> None:
        self.config = config or DedupeConfig()
        self.fp_config = self.config.fingerprint_config()
        self.index: DedupeIndex = index if index is not None else MemoryDedupeIndex()
        self.run_id = run_id or f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(3)}"
        self.counts: dict[str, int] = {
            "checked": 0,
            "new": 0,
            "exact": 0,
            "near": 0,
            "reworded": 0,
            "replaced": 0,
        }
        self._opened = False

    def open(self) -> None:
        if not self._opened:
            self.index.open(self.fp_config.params())
            self._opened = True

    def close(self) -> None:
        if self._opened:
            self.index.close()
            self._opened = False

    # -- the decision -------------------------------------------------------------------------------------

    def check(self, record: dict[str, Any], features: TextFeatures | None = None) -> Decision:
        """Decide one record (a dict with at least ``text``; see ``crawler.items`` for the other fields).

        ``features``: ``text_features`` of the record's text and language with this deduplicator's fingerprint
        configuration, when the caller computed them elsewhere (in a worker process)."""
        self.open()
        self.counts["checked"] += 1
        rid = record_id(record)
        if features is None:
            features = text_features(record.get("text") or "", record.get("language"), self.fp_config)
        fp = features.fingerprint
        entry = self._entry(record, rid, features)
        keys = fp.bands or band_keys(fp.signature, self.config.rows_per_band)

        url_key, text_key = f"u:{rid}", f"t:{fp.text_hash}"
        found = self.index.resolve([url_key, text_key])
        if url_key in found:
            rep = self._representative(found[url_key])
            if rep is not None:
                # The same article again (a re-crawl, or two links to one URL): never a contest.
                return self._dropped(entry, keys, _Match(rep, "exact", 1.0))
        matches: dict[str, _Match] = {}
        if text_key in found:
            rep = self._representative(found[text_key])
            if rep is not None:
                matches[rep.id] = _Match(rep, "exact", 1.0)
        if fp.shingles >= self.config.min_shingles:
            for match in self._similar(fp, entry, keys):
                known = matches.get(match.entry.id)
                if known is None or (KIND_RANK[match.kind], match.score) > (
                    KIND_RANK[known.kind],
                    known.score,
                ):
                    matches[match.entry.id] = match

        if not matches:
            self.counts["new"] += 1
            self.index.apply(IndexUpdate(add=[(entry, keys)], exact={url_key: rid, text_key: rid}))
            return Decision("new", True)

        ranked = sorted(matches.values(), key=lambda m: (KIND_RANK[m.kind], m.score), reverse=True)
        earlier = [m for m in ranked if m.entry.run_id != self.run_id]
        if earlier:
            return self._dropped(entry, keys, earlier[0])
        winner: IndexEntry = ranked[0].entry
        for match in ranked[1:]:
            if better(match.entry, winner, self.config):
                winner = match.entry
        if not better(entry, winner, self.config):
            return self._dropped(entry, keys, matches[winner.id])
        return self._replace(entry, keys, ranked)

    def _similar(self, fp: Fingerprint, entry: IndexEntry, keys: list[int]) -> list[_Match]:
        """Verified matches among the LSH candidates, each resolved to its story's representative.

        A representative may match at any level; another copy of a story only as ``near`` (a strong link),
        so a truncated copy still finds its story when the representative is a re-worded copy, while weak
        links never chain.
        """
        hits = self.index.query(keys, self.config.min_band_hits)  # the index leaves out weaker candidates
        ids = [i for i, _ in hits.most_common()]
        ids = ids[: self.config.max_candidates]
        if not ids:
            return []
        out = []
        for candidate in self.index.get(ids).values():
            is_rep = candidate.cluster == candidate.id
            verdict = self.verify(fp, entry, candidate, reworded=is_rep)
            if verdict is None:
                continue
            rep = candidate if is_rep else self._representative(candidate.cluster)
            if rep is not None:
                out.append(_Match(rep, *verdict))
        return out

    def verify(
        self, fp: Fingerprint, entry: IndexEntry, other: IndexEntry, reworded: bool = True
    ) -> tuple[str, float] | None:
        """The level at which a candidate repeats the new text, with its score, or None."""
        config = self.config
        if fp.text_hash == other.text_hash:
            return "exact", 1.0
        if other.shingles < config.min_shingles:
            return None
        # A pair contained less than both levels ask is rejected whatever else it shares.
        ov = overlap(fp, _as_fingerprint(other), min(config.near_containment, config.reworded_containment))
        if (
            ov.containment >= config.near_containment
            and ov.ratio >= config.near_min_ratio
            and ov.start <= config.near_max_start
        ):
            return "near", ov.containment
        if (
            reworded
            and ov.jaccard >= config.reworded_jaccard
            and ov.containment >= config.reworded_containment
            and ov.start <= config.reworded_max_start
        ):
            days = _days_apart(entry.date, other.date)
            if days is not None and days > config.date_window_days:
                return None
            shorter, longer = (fp.numbers, other.numbers)
            if fp.shingles > other.shingles:
                shorter, longer = longer, shorter
            if (
                min(len(shorter), len(longer)) >= config.numbers_min
                and len(shorter & longer) / len(shorter) < config.numbers_share
            ):
                return None
            return "reworded", ov.jaccard
        return None

    # -- outcomes -------------------------------------------------------------------------------------------

    def _dropped(self, entry: IndexEntry, keys: list[int], match: _Match) -> Decision:
        """The new copy is a duplicate of ``match``: remembered as a member of that story."""
        kept = match.entry
        self.counts[match.kind] += 1
        update = IndexUpdate(exact={f"u:{entry.id}": kept.id, f"t:{entry.text_hash}": kept.id})
        if match.kind != "exact":
            # Its own fingerprint lets later near copies of it find the story (see ``_similar``).
            entry.cluster = kept.id
            update.add.append((entry, keys))
            update.exact = {f"u:{entry.id}": entry.id, f"t:{entry.text_hash}": entry.id}
        self.index.apply(update)
        return Decision(match.kind, False, kept.id, kept.url, match.score)

    def _replace(self, entry: IndexEntry, keys: list[int], ranked: list[_Match]) -> Decision:
        """The new copy beats every matched copy of this run: it becomes the story's representative."""
        update = IndexUpdate(
            add=[(entry, keys)], exact={f"u:{entry.id}": entry.id, f"t:{entry.text_hash}": entry.id}
        )
        retract = []
        for match in ranked:
            old = match.entry
            old.cluster = entry.id
            update.add.append((old, band_keys(old.signature, self.config.rows_per_band)))
            retract.append(
                duplicate_record(
                    {"id": old.id, "url": old.url, "domain": old.domain, "title": old.title},
                    match.kind,
                    entry.id,
                    match.score,
                    entry.url,
                )
            )
            self.counts[match.kind] += 1
            self.counts["replaced"] += 1
        self.counts["new"] += 1
        self.index.apply(update)
        best = ranked[0]
        return Decision(best.kind, True, None, None, best.score, retract)

    # -- helpers ---------------------------------------------------------------------------------------------

    def _entry(self, record: dict[str, Any], rid: str, features: TextFeatures) -> IndexEntry:
        fp = features.fingerprint
        url = record.get("url") or record.get("canonical_url")
        domain = record.get("domain") or (urlsplit(str(url)).hostname if url else None)
        return IndexEntry(
            id=rid,
            cluster=rid,
            run_id=self.run_id,
            url=url,
            domain=domain,
            title=record.get("title"),
            priority=int(record.get("_source_priority") or 0),
            quality=features.quality,
            length=features.length,
            date=record.get("date_published"),
            text_hash=fp.text_hash,
            signature=fp.signature,
            sample=fp.sample,
            modulus=fp.modulus,
            shingles=fp.shingles,
            numbers=fp.numbers,
        )

    def _representative(self, entry_id: str) -> IndexEntry | None:
        """The kept copy of the story ``entry_id`` belongs to, following replacements (a few steps at most)."""
        seen: set[str] = set()
        target: str | None = entry_id
        while target is not None and target not in seen:
            seen.add(target)
            entry = self.index.get([target]).get(target)
            if entry is None:
                return None
            if entry.cluster == entry.id:
                return entry
            target = entry.cluster
        return None


def _as_fingerprint(entry: IndexEntry) -> Fingerprint:
    return Fingerprint(
        text_hash=entry.text_hash,
        signature=entry.signature,
        sample=entry.sample,
        modulus=entry.modulus,
        shingles=entry.shingles,
        numbers=entry.numbers,
    )


def open_index(state_dir: str | Path | None) -> DedupeIndex:
    """The persistent index in ``state_dir`` (``dedupe.sqlite``), or an in-memory one when there is none."""
    if state_dir:
        return SQLiteDedupeIndex(Path(state_dir) / INDEX_FILE)
    return MemoryDedupeIndex()


class DedupePipeline:
    """Scrapy adapter: drops copies with the drop class of their level, or passes the better copy on."""

    def __init__(
        self,
        config: DedupeConfig,
        state_dir: str | Path | None,
        run_id: str | None = None,
        pool: WorkerPool | None = None,
        commit_delay: float = 0.0,
        commit_every: int = 64,
    ) -> None:
        """``commit_delay`` (seconds; 0: a commit an update) and ``commit_every``: the group commit of a SQLite
        index. A commit writes the pages an update dirtied in the band table to the WAL (a throwaway SQLite
        measurement: 0.6 ms an article with a commit each, 0.25 in groups of 50); committed together, the
        articles of the last ``commit_delay`` seconds (at most ``commit_every``) share that cost. A kept article
        waits for the commit of its update before it goes on to the write stage, so the files never hold an
        article the index could lose; a crash loses only updates of articles not written yet (and of copies,
        which are found again). Without an asyncio loop (another Twisted reactor) each update is committed at
        once."""
        self.config = config
        self.fp_config = config.fingerprint_config()
        self.state_dir = state_dir
        self.run_id = run_id
        self.pool = pool or WorkerPool(0)
        self.commit_delay = commit_delay
        self.commit_every = max(1, commit_every)
        self.stats: Any = None
        self.dedup: Deduplicator | None = None
        self.make_dedup: Callable[[], Deduplicator] | None = None
        self._group: SQLiteDedupeIndex | None = None  # the index committed in groups, when it is one
        self._committed: asyncio.Future[None] | None = None  # done when the open group is committed
        self._commit_timer: asyncio.TimerHandle | None = None
        self._in_group = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not settings.getbool(SETTINGS_PREFIX + "ENABLED", True):
            raise NotConfigured("dedupe switched off (NEWSCORPUS_DEDUP_ENABLED=False)")
        from crawler.extensions import crawl_state_extension, worker_pool

        # The index lives in the crawl state folder, so copies are caught across runs; no state, no persistence.
        state_ext = crawl_state_extension(crawler)
        pipeline = cls(
            DedupeConfig.from_settings(settings),
            state_ext.state.folder
            if state_ext is not None
            else (settings.get("NEWSCORPUS_STATE_DIR") or None),
            settings.get("NEWSCORPUS_RUN_ID") or None,
            worker_pool(crawler),
            settings.getfloat(SETTINGS_PREFIX + "COMMIT_DELAY", 0.25),
            settings.getint(SETTINGS_PREFIX + "COMMIT_EVERY", 64),
        )
        pipeline.stats = crawler.stats
        if settings.getbool("NEWSCORPUS_DISTRIBUTED"):
            # Distributed crawls share one index in Redis, checked with compare-and-set (dedupe_redis).
            from pipelines.dedupe_redis import shared_deduplicator

            pipeline.make_dedup = shared_deduplicator(
                settings, pipeline.config, pipeline.run_id, crawler.stats
            )
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        if self.make_dedup is not None:
            self.dedup = self.make_dedup()
        else:
            index = open_index(self.state_dir)
            if isinstance(index, SQLiteDedupeIndex) and self.commit_delay > 0:
                index.group_commit = True
                self._group = index
            self.dedup = Deduplicator(self.config, index, self.run_id)
        self.dedup.open()

    async def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        if self.dedup is None:
            self.open_spider(spider)
        assert self.dedup is not None
        computed = features_from_ahead(item, self.fp_config)
        if item.get("_update_of"):
            # A re-fetch of an article already kept (a correction): not a copy of it.
            self._inc("updates_passed")
            return item
        # Shingling and MinHash run in a worker; the check itself (index query and update) runs here, on the
        # reactor, in one go with no await inside, so two items can never interleave their decisions.
        features = computed or await self.pool.run(
            text_features, item.get("text") or "", item.get("language"), self.fp_config
        )
        decision = self.dedup.check(item, features)
        self._inc("checked")
        if not decision.keep:
            self._inc(decision.kind)
            raise decision.drop()
        if decision.retract:
            for record in decision.retract:
                self._inc(record["kind"])
            item["_retract"] = [*(item.get("_retract") or []), *decision.retract]
        if self._group is not None:
            await self._group_committed()
        return item

    async def _group_committed(self) -> None:
        """Wait until the update of the article just checked is committed (see ``__init__``)."""
        if self._committed is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not on the asyncio reactor: nothing to wait with, commit now
                assert self._group is not None
                self._group.commit()
                return
            self._committed = loop.create_future()
            self._commit_timer = loop.call_later(self.commit_delay, self._commit_group)
        committed = self._committed
        self._in_group += 1
        if self._in_group >= self.commit_every:
            self._commit_group()
        await committed

    def _commit_group(self) -> None:
        committed, self._committed = self._committed, None
        if self._commit_timer is not None:
            self._commit_timer.cancel()
            self._commit_timer = None
        waiting, self._in_group = self._in_group, 0
        if self._group is None or committed is None:
            return
        try:
            self._group.commit()
        except Exception as exc:
            # The group's updates go with its articles, which fail with the reason (none is written): the index
            # must not hold entries of articles the files do not.
            logger.error("dedupe index commit failed, its %d articles are not written: %s", waiting, exc)
            self._group.rollback()
            committed.set_exception(exc)
        else:
            committed.set_result(None)

    def close_spider(self, spider: Any = None) -> None:
        if self._committed is not None:
            self._commit_group()
        if self.dedup is not None:
            self.dedup.close()
            self.dedup = None
        self._group = None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"newscorpus/dedupe/{key}")
