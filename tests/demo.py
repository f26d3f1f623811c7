"""``make demo``: serve the bundled news sites on 127.0.0.1 and 127.0.0.2 and crawl them, offline, in one command.

The sites the end-to-end tests crawl: the two-outlet news site (``tests.newssite``) and the two outlets whose
article URLs do not look like news URLs, one with a sitemap, one reached by links only
(``tests.newssite.odd_outlets``). The corpus goes to ``output/demo/runs/<run-id>/`` (with its dataset card,
``README.md``), then ``newscorpus report`` writes ``output/demo/report/index.html``.

``--twice``: a scheduled crawl's check instead: two runs on one crawl state (``OUT/state``), nothing changed in
between, each run's requests counted from the sites' logs by status.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter

from tests.newssite import NewsSite
from tests.newssite.odd_outlets import OddSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="output/demo")
    parser.add_argument("--twice", action="store_true", help="two runs on one crawl state, requests counted")
    args = parser.parse_args(argv)
    with NewsSite() as site, OddSite() as odd:
        targets = [*site.base_urls, *odd.base_urls]
        print("serving the demo news sites at " + ", ".join(targets), flush=True)
        command = [
            sys.executable, "-m", "crawler.cli", "crawl", *targets, "--out", args.out,
            "--user-agent", "newscorpus-demo (local test site)",
            # The site is ours and on this machine: no need to be gentle with it.
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s", "NEWSCORPUS_RETRY_BACKOFF_BASE=0.2",
        ]  # fmt: skip
        if args.twice:
            return _twice(site, odd, command)
        # A fresh corpus every time: with a crawl state, a second demo would (rightly) find nothing new.
        command.append("--no-state")
        print("$ newscorpus " + " ".join(command[3:]), flush=True)
        status = subprocess.call(command)
    if status != 0:
        return status
    # The report of what the demo folder now holds (every demo run in it), and where it is.
    report = [sys.executable, "-m", "crawler.cli", "report", args.out]
    print("$ newscorpus " + " ".join(report[3:]), flush=True)
    return subprocess.call(report)


def _twice(site: NewsSite, odd: OddSite, command: list[str]) -> int:
    for run in ("scheduled-1", "scheduled-2"):
        before = (len(site.request_log), len(odd.requests()))
        print("$ newscorpus " + " ".join([*command[3:], "--run-id", run]), flush=True)
        status = subprocess.call([*command, "--run-id", run, "--quiet"])
        if status != 0:
            return status
        requests = [*site.request_log.snapshot()[before[0] :], *odd.requests()[before[1] :]]
        statuses = Counter(r.status for r in requests)
        print(f"{run}: {len(requests)} requests, by status {dict(sorted(statuses.items()))}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
