"""Dates given on the command line: absolute (``2026-11-01``) or relative to now (``7d``, ``12h``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """An aware UTC datetime; raises ValueError with a message a user can act on."""
    now = now or datetime.now(UTC)
    if match := _RELATIVE.match(value):
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
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
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
