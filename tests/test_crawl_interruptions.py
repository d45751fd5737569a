"""A crawl that is stopped, cannot write, or loses a parse worker: it ends promptly, says so in
one line with a non-zero exit, and never reports as stored what the archive does not hold."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils

from archive import body_key
from crawler.sampleportal.server import serve
from tests import faultsite, hostile
from tests.test_crawl_sampleportal import FAST, MANIFEST, REGION, _wait_for_captures


@pytest.fixture(scope="module")
def portal():
    with serve("state1") as server:
        yield server


def crawl_command(db: Path, url: str, *settings: str) -> list[str]:
    return [sys.executable, "-m", "nianbao", "crawl", "--db", str(db), "--url", url, *FAST, *settings]


def sample_reports_accounted_for(db: sqlite_utils.Database, base: str) -> list[str]:
    """The sample portal's reports neither in the archive nor named in crawl_errors."""
    stored = {(row["body_key"], row["year"]) for row in db["reports"].rows}
    failed = {row["url"] for row in db["crawl_errors"].rows}
    return [wanted["id"] for wanted in MANIFEST["states"]["state1"]["reports"]
            if (body_key(wanted["body"], REGION), wanted["year"]) not in stored
            and not {base + url for url in wanted["urls"]} & failed]


def _hanging_portal() -> faultsite.FaultSite:
    """The good report, and a PDF whose parse would take minutes."""
    column = faultsite._page("政府信息公开年报", "<ul class='list'>"
                             f"{faultsite._entry('/nb/good.html', faultsite.GOOD_REPORT.title)}"
                             f"{faultsite._entry('/nb/shared.pdf', '测试县财政局2021年政府信息公开工作年度报告.pdf')}</ul>")
    shared = hostile.shared_stream_pdf(pages=1000)
    return faultsite.serve({"/": faultsite.FAULT_ROUTES["/"], "/nb/index.html": lambda h: h.send(200, column),
                            "/nb/good.html": faultsite.FAULT_ROUTES["/nb/good.html"],
                            "/nb/shared.pdf": lambda h: h.send(200, shared, "application/pdf")})


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_a_crawl_stuck_in_a_parse_within_seconds_and_marks_the_run_interrupted(tmp_path, signum):
    site = _hanging_portal()
    db = tmp_path / "archive.db"
    crawl = subprocess.Popen(crawl_command(db, site.url + "/", "-s", "NIANBAO_PARSE_SECONDS=600",
                                           "-s", "NIANBAO_COMMIT_SECONDS=0.2"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_captures(db, 1)
        while "/nb/shared.pdf" not in site.paths:
            time.sleep(0.1)
        time.sleep(1.0)  # the PDF is in its worker now
        sent = time.monotonic()
        crawl.send_signal(signum)
        _, stderr = crawl.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        crawl.kill()
        site.stop()
    archive = sqlite_utils.Database(db)
    assert took < 10, f"{took:.1f} s"
    assert crawl.returncode == 1
    assert [line for line in stderr.splitlines() if line.startswith("error:")] == [
        "error: crawl interrupted (run 1 interrupted; only what is listed above was stored)"]
    assert archive.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert [row["status"] for row in archive["crawl_runs"].rows] == ["interrupted"]
    assert archive["reports"].count == 1
    assert not _children_alive(crawl.pid)


def _children_alive(pid: int) -> list[int]:
    return [child for child in _children(pid) if Path(f"/proc/{child}").exists()]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_parse_workers_are_killed_mid_crawl_and_every_sample_report_is_stored_or_named_failed(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    # Captures committed as they come, so that both kills fall early in the crawl, however fast it is.
    crawl = subprocess.Popen(crawl_command(db, portal.url + "/", "-s", "NIANBAO_COMMIT_SECONDS=0.1"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = _kill_workers_of(crawl, db, times=2)
    stdout, stderr = crawl.communicate(timeout=300)
    archive = sqlite_utils.Database(db)
    assert killed == 2
    assert "Traceback" not in stderr
    assert sample_reports_accounted_for(archive, portal.url) == []
    assert archive["reports"].count >= 20


def _kill_workers_of(crawl: subprocess.Popen, db: Path, times: int) -> int:
    """SIGKILL a parse worker of the crawl, as the OOM killer would, ``times`` times."""
    killed = 0
    _wait_for_captures(db, 2)
    while killed < times and crawl.poll() is None:
        workers = [pid for pid in _children(crawl.pid) if b"spawn_main" in _cmdline(pid)]
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            killed += 1
            time.sleep(0.5)
        time.sleep(0.05)
    return killed


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MB filesystem (tmpfs, as root), or failing that a 1.5 MB limit on file size."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)],
                             capture_output=True).returncode == 0
    yield mount, (None if mounted else _limit_file_size)
    if mounted:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))


def test_disk_full_stops_the_crawl_with_one_line_and_every_report_it_names_is_stored(portal, small_disk):
    portal.set_state("state1")
    mount, limit = small_disk
    db = mount / "archive.db"
    result = subprocess.run(crawl_command(db, portal.url + "/", "-s", "NIANBAO_COMMIT_EVERY=2"),
                            capture_output=True, text=True, timeout=300, preexec_fn=limit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1
    assert len(errors) == 1 and "cannot write the archive" in errors[0] and str(db) in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    said = sum(int(n) for n in re.findall(r"(\d+) reports", result.stdout))
    archive = sqlite_utils.Database(db)
    assert archive.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert archive["reports"].count >= said


def test_archive_file_copied_alone_after_a_crawl_holds_every_report(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    for _ in range(2):  # the second crawl asks conditionally, through the middleware's own reader
        subprocess.run(crawl_command(db, portal.url + "/"), capture_output=True, timeout=300, check=True)
    copy = tmp_path / "copy" / "archive.db"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    archive = sqlite_utils.Database(copy)
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    assert sample_reports_accounted_for(archive, portal.url) == []
    assert archive["reports"].count == len(MANIFEST["states"]["state1"]["reports"])
    assert [row["status"] for row in archive["crawl_runs"].rows] == ["finished", "finished"]
    assert archive["crawl_sites"].count == 2
