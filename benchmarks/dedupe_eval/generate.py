"""The labelled evaluation set of the dedupe benchmark: base stories written for it, and copies made from them.

Base stories (``stories/<event>-<n>.txt``, first line the headline) were written for this project. Stories of
one event share names, places, numbers and even quotes, as a follow-up and a rival outlet's own report do:
they are the hard negatives, which must never be merged. Every base story gets the copies below, made with a
fixed seed, so the set is the same on every machine.

Near copies (category ``near``):

- ``furniture``: navigation lines above, comment prompts and a copyright line below;
- ``teaser``: furniture plus a "Related Articles" block with the headline and first paragraph of 1-3 stories
  of other events;
- ``truncate-short`` / ``truncate-long``: the first 40-60% / 60-90% of the paragraphs, plus a footer;
- ``reorder``: a new headline, some paragraphs after the first swapped, 3% of the words edited;
- ``light-edit``: 6% of the words edited (typos, "said" -> "told reporters", a dropped word).

Re-worded copies (category ``reworded``), modelled on a machine translation there and back:

- ``paraphrase``: most words of a synonym list (``synonyms.txt``) swapped, some articles dropped;
- ``mt-noise``: synonyms swapped, articles dropped, names misspelled ("Velloraa", "bright wave"), "its" ->
  "his", words run together, a photo caption on top and a comment footer below;
- ``mt-cut``: as ``mt-noise`` with the last paragraph cut and other furniture;
- ``mt-handmade``: a spun copy written by hand (``pairs/<story>-spun.txt``), where one exists.

Run ``python benchmarks/dedupe_eval/generate.py --out FILE`` to see the set as JSONL.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20250601

NEAR_KINDS = ("furniture", "teaser", "truncate-short", "truncate-long", "reorder", "light-edit")
REWORDED_KINDS = ("paraphrase", "mt-noise", "mt-cut", "mt-handmade")

EVENT_DATES = {
    "bridge": date(2025, 3, 4),
    "rates": date(2025, 4, 16),
    "breach": date(2025, 5, 26),
    "final": date(2025, 5, 17),
    "fire": date(2025, 7, 11),
    "vote": date(2025, 4, 6),
    "app": date(2025, 8, 7),
}
OUTLETS = (
    "dailyherald.example",
    "newsnow.example",
    "metrowire.example",
    "thechronicle.example",
    "worldpost.example",
    "citybeat.example",
    "globalreport.example",
    "morningpaper.example",
)
HEADER_LINES = (
    "Subscribe now for unlimited digital access",
    "Sign in",
    "Most Read",
    "Menu",
    "Home | World | Business | Sport",
    "Advertisement",
    "Share this article",
    "Follow us on social media",
)
FOOTER_LINES = (
    "Comments",
    "Leave a Comment",
    "Your email address will not be published. Required fields are marked *",
    "No comments yet...",
    "Scroll to Top",
    "Newsletter sign up",
    "Privacy Policy | Terms of Use",
    "© 2025 All rights reserved.",
)
ARTICLES = {"the", "a", "an"}
TYPO_SWAPS = (("said", "told reporters"), ("about", "some"), ("on", "on"), ("percent", "per cent"))


def load_stories(folder: Path = HERE / "stories") -> dict[str, list[str]]:
    """Story id -> paragraphs (the first is the headline)."""
    out = {}
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[path.stem] = lines
    return out


def load_synonyms(path: Path = HERE / "synonyms.txt") -> dict[str, list[str]]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, alternatives = line.partition(":")
        table[word.strip()] = [a.strip() for a in alternatives.split(",") if a.strip()]
    return table


def _match_case(word: str, template: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+(?:['’]\w+)*|[^\w\s]+|\s+", text)


def typo(word: str, rng: random.Random) -> str:
    """A keyboard slip: two letters swapped, one doubled or one dropped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    choice = rng.random()
    if choice < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if choice < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1 :]


def misspell_name(word: str, rng: random.Random) -> str:
    """How a round trip through machine translation mangles a name: doubled letters, lower case, a split."""
    choice = rng.random()
    if choice < 0.35:
        return typo(word, rng)
    if choice < 0.55 and len(word) > 5:
        return word[0] + word[1:].lower()[:-2] + word[-2:].lower() + word[-1].lower()
    if choice < 0.75:
        return word.lower()
    if choice < 0.9 and len(word) > 6:
        cut = len(word) // 2
        return word[:cut].lower() + " " + word[cut:].lower()
    return word


def edit_words(
    text: str,
    rng: random.Random,
    synonyms: dict[str, list[str]],
    swap: float = 0.0,
    drop_articles: float = 0.0,
    typos: float = 0.0,
    names: float = 0.0,
    merges: float = 0.0,
) -> str:
    """Word-level edits with the given rates (each a probability per eligible word)."""
    out: list[str] = []
    tokens = _tokens(text)
    sentence_start = True
    for i, token in enumerate(tokens):
        if not token.strip() or not token[0].isalnum():
            out.append(token)
            if token.strip() in {".", "!", "?"}:
                sentence_start = True
            continue
        lower = token.lower()
        if lower in ARTICLES and rng.random() < drop_articles:
            if out and out[-1].isspace():
                out.pop()
            continue
        if lower in synonyms and rng.random() < swap:
            token = _match_case(rng.choice(synonyms[lower]), token)
        elif lower == "its" and rng.random() < names:
            token = _match_case("his", token)
        elif token[0].isupper() and not sentence_start and rng.random() < names:
            token = misspell_name(token, rng)
        elif token.isalpha() and rng.random() < typos:
            token = typo(token, rng)
        out.append(token)
        if merges and rng.random() < merges and i + 1 < len(tokens) and tokens[i + 1] == " ":
            tokens[i + 1] = ""
        sentence_start = False
    return "".join(out)


