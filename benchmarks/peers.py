"""The crawl benchmark's two Scrapy ways without newscorpus, each run as a command of its own.

Usage (``benchmarks/crawl.py`` starts them; by hand)::

    .venv/bin/python benchmarks/peers.py bare --origin http://127.0.0.1:8000 --concurrency 64
    .venv/bin/python benchmarks/peers.py inline --origin http://127.0.0.1:8000 --items items.jsonl

- ``bare``: a Scrapy ``SitemapSpider`` that only counts its responses: Scrapy's own start-up and I/O ceiling;
- ``inline``: the same spider with ``trafilatura.extract`` in an item pipeline and a JSONL line per article,
  the peers' design (news-please extracts inline on the reactor thread).

A module of its own, importing nothing of the benchmark or of newscorpus, so that the start-up these commands
are timed with is Scrapy's (and, inline, trafilatura's) alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def scrapy_settings(concurrency: int) -> dict[str, Any]:
    """What every way of the benchmark shares (the newscorpus way gets them as ``-s``): the same concurrency,
    no delay, no AutoThrottle, robots.txt obeyed."""
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_REQUESTS": concurrency,
        "ROBOTSTXT_OBEY": True,
    }


def run_spider(mode: str, origin: str, items_path: Path | None, concurrency: int) -> int:
    """Crawl ``origin`` from its robots.txt; prints the articles seen (and written) as JSON lines."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class InlineExtractPipeline:
        """trafilatura on the reactor thread, one JSONL line per article: the peers' design."""

        def open_spider(self, spider: Any = None) -> None:
            import trafilatura

            assert items_path is not None
            self.extract = trafilatura.extract
            self.fh = open(items_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close_spider
            self.written = 0

        def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
            text = self.extract(item.pop("html"), url=item["url"], include_comments=False)
            if text:
                item["text"] = text
                self.fh.write(json.dumps(item, ensure_ascii=False) + "\n")
                self.fh.flush()  # so the benchmark's timeline sees each line when it is written
                self.written += 1
            return item

        def close_spider(self, spider: Any = None) -> None:
            self.fh.close()
            print(json.dumps({"written": self.written}), flush=True)

    class BenchSpider(SitemapSpider):
        name = f"bench-{mode}"
        sitemap_urls = [origin + "/robots.txt"]

        def parse(self, response: Any) -> Any:
            self.crawler.stats.inc_value("bench/articles")
            if mode == "inline":
                yield {"url": response.url, "html": response.text}

    settings = {
        **scrapy_settings(concurrency),
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "ITEM_PIPELINES": {InlineExtractPipeline: 100} if mode == "inline" else {},
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BenchSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({"articles": stats.get("bench/articles", 0)}), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("bare", "inline"))
    parser.add_argument("--origin", required=True, help="the site, http://HOST:PORT")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--items", type=Path, help="inline: where the JSONL lines go")
    args = parser.parse_args(argv)
    if args.mode == "inline" and args.items is None:
        parser.error("inline needs --items")
    return run_spider(args.mode, args.origin, args.items, args.concurrency)


if __name__ == "__main__":
    sys.exit(main())
