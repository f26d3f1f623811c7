"""Why an item left the pipeline: one exception class per reason.

Scrapy counts dropped items by exception class name (``item_dropped_reasons_count/<Class>``), so every reason
is its own class. The write stage turns each drop into a line of ``rejected.jsonl`` or ``duplicates.jsonl``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scrapy.exceptions import DropItem

from pipelines.urls import domain_of


class Rejected(DropItem):
    """An item that is not written to the corpus, with the stage and reason recorded in ``rejected.jsonl``."""

    stage: ClassVar[str] = "pipeline"
    reason: ClassVar[str] = "rejected"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        message = f"{self.stage}/{self.reason}" + (f": {detail}" if detail else "")
        super().__init__(message, log_level="DEBUG")

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in worker processes and re-raised here: rebuild from the detail, not the formatted message.
        return (type(self), (self.detail,))

    def record(self, item: dict[str, Any]) -> dict[str, Any]:
        """The ``rejected.jsonl`` line for this drop."""
        url = item.get("url")
        line = {
            "url": url,
            "domain": item.get("domain") or (domain_of(url) if url else None) or None,
            "stage": self.stage,
            "reason": self.reason,
            "detail": self.detail,
        }
        if item.get("warc"):
            line["warc"] = item["warc"]  # an archived page: where its record is
        return line


# fetch: raised by the spider's own checks, before any stage runs.
class FetchFailed(Rejected):
    stage, reason = "fetch", "failed"


# worker pool: the page's task crashed its worker process or ran past the timeout, in both of its attempts.
class WorkerFailed(Rejected):
    stage, reason = "worker", "failed"


class WorkerCrashed(WorkerFailed):
    reason = "crashed"


class WorkerTimedOut(WorkerFailed):
    reason = "timeout"


# extract
class UnreadablePage(Rejected):
    stage, reason = "extract", "unreadable"


class NotAnArticle(Rejected):
    stage, reason = "extract", "not-article"


class NoText(Rejected):
    stage, reason = "extract", "no-text"


class PublishedBeforeSince(Rejected):
    stage, reason = "extract", "before-since"


class PublishedAfterUntil(Rejected):
    stage, reason = "extract", "after-until"


# rights: raised by the extract stage's page task, which reads them (``--tdm exclude``)
class TdmReserved(Rejected):
    stage, reason = "rights", "tdm-reserved"


# clean
class NoTextAfterClean(Rejected):
    stage, reason = "clean", "no-text"


# language
class LanguageNotWanted(Rejected):
    stage, reason = "language", "not-wanted"


# quality
class TooShort(Rejected):
    stage, reason = "quality", "too-short"


class TooFewLetters(Rejected):
    stage, reason = "quality", "too-few-letters"


class ListLike(Rejected):
    stage, reason = "quality", "list-like"


class TooRepetitive(Rejected):
    stage, reason = "quality", "repetitive"


# write
class MaxArticlesReached(Rejected):
    stage, reason = "write", "max-articles"


class Duplicate(DropItem):
    """A copy of a story already kept; recorded in ``duplicates.jsonl``, never in ``rejected.jsonl``."""

    kind: ClassVar[str] = "duplicate"

    def __init__(
        self,
        duplicate_of: str,
        score: float,
        duplicate_of_url: str | None = None,
        relation: str | None = None,
    ) -> None:
        self.duplicate_of = duplicate_of
        self.duplicate_of_url = duplicate_of_url
        self.score = score
        self.relation = relation
        super().__init__(f"{self.kind} duplicate of {duplicate_of} ({score:.3f})", log_level="DEBUG")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.duplicate_of, self.score, self.duplicate_of_url, self.relation))

    def record(self, item: dict[str, Any]) -> dict[str, Any]:
        """The ``duplicates.jsonl`` line for this drop."""
        return duplicate_record(
            item, self.kind, self.duplicate_of, self.score, self.duplicate_of_url, self.relation
        )


class ExactDuplicate(Duplicate):
    kind = "exact"


class NearDuplicate(Duplicate):
    kind = "near"


class RewordedDuplicate(Duplicate):
    kind = "reworded"


#: ``relation`` of a duplicate by ``kind`` when the level alone says it (a ``near`` copy says it from its texts).
RELATION_OF_KIND = {"exact": "copy", "reworded": "rewrite"}


def duplicate_record(
    item: dict[str, Any],
    kind: str,
    duplicate_of: str,
    score: float,
    duplicate_of_url: str | None = None,
    relation: str | None = None,
) -> dict[str, Any]:
    """A ``duplicates.jsonl`` line: the dropped copy, the kept article it repeats, and how (``kind``: the level of
    the match; ``relation``: ``copy``, ``cut``, ``version`` or ``rewrite``)."""
    line = {
        "id": item.get("id"),
        "url": item.get("url"),
        "domain": item.get("domain"),
        "title": item.get("title"),
        "kind": kind,
        "score": round(float(score), 4),
        "duplicate_of": duplicate_of,
        "duplicate_of_url": duplicate_of_url,
        "relation": relation or RELATION_OF_KIND.get(kind, "copy"),
    }
    if item.get("warc"):
        line["warc"] = item["warc"]  # an archived page: where its record is
    return line
