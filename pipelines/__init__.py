"""The corpus stages: extract, clean, language, quality, dedupe, write.

Each stage module holds plain logic usable without Scrapy (WARC replay, benchmarks and tests call it directly)
and a thin Scrapy item-pipeline adapter around it.
"""
