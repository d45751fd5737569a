"""`nianbao demo`: the bundled sample portal on loopback, crawled into an archive, then served.

The whole flow of the project in one command, with nothing outside this machine: the sample
portal (浑江区人民政府, 24 reports in HTML, PDF, DOCX and DOC) is served on 127.0.0.1, the real
crawler reads it into a real archive, and Datasette publishes that archive. Run it again on the
same file and the crawl is a re-crawl: nothing new is recorded for the unchanged reports.

    from crawler.demo import demo
    demo("nianbao-demo.db", port=8001)        # blocks until Ctrl-C
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote, urlsplit

DEMO_DB = "nianbao-demo.db"
DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8001
PORTAL_PORT = 8765  # the sample portal's, kept from demo to demo (portal_port)

# Politeness protects other people's servers; the sample portal is our own, on loopback, so
# the crawl runs without delays (as the tests crawl it). robots.txt is still obeyed.
LOOPBACK_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}

Say = Callable[[str], None]
say_to_stdout: Say = partial(print, flush=True)


class DemoError(Exception):
    """The demo cannot run: the port is taken, the archive file is not ours, the crawl failed."""


@dataclass
class DemoCrawl:
    """What the crawl of the sample portal put into the archive."""

    portal_url: str
    run: int
    reports_found: int      # reports this crawl read on the portal
    reports_new: int
    reports_changed: int
    reports_in_archive: int


def demo(db: str | Path = DEMO_DB, *, host: str = DEMO_HOST, port: int = DEMO_PORT, say: Say = say_to_stdout) -> None:
    """Serve the sample portal, crawl it into ``db``, then serve ``db`` with Datasette until Ctrl-C."""
    from .siblings import sibling

    publish = sibling("archive.publish")

    ensure_port_free(host, port)  # before the crawl: a taken port should fail in a second, not after it
    crawled = crawl_sample_portal(db, say=say, avoid=port)
    stop_on_signals()
    say(f"crawled: {crawled.reports_found} reports ({crawled.reports_new} new, {crawled.reports_changed} changed), "
        f"run {crawled.run}; {db} holds {crawled.reports_in_archive} reports")
    try:
        ds = publish.datasette(db)
        announce_when_listening(host, port, f"Open {browser_url(host, port)} (Ctrl-C to stop)", say)
        publish.serve(ds, host=host, port=port)
    except publish.PublishError as error:
        raise DemoError(str(error)) from None
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: how the demo ends; the server has shut down cleanly
        pass


def crawl_sample_portal(db: str | Path, *, say: Say = say_to_stdout, avoid: int | None = None) -> DemoCrawl:
    """Serve the sample portal on loopback for as long as the real crawl of it takes (on the
    port it had in this archive's last demo: see portal_port)."""
    from .runner import CrawlSetupError, crawl
    from .sampleportal.server import serve as serve_portal
    from .siblings import ArchiveError

    with serve_portal("state1", port=portal_port(db, avoid=avoid), host="127.0.0.1") as portal:
        say(f"sample portal (浑江区人民政府) served at {portal.url}/")
        say(f"crawling it into {db} …")
        try:
            result = crawl(str(db), url=portal.url + "/", overrides=LOOPBACK_SETTINGS)
        except (CrawlSetupError, ArchiveError) as error:
            raise DemoError(f"{db}: {error}") from None
    return finished_crawl(db, portal.url, result.run)


def portal_port(db: str | Path, *, avoid: int | None = None) -> int:
    """The port the sample portal had in this archive's last demo, so that its documents have the
    same URLs and a second demo is a re-crawl of the same documents, not of new ones; for a new
    archive PORTAL_PORT; when that is taken (or is the one to ``avoid``), any free port."""
    for port in (last_portal_port(db), PORTAL_PORT):
        if port and port != avoid and port_is_free(DEMO_HOST, port):
            return port
    return 0


def last_portal_port(db: str | Path) -> int | None:
    if not Path(db).is_file():
        return None
    try:
        with closing(sqlite3.connect(f"file:{quote(str(Path(db).resolve()))}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT url FROM crawl_runs WHERE url LIKE ? ORDER BY id DESC LIMIT 1",
                               [f"http://{DEMO_HOST}:%"]).fetchone()
    except sqlite3.Error:
        return None
    return urlsplit(row[0]).port if row else None


def port_is_free(host: str, port: int) -> bool:
    try:
        ensure_port_free(host, port)
    except DemoError:
        return False
    return True


def finished_crawl(db: str | Path, portal_url: str, run: int) -> DemoCrawl:
    """The run's counts, or a DemoError when it stopped early (Ctrl-C) or found no report."""
    from .siblings import Archive

    with Archive(db) as archive:
        counts, in_archive = archive.run(run), archive.live_reports()
    if counts["status"] != "finished":
        raise DemoError(f"the crawl stopped early ({counts['status']}); run the demo again to complete it")
    if not counts["reports_found"]:
        raise DemoError(f"the crawl of {portal_url}/ found no report (see crawl_errors, run {run} in {db})")
    return DemoCrawl(portal_url=portal_url, run=run, reports_found=counts["reports_found"],
                     reports_new=counts["reports_new"], reports_changed=counts["reports_changed"],
                     reports_in_archive=in_archive)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM end the demo from here on.

    The crawl leaves Scrapy's handlers installed, and they only stop a crawl: a SIGTERM between
    the crawl and the server's start would be swallowed. The server handles both signals while it
    runs, shuts down, and raises them again once it is done: both then end the process cleanly."""
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers belong to the main thread; a caller's thread keeps its own
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def announce_when_listening(host: str, port: int, message: str, say: Say, timeout: float = 60) -> None:
    """Say ``message`` once the server accepts connections, so the URL printed always opens."""
    address = (urlsplit(browser_url(host, port)).hostname, port)

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(address, timeout=1).close()
            except OSError:
                time.sleep(0.05)
                continue
            say(message)
            return

    threading.Thread(target=watch, name="nianbao-demo-announce", daemon=True).start()


def ensure_port_free(host: str, port: int) -> None:
    from .siblings import sibling

    publish = sibling("archive.publish")
    try:
        publish.ensure_port_free(host, port)
    except publish.PublishError as error:
        raise DemoError(str(error)) from None


def browser_url(host: str, port: int) -> str:
    """The address to open: a wildcard listening address is opened as loopback."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"
