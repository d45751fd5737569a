"""The archive pipeline: every fetched document into the archive, parsed off the reactor thread.

Parsing runs in worker processes (trafilatura or pdfplumber inside a callback would stall the
crawl, field notes); the archive is written on one writer thread, each document atomically, so
a crawl killed at any moment leaves a valid archive.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from .items import CrawlError, SiteLedger
from .siblings import (DEFAULT_PATH, Archive, Batch, ErrorPage, Fetched, Limits, NotAReport, ParseError,
                       ParseMemory, ParseTimeout, Reading, ScannedDocument, WorkerLost, WorkerPool, WriterLock,
                       read_for_archive)

# Sent by the crawl's process (runner.InterruptibleProcess) on Ctrl-C or SIGTERM, and again
# when the graceful stop takes too long.
interrupted = object()
abandoned = object()
# What the archive says when it cannot be written: the crawl stops rather than lose captures.
WRITE_ERRORS = (sqlite3.Error, OSError)


class _Tally:
    """Per site: documents, reports and errors, counted only once their commit succeeded."""

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.reports: dict[str, set[int]] = {}
        self.report_states: Counter[str] = Counter()  # what store() made of each report: new, changed

    def add(self, other: _Tally) -> None:
        self.documents.update(other.documents)
        self.errors.update(other.errors)
        self.report_states.update(other.report_states)
        for site, reports in other.reports.items():
            self.reports.setdefault(site, set()).update(reports)


class ArchivePipeline:
    """All archive work runs on one writer thread (SQLite wants one connection per thread, and
    the reactor thread must stay free for downloads); parsing runs in worker processes, each
    parse under NIANBAO_PARSE_SECONDS and NIANBAO_PARSE_MEMORY_MB.

    Documents are committed in groups (NIANBAO_COMMIT_EVERY, and at least every
    NIANBAO_COMMIT_SECONDS): a commit rewrites the pages of a dozen indexes, which cost more
    than the document itself. Each document is still atomic within its group, so a crawl
    killed mid-group loses only that group's captures, and the next run fetches them again.
    A write that fails (disk full, I/O error) stops the crawl: what was not committed is not
    counted, and the run says why it stopped.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.parse_documents = crawler.settings.getbool("NIANBAO_PARSE", True)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="nianbao-archive")
        self.archive: Archive | None = None
        self.lock: WriterLock | None = None
        self.batch: Batch | None = None
        self.run: int = 0
        self.recrawl = True  # whether the archive held bodies already: then each is checked before parsing
        self.pool: WorkerPool | None = None
        self.committed, self.pending = _Tally(), _Tally()
        self.failure: str | None = None
        self.stopping = False
        self._closed = threading.Lock()
        self.committer = LoopingCall(lambda: self._watch(self.writer.submit(self._commit)))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.interrupt, signal=interrupted)
        crawler.signals.connect(self.abandon, signal=abandoned)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.writer.submit(self._open_archive).result()
        self.committer.start(self.settings.getfloat("NIANBAO_COMMIT_SECONDS", 2.0), now=False)
        workers = self.settings.getint("NIANBAO_PARSE_WORKERS") or max(1, (os.cpu_count() or 1) - 1)
        limits = Limits(seconds=self.settings.getfloat("NIANBAO_PARSE_SECONDS", 60.0),
                        memory_mb=self.settings.getint("NIANBAO_PARSE_MEMORY_MB", 900))
        self.pool = WorkerPool(workers, limits)

    def _open_archive(self) -> None:
        db = self.settings.get("NIANBAO_DB", DEFAULT_PATH)
        self.archive = Archive(db, make_parents=True)
        # Held already when `nianbao crawl` started this crawl; a scrapyd job takes it here.
        self.lock = WriterLock(db, "crawl")
        if self.lock.acquire():
            self.archive.close_stale_runs()
        self.recrawl = self.archive.holds_bodies()
        self.batch = self.archive.batch(self.settings.getint("NIANBAO_COMMIT_EVERY", 50), on_commit=self._committed)
        self.run = self.settings.getint("NIANBAO_RUN") or self.archive.start_run(
            region=getattr(self.crawler.spider, "region", None), url=getattr(self.crawler.spider, "url", None),
            settings=_politeness(self.settings))

    async def process_item(self, item: Any) -> Any:
        if self.failure is not None or self.stopping:
            return item  # the crawl is stopping; nothing more is written
        try:
            if isinstance(item, CrawlError):
                await self._write(self._record_error, item.url, item.kind, item.message, item.status, item.site)
            elif isinstance(item, Fetched):
                await self._store(item)
        except WRITE_ERRORS as error:
            self._fail(error)
        except asyncio.CancelledError:
            pass  # its parse was stopped by Ctrl-C: the next run fetches it again
        return item

    def _write(self, function: Any, *args: Any) -> asyncio.Future:
        return asyncio.wrap_future(self.writer.submit(function, *args))

    async def _store(self, fetched: Fetched) -> None:
        await asyncio.wrap_future(self._filing(fetched))

    def _filing(self, fetched: Fetched) -> Future:
        """The document filed: its bytes checked, parsed in a worker when new, then written.
        The steps follow each other in the writer and pool threads; the reactor thread is woken
        once a document (each wake-up costs it a tenth of a millisecond)."""
        if not self.parse_documents:
            return self.writer.submit(self._file, fetched, None)
        filed: Future = Future()

        def file(reading: Reading | ParseError | None) -> None:
            _relay(self.writer.submit(self._file, fetched, reading), filed)

        def parsed(parse: Future) -> None:
            error = None if parse.cancelled() else parse.exception()
            if parse.cancelled() or (error is not None and not isinstance(error, ParseError)):
                _relay(parse, filed)  # stopped (Ctrl-C): the next run fetches it again
            else:  # a bound exceeded, or a worker that died twice, is filed as the error
                file(error or parse.result())

        def parse() -> None:
            assert self.pool is not None
            self.pool.submit(read_for_archive, fetched.url, fetched.body, fetched.filename,
                             fetched.region).add_done_callback(parsed)

        def checked(changed: Future) -> None:
            if changed.exception() is not None:
                _relay(changed, filed)
            elif changed.result():
                parse()
            else:
                file(None)

        if fetched.status == 200 and not self.recrawl:
            parse()  # a first crawl: every body is new (a URL is fetched once a crawl)
        else:
            self.writer.submit(self._changed, fetched).add_done_callback(checked)
        return filed

    def _changed(self, fetched: Fetched) -> bool:
        """Whether the body needs parsing: unchanged bytes were parsed when first captured. The
        hash taken here is the body's one hash (the archive files it under it); the bytes of a
        URL never captured are parsed without one, and hashed by the parse worker instead."""
        if fetched.status != 200:
            return False
        last = self.archive.last_sha256(fetched.url)
        if last is None:
            return True
        fetched.sha256 = hashlib.sha256(fetched.body).hexdigest()
        return last != fetched.sha256

    def _file(self, fetched: Fetched, reading: Reading | ParseError | None) -> None:
        done = reading if isinstance(reading, Reading) else None
        parsed = done.report if done else reading
        if done is not None and fetched.sha256 is None:
            fetched.sha256 = done.sha256
        with self.batch.document():
            stored = self.archive.store(self.run, fetched, parsed, packed=done.packed if done else None)
            self.pending.documents[fetched.site] += 1
            if stored.report_id is not None:  # also the report an unchanged document carries
                self.pending.reports.setdefault(fetched.site, set()).add(stored.report_id)
            self.pending.report_states[stored.report or "none"] += 1
            if isinstance(parsed, ParseError) and not isinstance(parsed, NotAReport):
                self._note_error(fetched.url, _parse_kind(parsed), str(parsed), None, fetched.site)

    def _commit(self) -> None:
        if self.batch is not None:
            self.batch.commit()

    def _committed(self) -> None:
        self.committed.add(self.pending)
        self.pending = _Tally()
        # For the progress line (crawler/progress.py): what is on disk so far.
        stats, committed = self.crawler.stats, self.committed
        stats.set_value("nianbao/documents", committed.documents.total())
        stats.set_value("nianbao/reports_new", committed.report_states["new"])
        stats.set_value("nianbao/reports_changed", committed.report_states["changed"])
        stats.set_value("nianbao/errors", committed.errors.total())

    def _record_error(self, url: str, kind: str, message: str, status: int | None, site: str) -> None:
        with self.batch.document():
            self._note_error(url, kind, message, status, site)

    def _note_error(self, url: str, kind: str, message: str, status: int | None, site: str) -> None:
        self.archive.record_error(self.run, url, kind, " ".join(message.split()), status=status, site=site)
        self.pending.errors[site] += 1

    # -- stopping ------------------------------------------------------------------------

    def _watch(self, future: Future) -> None:
        """A timed commit's failure stops the crawl too (its future is read by nobody else)."""
        from twisted.internet import reactor

        def check(done: Future) -> None:
            error = done.exception()
            if isinstance(error, WRITE_ERRORS):
                reactor.callFromThread(self._fail, error)

        future.add_done_callback(check)

    def _fail(self, error: BaseException) -> None:
        if self.failure is not None:
            return
        self.failure = f"{self.settings.get('NIANBAO_DB', DEFAULT_PATH)}: cannot write the archive ({error})"
        self.crawler.stats.set_value("nianbao/failure", self.failure)
        self._stop_parsing()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="failed"))

    def interrupt(self) -> None:
        """Ctrl-C or SIGTERM: stop parsing now, so that the graceful stop waits on nothing long."""
        self.stopping = True
        self._stop_parsing()

    def abandon(self) -> None:
        """The graceful stop took too long (a download trickling in): close the run now."""
        self.stopping = True
        self._stop_parsing()
        self._finish(getattr(self.crawler.spider, "ledgers", {}), "shutdown")

    def _stop_parsing(self) -> None:
        if self.pool is not None:
            threading.Thread(target=self.pool.stop, name="nianbao-parse-stop", daemon=True).start()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.pool is not None:
            self.pool.stop()
        self._finish(getattr(spider, "ledgers", {}), reason)

    def _finish(self, ledgers: dict[str, SiteLedger], reason: str) -> None:
        if not self._closed.acquire(blocking=False):
            return  # already closed (abandoned, then closed by Scrapy after all)
        if self.committer.running:
            self.committer.stop()
        if self.archive is not None:
            try:
                self.writer.submit(self._close_run, ledgers, _run_status(reason, self.failure)).result()
            except WRITE_ERRORS as error:
                self._fail_quietly(error)
        self.writer.shutdown()

    def _fail_quietly(self, error: BaseException) -> None:
        if self.failure is None:
            self.failure = f"{self.settings.get('NIANBAO_DB', DEFAULT_PATH)}: cannot write the archive ({error})"
            self.crawler.stats.set_value("nianbao/failure", self.failure)

    def _close_run(self, ledgers: dict[str, SiteLedger], status: str) -> None:
        try:
            if self.failure is None:
                self._commit()
                for ledger in ledgers.values():
                    self._close_site(ledger, finished=status == "finished")
            pages = sum(ledger.pages for ledger in ledgers.values())
            self.archive.finish_run(self.run, status=status, pages=pages)
        finally:
            self.archive.close()
            self.lock.release()

    def _close_site(self, ledger: SiteLedger, finished: bool) -> None:
        reports = len(self.committed.reports.get(ledger.site, ()))
        status = _site_status(ledger, reports, self.parse_documents) if finished else "incomplete"
        self.archive.record_site(self.run, ledger.site, source_id=ledger.source_id, status=status,
                                 pages=ledger.pages, documents=self.committed.documents[ledger.site],
                                 reports_found=reports, errors=self.committed.errors[ledger.site])
        if finished and ledger.complete:
            self.archive.mark_gone(self.run, ledger.site, ledger.documents)


