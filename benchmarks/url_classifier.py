"""How far the URL rules can be trusted: the gate of sitemap and feed entries and the link rules, on real URLs.

Usage::

    .venv/bin/python benchmarks/url_classifier.py            # the three sets of ../shared/benchmarks/extraction
    .venv/bin/python benchmarks/url_classifier.py --show 20  # also list misses and false follows

Positives: the ``url`` of every page of ``scrapinghub/``, ``l3s-gn1/`` and ``wcxb-dev/`` (1,590 real article
pages of some 1,000 sites, read at run time). Negatives: ``benchmarks/url_lists/non_articles.txt``, real section
fronts, tag, author, video, search, pagination, sign-in, feed, image and service URLs of news sites. Each URL is
classified as a link on its own site, which nobody has seen (no profile, nothing learned), so these are the
generic rules that a crawl falls back on.

- *gate*: a sitemap or feed entry is fetched unless ``non_article_shape`` names it; recall is the share of
  articles let through, and the share of non-articles it stops is shown beside it.
- *link rules*: a link is followed as an article candidate when it is ``ARTICLE`` (fetched as one) or
  ``UNCERTAIN`` (a probe within the site's budget); precision and recall over the two lists. ``ARTICLE`` alone
  is the part that costs no probe.

Figures go to ``benchmarks/results/url_classifier.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from common import write_report  # noqa: E402
from extraction import DATA_ROOT, SETS  # noqa: E402  (the three sets, where the extraction benchmark finds them)

from crawler.article_urls import ArticleUrlClassifier, UrlKind, non_article_shape  # noqa: E402
from crawler.profiles import profile_from_url  # noqa: E402

NON_ARTICLES = ROOT / "benchmarks" / "url_lists" / "non_articles.txt"
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "url_classifier.json"


def article_urls(data: Path) -> dict[str, list[str]]:
    out = {}
    for name in SETS:
        truth = data / name / "ground-truth.json"
        if truth.exists():
            pages = json.loads(truth.read_text(encoding="utf-8")).values()
            out[name] = [p["url"] for p in pages if p.get("url")]
    return out


def non_article_urls() -> list[tuple[str, str]]:
    lines = NON_ARTICLES.read_text(encoding="utf-8").splitlines()
    return [(c, u) for c, u in (line.split("\t", 1) for line in lines if line.strip() and line[0] != "#")]


def kind_of(url: str) -> UrlKind:
    return ArticleUrlClassifier(profile_from_url(url)).classify(url)


def ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def measure(articles: dict[str, list[str]], negatives: list[tuple[str, str]]) -> dict[str, Any]:
    positives = [u for urls in articles.values() for u in urls]
    kinds = {u: kind_of(u) for u in positives}
    negative_kinds = [(c, u, kind_of(u)) for c, u in negatives]
    followed = (UrlKind.ARTICLE, UrlKind.UNCERTAIN)

    def rules(accept: tuple[UrlKind, ...]) -> dict[str, Any]:
        tp = sum(kinds[u] in accept for u in positives)
        fp = sum(k in accept for _, _, k in negative_kinds)
        return {
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, len(positives)),
            "non_articles_followed": fp,
            "recall_by_set": {
                n: ratio(sum(kinds[u] in accept for u in urls), len(urls)) for n, urls in articles.items()
            },
        }

    gate_passed = sum(non_article_shape(u) is None for u in positives)
    gate_stopped = sum(non_article_shape(u) is not None for _, u in negatives)
    return {
        "articles": len(positives),
        "non_articles": len(negatives),
        "gate": {
            "recall": ratio(gate_passed, len(positives)),
            "non_articles_stopped": ratio(gate_stopped, len(negatives)),
        },
        "links_followed": rules(followed),
        "links_article_only": rules((UrlKind.ARTICLE,)),
        "article_kinds": dict(Counter(k.value for k in kinds.values())),
        "non_article_kinds": {
            c: dict(Counter(k.value for cc, _, k in negative_kinds if cc == c))
            for c in dict.fromkeys(c for c, _ in negatives)
        },
        "_missed": [u for u in positives if kinds[u] not in followed],
        "_false_follows": [(c, u, k.value) for c, u, k in negative_kinds if k in followed],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA_ROOT, help="folder holding the three sets")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--show", type=int, default=0, help="list this many misses and false follows")
    args = parser.parse_args(argv)
    articles = article_urls(args.data)
    if not articles:
        print(f"no benchmark sets under {args.data}", file=sys.stderr)
        return 2
    figures = measure(articles, non_article_urls())
    missed, false_follows = figures.pop("_missed"), figures.pop("_false_follows")
    print(
        f"{figures['articles']} article URLs ({', '.join(articles)}), {figures['non_articles']} non-article URLs"
    )
    gate = figures["gate"]
    print(
        f"gate of sitemap/feed entries: recall {gate['recall']:.4f}, stops {gate['non_articles_stopped']:.2%} of non-articles"
    )
    for name, label in (("links_followed", "article or probe"), ("links_article_only", "article only")):
        r = figures[name]
        by_set = ", ".join(f"{n} {v:.3f}" for n, v in r["recall_by_set"].items())
        print(
            f"link rules ({label}): precision {r['precision']:.4f}, recall {r['recall']:.4f} ({by_set}); "
            f"{r['non_articles_followed']} non-articles followed"
        )
    if args.show:
        print("missed:", *missed[: args.show], sep="\n  ")
        print(
            "non-articles followed:", *(f"{c} {k} {u}" for c, u, k in false_follows[: args.show]), sep="\n  "
        )
    write_report(args.out, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
