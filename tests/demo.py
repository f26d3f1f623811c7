"""``make demo``: serve the bundled two-outlet news site on 127.0.0.1 and crawl it, offline, in one command.

The same site the end-to-end tests crawl. The corpus goes to ``output/demo/runs/<run-id>/``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from tests.newssite import NewsSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="output/demo")
    args = parser.parse_args(argv)
    with NewsSite() as site:
        print("serving the demo news site at " + " and ".join(site.base_urls), flush=True)
        command = [
            sys.executable, "-m", "crawler.cli", "crawl", *site.base_urls, "--out", args.out,
            "--user-agent", "newscorpus-demo (local test site)",
            # A fresh corpus every time: with a crawl state, a second demo would (rightly) find nothing new.
            "--no-state",
            # The site is ours and on this machine: no need to be gentle with it.
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s", "NEWSCORPUS_RETRY_BACKOFF_BASE=0.2",
        ]  # fmt: skip
        print("$ newscorpus " + " ".join(command[3:]), flush=True)
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
