"""A small archive with known figures, for the Datasette tests: every report is the 2021-format
seed with its tables rewritten, so each canned query has one right answer."""

from __future__ import annotations

import copy
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from archive import Archive, Fetched
from parsers import Report, parse_file
from parsers.checks import appeal_checks, request_checks

SEED_2021 = "seeds/001_0fb663dc2de8e1ec.txt"  # 红土崖镇人民政府 2022, 2021 format

BAISHAN = {"province": "吉林省", "city": "白山市", "county": "浑江区", "adcode": "220602"}
LANXI = {"province": "黑龙江省", "city": "绥化市", "county": "兰西县", "adcode": "231222"}


@dataclass
class Figures:
    new: int = 0
    carried_over: int = 0
    granted: int = 0
    partial: int = 0
    unable: int = 0
    carried_forward: int = 0
    review: tuple[int, int] = (0, 0)       # (corrected, total)
    litigation: tuple[int, int] = (0, 0)   # direct suits: (corrected, total)
    total: int | None = None               # 总计; None: the results add up
    prose: str = ""
    extra: dict = field(default_factory=dict)


def rewrite(seed: dict, agency: str, year: int, figures: Figures) -> dict:
    """The seed as another body's report, its tables set to ``figures`` and checked again."""
    report = copy.deepcopy(seed)
    report.update(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告")
    requests = report["requests"]
    for row in requests:
        requests[row] = {column: 0 for column in requests[row]}
    total = figures.total if figures.total is not None else (
        figures.granted + figures.partial + figures.unable)
    for row, value in (("new", figures.new), ("carried_over", figures.carried_over),
                       ("granted", figures.granted), ("partial", figures.partial),
                       ("unable.not_held", figures.unable), ("total", total),
                       ("carried_forward", figures.carried_forward)):
        requests[row].update(natural_person=value, total=value)
    appeals = report["appeals"]
    for group, (corrected, count) in (("review", figures.review),
                                      ("litigation_direct", figures.litigation)):
        appeals[group] = {"upheld": count - corrected, "corrected": corrected, "other": 0,
                          "pending": 0, "total": count}
    report["sections"] = dict(report["sections"], overview=figures.prose or report["sections"]["overview"])
    report["checks"] = request_checks(requests) + appeal_checks(appeals)
    report["consistent"] = all(check["ok"] for check in report["checks"])
    return report | figures.extra


@dataclass
class Filed:
    url: str
    agency: str
    year: int
    region: dict
    figures: Figures


# Two counties, three years, three levels; one report republished, one with broken tables,
# one body whose carried-over figure disagrees with last year's carried-forward.
REPORTS = [
    Filed("http://hunjiang.example/2021/gov.html", "白山市浑江区人民政府", 2021, BAISHAN,
          Figures(new=10, carried_over=0, granted=6, partial=2, unable=1, carried_forward=1,
                  review=(1, 4), litigation=(0, 2))),
    Filed("http://hunjiang.example/2022/gov.html", "白山市浑江区人民政府", 2022, BAISHAN,
          Figures(new=20, carried_over=1, granted=12, partial=3, unable=3, carried_forward=3,
                  review=(2, 5), litigation=(1, 1))),
    Filed("http://hunjiang.example/2022/edu.html", "白山市浑江区教育局", 2022, BAISHAN,
          Figures(new=5, carried_over=0, granted=4, partial=0, unable=1, carried_forward=0,
                  prose="本年度未发生政府信息公开行政复议案件。")),
    Filed("http://hunjiang.example/2022/town.html", "红土崖镇人民政府", 2022, BAISHAN,
          Figures(new=2, carried_over=0, granted=1, partial=0, unable=0, total=2, carried_forward=0)),
    Filed("http://lanxi.example/2021/gov.html", "兰西县人民政府", 2021, LANXI,
          Figures(new=12, carried_over=0, granted=8, carried_forward=4)),
    Filed("http://lanxi.example/2022/gov.html", "兰西县人民政府", 2022, LANXI,
          Figures(new=4, carried_over=0, granted=2, partial=2, carried_forward=0)),
]
# 浑江区人民政府 2022, published again with more applications: version 2.
REPUBLISHED = Filed("http://hunjiang.example/2022/gov.html", "白山市浑江区人民政府", 2022, BAISHAN,
                    Figures(new=23, carried_over=1, granted=15, partial=3, unable=3, carried_forward=3,
                            review=(2, 5), litigation=(1, 1)))


def build(path: Path, shared: Path) -> Path:
    seed = parse_file(shared / SEED_2021).to_json()
    return store_reports(path, [(filed.url, rewrite(seed, filed.agency, filed.year, filed.figures), filed.region)
                                for filed in [*REPORTS, REPUBLISHED]])


def store_reports(path: Path, reports: Iterable[tuple[str, dict, dict | None]]) -> Path:
    """An archive at ``path`` holding each (url, report in its JSON form, registry region), as one
    crawl run stores them; a URL given twice gets different bytes, so its report gets a second version."""
    archive = Archive(path)
    try:
        run = archive.start_run(region="测试")
        for number, (url, report, region) in enumerate(reports):
            fetched = Fetched(url=url, status=200, body=f"{url} {number}".encode(), headers={},
                              fetched_at=f"2026-11-{number + 1:02d}T08:00:00+00:00",
                              site=url.split("/20")[0].split("/report")[0], region=region)
            archive.store(run, fetched, Report.from_json(report))
        archive.finish_run(run)
    finally:
        archive.close()
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


ROOT = Path(__file__).resolve().parents[1]
SERVER_START_S = 60


def wait_until_answering(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"nianbao serve exited with {server.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nianbao serve did not answer {url} within {SERVER_START_S} s: {log.read_text()}")


@contextmanager
def served(path: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`nianbao serve` on the archive, as a user starts it: its URL (ending in a slash) and process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = path.with_suffix(f".serve-{port}.log")
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", "--db", str(path), "--port", str(port),
                                   *options], cwd=ROOT, stdout=output, stderr=output)
    try:
        wait_until_answering(url, server, log)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
