"""Run one crawl in this process: the Python twin of `nianbao crawl`.

A crawl of a region takes its portals from the source registry; a crawl of a URL needs none.
Scrapyd users schedule the `portal` spider (or a platform spider) with the same arguments.
"""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .pipelines import abandoned, interrupted
from .siblings import Archive, ArchiveError, WriterLock


class CrawlSetupError(Exception):
    """The crawl cannot start: no portal for the region, a bad URL, a bad setting."""


class CrawlSettingError(CrawlSetupError):
    """A `-s NAME=VALUE` the crawl cannot take: a misuse of the command line."""


# Set by the command itself: one run must stay in one archive.
_NOT_OVERRIDABLE = {"NIANBAO_DB": "--db", "NIANBAO_RUN": "the run the command starts"}


@dataclass
class CrawlResult:
    run: int
    sites: list[dict[str, Any]]
    status: str = "finished"        # "finished", "interrupted" (Ctrl-C, SIGTERM) or "failed"
    failure: str | None = None      # why the archive could not be written, in one line
    closed_stale: list[int] = field(default_factory=list)  # runs a dead process left running, closed now
    log: str | None = None          # the run's full log (crawler.runner.log_file)


class InterruptibleProcess(CrawlerProcess):
    """Ctrl-C and SIGTERM stop the crawl within NIANBAO_STOP_SECONDS, the run marked interrupted.

    Scrapy's graceful stop waits for every download in flight and every item being processed;
    a parse is stopped at once, and a download still trickling in when the time is up is
    abandoned: the run is closed and the reactor stopped. A second signal abandons at once.
    """

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        super()._signal_shutdown(signum, frame)
        reactor.callFromThread(_say, f"stopping ({_signal_name(signum)}): the run will be marked interrupted; "
                                     "press Ctrl-C again to stop at once")
        reactor.callFromThread(self._interrupt)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(_say, f"stopping now ({_signal_name(signum)} again)")
        reactor.callFromThread(self._send, abandoned)
        super()._signal_kill(signum, frame)

    def _interrupt(self) -> None:
        from twisted.internet import reactor

        self._send(interrupted)
        reactor.callLater(self.settings.getfloat("NIANBAO_STOP_SECONDS", 5.0), self._abandon)

    def _abandon(self) -> None:
        self._send(abandoned)
        self._stop_reactor()

    def _send(self, signal: object) -> None:
        for crawler in list(self.crawlers):
            crawler.signals.send_catch_log(signal)


def _say(line: str) -> None:
    """A line for the user on stderr (called on the reactor thread, never in a signal handler)."""
    print(line, file=sys.stderr, flush=True)


def _signal_name(signum: int) -> str:
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


