"""Fixtures shared by several test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redis_server import RedisServer, flush, redis_or_skip


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of the module's own on a free 127.0.0.1 port, persistence off; the tests skip, saying
    why, when the binary cannot be had."""
    running = redis_or_skip()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> str:
    """The URL of that server, emptied for the test."""
    flush(redis_server.url)
    return redis_server.url
