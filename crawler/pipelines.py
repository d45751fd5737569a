"""The archive pipeline: every fetched document into the archive, parsed off the reactor thread.

Parsing runs in worker processes (trafilatura or pdfplumber inside a callback would stall the
crawl, field notes); the archive is written on one writer thread, each document atomically, so
a crawl killed at any moment leaves a valid archive.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from .items import CrawlError, SiteLedger
from .siblings import (DEFAULT_PATH, Archive, Batch, ErrorPage, Fetched, NotAReport, ParseError, Report,
                       ScannedDocument, read_document)


class ArchivePipeline:
    """All archive work runs on one writer thread (SQLite wants one connection per thread, and
    the reactor thread must stay free for downloads); parsing runs in worker processes.

    Documents are committed in groups (NIANBAO_COMMIT_EVERY, and at least every
    NIANBAO_COMMIT_SECONDS): a commit rewrites the pages of a dozen indexes, which cost more
    than the document itself. Each document is still atomic within its group, so a crawl
    killed mid-group loses only that group's captures, and the next run fetches them again.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.parse_documents = crawler.settings.getbool("NIANBAO_PARSE", True)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="nianbao-archive")
        self.archive: Archive | None = None
        self.batch: Batch | None = None
        self.run: int = 0
        self.pool: ProcessPoolExecutor | None = None
        self.reports_by_site: defaultdict[str, set[int]] = defaultdict(set)
        self.documents_by_site: defaultdict[str, int] = defaultdict(int)
        self.errors_by_site: defaultdict[str, int] = defaultdict(int)
        self.committer = LoopingCall(lambda: self.writer.submit(self._commit))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.writer.submit(self._open_archive).result()
        self.committer.start(self.settings.getfloat("NIANBAO_COMMIT_SECONDS", 2.0), now=False)
        workers = self.settings.getint("NIANBAO_PARSE_WORKERS") or os.cpu_count() or 1
        # spawn, not fork: a forked reactor thread's state is not safe to inherit.
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def _open_archive(self) -> None:
        self.archive = Archive(self.settings.get("NIANBAO_DB", DEFAULT_PATH))
        self.batch = self.archive.batch(self.settings.getint("NIANBAO_COMMIT_EVERY", 50))
        self.run = self.settings.getint("NIANBAO_RUN") or self.archive.start_run(
            region=getattr(self.crawler.spider, "region", None), url=getattr(self.crawler.spider, "url", None),
            settings=_politeness(self.settings))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlError):
            await self._write(self._record_error, item.url, item.kind, item.message, item.status, item.site)
        elif isinstance(item, Fetched):
            await self._store(item)
        return item

    def _write(self, function: Any, *args: Any) -> asyncio.Future:
        return asyncio.wrap_future(self.writer.submit(function, *args))

    async def _store(self, fetched: Fetched) -> None:
        needs_parse = self.parse_documents and await self._write(self._changed, fetched)
        parsed = await self._parse(fetched) if needs_parse else None
        await self._write(self._file, fetched, parsed)

    def _changed(self, fetched: Fetched) -> bool:
        """Whether the body needs parsing: unchanged bytes were parsed when first captured."""
        if fetched.status != 200:
            return False
        last = self.archive.last_capture(fetched.url)
        return last is None or last.get("sha256") != hashlib.sha256(fetched.body).hexdigest()

    async def _parse(self, fetched: Fetched) -> Report | ParseError:
        assert self.pool is not None
        future = self.pool.submit(read_document, fetched.url, fetched.body, fetched.filename)
        return await asyncio.wrap_future(future)

    def _file(self, fetched: Fetched, parsed: Report | ParseError | None) -> None:
        with self.batch.document():
            stored = self.archive.store(self.run, fetched, parsed)
        self.documents_by_site[fetched.site] += 1
        if stored.report_id is not None:  # also the report an unchanged document carries
            self.reports_by_site[fetched.site].add(stored.report_id)
        if isinstance(parsed, ParseError) and not isinstance(parsed, NotAReport):
            self._record_error(fetched.url, _parse_kind(parsed), str(parsed), None, fetched.site)

    def _commit(self) -> None:
        if self.batch is not None:
            self.batch.commit()

    def _record_error(self, url: str, kind: str, message: str, status: int | None, site: str) -> None:
        self.errors_by_site[site] += 1
        self.archive.record_error(self.run, url, kind, " ".join(message.split()), status=status, site=site)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.committer.running:
            self.committer.stop()
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.archive is not None:
            self.writer.submit(self._close_run, getattr(spider, "ledgers", {}), reason).result()
        self.writer.shutdown()

    def _close_run(self, ledgers: dict[str, SiteLedger], reason: str) -> None:
        self._commit()
        for ledger in ledgers.values():
            self._close_site(ledger)
        pages = sum(ledger.pages for ledger in ledgers.values())
        self.archive.finish_run(self.run, status="finished" if reason == "finished" else reason, pages=pages)
        self.archive.close()

    def _close_site(self, ledger: SiteLedger) -> None:
        reports = len(self.reports_by_site[ledger.site])
        status = _site_status(ledger, reports, self.parse_documents)
        self.archive.record_site(self.run, ledger.site, source_id=ledger.source_id, status=status,
                                 pages=ledger.pages, documents=self.documents_by_site[ledger.site],
                                 reports_found=reports, errors=self.errors_by_site[ledger.site])
        if ledger.complete:
            self.archive.mark_gone(self.run, ledger.site, ledger.documents)


def _site_status(ledger: SiteLedger, reports: int, parsing: bool) -> str:
    if ledger.blocked:
        return "blocked"
    if ledger.pages == 0:
        return "failed"
    # Without parsing no report is known yet; the documents are there for `nianbao reparse`.
    return "ok" if reports or not parsing else "empty"


def _parse_kind(error: ParseError) -> str:
    if isinstance(error, ErrorPage):
        return "error_page"
    if isinstance(error, ScannedDocument):
        return "scanned"
    return "parse"


def _politeness(settings: Any) -> dict[str, Any]:
    names = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
             "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "RETRY_TIMES")
    return {name: settings.get(name) for name in names}