def crawl_settings(db: str, overrides: dict[str, str] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(f"{__package__}.settings", priority="project")
    settings.set("LOG_LEVEL", "INFO", priority="project")  # into the run's log file, not onto stderr
    settings.set("NIANBAO_DB", db, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, _checked(name, value, settings.get(name)), priority="cmdline")
    return settings


def _checked(name: str, value: str, default: Any) -> str:
    """``value`` if it reads as the kind of value ``name`` takes (Scrapy reads it later, where a
    bad one would be a traceback in the middle of the crawl)."""
    if name in _NOT_OVERRIDABLE:
        raise CrawlSettingError(f"{name} cannot be set with -s; use {_NOT_OVERRIDABLE[name]}")
    kind = type(default)
    try:
        if kind is bool:
            Settings({name: value}).getbool(name)
        elif kind in (int, float):
            kind(value)
    except ValueError:
        raise CrawlSettingError(f"{name}={value!r}: not {'a number' if kind is not bool else 'true or false'}") from None
    return value


def sources_for(archive: Archive, region: str | None, url: str | None) -> list[dict[str, Any]]:
    from .sources import RegionError, find_sources, normalise_url

    if url:
        if not url.startswith(("http://", "https://")):
            raise CrawlSetupError(f"{url}: not an http(s) URL")
        # A portal the registry knows keeps its division code even when crawled by URL.
        known = archive.sources_at(normalise_url(url))
        if known:
            return [_spider_source(row) | {"portal_url": url} for row in known]
        return [{"id": None, "portal_url": url, "report_list_url": None, "cms": None, "region": None}]

    try:
        rows = find_sources(archive, region)
    except RegionError as error:
        raise CrawlSetupError(str(error)) from None
    if not rows:
        raise CrawlSetupError(f"{region}: no portal in the source registry for this region "
                              "(import a portal list first: nianbao sources import FILE)")
    return [_spider_source(row) for row in rows]


def _spider_source(row: dict[str, Any]) -> dict[str, Any]:
    region = {key: row.get(key) for key in ("province", "city", "county", "adcode")}
    return {"id": row["id"], "portal_url": row["portal_url"], "report_list_url": row.get("report_list_url"),
            "cms": row.get("cms"), "access_method": row.get("access_method"),
            "region": region if row.get("adcode") else None}


def crawl(db: str, *, region: str | None = None, url: str | None = None,
          overrides: dict[str, str] | None = None, say: Callable[[str], None] | None = None) -> CrawlResult:
    """Crawl, archive, and say what each site gave. Blocks until the crawl ends.

    The archive's writer lock is held throughout (archive/lock.py): a crawl started while
    another process writes the archive waits up to NIANBAO_LOCK_WAIT seconds (``say`` is told
    once), then gives up with ArchiveBusy before starting a run."""
    settings = crawl_settings(db, overrides)  # a bad setting creates no archive
    with Archive(db) as archive:
        sources = sources_for(archive, region, url)  # a bad region waits for nothing
    with WriterLock(db, "crawl", on_wait=say):
        with Archive(db) as archive:
            stale = archive.close_stale_runs()
            run = archive.start_run(region=region, url=url, settings={"overrides": overrides or {}})
        settings.set("NIANBAO_RUN", run, priority="cmdline")
        settings.set("LOG_FILE", log_file(db, run), priority="project")  # -s LOG_FILE=... beats it
        failure = _run_process(settings, sources)
    result = _result(db, run, failure)
    result.closed_stale, result.log = stale, settings.get("LOG_FILE")
    return result


def log_file(db: str, run: int) -> str:
    """Where a run's full log goes: beside the archive, ``archive.db.logs/run-N.log``. The user
    sees one line per failed site on stderr; the tracebacks and stats are here."""
    folder = Path(f"{db}.logs")
    folder.mkdir(exist_ok=True)
    return str(folder / f"run-{run}.log")


def _run_process(settings: Settings, sources: list[dict[str, Any]]) -> str | None:
    """Run the portal spider over ``sources`` in this process; why it could not write, if so.
    A crawl that could not even start leaves its run `failed`, not `running`."""
    # A log that cannot be written (the disk is full: the crawl stops with one line for it)
    # must not print logging's own traceback for every message.
    logging.raiseExceptions = False
    try:
        process = InterruptibleProcess(settings)
        _quiet_loggers(settings)
        crawler = process.create_crawler("portal")
        process.crawl(crawler, sources=json.dumps(sources, ensure_ascii=False))
    except Exception:
        with Archive(settings.get("NIANBAO_DB")) as archive:
            archive.finish_run(settings.getint("NIANBAO_RUN"), status="failed")
        raise
    process.start()
    return crawler.stats.get_value("nianbao/failure")


def _quiet_loggers(settings: Settings) -> None:
    """Scrapy leaves every logger open to DEBUG and drops the records in its handler: the records
    made for every response and item (Scrapy's "Crawled" and "Scraped" lines, charset-normalizer's
    notes on each page it sniffs) cost a tenth of the reactor thread (bench/farm_bench.py). Set once
    the process is made: making it configures logging, and sets Scrapy's logger to DEBUG again."""
    for name in ("scrapy", "charset_normalizer"):
        logging.getLogger(name).setLevel(settings.get("LOG_LEVEL", "INFO"))


def _result(db: str, run: int, failure: str | None) -> CrawlResult:
    """What the archive holds of the run: only what was committed."""
    try:
        with Archive(db, readonly=True) as archive:
            row = archive.run(run) or {}
            sites = archive.run_sites(run)
    except (ArchiveError, sqlite3.Error) as error:
        return CrawlResult(run=run, sites=[], status="failed", failure=failure or str(error))
    status = "failed" if failure else row.get("status") or "failed"
    return CrawlResult(run=run, sites=sites, status="interrupted" if status == "running" else status,
                       failure=failure)
