"""`nianbao demo`, the real command in its own process: the bundled sample portal is crawled
into an archive, which is then served on 127.0.0.1 until the process is told to stop."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import body_key
from tests.publishing import free_port

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "crawler/sampleportal/site/manifest.json").read_text(encoding="utf-8"))
REGION = {key: MANIFEST["portal"][key] for key in ("province", "city", "county", "adcode")}
STARTUP_TIMEOUT = 120  # seconds: a crawl of 24 documents and Datasette's start, on a slow CI machine
OPEN_LINE = re.compile(r"Open (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)")


class Demo:
    """A running `nianbao demo`: its printed lines, the URL it announced, and a way to stop it."""

    def __init__(self, db: Path, port: int, command: tuple[str, ...] = (sys.executable, "-m", "nianbao"),
                 cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
        self.stderr_file = db.with_suffix(".stderr")
        with self.stderr_file.open("w") as stderr:
            self.process = subprocess.Popen(
                [*command, "demo", "--db", str(db), "--port", str(port)],
                cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr, encoding="utf-8", start_new_session=True)
        self.lines: list[str] = []
        self.url: str | None = None
        self._announced = threading.Event()
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if match := OPEN_LINE.search(line):
                self.url = match.group(1)
                self._announced.set()
        self._announced.set()  # the process ended without announcing: let the wait give up at once

    def wait_for_url(self) -> str:
        self._announced.wait(STARTUP_TIMEOUT)
        if self.url is None:
            raise AssertionError(f"no 'Open http://…' line within {STARTUP_TIMEOUT} s; stdout: {self.lines}; "
                                 f"stderr: {self.stderr_file.read_text()}")
        return self.url

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its return code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise

    def leftovers_end(self, timeout: float = 10) -> bool:
        """Whether every process the demo started (parse workers, their resource tracker) ended too;
        they see their parent go and follow it within moments."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        os.killpg(self.process.pid, signal.SIGKILL)
        return False


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def live_reports(base_url: str) -> list[dict]:
    query = urllib.parse.urlencode({"gone": 0, "_col": ["body_key", "year"], "_shape": "array", "_size": "max"}, doseq=True)
    _, body = get(base_url + "archive/reports.json?" + query)
    return json.loads(body)


def expected_reports() -> set[tuple[str, int]]:
    return {(body_key(r["body"], REGION), r["year"]) for r in MANIFEST["states"]["state1"]["reports"]}


def served_reports(base_url: str) -> set[tuple[str, int]]:
    return {(row["body_key"], row["year"]) for row in live_reports(base_url)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    running = Demo(tmp_path_factory.mktemp("demo") / "demo.db", free_port())
    try:
        running.wait_for_url()
        yield running
    finally:
        running.stop()


def test_demo_says_each_step_then_the_url_to_open(demo):
    portal, crawling, crawled, open_line = demo.lines
    assert re.search(r"served at http://127\.0\.0\.1:\d+/", portal)
    assert crawling.startswith("crawling it into")
    assert crawled.startswith(f"crawled: {len(expected_reports())} reports ({len(expected_reports())} new")
    assert OPEN_LINE.search(open_line)


def test_served_archive_holds_every_report_of_the_sample_portal(demo):
    assert served_reports(demo.url) == expected_reports()


def test_served_dashboard_page_answers(demo):
    status, body = get(demo.url + "-/dashboards/nianbao")
    assert status == 200 and "年报仪表盘".encode() in body


def test_second_demo_on_the_same_archive_is_a_recrawl_and_each_ends_when_terminated(tmp_path):
    db = tmp_path / "demo.db"
    for _ in range(2):
        demo = Demo(db, free_port())
        try:
            served = served_reports(demo.wait_for_url())
        finally:
            returncode = demo.stop()
        assert served == expected_reports()
        assert returncode == 0
        assert demo.leftovers_end(), "a process of the demo outlived it"
    assert "(0 new, 0 changed), run 2" in demo.lines[2]
    runs = sqlite3.connect(db).execute("SELECT url, documents_new, documents_unchanged FROM crawl_runs ORDER BY id").fetchall()
    assert runs[0][0] == runs[1][0], "the sample portal moved to another port: every URL differs"
    assert runs[1][1:] == (0, runs[0][1])


def test_taken_port_is_a_one_line_error_before_any_crawl(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "nianbao", "demo", "--db", str(tmp_path / "demo.db"),
                                 "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"error: cannot serve on 127.0.0.1:{port}: Address already in use "
                                          "(choose another with --port)"]
    assert not (tmp_path / "demo.db").exists()
