"""Results a worker task computed ahead for a later stage, kept in the item beside what they were made from.

Why: every pool task costs the reactor a round trip (the page pickled to a worker, the result back), so a
stage's worker task also runs the pure work of later stages on the same text (the extract task cleans, then
runs the language task, which computes the dedupe features): one task a page instead of four. A stage in
between may change the text, and settings decide each stage's configuration, so the later stage takes a
result only when what it was made from (the text, the language, the configuration) equals what the stage would
use now; otherwise it computes its own. The text is compared by identity first, then by value (the same object
on the usual path). Where a stage in between changes most pages of a site (the clean stage once it strips the
site's repeated lines), :class:`Speculation` stops the work ahead for that site.
"""

from __future__ import annotations

from collections import OrderedDict


class Speculation:
    """Which sites' pages get a later stage's work computed ahead, learned from whether it paid off.

    Why: work done ahead is wasted when a stage in between changes the text. On most sites nothing does, but
    the clean stage strips the lines a site repeats on every page once it has learned them, and then it changes
    almost every page of that site. A site whose last result was not taken stops getting the work ahead; one page
    in ``probe_every`` still gets it, so that a site whose pages stop changing gets it back. The sites
    remembered are bounded (``max_sites``, the least recently missed forgotten first).
    """

    def __init__(self, probe_every: int = 32, max_sites: int = 10_000) -> None:
        self.probe_every = max(1, probe_every)
        self.max_sites = max(1, max_sites)
        self._missed: OrderedDict[str, int] = OrderedDict()  # site -> pages since its last miss

    def wanted(self, site: str) -> bool:
        """Whether this page of ``site`` should get the work ahead."""
        since = self._missed.get(site)
        if since is None:
            return True
        self._missed[site] = since + 1
        return (since + 1) % self.probe_every == 0

    def outcome(self, site: str, taken: bool) -> None:
        """Record whether the later stage took the result computed ahead for a page of ``site``."""
        if taken:
            self._missed.pop(site, None)
            return
        self._missed[site] = 0
        self._missed.move_to_end(site)
        while len(self._missed) > self.max_sites:
            self._missed.popitem(last=False)
