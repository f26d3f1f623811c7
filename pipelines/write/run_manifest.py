"""What a crawl adds to its run's manifest: the status its close reason means, the stats and the settings used."""

from __future__ import annotations

from typing import Any

#: How a crawl's close reason reads in the manifest and the run ledger. ("reaped": a distributed worker that
#: lost Redis or was taken for dead, whose work the others took back.)
_RUN_STATUS = {
    "shutdown": "stopped",
    "cancelled": "stopped",
    "reaped": "interrupted",
    "redis-error": "interrupted",
    "warc-error": "interrupted",
}

#: The stats key under which a run that reads archives leaves its account of each file.
ARCHIVE_FILES_STAT = "newscorpus/warc/files"

#: Scrapy settings that shape what a crawl fetches, recorded with ours.
_SCRAPY_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "DOWNLOAD_MAXSIZE",
    "DEPTH_LIMIT",
    "RETRY_TIMES",
    "JOBDIR",
)


#: Stats the spider keeps: the sites it started from, and the pages (start, section, sitemap, feed, article)
#: that reached it. A run that had sites to start from and fetched none of their pages is ``failed``.
START_TARGETS = "newscorpus/start_targets"
PAGES_FETCHED = "newscorpus/pages_fetched"


def run_status(reason: str, stats: dict[str, Any] | None = None) -> str:
    """``finished``, ``stopped``, ``interrupted`` or ``failed`` (nothing could be fetched: every start page
    refused the connection, timed out or was disallowed), from the spider's close reason and stats."""
    status = _RUN_STATUS.get(reason, "finished")
    if status == "finished" and stats and stats.get(START_TARGETS) and not stats.get(PAGES_FETCHED):
        return "failed"
    return status


def manifest_extra(crawler: Any, spider: Any, reason: str) -> dict[str, Any]:
    """The crawl's part of the manifest: status, close reason, targets, our stats and Scrapy's fetch counts,
    and the settings given (ours that were set, Scrapy's that shape the fetching)."""
    stats = dict(crawler.stats.get_stats())
    archives = stats.pop(ARCHIVE_FILES_STAT, None)
    newscorpus_stats = {k: v for k, v in sorted(stats.items()) if k.startswith("newscorpus/")}
    fetch_stats = {
        k: v
        for k, v in sorted(stats.items())
        if k.startswith(("downloader/response_status_count", "retry/", "robotstxt/", "httperror/"))
        or k in ("response_received_count", "downloader/request_count")
    }
    settings = crawler.settings
    used = {
        key: settings.get(key)
        for key in sorted(settings.attributes)
        if key.startswith("NEWSCORPUS_") or key in _SCRAPY_SETTINGS
    }
    extra = {
        "status": run_status(reason, stats),
        "finish_reason": reason,
        "source": "warc" if archives is not None else "live",
        "spider": getattr(spider, "name", None),
        "targets": getattr(spider, "target_names", None),
        "stats": {**newscorpus_stats, **fetch_stats},
        "settings": _jsonable(used),
    }
    if archives is not None:
        extra["archives"] = archives  # each file read: records by type, skips by reason, digests, breaks
    return extra


def _jsonable(value: Any) -> Any:
    """Settings hold tuples, frozensets and objects: make them JSON-safe for the manifest."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