def copies_of(
    story_id: str,
    paragraphs: list[str],
    others: list[list[str]],
    rng: random.Random,
    synonyms: dict[str, list[str]],
) -> dict[str, str]:
    """Every copy of one story, by kind."""
    title, body = paragraphs[0], paragraphs[1:]

    def header() -> list[str]:
        return rng.sample(HEADER_LINES, rng.randint(2, 4))

    def footer() -> list[str]:
        return rng.sample(FOOTER_LINES, rng.randint(2, 4))

    def teasers() -> list[str]:
        block = ["Related Articles"]
        for other in rng.sample(others, rng.randint(1, 3)):
            block += ["News Desk", f"{rng.randint(2, 59)} minutes ago", other[0], other[1]]
        return block

    def cut(low: float, high: float) -> list[str]:
        keep = max(2, round(len(body) * rng.uniform(low, high)))
        return body[: min(keep, len(body) - 1)]

    out: dict[str, str] = {}
    out["furniture"] = "\n".join([*header(), title, *body, *footer()])
    out["teaser"] = "\n".join([*header(), title, *body, *teasers(), *footer()])
    out["truncate-short"] = "\n".join([title, *cut(0.4, 0.6), *footer()])
    out["truncate-long"] = "\n".join([*header(), title, *cut(0.6, 0.9)])
    shuffled = list(body)
    for _ in range(2):
        i = rng.randrange(1, max(2, len(shuffled) - 1))
        shuffled[i], shuffled[i - 1 if i > 1 else i + 1] = shuffled[i - 1 if i > 1 else i + 1], shuffled[i]
    new_title = rng.choice(("Update: ", "Breaking: ", "")) + title.split(",")[0].rstrip(".")
    out["reorder"] = "\n".join(
        [new_title, *(edit_words(p, rng, synonyms, swap=0.03, typos=0.02) for p in shuffled), *footer()]
    )
    out["light-edit"] = "\n".join(
        [title, *(edit_words(p, rng, synonyms, swap=0.04, typos=0.03, drop_articles=0.05) for p in body)]
    )

    def mt(paragraph: str, heavy: bool) -> str:
        return edit_words(
            paragraph,
            rng,
            synonyms,
            swap=0.6 if heavy else 0.45,
            drop_articles=0.5,
            typos=0.01,
            names=0.4,
            merges=0.01,
        )

    out["paraphrase"] = "\n".join(
        edit_words(p, rng, synonyms, swap=0.85, drop_articles=0.2) for p in [title, *body]
    )
    caption = (
        f"The logo is seen on a screen in this illustration taken on {rng.randint(1, 28)} March. - Agency"
    )
    out["mt-noise"] = "\n\n".join([mt(title, False), caption, *(mt(p, False) for p in body), *footer()])
    out["mt-cut"] = "\n".join([*header(), mt(title, True), *(mt(p, True) for p in body[:-1]), *footer()])
    return out


def build(seed: int = SEED) -> list[dict[str, Any]]:
    """The evaluation set: every base story and its copies, as records of the corpus schema plus labels."""
    rng = random.Random(seed)
    synonyms = load_synonyms()
    stories = load_stories()
    records: list[dict[str, Any]] = []
    for story_id, paragraphs in stories.items():
        event, _, number = story_id.partition("-")
        others = [p for sid, p in stories.items() if not sid.startswith(event + "-")]
        published = EVENT_DATES[event] + timedelta(days=int(number) - 1)
        outlets = list(OUTLETS)
        rng.shuffle(outlets)

        def record(kind: str, text: str, n: int, day: date) -> dict[str, Any]:
            return _record(story_id, event, outlets[n % len(outlets)], kind, text, n, day)  # noqa: B023

        records.append(record("original", "\n".join(paragraphs), 0, published))
        for n, (kind, text) in enumerate(copies_of(story_id, paragraphs, others, rng, synonyms).items(), 1):
            records.append(record(kind, text, n, published + timedelta(days=rng.randint(0, 1))))
        handmade = HERE / "pairs" / f"{story_id}-spun.txt"
        if handmade.exists():
            records.append(record("mt-handmade", handmade.read_text(encoding="utf-8"), 12, published))
    rng.shuffle(records)
    return records


def _record(
    story_id: str, event: str, domain: str, kind: str, text: str, n: int, day: date
) -> dict[str, Any]:
    category = "near" if kind in NEAR_KINDS else "reworded" if kind in REWORDED_KINDS else "original"
    return {
        "id": f"{story_id}.{kind}",
        "url": f"https://{domain}/news/{story_id}-{kind}-{n}",
        "domain": domain,
        "title": text.strip().splitlines()[0],
        "text": text,
        "date_published": day.isoformat(),
        "language": "en",
        "label": story_id,
        "event": event,
        "kind": kind,
        "category": category,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    records = build(args.seed)
    with open(args.out, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} records written to {args.out}")


if __name__ == "__main__":
    main()
