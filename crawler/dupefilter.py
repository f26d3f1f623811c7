"""Scrapy's request duplicate filter, kept in memory only, even under JOBDIR.

Scrapy persists the fingerprints of every request it scheduled to ``JOBDIR/requests.seen``. A request that
was scheduled but still in flight when the crawl was killed is then never fetched on resume, and its article
is lost. We let the crawl state decide what is done instead (:mod:`crawler.state.incremental`): on resume, discovery
runs again, and only pages with no recorded outcome are fetched.
"""

from __future__ import annotations

from typing import Any

from scrapy.dupefilters import RFPDupeFilter


class RunDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler: Any) -> RunDupeFilter:
        return cls(
            None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter
        )
