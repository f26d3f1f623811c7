"""The extract stage's tunables, each with its Scrapy setting where one is worth giving."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.settings import nested, setting


@dataclass(frozen=True)
class PruneConfig:
    """``generic``, ``teasers``: the pruning passes of clutter containers and teaser blocks. ``guard_share``: an
    element holding more than this share of the page's paragraph text is the article (or holds it) and is never
    pruned. ``min_cards``: sibling link cards needed to call a block a teaser list. ``max_card_words``: a card
    with more words outside its links than this is prose, not a teaser."""

    generic: bool = setting("NEWSCORPUS_EXTRACT_PRUNE_GENERIC", True)
    teasers: bool = setting("NEWSCORPUS_EXTRACT_PRUNE_TEASERS", True)
    guard_share: float = 0.5
    min_cards: int = 3
    max_card_words: int = 60


@dataclass(frozen=True)
class ExtractConfig:
    """Tunables of the extract stage (site profiles override single keys).

    - ``enabled``: the stage runs (its adapter is switched off otherwise).
    - ``max_bytes``: pages larger than this are refused (``UnreadablePage``), well above any article page.
    - ``favor_precision``: trafilatura's precision mode; our pruning and cleaning remove what it would keep.
    - ``fallback``, ``fallback_ratio``: when the extracted text is shorter than this share of the page's
      paragraph text, the recall-oriented modes are tried (see ``pipelines.extract.main_text``).
    - ``fast``: the first pass skips trafilatura's own readability/justext comparison (our pruning does most of
      that work); ``confident_chars``: a first-pass text shorter than this gets the full comparison anyway;
      ``text_node_share``: below this share of the long text nodes in ``<p>``, they are the yardstick.
    - ``strip_empty``: empty elements are removed before trafilatura, keeping the text after them
      (``pipelines.extract.parse.strip_empty``).
    - ``rescue``: the coverage rescue (``pipelines.extract.main_text._rescue``): a text holding little of the
      page's long text runs is replaced by another extractor's that holds most of them; ``recall_rescue``: a
      text holding some but not most of them is extended by a candidate that holds it and far more of them.
    - ``min_article_words``: a page whose type says "not an article" is dropped when its text is shorter.
    - ``proof_words``, ``proof_link_share``: a page of no article URL shape (a probe, a listing) that says it is a
      website or the like is an article only with at least this many words and less of its text in links (a
      section front of long teasers says the same of itself and has neither); one that says nothing needs
      ``min_article_words``.
    - ``nav_link_share``: a page with no main text whose visible text is mostly link text is a navigation page.
    - ``use_htmldate``: htmldate's guess as the last source of a publication date.
    """

    enabled: bool = setting("NEWSCORPUS_EXTRACT_ENABLED", True)
    max_bytes: int = setting("NEWSCORPUS_EXTRACT_MAX_BYTES", 8 << 20)
    favor_precision: bool = setting("NEWSCORPUS_EXTRACT_FAVOR_PRECISION", True)
    fallback: bool = setting("NEWSCORPUS_EXTRACT_FALLBACK", True)
    fallback_ratio: float = setting("NEWSCORPUS_EXTRACT_FALLBACK_RATIO", 0.6)
    fast: bool = True
    confident_chars: int = 600
    text_node_share: float = 0.25
    strip_empty: bool = True
    rescue: bool = True
    recall_rescue: bool = True
    min_article_words: int = setting("NEWSCORPUS_EXTRACT_MIN_ARTICLE_WORDS", 150)
    proof_words: int = 450
    proof_link_share: float = 0.35
    min_text_chars: int = 1
    nav_link_share: float = 0.5
    use_htmldate: bool = setting("NEWSCORPUS_EXTRACT_USE_HTMLDATE", True)
    prune: PruneConfig = nested(PruneConfig)
