"""A two-outlet news site served on loopback, with exact ground truth, for end-to-end crawl tests.

``NewsSite`` serves The Harbour Daily (WordPress-style) on 127.0.0.1 and Meridian Wire (modern newsroom
template) on 127.0.0.2, each on a port the OS picks; ``python -m tests.newssite`` serves it by hand.
"""

from __future__ import annotations

from tests.newssite.model import (
    Article,
    ExpectedArticle,
    ExpectedDuplicate,
    ExpectedRedirect,
    ExpectedRejection,
    Outlet,
    RequestRecord,
)
from tests.newssite.site import NewsSite, RequestLog
from tests.newssite.urls import HARBOUR, MERIDIAN

__all__ = [
    "HARBOUR",
    "MERIDIAN",
    "Article",
    "ExpectedArticle",
    "ExpectedDuplicate",
    "ExpectedRedirect",
    "ExpectedRejection",
    "NewsSite",
    "Outlet",
    "RequestLog",
    "RequestRecord",
]
