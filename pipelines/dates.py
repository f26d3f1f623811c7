"""Dates as pages, feeds, sitemaps and users write them, and the one clock of the project.

- :func:`parse_date`: the formats article pages use (ISO 8601 variants, ``2024/05/03``, free forms through
  dateutil), keeping whether a time of day was given (a date alone is not midnight);
- :func:`parse_utc`: the machine formats of feeds, sitemaps, records and the crawl state (ISO 8601, RFC 822) as an
  aware UTC datetime, strictly: anything else is None;
- :func:`parse_since` and :func:`parse_duration`: what users type (``2026-11-01``, ``7d``, ``12h``);
- :func:`utc_now`: the time stamp every file and record carries.
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)


def parse_date(value: str | None) -> tuple[datetime | date, bool] | None:
    """A date or datetime from the formats pages use; the flag tells whether a time of day was given."""
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    iso = value.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", iso)  # +0900 -> +09:00
    iso = re.sub(r"\.(\d{1,6})\d*", r".\1", iso)  # more than microseconds
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        try:
            return date.fromisoformat(iso), False
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(
            iso.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} ", iso) else iso
        ), True
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}/\d{2}/\d{2}", value):
        try:
            return date.fromisoformat(value.replace("/", "-")), False
        except ValueError:
            return None
    try:
        from dateutil import parser as date_parser

        with warnings.catch_warnings():
            # Unknown zone names ("EST", "IST") give a naive time, which is what we want.
            warnings.simplefilter("ignore")
            parsed = date_parser.parse(value, fuzzy=False)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return (parsed if has_time else parsed.date()), has_time


def format_date(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def not_after(value: datetime | date, limit: datetime | None) -> bool:
    """True when ``value`` is not later than the fetch time (naive values get the widest zone slack)."""
    if value.year < 1990:
        return False
    if limit is None:
        limit = datetime.now(UTC)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value <= limit.replace(tzinfo=None) + timedelta(hours=14)
        return value <= limit + timedelta(minutes=5)
    return value <= (limit + timedelta(hours=14)).date()


def parse_utc(value: str | None) -> datetime | None:
    """ISO 8601 (sitemaps, Atom, our records) or RFC 822 (RSS) as an aware UTC datetime; None when unreadable.
    A time without a zone is taken as UTC."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None  # 0001-01-01T00:00:00+01:00 (.NET's MinValue with an offset) has no UTC equivalent


def utc_now() -> str:
    """Now, in UTC, as every file and record of newscorpus writes it (ISO 8601 to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """A user's ``--since``: an aware UTC datetime; raises ValueError with a message a user can act on."""
    now = now or datetime.now(UTC)
    if _RELATIVE.match(value):
        try:
            return now - parse_duration(value)
        except OverflowError:
            raise ValueError(f"{value!r} reaches back before the year 1") from None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD, an ISO 8601 time, or 7d / 12h") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_duration(value: str) -> timedelta:
    """``2d``, ``12h``, ``30m`` -> timedelta."""
    match = _RELATIVE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a duration: use e.g. 2d, 12h, 30m")
    try:
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:
        raise ValueError(f"{value!r} is too long a duration") from None
