"""When a URL that failed or was rejected is asked again: a next-try time per URL, by kind of outcome.

A scheduled crawl sees the same dead links every hour. Asking each again every run is neither polite nor
useful, so a failure gives its URL a wait that grows with every failure in a row, up to a cap:

- ``gone`` (404, 410, a redirect off the site or in a loop): the wait starts at
  ``start`` and is multiplied by four each time: such a page is almost always gone for good;
- ``transient`` (5xx, timeouts, DNS, a reset connection, a worker's failure): it starts at ``start`` and
  doubles: the site or the machine may be better next time;
- ``robots`` (robots.txt keeps it out): no wait; the robots.txt middleware refuses it without a request
  while the rules stay, so it is asked again only when robots.txt changed;
- ``ruled`` (a sitemap entry of no article's shape): no wait; the rule refuses it again without a request;
- option-dependent rejections (``--lang``, ``--since``, ``--tdm exclude``, ``--max-articles``) get none: a
  later run with other options may want the page.

A URL that succeeds is recorded with its outcome and no wait. ``now`` makes the clock injectable (tests,
replays) without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipelines.dates import parse_duration
from pipelines.settings import as_aware_datetime, setting

GONE = "gone"
TRANSIENT = "transient"
ROBOTS = "robots"
RULED = "ruled"

#: How much longer each wait is than the one before, by kind.
GROWTH = {GONE: 4, TRANSIENT: 2}

_GONE_REASONS = frozenset({"fetch/http-404", "fetch/http-410", "fetch/offsite", "fetch/redirect-loop"})
_NO_BACKOFF = frozenset(
    {"write/max-articles", "language/not-wanted", "extract/before-since", "extract/after-until"}
    | {"rights/tdm-reserved"}
)


@dataclass(frozen=True)
class BackoffPolicy:
    """``start``: the first wait after a failure; ``cap``: the longest; ``now``: the crawl's clock for these
    decisions (None: the real time; an ISO time: as if the crawl ran then)."""

    start: timedelta = setting("NEWSCORPUS_BACKOFF_START", timedelta(hours=1), parse_duration)
    cap: timedelta = setting("NEWSCORPUS_BACKOFF_CAP", timedelta(days=7), parse_duration)
    now: datetime | None = setting("NEWSCORPUS_NOW", None, as_aware_datetime)

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def wait(self, kind: str, failures: int) -> timedelta | None:
        """The wait after the ``failures``-th failure in a row of ``kind`` (None: none)."""
        growth = GROWTH.get(kind)
        if growth is None or failures < 1:
            return None
        # Capped before it is multiplied out: a URL that failed a thousand times must not overflow.
        steps = min(failures - 1, 64)
        seconds = min(self.start.total_seconds() * growth**steps, self.cap.total_seconds())
        return timedelta(seconds=seconds)

    def next_try(self, kind: str, failures: int, now: datetime | None = None) -> str | None:
        """The time (ISO, UTC) before which the URL is not asked again; None: no wait."""
        wait = self.wait(kind, failures)
        if wait is None:
            return None
        return ((now or self.clock()) + wait).astimezone(UTC).isoformat(timespec="seconds")


def kind_of(reason: str) -> str | None:
    """The back-off kind of a rejection ``stage/reason`` (None: it waits for nothing)."""
    if reason in _NO_BACKOFF:
        return None
    if reason == "fetch/robots-disallowed":
        return ROBOTS
    if reason == "discover/not-article-url":
        return RULED
    if reason in _GONE_REASONS:
        return GONE
    return TRANSIENT
