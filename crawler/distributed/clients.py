"""The Redis clients of one worker, with their round trips counted."""

from __future__ import annotations

from typing import Any

import redis


class RoundTrips:
    """Counts one worker's round trips to Redis (every send on a connection: a command, a pipeline, a script),
    for the manifest's ``newscorpus/distributed/redis_round_trips`` and the benchmark. Clients made by
    :func:`connect` with the counter count on it."""

    def __init__(self) -> None:
        self.count = 0
        self._classes: dict[type, type] = {}

    def connection_class(self, base: type[redis.Connection]) -> type:
        """``base`` (the connection class a URL's scheme asks for) with its sends counted here."""
        if base not in self._classes:
            counter = self

            def send_packed_command(connection: Any, command: Any, check_health: bool = True) -> None:
                counter.count += 1
                base.send_packed_command(connection, command, check_health)

            self._classes[base] = type(
                f"Counting{base.__name__}", (base,), {"send_packed_command": send_packed_command}
            )
        return self._classes[base]


_SCHEME_CONNECTIONS = {
    "redis": redis.Connection,
    "rediss": redis.SSLConnection,
    "unix": redis.UnixDomainSocketConnection,
}


def connect(url: str, round_trips: RoundTrips | None = None) -> redis.Redis:
    """A client for ``redis://HOST:PORT/DB`` (bytes replies), checked with a PING; its round trips are counted
    on ``round_trips`` when given."""
    options: dict[str, Any] = {
        "socket_connect_timeout": 10,
        "socket_timeout": 60,
        "health_check_interval": 30,
    }
    base = _SCHEME_CONNECTIONS.get(url.partition("://")[0])
    if round_trips is not None and base is not None:
        options["connection_class"] = round_trips.connection_class(base)
    client = redis.Redis.from_url(url, **options)
    client.ping()
    return client
