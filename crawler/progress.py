"""A line on stderr every few seconds while a crawl runs: how far it is, in the numbers users ask.

    sites 3/16 done, 120 pages, 40 documents, reports 12 new 1 changed, 3 errors (0:42)

Every NIANBAO_PROGRESS_SECONDS (5; 0 turns it off). On a terminal the line updates in place;
elsewhere (cron mail, a log) it is a new line each time. Documents, reports and errors are
counted once committed (the archive pipeline keeps them in the crawl's stats); pages and sites
come from the spider's ledgers, a site being done when none of its requests is still pending.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

# The pipeline's committed counts, in the crawl's stats.
STATS = ("documents", "reports_new", "reports_changed", "errors")


class Progress:
    def __init__(self, crawler: Crawler, seconds: float, stream: IO[str]) -> None:
        self.crawler, self.seconds, self.stream = crawler, seconds, stream
        self.terminal = stream.isatty()
        self.started = time.monotonic()
        self.shown = False
        self.ticker = LoopingCall(self.show)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        seconds = crawler.settings.getfloat("NIANBAO_PROGRESS_SECONDS", 5.0)
        if seconds <= 0:
            raise NotConfigured
        return cls(crawler, seconds, sys.stderr)

    def spider_opened(self) -> None:
        self.ticker.start(self.seconds, now=False)

    def spider_closed(self) -> None:
        if self.ticker.running:
            self.ticker.stop()
        if self.terminal and self.shown:
            self.stream.write("\r\x1b[K")  # the summary takes the line's place
            self.stream.flush()

    def show(self) -> None:
        line = self.line()
        self.stream.write(f"\r{line}\x1b[K" if self.terminal else line + "\n")
        self.stream.flush()
        self.shown = True

    def line(self) -> str:
        ledgers = getattr(self.crawler.spider, "ledgers", {})
        total = max(len(getattr(self.crawler.spider, "sources", ())), len(ledgers))
        done = sum(ledger.done for ledger in ledgers.values())
        counts = {name: self._stat(name) for name in STATS}
        pages = sum(ledger.pages for ledger in ledgers.values())
        return (f"sites {done}/{total} done, {pages} pages, {counts['documents']} documents, reports "
                f"{counts['reports_new']} new {counts['reports_changed']} changed, {counts['errors']} errors "
                f"({_clock(time.monotonic() - self.started)})")

    def _stat(self, name: str) -> Any:
        return self.crawler.stats.get_value(f"nianbao/{name}", 0)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
