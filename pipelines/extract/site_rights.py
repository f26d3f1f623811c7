"""What a site declares for all its pages: its TDMRep file and the robots.txt groups of AI-training crawlers.

Pure functions of the site's files, so a crawl (``crawler.site_rights`` fetches the files once per site and
keeps them in the crawl state) and an archive ingest (the files as archived) resolve an article's site facts
alike: :func:`site_signals` turns them into the :class:`SiteSignals` of one URL, which the page task combines
with the page's own signals (``pipelines.extract.rights``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

#: User-agent tokens of the crawlers that collect text for training AI models, each as its operator documents
#: it (a robots.txt group naming one of them says what the publisher allows AI training):
#:
#: - ``GPTBot``: OpenAI, https://platform.openai.com/docs/bots
#: - ``CCBot``: Common Crawl, whose archives most open training sets are built from, https://commoncrawl.org/ccbot
#: - ``Google-Extended``: Google's token for Gemini training (no crawler of its own; robots.txt only),
#:   https://developers.google.com/search/docs/crawling-indexing/google-common-crawlers
#: - ``ClaudeBot`` and the older ``anthropic-ai``: Anthropic,
#:   https://support.anthropic.com/en/articles/8896518-does-anthropic-crawl-data-from-the-web
#: - ``PerplexityBot``: Perplexity, https://docs.perplexity.ai/guides/bots
#: - ``Applebot-Extended``: Apple's token for training its models, https://support.apple.com/en-us/119829
#: - ``meta-externalagent``: Meta, https://developers.facebook.com/docs/sharing/webmasters/web-crawlers
#:
#: The order is the order ``rights.ai_crawlers_disallowed`` lists them in.
AI_CRAWLERS: tuple[str, ...] = (
    "GPTBot",
    "CCBot",
    "Google-Extended",
    "ClaudeBot",
    "anthropic-ai",
    "PerplexityBot",
    "Applebot-Extended",
    "meta-externalagent",
)

#: Where TDMRep's site-wide file lives (https://www.w3.org/2022/tdmrep/, "TDM File on the Origin Server").
TDMREP_PATH = "/.well-known/tdmrep.json"
#: Rules read from one file at most (a real file has a handful).
MAX_TDMREP_RULES = 1000


class TdmrepError(ValueError):
    """A ``tdmrep.json`` that is not the array of rules the protocol defines."""


@dataclass(frozen=True)
class TdmRule:
    """One rule of a ``tdmrep.json``: a path pattern (robots.txt syntax: ``*`` and a final ``$``), its
    reservation (1 reserved, 0 not) and its policy URL."""

    location: str
    reservation: int
    policy: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"location": self.location, "tdm-reservation": self.reservation}
        if self.policy:
            out["tdm-policy"] = self.policy
        return out


@dataclass(frozen=True)
class SiteSignals:
    """The site's facts for one article URL: the first ``tdmrep.json`` rule matching its path (None: no file,
    or no rule matches), and the AI-training crawlers its robots.txt does not let fetch it."""

    tdm_reservation: int | None = None
    tdm_policy: str | None = None
    ai_crawlers_disallowed: tuple[str, ...] = ()


def tdm_reservation_value(value: Any) -> int | None:
    """``1`` or ``0`` as the protocol allows them (an integer, or its text in a header or meta tag); any other
    value is a protocol error, which the specification says to read as "unset" (None)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value in (0, 1) else None
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    return None


def parse_tdmrep(body: bytes | str) -> list[TdmRule]:
    """The rules of a ``tdmrep.json``, in file order; a rule without a usable ``location`` or
    ``tdm-reservation`` is left out (logged). Raises :class:`TdmrepError` when the file is not a JSON array."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TdmrepError(f"not JSON: {exc}") from None
    if not isinstance(data, list):
        raise TdmrepError(f"a JSON {type(data).__name__}, not an array of rules")
    rules: list[TdmRule] = []
    entries = data[:MAX_TDMREP_RULES]
    for entry in entries:
        if not isinstance(entry, dict):
            logger.debug("tdmrep.json: a rule that is not an object: %r", entry)
            continue
        location = entry.get("location")
        reservation = tdm_reservation_value(entry.get("tdm-reservation"))
        if not isinstance(location, str) or not location.strip() or "\n" in location or reservation is None:
            logger.debug("tdmrep.json: rule without a location or a 0/1 tdm-reservation: %r", entry)
            continue
        policy = entry.get("tdm-policy")
        rules.append(TdmRule(location.strip(), reservation, policy if isinstance(policy, str) else None))
    if len(rules) < len(entries):
        logger.warning(
            "tdmrep.json: %d of %d rules left out (not an object, no location, or a tdm-reservation other "
            "than 0 or 1)",
            len(entries) - len(rules),
            len(entries),
        )
    return rules


class TdmrepRules:
    """A site's ``tdmrep.json`` rules, ready to match article URLs.

    The protocol takes its path patterns from robots.txt (``*``, a final ``$``, percent-encoding normalised as
    Google reads robots.txt) and uses the first rule that matches. Each pattern is matched by Protego, the
    robots.txt parser Scrapy uses, as a one-rule robots.txt: the same matching, no pattern code of our own.
    """

    def __init__(self, rules: Iterable[TdmRule]) -> None:
        from protego import Protego  # here, so the modules counting signals (writer, summary) load no parser

        self.rules = tuple(rules)
        self._matchers = [Protego.parse(f"User-agent: *\nDisallow: {rule.location}\n") for rule in self.rules]

    def match(self, url: str) -> TdmRule | None:
        """The first rule whose location matches the URL's path, None when none does."""
        for rule, matcher in zip(self.rules, self._matchers, strict=True):
            if not matcher.can_fetch(url, "tdm-agent"):
                return rule
        return None


def ai_crawlers_disallowed(
    allowed: Callable[[str, str], bool], url: str, agents: Sequence[str] = AI_CRAWLERS
) -> tuple[str, ...]:
    """The AI-training crawlers robots.txt does not let fetch ``url``; ``allowed(url, agent)`` is the robots.txt
    parser's answer (the crawl's own parser, so the same groups and rules decide). An agent the file names no
    group for falls under ``User-agent: *``, as robots.txt says."""
    return tuple(agent for agent in agents if not allowed(url, agent))


def robots_allowed(body: bytes | str) -> Callable[[str, str], bool]:
    """``allowed(url, agent)`` of a robots.txt body, parsed by Protego (for archived robots.txt files, and
    crawls that do not obey robots.txt, where no parser of the crawl has read it)."""
    from protego import Protego

    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    parser = Protego.parse(text)
    return lambda url, agent: bool(parser.can_fetch(url, agent))


def site_signals(
    url: str, tdmrep: TdmrepRules | None, allowed: Callable[[str, str], bool] | None
) -> SiteSignals:
    """The site's facts for ``url``: its ``tdmrep.json`` rule, and the AI crawlers its robots.txt keeps out
    (``allowed`` None: no robots.txt was read)."""
    rule = tdmrep.match(url) if tdmrep is not None else None
    return SiteSignals(
        tdm_reservation=rule.reservation if rule else None,
        tdm_policy=rule.policy if rule else None,
        ai_crawlers_disallowed=ai_crawlers_disallowed(allowed, url) if allowed is not None else (),
    )
