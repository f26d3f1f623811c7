"""``python -m tests.newssite``: serve the test news site until Ctrl-C, for exploring it in a browser."""

from __future__ import annotations

import argparse
import contextlib
import logging
import threading

from tests.newssite.site import NewsSite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-a", type=int, default=0, help="port for The Harbour Daily (default: any)")
    parser.add_argument("--port-b", type=int, default=0, help="port for Meridian Wire (default: any)")
    parser.add_argument(
        "--publish-all", action="store_true", help="also publish the initially hidden stories"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s"
    )
    site = NewsSite(ports=(args.port_a, args.port_b))
    with site:
        if args.publish_all:
            site.publish(a.slug for a in site.hidden_articles())
        for outlet in site.outlets.values():
            print(f"{outlet.title}: {outlet.base_url}/", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
