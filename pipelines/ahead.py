"""Results a worker task computed ahead for a later stage, kept in the item beside what they were made from.

Why: every pool task costs the reactor a round trip (the page pickled to a worker, the result back), so a
stage's worker task also runs the pure work of a later stage on the same text (the extract task cleans, the
language task computes the dedupe features): two tasks a page instead of four. A stage in between may change
the text, and settings decide each stage's configuration, so the later stage takes a result only when what it
was made from (the text, the language, the configuration) equals what the stage would use now; otherwise it
computes its own. The text is compared by identity first, then by value (the same object on the usual path).
"""

from __future__ import annotations

from typing import Any


def stage_runs(settings: Any, path: str) -> bool:
    """Whether the item pipeline at ``path`` runs in this crawl: listed in ``ITEM_PIPELINES`` and not switched
    off with ``None`` (Scrapy's own reading of the setting; a class given instead of its path counts too)."""
    from scrapy.utils.conf import build_component_list

    for component in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
        name = component if isinstance(component, str) else f"{component.__module__}.{component.__qualname__}"
        if name == path:
            return True
    return False


def leave(item: dict[str, Any], key: str, made_from: tuple[Any, ...], result: Any) -> None:
    """Keep ``result`` in the item under ``key`` (a private ``_`` key: writers leave it out)."""
    item[key] = (made_from, result)


def take(item: dict[str, Any], key: str, made_from: tuple[Any, ...]) -> Any:
    """The result left under ``key`` if it was made from ``made_from``, else None; the key is removed."""
    ahead = item.pop(key, None)
    if not isinstance(ahead, tuple) or len(ahead) != 2 or ahead[0] != made_from:
        return None
    return ahead[1]
