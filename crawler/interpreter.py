"""The crawl process's interpreter, set for a crawl while it runs and restored after it.

A crawl process is one reactor thread doing Scrapy's work for hundreds of sites, beside the
archive writer and the parse pool's threads; Python's defaults are made for neither.
"""

from __future__ import annotations

import gc
import sys

from scrapy import signals
from scrapy.crawler import Crawler

# The writer and the pool's threads share the GIL with the reactor thread. Each time the reactor
# waits on its sockets, a writer running Python keeps the GIL for up to the switch interval
# (5 ms by default) before the reactor gets it back. At 1 ms a 10,000-page full crawl took
# 71-91 CPU s against 81-101 (runs of bench/crawl_bench.py, interleaved); on 3,000 pages and on
# the farm, no difference beyond this machine's noise.
GIL_SWITCH_SECONDS = 0.001
# Requests waiting in the scheduler and documents waiting for their parse live a few seconds:
# long enough to reach the oldest generation, where each death brings the next full collection
# nearer. At Python's (700, 10, 10) the 300-portal farm (bench/farm_bench.py) ran 23 full
# collections of about 200 ms each, every thread stopped: 8 s of the crawl process's 41 s of
# CPU. At these thresholds: 30 young collections (0.9 s) and no full one, for 20 MB more memory.
GC_THRESHOLDS = (50_000, 20, 10)


class Interpreter:
    """Sets the GIL switch interval and the collector's thresholds when the crawl's engine
    starts, and puts Python's own back when it stops (tests run many crawls in one process)."""

    def __init__(self, crawler: Crawler) -> None:
        self._saved: tuple[float, tuple[int, ...]] | None = None
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Interpreter:
        return cls(crawler)

    def engine_started(self) -> None:
        self._saved = (sys.getswitchinterval(), gc.get_threshold())
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        gc.set_threshold(*GC_THRESHOLDS)

    def engine_stopped(self) -> None:
        if self._saved is not None:
            switch, thresholds = self._saved
            sys.setswitchinterval(switch)
            gc.set_threshold(*thresholds)
            self._saved = None
