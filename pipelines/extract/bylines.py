"""Authors and titles as a record holds them: bylines without "By", dates and outlet names; headlines without the
outlet suffix.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from typing import Any

_WS = re.compile(r"\s+")


def plain_text(value: Any) -> str:
    text = str(value or "")
    if "&" in text:
        text = html.unescape(text)  # JSON-LD and meta values often carry HTML entities (&#8217;, &nbsp;)
    return _WS.sub(" ", text).strip()


logger = logging.getLogger(__name__)


#: Words that start a byline and are not part of a name, in the languages we meet most.
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:(?:written|posted|reported|words|analysis|opinion|commentary|review|story|interview|text|photos?)\s+)?by|"
    r"from|text|autor(?:a|in)?|author|reporter|редакция|автор|글|기자)\s*[:：]?\s+",
    re.IGNORECASE,
)


#: Prepositions that start bylines in other languages; lower-case only (or "Von"/"Por"/"Par"), as "Da Silva" and
#: "De Souza" are names.
_BYLINE_PREFIX_CASED = re.compile(r"^\s*(?:von|Von|por|Por|par|Par|di|da|de|door|av|af)\s+(?=\S)")


_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;|/&·•]|\s(?:and|und|y|et|e|и)\s)\s*")


_AUTHOR_NOISE = re.compile(
    r"(?:@|https?://|www\.|\d|\b(?:staff|editor(?:s|ial)?|desk|team|newsroom|correspondent|contributor|"
    r"agency|updated|published|reporter|writer|admin|redaktion|redacción|redação|redazione)\b)",
    re.IGNORECASE,
)


#: News agencies and outlets that appear in author fields: not persons.
_AGENCIES = frozenset(
    [
        "associatedpress",
        "theassociatedpress",
        "ap",
        "reuters",
        "thomsonreuters",
        "afp",
        "agencefrancepresse",
        "dpa",
        "efe",
        "ansa",
        "pti",
        "ians",
        "yonhap",
        "xinhua",
        "upi",
        "bloomberg",
        "cnn",
        "bbc",
        "bbcnews",
        "pressassociation",
        "pa",
        "aap",
        "kyodo",
        "kyodonews",
        "tass",
        "rianovosti",
        "anadolu",
        "bernama",
        "antara",
        "lusa",
        "apf",
        "newsagencies",
        "wire",
        "wires",
    ]
)


_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/|:)\s+")


def clean_authors(raw: Iterable[str], site_name: str | None = None, domain: str | None = None) -> list[str]:
    """Person names only: no "By", no dates, e-mails, roles, credentials, agencies or outlet names; names in
    capitals set in title case; de-duplicated, in order."""
    outlet_keys = {title_key(site_name), title_key(domain.split(".")[0] if domain else None)} - {""}
    result: list[str] = []
    seen: set[str] = set()
    for entry in raw:
        entry = plain_text(html.unescape(str(entry or "")))
        if not entry or len(entry) > 200:
            continue
        for part in _AUTHOR_SPLIT.split(entry):
            name = plain_text(part)
            for _ in range(2):
                name = _BYLINE_PREFIX.sub("", name)
                name = _BYLINE_PREFIX_CASED.sub("", name).strip(" .,:;-–—|()[]\"'")
            if not name or _AUTHOR_NOISE.search(name):
                continue
            words = name.split()
            if len(words) > 5 or len(name) > 60 or len(name) < 2:
                continue
            if len(words) == 1 and (name.islower() or (name.isupper() and len(name) <= 4)):
                continue  # a user handle ("jdadmin") or a credential ("MS", "RDN")
            key = title_key(name)
            if (
                not key
                or key in _AGENCIES
                or key in outlet_keys
                or any(k and (k in key or key in k) for k in outlet_keys)
            ):
                continue
            if name.isupper():
                name = name.title()
            if key in seen:
                continue
            seen.add(key)
            result.append(name)
    return result


def title_key(value: str | None) -> str:
    return re.sub(r"\W+", "", (value or "").lower())


def clean_title(
    title: str | None, site_name: str | None = None, domain: str | None = None, h1: str | None = None
) -> str | None:
    """The headline without the outlet name that pages append or prepend (``Headline | Outlet``)."""
    title = plain_text(title)
    if not title:
        return plain_text(h1) or None
    h1 = plain_text(h1)
    if h1 and len(h1) >= 10 and title_key(h1) == title_key(title):
        return h1
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    outlet_keys = {
        title_key(site_name),
        title_key(domain),
        title_key(domain.split(".")[0] if domain else None),
    } - {""}

    def is_outlet(part: str) -> bool:
        key = title_key(part)
        if not key:
            return True
        return any(key == k or (len(key) >= 4 and (key in k or k in key)) for k in outlet_keys)

    # The h1 is the headline as the page shows it: when the title contains it, the rest is decoration.
    if h1 and len(h1) >= 10 and title_key(h1) in title_key(title) and len(h1) < len(title):
        return h1
    while len(parts) > 1 and is_outlet(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_outlet(parts[0]):
        parts.pop(0)
    if len(parts) > 1:
        # A short last segment after a pipe is the outlet or section under another name ("| Regional").
        last = parts[-1]
        if " | " in title and len(last.split()) <= 4 and len(" ".join(parts[:-1])) > 2 * len(last):
            parts.pop()
    # Rejoin with the separators the title used between the kept parts.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " - ".join(parts)
