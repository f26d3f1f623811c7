"""Fixtures shared by several test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def demo_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's output folder, as ``make demo`` writes it (the local news site crawled, then its report),
    built once for the tests that look at it as a user would."""
    from tests.demo import main

    out = tmp_path_factory.mktemp("demo") / "demo"
    assert main(["--out", str(out)]) == 0
    return out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The random order's seed, also under ``-q`` (which hides the header pytest-randomly prints it in), so a
    failure that depends on the order can be replayed."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.has_plugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(
            f"test order: random, seed {seed} (replay: pytest --randomly-seed={seed})"
        )
