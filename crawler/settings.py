"""Scrapy settings of newscorpus: polite by default, every stage of ours switched on.

Only Scrapy's own settings are here. Ours carry the ``NEWSCORPUS_`` prefix and are declared with their defaults
on the config of the component that reads them (``pipelines.settings``); override any of them like any Scrapy
setting: ``-s NAME=VALUE`` on ``newscorpus crawl`` or ``scrapy crawl``.
"""

from scrapy.settings import default_settings

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
DOWNLOADER_MIDDLEWARES = {
    # Every request, redirect and meta refresh checked against its site's domains (fetch/offsite otherwise).
    "crawler.offsite.OffsiteMiddleware": 40,
    "crawler.middlewares.IncrementalMiddleware": 50,
    # robots.txt read as RFC 9309 says (5xx or no answer: nothing fetched; 4xx: no rules), in Scrapy's place.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.RedirectLoopMiddleware": 610,
    # --warc: closest to the downloader, to see each response as received (before decompression, redirects
    # and retries). Off unless NEWSCORPUS_WARC.
    "crawler.archives.capture.WarcCaptureMiddleware": 990,
}
# Scrapy's HTTP/1.1 handler; with NEWSCORPUS_WARC it also records the heads as they crossed the wire.
DOWNLOAD_HANDLERS = {
    "http": "crawler.archives.http_handler.RecordingDownloadHandler",
    "https": "crawler.archives.http_handler.RecordingDownloadHandler",
}

# The crawl state (what earlier runs fetched and wrote): NEWSCORPUS_STATE_DIR, default NEWSCORPUS_OUT/state.
EXTENSIONS = {
    "crawler.state.extension.CrawlStateExtension": 100,
    "crawler.extensions.WorkerPoolExtension": 110,
    # --warc: the crawl's web archive (NEWSCORPUS_WARC), OUT/runs/<run-id>/warc/.
    "crawler.archives.capture.WarcCaptureExtension": 120,
    # The live progress line on a terminal's stderr (NEWSCORPUS_PROGRESS: crawl and worker set it there).
    "crawler.progress.ProgressExtension": 900,
}
# Scrapy's own extensions but the telnet console (TELNETCONSOLE_ENABLED is off) and the remote control: left out
# of the base, not set to None, because Scrapy imports every extension its settings name, and the remote
# control's import of aiohttp alone costs a crawl's start-up a quarter of a second.
EXTENSIONS_BASE = {
    name: order
    for name, order in default_settings.EXTENSIONS_BASE.items()
    if name.rsplit(".", 1)[-1] not in ("TelnetConsole", "RemoteControl")
}
DUPEFILTER_CLASS = "crawler.dupefilter.RunDupeFilter"

# Off: the spider bounds how deep it follows hub pages itself (NEWSCORPUS_FOLLOW_DEPTH); sitemaps and feeds do
# not count against it.
DEPTH_LIMIT = 0

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