def _relay(source: Future, target: Future) -> None:
    """Once ``source`` is done, ``target`` is done the same way."""
    def relay(done: Future) -> None:
        if done.cancelled():
            target.cancel()
        elif done.exception() is not None:
            target.set_exception(done.exception())
        else:
            target.set_result(done.result())
    source.add_done_callback(relay)


def _run_status(reason: str, failure: str | None) -> str:
    if failure is not None:
        return "failed"
    return {"finished": "finished", "shutdown": "interrupted"}.get(reason, reason)


def _site_status(ledger: SiteLedger, reports: int, parsing: bool) -> str:
    if ledger.blocked:
        return "blocked"
    if ledger.over_budget:
        return "incomplete"
    if ledger.pages == 0:
        return "failed"
    # Without parsing no report is known yet; the documents are there for `nianbao reparse`.
    return "ok" if reports or not parsing else "empty"


_PARSE_KINDS: tuple[tuple[type[ParseError], str], ...] = (
    (ErrorPage, "error_page"), (ScannedDocument, "scanned"), (ParseTimeout, "parse_timeout"),
    (ParseMemory, "parse_memory"), (WorkerLost, "parse_crashed"))


def _parse_kind(error: ParseError) -> str:
    return next((kind for cls, kind in _PARSE_KINDS if isinstance(error, cls)), "parse")


def _politeness(settings: Any) -> dict[str, Any]:
    names = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
             "AUTOTHROTTLE_ENABLED", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "RETRY_TIMES")
    return {name: settings.get(name) for name in names}
