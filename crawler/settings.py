"""Scrapy settings of newscorpus: polite by default, every stage of ours switched on.

Our own settings carry the ``NEWSCORPUS_`` prefix; each component reads its own in ``from_crawler``. Override
any of them like any Scrapy setting: ``-s NAME=VALUE`` on ``newscorpus crawl`` or ``scrapy crawl``.
"""

BOT_NAME = "newscorpus"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness. Set an honest User-Agent with a way to reach you: --user-agent or -s USER_AGENT=...
USER_AGENT = "newscorpus/0.1 (news corpus crawler; set a contact address with --user-agent)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.25
CONCURRENT_REQUESTS = 32
# Scrapy starts this many asyncio tasks for every response's output, however short; an article response yields
# one item (whose stages await the worker pool), so its default of 100 only costs reactor time.
CONCURRENT_ITEMS = 16
# Scrapy stops taking responses while those in its item pipelines add up to this many bytes (default 5 MB,
# sized for pipelines that run on the reactor). Ours wait on the worker pool: 5 MB is about 30 article pages,
# too few to keep every worker busy (the crawl benchmark ran 15% faster with 32 MB). Bounded, so memory is.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32 * 1024 * 1024
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
# A news page over 20 MB is not an article page; the cap also bounds decompressed (gzip-bomb) bodies.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False

# Retries with exponential back-off (and Retry-After) on throttling and server errors.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
NEWSCORPUS_RETRY_BACKOFF_BASE = 1.0
NEWSCORPUS_RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.IncrementalMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.RedirectLoopMiddleware": 610,
}

# The crawl state (what earlier runs fetched and wrote): NEWSCORPUS_STATE_DIR, default NEWSCORPUS_OUT/state.
EXTENSIONS = {
    "crawler.extensions.CrawlStateExtension": 100,
    "crawler.extensions.WorkerPoolExtension": 110,
    "crawler.progress.ProgressExtension": 900,
}
# The live progress line on a terminal's stderr; newscorpus crawl/worker switch it on there unless --quiet.
NEWSCORPUS_PROGRESS = False
# Worker processes for extraction, cleaning and language detection ("" = one a core; 0 = inline).
NEWSCORPUS_WORKERS = ""
NEWSCORPUS_WORKER_TIMEOUT = 120.0
# A worker process is replaced after this many tasks (about two a page), bounding what a leak could grow to.
NEWSCORPUS_WORKER_MAX_TASKS = 50000
DUPEFILTER_CLASS = "crawler.dupefilter.RunDupeFilter"
NEWSCORPUS_STATE_ENABLED = True
NEWSCORPUS_RESUME = False
# Re-fetch articles to catch corrections: e.g. "2d" (empty: never); only those younger than the max age.
NEWSCORPUS_REVISIT_AFTER = ""
NEWSCORPUS_REVISIT_MAX_AGE = "7d"

# Hub pages (home, sections) are followed to this depth; sitemaps and feeds do not count against it.
DEPTH_LIMIT = 0
NEWSCORPUS_FOLLOW_DEPTH = 2

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.clean.CleanPipeline": 200,
    "pipelines.language.LanguagePipeline": 300,
    "pipelines.quality.QualityPipeline": 400,
    "pipelines.dedupe.DedupePipeline": 500,
    "pipelines.write.WritePipeline": 900,
}

LOG_FORMATTER = "crawler.logformatter.NewsLogFormatter"
LOG_LEVEL = "INFO"

# Where runs are written: NEWSCORPUS_OUT/runs/<run-id>/
NEWSCORPUS_OUT = "output"
NEWSCORPUS_SHARD_MAX_BYTES = 256 * 1024 * 1024
NEWSCORPUS_COMPRESS = ""
NEWSCORPUS_MAX_ARTICLES = 0
NEWSCORPUS_LANGUAGES = ""
NEWSCORPUS_SINCE = ""
NEWSCORPUS_STATE_DIR = ""

# Distributed crawls (crawler/distributed.py): switched on only by `newscorpus crawl --redis-url` and
# `newscorpus worker`, which set the Redis URL, the worker id and the scheduler; nothing here imports Redis.
NEWSCORPUS_DISTRIBUTED = False
NEWSCORPUS_REDIS_NAMESPACE = "newscorpus"
NEWSCORPUS_WORKER_HEARTBEAT = 5.0
NEWSCORPUS_WORKER_TTL = 30.0
NEWSCORPUS_WORKER_IDLE_STOP = 30.0
NEWSCORPUS_DISTRIBUTED_POLL = 1.0
