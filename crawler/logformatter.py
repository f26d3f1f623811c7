"""Log lines that name the page, not the whole item: a dropped item holds a full HTML page."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class NewsLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        level = getattr(exception, "log_level", None) or logging.DEBUG
        if isinstance(level, str):
            level = getattr(logging, level)
        url = item.get("url") if isinstance(item, dict) else None
        return {
            "level": level,
            "msg": "Dropped %(url)s: %(exception)s",
            "args": {"url": url, "exception": exception},
        }

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        url = item.get("url") if isinstance(item, dict) else None
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": url}}
