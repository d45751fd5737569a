"""While a crawl runs, a progress line every few seconds; when it ends, one line per failed site
with its reason and the path of the run's full log. Never a traceback on stderr."""

from __future__ import annotations

import os
import pty
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sampleportal.server import serve
from tests.portals import FAST, PROJECT, nianbao

PROGRESS = re.compile(r"sites (\d+)/(\d+) done, (\d+) pages, (\d+) documents, reports (\d+) new (\d+) changed, "
                      r"(\d+) errors \(\d+:\d\d\)")
HEADER = "adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def unreachable(tmp_path_factory):
    """白山市 with two portals: one whose host name does not resolve, one whose port refuses."""
    db = tmp_path_factory.mktemp("unreachable") / "archive.db"
    portals = db.parent / "portals.csv"
    portals.write_text(f"{HEADER}\n220602,吉林省/白山市/浑江区,县级,浑江区人民政府,http://nianbao-test.invalid/,direct,直连,,\n"
                       f"220605,吉林省/白山市/江源区,县级,江源区人民政府,http://127.0.0.1:{closed_port()}/,direct,直连,,\n",
                       encoding="utf-8")
    nianbao("sources", "import", portals, "--db", db)
    result = nianbao("crawl", "--region", "白山市", "--db", db, "-s", "NIANBAO_PROGRESS_SECONDS=0", check=False)
    return result, db


def test_unreachable_region_prints_one_line_per_site_with_its_reason_and_no_traceback(unreachable):
    result, db = unreachable
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(lines) == 3, result.stderr
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+: failed, refused: Connection was refused .*", lines[0])
    assert lines[1] == ("http://nianbao-test.invalid: failed, dns: DNS lookup failed: no results for hostname "
                        "lookup: nianbao-test.invalid.")
    assert lines[2] == f"run 1: full log in {db}.logs/run-1.log"


def test_full_detail_goes_to_the_log_file_the_run_names(unreachable):
    _, db = unreachable
    log = Path(f"{db}.logs/run-1.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "nianbao-test.invalid" in log


def test_dns_failure_and_refused_connection_are_each_tried_once(unreachable):
    _, db = unreachable
    log = Path(f"{db}.logs/run-1.log").read_text(encoding="utf-8")
    # Each site: its robots.txt and its home page, one attempt each.
    assert "'downloader/request_count': 4," in log
    assert "retry/count" not in log and "Retrying" not in log


@pytest.fixture(scope="module")
def portal():
    with serve("state1") as server:
        yield server


def test_progress_line_every_interval_counts_up_to_what_the_crawl_stored(portal, tmp_path):
    result = nianbao("crawl", "--db", tmp_path / "archive.db", "--url", portal.url + "/", *FAST,
                     "-s", "DOWNLOAD_DELAY=0.2", "-s", "NIANBAO_PROGRESS_SECONDS=0.5")
    seen = [tuple(map(int, match.groups())) for match in PROGRESS.finditer(result.stderr)]
    assert len(seen) >= 3, result.stderr
    assert all(later >= earlier for before, after in zip(seen, seen[1:]) for earlier, later in zip(before, after))
    assert seen[-1][1] == 1 and seen[-1][3] > 0 and seen[-1][4] <= 24
    assert "Traceback" not in result.stderr


def test_progress_on_a_terminal_is_one_line_updated_in_place(portal, tmp_path):
    leader, follower = pty.openpty()
    crawl = subprocess.Popen([sys.executable, "-m", "nianbao", "crawl", "--db", str(tmp_path / "archive.db"),
                              "--url", portal.url + "/", *FAST, "-s", "DOWNLOAD_DELAY=0.2",
                              "-s", "NIANBAO_PROGRESS_SECONDS=0.5"],
                             cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    written = _read_all(leader)
    crawl.wait(timeout=60)
    progress = [update for update in written.split("\r") if PROGRESS.match(update)]
    assert len(progress) >= 3, written
    assert all(update.endswith("\x1b[K") and "\n" not in update for update in progress), progress


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the crawl closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()
