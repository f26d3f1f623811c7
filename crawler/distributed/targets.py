"""The start targets of a distributed crawl, shared through Redis: what ``seed`` pushes, what workers read back."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from crawler.distributed.clients import connect
from crawler.distributed.config import Keys
from crawler.profiles import SiteProfile, load_target, profile_from_dict

logger = logging.getLogger(__name__)


def target_spec(target: str) -> dict[str, Any]:
    """What ``seed`` pushes for a target: a URL as it is; a profile file's content (so workers on other
    machines need no copy of it); a bundled profile by name (every installation has it). Checked first."""
    load_target(target)  # raises ProfileError naming the file and key
    if target.startswith(("http://", "https://")):
        return {"target": target}
    path = Path(target)
    if path.suffix == ".toml" or path.exists():
        import tomllib

        return {
            "target": target,
            "profile": tomllib.loads(path.read_text(encoding="utf-8")),
            "where": str(path),
        }
    return {"target": target}


def profile_from_spec(spec: dict[str, Any]) -> SiteProfile:
    if "profile" in spec:
        return profile_from_dict(spec["profile"], spec.get("where") or spec["target"])
    return load_target(spec["target"])


T = TypeVar("T")


class SharedTargets(Sequence[SiteProfile]):
    """The profiles of every seeded target, by index, read from Redis as requests refer to them.

    Requests carry ``meta["profile"]``, an index into the shared target list (append-only during a run), so
    a worker that started before a target was seeded loads it when it first meets one of its requests."""

    def __init__(self, client: Any, key: str) -> None:
        self.client = client
        self.key = key
        self._profiles: list[SiteProfile] = []

    def _load(self) -> None:
        for raw in self.client.lrange(self.key, len(self._profiles), -1):
            self._profiles.append(profile_from_spec(json.loads(raw)))

    def __getitem__(self, index: int) -> SiteProfile:  # type: ignore[override]
        if index < 0 or index >= len(self._profiles):
            self._load()
        return self._profiles[index]

    def __len__(self) -> int:
        self._load()
        return len(self._profiles)


class Derived(Sequence[T]):
    """``fn(source[i])``, computed once per index as it is first asked for."""

    def __init__(self, source: Sequence[Any], fn: Callable[[Any], T]) -> None:
        self.source = source
        self.fn = fn
        self._items: list[T] = []

    def __getitem__(self, index: int) -> T:  # type: ignore[override]
        while len(self._items) <= index:
            self._items.append(self.fn(self.source[len(self._items)]))
        return self._items[index]

    def __len__(self) -> int:
        return len(self.source)


def shared_targets(crawler: Any) -> tuple[SharedTargets, Derived[Any]]:
    """The spider's ``profiles`` and ``classifiers`` in a distributed crawl."""
    from crawler.article_urls import ArticleUrlClassifier
    from crawler.distributed.membership import membership_of

    membership = membership_of(crawler)
    config = membership.config
    profiles = SharedTargets(
        connect(config.redis_url, membership.round_trips), Keys(config.namespace).targets
    )
    return profiles, Derived(profiles, ArticleUrlClassifier)
