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
2. for a re-worded copy, the better text quality, when it differs by more than ``quality_margin``: the share of
   real words (``pipelines.dedupe.word_quality``), which a garbled machine-translated copy loses;
3. the more complete text, when one is longer by more than ``length_margin``;
4. the earlier publication date (a known date beats an unknown one);
5. otherwise the copy already kept.

When a better copy arrives after a lesser one was written in the same run, the item goes on with
``pipelines.record.RETRACT``: the write stage removes the lesser copy from its shard when the run closes and records
it as a duplicate of the better one. Copies of an article kept by an earlier run are always dropped (earlier
runs' shards are never rewritten).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.dedupe.config import DedupeConfig
from pipelines.dedupe.features import TextFeatures, text_features
from pipelines.dedupe.fingerprint import Fingerprint, lsh_keys, normalize_text, overlap, relation, text_hash
from pipelines.dedupe.index.base import DedupeIndex, IndexEntry, IndexUpdate
from pipelines.dedupe.index.memory import MemoryDedupeIndex
from pipelines.dedupe.index.sqlite import SQLiteDedupeIndex
from pipelines.dedupe.keep import better, days_apart
from pipelines.drops import Duplicate, ExactDuplicate, NearDuplicate, RewordedDuplicate, duplicate_record
from pipelines.record import SOURCE_PRIORITY, article_id
from pipelines.urls import domain_of

logger = logging.getLogger(__name__)


INDEX_FILE = "dedupe.sqlite"


KIND_RANK = {"exact": 3, "near": 2, "reworded": 1}


DROPS: dict[str, type[Duplicate]] = {
    "exact": ExactDuplicate,
    "near": NearDuplicate,
    "reworded": RewordedDuplicate,
}


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
    relation: str | None = None  # a near copy's relation to the kept one (``fingerprint.relation``)

    def drop(self) -> Duplicate:
        """The exception to raise for a dropped record."""
        assert not self.keep and self.duplicate_of is not None
        return DROPS[self.kind](self.duplicate_of, self.score, self.duplicate_of_url, self.relation)


@dataclass
class _Match:
    entry: IndexEntry
    kind: str
    score: float


def record_id(record: dict[str, Any]) -> str:
    """The record's id, else one made from its canonical URL or URL, as ``pipelines.record.article_id`` does."""
    rid = record.get("id")
    if rid:
        return str(rid)
    url = record.get("canonical_url") or record.get("url")
    if url:
        return article_id(str(url))
    return article_id("text:" + normalized_text_hash(record.get("text") or ""))


def normalized_text_hash(text: str) -> str:
    return text_hash(normalize_text(text))


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
            "kept_near_pairs": 0,
        }
        #: This run's kept copies (the story representatives written so far), for :meth:`audit`.
        self.kept: set[str] = set()
        self._opened = False

    def open(self) -> None:
        if not self._opened:
            self.index.open(self.fp_config.params())
            self._opened = True

    def close(self) -> None:
        if self._opened:
            self.audit()
            self.index.close()
            self._opened = False

    def audit(self) -> list[tuple[str, str, str, float]]:
        """The pairs of this run's kept copies that are copies of each other (``exact`` or ``near``), which the
        stage must never leave: counted in ``counts["kept_near_pairs"]`` and logged. Run at the end of every run
        (``close``); each kept copy is checked against the kept copies among its LSH candidates."""
        self.open()
        pairs: list[tuple[str, str, str, float]] = []
        kept = self.kept
        for entry in self.index.get(sorted(kept)).values():
            if entry.cluster != entry.id:
                continue
            keys = lsh_keys(entry.signature, entry.sample, self.fp_config)
            hits = self.index.query(keys, self.config.min_band_hits)
            others = [i for i, _ in hits.most_common() if i in kept and i > entry.id]
            for other in self.index.get(others).values():
                if other.cluster != other.id:
                    continue
                verdict = self.verify(_as_fingerprint(entry), entry, other, reworded=False)
                if verdict is not None:
                    pairs.append((entry.id, other.id, *verdict))
        self.counts["kept_near_pairs"] = len(pairs)
        if pairs:
            logger.warning(
                "dedupe: %d pairs of kept articles are copies of each other (first: %s and %s, %s %.2f)",
                len(pairs),
                *pairs[0],
            )
        else:
            logger.info(
                "dedupe: no two of the %d articles kept in this run are copies of each other", len(kept)
            )
        return pairs

    # -- the decision -------------------------------------------------------------------------------------

    def check(self, record: dict[str, Any], features: TextFeatures | None = None) -> Decision:
        """Decide one record (a dict with at least ``text``; see ``pipelines.record`` for the other fields).

        ``features``: ``text_features`` of the record's text and language with this deduplicator's fingerprint
        configuration, when the caller computed them elsewhere (in a worker process)."""
        self.open()
        self.counts["checked"] += 1
        rid = record_id(record)
        if features is None:
            features = text_features(record.get("text") or "", record.get("language"), self.fp_config)
        fp = features.fingerprint
        entry = self._entry(record, rid, features)
        keys = fp.bands or lsh_keys(fp.signature, fp.sample, self.fp_config)

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
            self.kept.add(rid)
            return Decision("new", True)

        # A copy joins the story of its strongest match: exact before near before reworded, then the higher score.
        ranked = sorted(matches.values(), key=lambda m: (KIND_RANK[m.kind], m.score), reverse=True)
        if ranked[0].entry.run_id != self.run_id:
            return self._dropped(entry, keys, ranked[0])
        mine = [m for m in ranked if m.entry.run_id == self.run_id]
        if len(mine) < len(ranked) or not all(better(entry, m.entry, self.config, m.kind) for m in mine):
            # An earlier run's copy is never replaced; a copy that does not beat every copy it matched is not kept.
            return self._dropped(entry, keys, ranked[0])
        return self._replace(entry, keys, mine)

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
        candidates = self.index.get(ids)
        unseen: set[str] = set()
        for candidate in candidates.values():
            is_rep = candidate.cluster == candidate.id
            verdict = self.verify(fp, entry, candidate, reworded=is_rep)
            if verdict is None:
                if not is_rep and candidate.cluster not in candidates:
                    unseen.add(candidate.cluster)
                continue
            rep = candidate if is_rep else self._representative(candidate.cluster)
            if rep is not None:
                out.append(_Match(rep, *verdict))
        # A story with many copies fills the candidate list with its copies: its kept copy is checked as well, at
        # every level, though the LSH ranked it lower (or it was replaced since).
        reps = {rep.id: rep for rep in map(self._representative, sorted(unseen)) if rep is not None}
        for rep in reps.values():
            if rep.id not in candidates and all(m.entry.id != rep.id for m in out):
                verdict = self.verify(fp, entry, rep, reworded=True)
                if verdict is not None:
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
        ov = overlap(
            fp,
            _as_fingerprint(other),
            min(config.near_containment, config.cut_containment, config.reworded_containment),
        )
        if (
            (
                ov.containment >= config.near_containment
                and ov.ratio >= config.near_min_ratio
                and ov.start <= config.near_max_start
            )
            or (
                ov.containment >= config.cut_containment
                and ov.ratio >= config.cut_min_ratio
                and ov.top <= config.cut_max_top
                and ov.start <= config.cut_max_start
            )
            or (
                ov.containment >= config.version_containment
                and ov.ratio >= config.near_min_ratio
                and ov.start <= config.version_max_start
            )
        ):
            return "near", ov.containment
        if (
            reworded
            and ov.jaccard >= config.reworded_jaccard
            and ov.containment >= config.reworded_containment
            and ov.start <= config.reworded_max_start
        ):
            days = days_apart(entry.date, other.date)
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
        how = relation(_as_fingerprint(entry), _as_fingerprint(kept)) if match.kind == "near" else None
        return Decision(match.kind, False, kept.id, kept.url, match.score, relation=how)

    def _replace(self, entry: IndexEntry, keys: list[int], ranked: list[_Match]) -> Decision:
        """The new copy beats every matched copy of this run: it becomes the story's representative."""
        update = IndexUpdate(
            add=[(entry, keys)], exact={f"u:{entry.id}": entry.id, f"t:{entry.text_hash}": entry.id}
        )
        retract = []
        for match in ranked:
            old = match.entry
            old.cluster = entry.id
            update.add.append((old, lsh_keys(old.signature, old.sample, self.fp_config)))
            how = relation(_as_fingerprint(old), _as_fingerprint(entry)) if match.kind == "near" else None
            retract.append(
                duplicate_record(
                    {"id": old.id, "url": old.url, "domain": old.domain, "title": old.title},
                    match.kind,
                    entry.id,
                    match.score,
                    entry.url,
                    how,
                )
            )
            self.counts[match.kind] += 1
            self.counts["replaced"] += 1
        self.counts["new"] += 1
        self.index.apply(update)
        self.kept.difference_update(m.entry.id for m in ranked)
        self.kept.add(entry.id)
        best = ranked[0]
        return Decision(best.kind, True, None, None, best.score, retract)

    # -- helpers ---------------------------------------------------------------------------------------------

    def _entry(self, record: dict[str, Any], rid: str, features: TextFeatures) -> IndexEntry:
        fp = features.fingerprint
        url = record.get("url") or record.get("canonical_url")
        domain = record.get("domain") or (domain_of(str(url)) if url else None) or None
        return IndexEntry(
            id=rid,
            cluster=rid,
            run_id=self.run_id,
            url=url,
            domain=domain,
            title=record.get("title"),
            priority=int(record.get(SOURCE_PRIORITY) or 0),
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
