"""The real-syndication set of the dedupe benchmark: copies of real stories as wire copies show them.

Base texts are real article bodies read at run time from ``../shared`` (never copied into the repository): the
originals of syn-news, the gold bodies of l3s-gn1 and of scrapinghub, those of at least ``MIN_PARAGRAPHS``
paragraphs and ``MIN_CHARS`` characters. Each base story is kept whole (the most complete copy, relation
``full``) and gets copies made with a fixed seed, one of each of these relations:

- ``cut``: the first 2 or 3 paragraphs (an outlet that runs the top of the wire story; more when they hold
  fewer than ``CUT_MIN_CHARS`` characters), with outlet furniture;
- ``version``: an earlier version of a rolling story: the full story less its first 1-2 paragraphs (added on
  top later in the day) and one inside paragraph (inserted later), with outlet furniture;
- ``furniture``: the whole story with furniture in front (photo caption, "Posted"/"Updated" lines, byline,
  dateline) and behind (agency rights line, "Follow ... on Twitter", a related-stories heading);
- ``reordered``: the whole story with the paragraphs of its second half shuffled.

Which story a text belongs to is its ``label``; different base stories are never copies of each other (most are
of different sites and years; the hard negatives of one event are syn-news's own job).

The four real cross-site wire pairs of l3s-gn1 (README.txt) are added as our chain extracts them from their pages
(relation ``wire``: two outlets' pages of one AP/Reuters story, their own furniture and all).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path
from typing import Any

SEED = 20260101
MIN_PARAGRAPHS = 6
MIN_CHARS = 1500
#: Base stories taken from each source, at most (the set stays a few seconds to run).
PER_SOURCE = 120
#: A cut holds its first 2 or 3 paragraphs, more when they are shorter than this in all.
CUT_MIN_CHARS = 500

WIRE_PAIRS = (
    ("11bb473f", "77c361ce"),
    ("445955a8", "907e52d9"),
    ("59822881", "9b10bc9e"),
    ("b82e9772", "fc246c87"),
)

_FRONT = (
    "Posted: {month} {day}, 2024 {hour}:{minute} AM",
    "Updated {hour}:{minute} p.m. ET {month} {day}, 2024",
    "By {name}, Associated Press",
    "{name} | Reuters",
    "FILE - In this {month} {day} photo, people walk past the building. (AP Photo/{name}, File)",
    "Photo: {name} / Getty Images",
    "Last updated: {day} {month} 2024",
)
_BACK = (
    "Copyright 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.",
    "Follow {name} on Twitter.",
    "(Reporting by {name}; Editing by {other})",
    "Related Stories",
    "Share this article",
)
_NAMES = ("Maria Lopez", "John Carter", "Anna Novak", "David Kim", "Sarah Jones", "Peter Moyo")
_MONTHS = ("Jan.", "March", "June", "Sept.", "Nov.")


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_bases(shared: Path, per_source: int = PER_SOURCE, seed: int = SEED) -> list[tuple[str, list[str]]]:
    """(story id, paragraphs) of the base stories found under ``shared``; an empty list without it."""
    sources: dict[str, list[tuple[str, str]]] = {}
    syn = shared / "benchmarks" / "dedupe" / "syn-news.jsonl"
    if syn.is_file():
        with open(syn, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        sources["syn"] = [(f"syn:{r['label']}", r["text"]) for r in rows if r.get("kind") == "original"]
    for name in ("l3s-gn1", "scrapinghub"):
        gold = shared / "benchmarks" / "extraction" / name / "ground-truth.json"
        if gold.is_file():
            truth = json.loads(gold.read_text(encoding="utf-8"))
            wire = {pid for pair in WIRE_PAIRS for pid in pair}
            sources[name] = [
                (f"{name}:{k}", v["articleBody"]) for k, v in sorted(truth.items()) if k not in wire
            ]
    rng = random.Random(seed)
    bases: list[tuple[str, list[str]]] = []
    seen: list[set[tuple[str, ...]]] = []
    for name in sorted(sources):
        fit = [(sid, _paragraphs(t)) for sid, t in sources[name]]
        fit = [(sid, ps) for sid, ps in fit if len(ps) >= MIN_PARAGRAPHS and sum(map(len, ps)) >= MIN_CHARS]
        rng.shuffle(fit)
        taken = 0
        for sid, ps in fit:
            if taken == per_source:
                break
            grams = _word_grams(" ".join(ps))
            # The sources hold a few copies of one story themselves (l3s-gn1 has more cross-site wire copies
            # than the four its README lists): such a base is a copy, not another story.
            if any(len(grams & other) >= 0.5 * min(len(grams), len(other)) for other in seen):
                continue
            seen.append(grams)
            bases.append((sid, ps))
            taken += 1
    return bases


def _word_grams(text: str, size: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _furniture(rng: random.Random, lines: tuple[str, ...], count: int) -> list[str]:
    names = rng.sample(_NAMES, 2)
    values = {
        "name": names[0],
        "other": names[1],
        "month": rng.choice(_MONTHS),
        "day": rng.randint(1, 28),
        "hour": rng.randint(1, 12),
        "minute": f"{rng.randint(0, 59):02d}",
    }
    return [line.format(**values) for line in rng.sample(lines, count)]


def _dress(rng: random.Random, paragraphs: list[str]) -> str:
    """Outlet furniture in front and behind, and sometimes a dateline on the first paragraph."""
    body = list(paragraphs)
    if rng.random() < 0.5:
        body[0] = f"{rng.choice(('WASHINGTON', 'LONDON', 'NEW YORK', 'PARIS'))} (AP) — {body[0]}"
    front = _furniture(rng, _FRONT, rng.randint(1, 3))
    back = _furniture(rng, _BACK, rng.randint(1, 3))
    return "\n".join(front + body + back)


def build(shared: Path, seed: int = SEED) -> list[dict[str, Any]]:
    """The set: the base stories and their copies, as records (``text``, ``label``, ``relation``)."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for story, ps in load_bases(shared, seed=seed):
        records.append({"text": "\n".join(ps), "label": story, "relation": "full"})
        keep = rng.choice((2, 3))
        while keep < len(ps) - 2 and sum(map(len, ps[:keep])) < CUT_MIN_CHARS:
            keep += 1  # short blocks (l3s-gn1 splits its lines at links): a wire cut holds a few hundred characters
        cut = ps[:keep]
        records.append({"text": _dress(rng, cut), "label": story, "relation": "cut"})
        top = rng.choice((1, 2))
        inside = rng.randrange(top + 1, len(ps) - 1)
        earlier = [p for i, p in enumerate(ps) if i >= top and i != inside]
        records.append({"text": _dress(rng, earlier), "label": story, "relation": "version"})
        records.append({"text": _dress(rng, ps), "label": story, "relation": "furniture"})
        half = len(ps) // 2
        tail = ps[half:]
        while tail == ps[half:]:
            rng.shuffle(tail)
        records.append({"text": "\n".join(ps[:half] + tail), "label": story, "relation": "reordered"})
    return records


def wire_pairs(shared: Path) -> list[dict[str, Any]]:
    """The four real wire pairs of l3s-gn1, as our extract and clean stages leave their pages."""
    from pipelines import record
    from pipelines.clean.rules import CleanConfig
    from pipelines.drops import Rejected
    from pipelines.page_task import LocalChain

    folder = shared / "benchmarks" / "extraction" / "l3s-gn1"
    if not (folder / "ground-truth.json").is_file():
        return []
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    chain = LocalChain(clean=CleanConfig())
    out = []
    for a, b in WIRE_PAIRS:
        for pid in (a, b):
            page = gzip.decompress((folder / "html" / f"{pid}.html.gz").read_bytes()).decode(
                "utf-8", "replace"
            )
            item: dict[str, Any] = {
                "url": truth[pid].get("url") or f"https://l3s.invalid/{pid}",
                record.HTML: page,
            }
            try:
                chain(item)
            except Rejected:
                item["text"] = ""
            out.append(
                {"text": item.get("text") or "", "label": f"wire:{a}", "relation": "wire", "url": item["url"]}
            )
    return out
