"""The URL scheme of each outlet, kept in one place so pages, feeds and ground truth agree."""

from __future__ import annotations

import re
import unicodedata

HARBOUR = "harbour"
MERIDIAN = "meridian"
OUTLETS = (HARBOUR, MERIDIAN)


def slugify(text: str) -> str:
    """Lower-case ASCII slug, the way WordPress and most CMSs build them from titles and names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def article_path(outlet: str, published: str, section: str, uid: int, slug: str) -> str:
    """WordPress date permalinks on the Harbour Daily, numeric ids under sections on Meridian Wire."""
    if outlet == HARBOUR:
        year, month, day = published[:10].split("-")
        return f"/{year}/{month}/{day}/{slug}/"
    return f"/news/{section}/{uid}/{slug}"


def section_path(outlet: str, section: str) -> str:
    return f"/{section}/" if outlet == HARBOUR else f"/news/{section}"


def tag_path(outlet: str, tag: str) -> str:
    return f"/tag/{slugify(tag)}/" if outlet == HARBOUR else f"/tag/{slugify(tag)}"


def author_path(outlet: str, name: str) -> str:
    return f"/author/{slugify(name)}/" if outlet == HARBOUR else f"/author/{slugify(name)}"


def login_path(outlet: str) -> str:
    return "/login/" if outlet == HARBOUR else "/login"


def feed_path(outlet: str) -> str:
    return "/feed/" if outlet == HARBOUR else "/atom.xml"
