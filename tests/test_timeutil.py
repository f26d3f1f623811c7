from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipelines.dates import parse_duration, parse_since


def test_parse_since() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2026-11-01") == datetime(2026, 11, 1, tzinfo=UTC)
    assert parse_since("2026-11-01T10:00:00+02:00").utcoffset() == timedelta(hours=2)
    with pytest.raises(ValueError, match="not a date"):
        parse_since("last week")


def test_parse_duration() -> None:
    assert parse_duration("2d") == timedelta(days=2)
    with pytest.raises(ValueError):
        parse_duration("2 days")
