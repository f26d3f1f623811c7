"""Language codes as records hold them: ISO 639-1, lower case, ``und`` when undetermined."""

from __future__ import annotations

import re
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


_CODE_SHAPE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


def known_languages() -> frozenset[str]:
    """The languages the language stage can tell: langdetect's profiles (file names, nothing loaded)."""
    from importlib.resources import files

    profiles = files("langdetect") / "profiles"
    return frozenset(code for entry in profiles.iterdir() if (code := normalise_code(entry.name)))


def check_languages(value: str | Iterable[str] | None, what: str = "--lang") -> frozenset[str]:
    """``parse_languages``, refusing a code the language stage could never assign (``xx``, ``english``):
    with it, every article would be rejected as not wanted."""
    items = [i.strip() for i in (value.split(",") if isinstance(value, str) else value or []) if i.strip()]
    known = known_languages()
    for item in items:
        code = normalise_code(item)
        if not _CODE_SHAPE.match(item) or code not in known:
            raise ValueError(
                f"{what} {item!r}: not a language the language stage knows; "
                f"use ISO 639-1 codes, one of: {', '.join(sorted(known))}"
            )
    return parse_languages(items)
