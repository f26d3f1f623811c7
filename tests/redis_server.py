"""A real ``redis-server`` for tests: its own process on a free 127.0.0.1 port, persistence off, stopped after.

Tests that need Redis skip with a clear reason only when the binary is missing (``make test`` installs the
Debian package ``redis-server`` when it can).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from types import TracebackType

import pytest

REDIS_SERVER = "redis-server"
MISSING = "redis-server is not installed (apt-get install redis-server; `make test` installs it when it can)"


def redis_server_binary() -> str | None:
    return shutil.which(REDIS_SERVER)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """``with RedisServer() as server: server.url``. Nothing is written to disk (no RDB, no AOF)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, attempts: int = 5) -> RedisServer:
        binary = redis_server_binary()
        if binary is None:
            raise FileNotFoundError(MISSING)
        self._dir = tempfile.TemporaryDirectory(prefix="newscorpus-redis-")
        last_error = ""
        for _ in range(attempts):
            # Another process may take the port between probe and bind: try a few.
            self.port = free_port(self.host)
            self.process = subprocess.Popen(
                [
                    binary, "--port", str(self.port), "--bind", self.host, "--save", "", "--appendonly", "no",
                    "--dir", self._dir.name, "--daemonize", "no", "--loglevel", "warning",
                    "--protected-mode", "no",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            if self._wait_ready():
                return self
            last_error = self._stop_process()
        self.stop()
        raise RuntimeError(f"redis-server did not start: {last_error[-2000:]}")

    def _wait_ready(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _stop_process(self) -> str:
        process, self.process = self.process, None
        if process is None:
            return ""
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
        if process.stdout:
            process.stdout.close()
        return output

    def stop(self) -> None:
        self._stop_process()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def redis_or_skip() -> RedisServer:
    """A started server, or ``pytest.skip`` with the reason when the binary cannot be had."""
    if redis_server_binary() is None:
        pytest.skip(MISSING)
    return RedisServer().start()


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


__all__ = ["MISSING", "RedisServer", "flush", "free_port", "redis_or_skip", "redis_server_binary"]
