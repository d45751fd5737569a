"""Scrapy settings shared by every nianbao spider: a polite crawler by default.

Each one can be overridden on the command line (`nianbao crawl -s NAME=VALUE`) or per scrapyd job.
"""

from .siblings import DEFAULT_PATH

BOT_NAME = "nianbao"
SPIDER_MODULES = [f"{__package__}.spiders"]
NEWSPIDER_MODULE = f"{__package__}.spiders"

USER_AGENT = "nianbao/0.1 (+https://github.com/nianbao/nianbao; annual reports on open government information)"
ROBOTSTXT_OBEY = True
# Both consoles accept commands from anyone who can reach the port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# One or two requests at a time per site. With the asyncio reactor Scrapy does not enforce
# CONCURRENT_REQUESTS_PER_DOMAIN on its own (field notes), so SiteConcurrencyMiddleware does.
# In all, at least this many; a crawl of many sites raises it to CONCURRENT_REQUESTS_PER_DOMAIN
# for each site (the portal spider does), so that no site waits on another's delay.
CONCURRENT_REQUESTS = 16
# Scrapy starts this many tasks for each page's output, whatever its size; a page yields one
# document and a few requests (16 tasks a page cost a twentieth of the reactor thread).
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# The next request comes from the site with the fewest requests in the downloader (Scrapy's
# advice for crawls of many sites): one site's fifty queued report pages, each waiting out its
# delay, would otherwise take the places of other sites' requests (bench/farm_bench.py).
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_DELAY = 0.5
# No random variation: Scrapy draws the jittered delay again each time a site's queue wakes up, so
# a ±50% jitter spaces requests 1.22 times the delay on average (bench/farm_bench.py), and a
# fixed delay is never shorter than the one asked for.
DOWNLOAD_DELAY_JITTER = 0.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Seconds before the first retry of a request; each further retry waits twice as long.
NIANBAO_RETRY_BACKOFF = 2.0
# The longest wait a server's Retry-After (429, 503) may ask of a retry, in seconds.
NIANBAO_RETRY_AFTER_MAX = 120.0
REDIRECT_MAX_TIMES = 10
# A column's pagination is followed this far and no further (some pagers never end).
NIANBAO_MAX_LIST_PAGES = 300
# Each site's budget, across all its columns: requests, levels of columns within columns (from
# the entry page; pagination stays on its level), and seconds. A site over budget is
# `incomplete` and nothing of it is marked gone.
NIANBAO_SITE_MAX_PAGES = 5000
NIANBAO_SITE_MAX_DEPTH = 8
NIANBAO_SITE_MAX_SECONDS = 3600

COOKIES_ENABLED = True

# Sites behind a JavaScript cookie challenge (HTTP 412/521) are visited once in Debian's chromium
# through scrapy-playwright (crawler/browser.py); its cookie then serves the plain crawl. Off
# (NIANBAO_BROWSER=false), or with no chromium, such a site is `blocked`.
NIANBAO_BROWSER = True
DOWNLOAD_HANDLERS = {"http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                     "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"}
PLAYWRIGHT_BROWSER_PROVIDER = f"{__package__}.browser.DebianChromium"
# A browser on a server with no display, no GPU and no account: nothing phones home.
PLAYWRIGHT_LAUNCH_OPTIONS = {"headless": True, "args": ["--headless", "--no-sandbox", "--disable-gpu",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync"]}
# Seconds the challenge page's script gets to set its cookie.
NIANBAO_CHALLENGE_SECONDS = 5.0
HTTPERROR_ALLOW_ALL = False

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    f"{__package__}.middlewares.PermanentErrorRetryMiddleware": 550,
    f"{__package__}.middlewares.LoopAwareRedirectMiddleware": 600,
    f"{__package__}.middlewares.SiteOffsiteMiddleware": 50,
    f"{__package__}.middlewares.RetryBackoffMiddleware": 70,
    f"{__package__}.middlewares.ConditionalRequestMiddleware": 80,
    f"{__package__}.middlewares.CharsetRepairMiddleware": 650,
    # Last before the download, so robots.txt fetches and retries never wait on a held slot.
    f"{__package__}.middlewares.SiteConcurrencyMiddleware": 950,
}
# A line on stderr every NIANBAO_PROGRESS_SECONDS while a crawl runs (0: none), and the
# interpreter set for a crawl (its GIL switch interval and its collector's thresholds).
EXTENSIONS = {f"{__package__}.progress.Progress": 500, f"{__package__}.interpreter.Interpreter": 0}
NIANBAO_PROGRESS_SECONDS = 5.0
ITEM_PIPELINES = {f"{__package__}.pipelines.ArchivePipeline": 300}

# The archive file; `nianbao crawl --db` sets it.
NIANBAO_DB = DEFAULT_PATH
# Off, documents are captured but not parsed (`nianbao reparse` parses them later).
NIANBAO_PARSE = True
# Documents written per commit, and the longest a written document waits for its commit.
NIANBAO_COMMIT_EVERY = 50
NIANBAO_COMMIT_SECONDS = 2.0
# Worker processes that parse documents off the reactor thread (0: one per CPU but one, which
# the crawl process needs for itself: on two cores one worker beside it beats two, bench/crawl_bench.py).
NIANBAO_PARSE_WORKERS = 0
# Each parse's bounds: wall-clock seconds, and the worker's resident memory in MB (its address
# space is capped at twice that). Past either the worker is replaced and the document is a
# crawl_errors row (parse_timeout, parse_memory). 0 turns a bound off.
NIANBAO_PARSE_SECONDS = 60.0
NIANBAO_PARSE_MEMORY_MB = 900
# After Ctrl-C or SIGTERM, the longest the crawl waits for downloads in flight before it
# closes the run as interrupted.
NIANBAO_STOP_SECONDS = 5.0

LOG_LEVEL = "INFO"
