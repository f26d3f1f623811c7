"""Language codes as records hold them: ISO 639-1, lower case, ``und`` when undetermined."""

from __future__ import annotations

from collections.abc import Iterable

UNDETERMINED = "und"


def normalise_code(code: str | None) -> str | None:
    """``en-US``, ``EN_gb`` -> ``en``; langdetect's ``zh-cn``/``zh-tw`` -> ``zh``."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary or None


def parse_languages(value: str | Iterable[str] | None) -> frozenset[str]:
    """``"en,ko"`` or ``["en", "ko"]`` -> ``{"en", "ko"}``; empty means every language."""
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(code for item in items if (code := normalise_code(item)))
