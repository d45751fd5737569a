"""One writer at a time: overlapping crawls, a reparse or a merge during a crawl, and crawls
killed with -9. A second writer waits for the first (NIANBAO_LOCK_WAIT) or refuses in one line;
no run is ever left `running`, and nothing is lost."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from archive import ArchiveBusy, WriterLock
from crawler.sampleportal.server import serve
from tests.portals import FAST, PROJECT, contents, nianbao
from tests import faultsite
from tests.test_crawl_interruptions import sample_reports_accounted_for
from tests.test_crawl_sampleportal import MANIFEST, _wait_for_captures

# A first crawl slow enough (about 20 s) that the second command surely starts while it writes.
SLOW = ("-s", "DOWNLOAD_DELAY=0.5")
SAMPLE_REPORTS = len(MANIFEST["states"]["state1"]["reports"])


@pytest.fixture(scope="module")
def portal():
    with serve("state1") as server:
        yield server


@pytest.fixture(scope="module")
def uninterrupted(portal, tmp_path_factory) -> dict:
    """What one crawl of the sample portal, never stopped, leaves in an archive."""
    db = tmp_path_factory.mktemp("whole") / "archive.db"
    nianbao("crawl", "--db", db, "--url", portal.url + "/", *FAST)
    return contents(db)


def start(*args: object, wait: float | None = None) -> subprocess.Popen:
    env = os.environ | ({"NIANBAO_LOCK_WAIT": str(wait)} if wait is not None else {})
    return subprocess.Popen([sys.executable, "-m", "nianbao", *map(str, args)], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def crawl(db: Path, portal, wait: float | None = None, *settings: str) -> subprocess.Popen:
    return start("crawl", "--db", db, "--url", portal.url + "/", *FAST, *settings, wait=wait)


def statuses(db: Path) -> list[str]:
    return [row["status"] for row in sqlite_utils.Database(db).query("SELECT status FROM crawl_runs ORDER BY id")]


def test_second_crawl_waits_for_the_first_and_no_document_is_lost(portal, tmp_path):
    db = tmp_path / "archive.db"
    first = crawl(db, portal, None, *SLOW)
    _wait_for_captures(db, 3)
    second = crawl(db, portal, 300)
    outcomes = [process.communicate(timeout=300) + (process.returncode,) for process in (first, second)]
    archive = sqlite_utils.Database(db)
    assert [code for _, _, code in outcomes] == [0, 0], outcomes
    assert "is writing it; waiting up to 300 s" in outcomes[1][1]
    assert statuses(db) == ["finished", "finished"]
    assert archive["reports"].count == SAMPLE_REPORTS
    assert sample_reports_accounted_for(archive, portal.url) == []
    assert archive.execute("SELECT count(*) FROM crawl_errors WHERE message LIKE '%locked%'").fetchone()[0] == 0
    first_run, second_run = archive.query("SELECT started, finished FROM crawl_runs ORDER BY id")
    assert second_run["started"] >= first_run["finished"]


def test_second_crawl_that_may_not_wait_refuses_in_one_line_and_the_first_is_unharmed(portal, tmp_path):
    db = tmp_path / "archive.db"
    first = crawl(db, portal, None, *SLOW)
    _wait_for_captures(db, 3)
    second = crawl(db, portal, 0)
    _, refused = second.communicate(timeout=120)
    first.communicate(timeout=300)
    assert second.returncode == 1
    assert re.fullmatch(rf"error: {re.escape(str(db))}: a crawl \(pid {first.pid}, since [0-9T:+-]+\) is writing "
                        r"it; gave up after 0 s \(NIANBAO_LOCK_WAIT\)\n", refused), refused
    assert first.returncode == 0
    assert statuses(db) == ["finished"]
    assert sqlite_utils.Database(db)["reports"].count == SAMPLE_REPORTS


@pytest.mark.parametrize("command", [["reparse", "--db", "{db}"], ["merge", "{other}", "--into", "{db}"],
                                     ["schedule", "run", "--db", "{db}"]])
def test_reparse_merge_and_schedule_run_refuse_in_one_line_while_a_crawl_writes(portal, tmp_path, command):
    db, other = tmp_path / "archive.db", tmp_path / "other.db"
    nianbao("crawl", "--db", other, "--url", portal.url + "/", *FAST, "-s", "NIANBAO_PARSE=False")
    first = crawl(db, portal, None, *SLOW)
    _wait_for_captures(db, 3)
    refused = start(*[part.format(db=db, other=other) for part in command], wait=0)
    _, stderr = refused.communicate(timeout=120)
    first.communicate(timeout=300)
    assert refused.returncode == 1
    assert len(stderr.strip().splitlines()) == 1 and "is writing it; gave up after 0 s" in stderr, stderr
    assert statuses(db) == ["finished"]


def test_lock_held_by_a_process_killed_with_9_is_free_at_once(tmp_path):
    db = tmp_path / "archive.db"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from archive import WriterLock; "
                               f"WriterLock({str(db)!r}, 'crawl').acquire(); print('held', flush=True); "
                               "time.sleep(600)"], cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    with pytest.raises(ArchiveBusy, match=rf"a crawl \(pid {holder.pid}, since .*\) is writing it"):
        WriterLock(db, "reparse", wait=0).acquire()
    holder.kill()
    holder.wait()
    with WriterLock(db, "reparse", wait=0) as lock:
        assert lock.taken


def test_crawl_killed_with_9_is_closed_by_the_next_run_which_completes_the_archive(portal, uninterrupted,
                                                                                   tmp_path):
    for attempt in range(3):
        db = tmp_path / f"archive{attempt}.db"
        killed = crawl(db, portal, None, "-s", "DOWNLOAD_DELAY=0.1")
        _wait_for_captures(db, 1)
        time.sleep(random.uniform(0, 3))
        os.killpg(killed.pid, signal.SIGKILL)
        killed.communicate()
        assert statuses(db) == ["running"]
        after = nianbao("crawl", "--db", db, "--url", portal.url + "/", *FAST)
        archive = sqlite_utils.Database(db)
        assert statuses(db) == ["interrupted", "finished"]
        assert "run 1 was left running by a process that died" in after.stderr
        assert archive.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert contents(db) == uninterrupted


def _trickling_portal() -> faultsite.FaultSite:
    """A report column whose one PDF arrives a byte every half second, for a minute."""
    def trickle(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", "120")
        handler.end_headers()
        for _ in range(120):
            handler.wfile.write(b"0")
            handler.wfile.flush()
            time.sleep(0.5)

    column = faultsite._page("政府信息公开年报", "<ul class='list'>"
                             f"{faultsite._entry('/nb/slow.pdf', '测试县财政局2021年政府信息公开工作年度报告.pdf')}</ul>")
    return faultsite.serve({"/": faultsite.FAULT_ROUTES["/"], "/nb/index.html": lambda h: h.send(200, column),
                            "/nb/slow.pdf": trickle})


def test_second_ctrl_c_stops_at_once_and_the_first_says_it_is_stopping(tmp_path):
    site = _trickling_portal()
    db = tmp_path / "archive.db"
    crawl = start("crawl", "--db", db, "--url", site.url + "/", *FAST, "-s", "NIANBAO_STOP_SECONDS=600",
                  "-s", "DOWNLOAD_TIMEOUT=600")
    try:
        while "/nb/slow.pdf" not in site.paths:
            time.sleep(0.1)
        crawl.send_signal(signal.SIGINT)
        first_line = crawl.stderr.readline()
        crawl.send_signal(signal.SIGINT)
        _, stderr = crawl.communicate(timeout=30)  # the download would go on for a minute
    finally:
        crawl.kill()
        site.stop()
    assert first_line.startswith("stopping (Ctrl-C): the run will be marked interrupted; press Ctrl-C again")
    assert stderr.splitlines()[0] == "stopping now (Ctrl-C again)"
    assert crawl.returncode == 1
    assert statuses(db) == ["interrupted"]


def test_status_during_a_crawl_leaves_it_unharmed_and_a_registry_import_waits_for_it(portal, tmp_path):
    db = tmp_path / "archive.db"
    first = crawl(db, portal, None, *SLOW)
    _wait_for_captures(db, 3)
    for _ in range(3):  # each opens the archive and closes it while the crawl writes
        nianbao("status", "--db", db)
    portals = tmp_path / "portals.csv"
    portals.write_text("adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,"
                       f"checked\n220602,吉林省/白山市/浑江区,县级,浑江区人民政府,{portal.url}/,direct,直连,,\n",
                       encoding="utf-8")
    imported = nianbao("sources", "import", portals, "--db", db)
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert statuses(db) == ["finished"]
    assert sqlite_utils.Database(db)["reports"].count == SAMPLE_REPORTS
    assert "a crawl (pid" in imported.stderr and "1 added" in imported.stdout
