"""Crawl throughput, archive overhead, re-crawl and memory on a big generated portal (loopback).

One run, one generated portal (bench/benchportal.py), politeness off. Each crawl is a fresh
subprocess with a fresh archive, timed from start to exit, and repeated (median reported):

  a. bare    a bare Scrapy spider given every URL of the portal, keeping nothing (the floor)
  b. archive `nianbao crawl --url … -s NIANBAO_PARSE=False`: archive writes, no parsing
  c. parse   `nianbao crawl --url …`: the full crawl, with the default parse workers (one per
             core but one: on two cores, one worker beside the crawl process)
  r. recrawl (c) again on the same archive: the server answers 304 to conditional requests

Targets: archive overhead time(b)/time(a) - 1 ≤ 25 %; pages/s of (c) ≥ half of (a)'s;
no document body transferred again in the re-crawl. The crawl process's RSS (and its parse
workers') is sampled every second. Pages are what the server answered, so every crawl is
counted the same way; "window" is the server's first to last request (no process start-up).

    python bench/crawl_bench.py [--pages 10000] [--repeat 2] [--only bare,archive,parse,recrawl]

Where the time goes (issue 13), measured on crawl (c) of 3,000 pages with two parse workers:
each thread's CPU from /proc/PID/task/*/stat, and which thread holds the GIL from
``py-spy record --gil --threads``. Of the crawl process's CPU (about 15 s for 3,000 pages, 18.5 s
before the writer's round of issue 13): the reactor thread 9-10 s (Scrapy's chain, the spider,
list pages), the writer thread 4 s (6 s before; Archive.store, nearly all of it SQLite's own work
now: a version's cells and checks are one json_each INSERT each, every statement a fixed string,
one savepoint name), the pool's slot threads 1 s (2 s before: a parse worker sends back a Filing
of plain values and the digest, not the Report's tree of objects). The workers keep the next
task in their pipe, so they never wait for a slot thread to get the GIL. On two cores the
default is one worker beside the crawl process (one per core but one): two workers took the
crawl process's core from it. Each crawl's CPU seconds (the crawl and its workers) are in the
table: on this shared machine they move less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import benchportal  # noqa: E402

POLITENESS_OFF = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "False",
                  "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING",
                  # The whole portal is one site: its budget (5,000 requests by default) would cut it.
                  "NIANBAO_SITE_MAX_PAGES": "1000000"}
KINDS = ("bare", "archive", "parse", "recrawl")
_CLI = "from nianbao import cli; cli()"
ARCHIVE_OVERHEAD_TARGET = 0.25
PARSE_SHARE_TARGET = 0.5


# ---------------------------------------------------------------- the bare spider (a)

def bare_spider(url_file: str, settings: dict[str, str]) -> None:
    """Fetch every URL in the file and keep nothing: what Scrapy alone costs on this portal."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text(encoding="utf-8").split()

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse)

        def parse(self, response):
            return None

    process = CrawlerProcess({**settings, "TELNETCONSOLE_ENABLED": False})
    process.crawl(BareSpider)
    process.start()


# ---------------------------------------------------------------- memory of a running crawl

def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB (empty once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {name: int(value) for name, value in re.findall(r"^(VmRSS|VmHWM):\s+(\d+)", text, re.M)}


def _children(pid: int) -> list[int]:
    """Children of every thread: the parse workers are started by the pool's threads, and
    /proc lists a child under the thread that started it."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


def _is_worker(pid: int) -> bool:
    """A parse worker (multiprocessing spawn), not the resource tracker."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in command


@dataclass
class Memory:
    """RSS samples (MB) of the crawl process, once a second, and the peaks seen."""
    curve: list[float] = field(default_factory=list)
    peak: float = 0.0                                      # VmHWM of the crawl process
    workers: dict[int, float] = field(default_factory=dict)  # pid → VmHWM of each parse worker

    def sample(self, pid: int) -> None:
        own = _status(pid)
        if not own:
            return
        self.curve.append(own.get("VmRSS", 0) / 1024)
        self.peak = max(self.peak, own.get("VmHWM", 0) / 1024)
        for child in _children(pid):
            if _is_worker(child):
                peak = _status(child).get("VmHWM", 0) / 1024
                self.workers[child] = max(self.workers.get(child, 0.0), peak)

    @property
    def worker_peak(self) -> float:
        return max(self.workers.values(), default=0.0)

    def shape(self) -> str:
        if not self.curve:
            return "-"
        first, middle, last = self.curve[0], self.curve[len(self.curve) // 2], self.curve[-1]
        return f"{first:.0f} / {middle:.0f} / {last:.0f} MB (first / middle / last of {len(self.curve)} s)"


# ---------------------------------------------------------------- one crawl

@dataclass
class Run:
    kind: str
    wall: float
    stats: dict
    memory: Memory
    returncode: int
    db: Path | None
    output: str
    cpu: float = 0.0  # CPU seconds of the crawl and its parse workers (user and system)

    @property
    def pages(self) -> int:
        return int(self.stats["requests"])

    @property
    def window(self) -> float:
        return max(self.stats["last"] - self.stats["first"], 1e-9)

    @property
    def rate(self) -> float:
        return self.pages / self.wall


def _server_stats(root: str, reset: bool = False) -> dict:
    with urllib.request.urlopen(root + benchportal.STATS_PATH + ("?reset=1" if reset else "")) as answer:
        return json.loads(answer.read())


def _settings_args(settings: dict[str, str]) -> list[str]:
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]


def crawl(kind: str, root: str, work: Path, url_file: Path, number: int, db: Path | None = None) -> Run:
    settings = dict(POLITENESS_OFF)
    if kind == "bare":
        command = [sys.executable, str(Path(__file__).resolve()), "--bare-spider", str(url_file),
                   *_settings_args(settings)]
    else:
        if db is None:
            db = work / f"{kind}-{number}.db"
        if kind == "archive":
            settings["NIANBAO_PARSE"] = "False"
        command = [sys.executable, "-c", _CLI, "crawl", "--url", root + "/index.html", "--db", str(db),
                   *_settings_args(settings)]
    _server_stats(root, reset=True)
    memory = Memory()
    before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            memory.sample(process.pid)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return Run(kind, wall, _server_stats(root), memory, process.returncode, db, output, _children_cpu() - before)


def _children_cpu() -> float:
    """CPU seconds of this process's children that ended: a crawl, with the parse workers it
    waited for (the server, never waited for until the end, is not among them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _count(db: Path, sql: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def check(run: Run, portal: benchportal.Portal) -> list[str]:
    """What is wrong with a run: a fast crawl that archived nothing is a failure."""
    problems = []
    if run.kind != "recrawl" and run.pages != portal.pages:
        problems.append(f"{run.kind}: {run.pages} pages served, the portal has {portal.pages}")
    if run.stats.get("not_found"):
        problems.append(f"{run.kind}: {run.stats['not_found']} requests answered 404")
    if run.db is not None:
        captures = _count(run.db, "select count(*) from captures where run = (select max(id) from crawl_runs)")
        if captures != len(portal.documents):
            problems.append(f"{run.kind}: {captures} captures, the portal has {len(portal.documents)} documents")
        if run.kind in ("parse", "recrawl"):
            reports = _count(run.db, "select count(*) from reports")
            if reports != portal.report_pages:
                problems.append(f"{run.kind}: {reports} reports archived, the portal has {portal.report_pages}")
    # `nianbao crawl` exits 1 when a site gave no report, which is every site with parsing off.
    allowed = (0, 1) if run.kind == "archive" else (0,)
    if run.returncode not in allowed:
        problems.append(f"{run.kind}: exit status {run.returncode}: {run.output.strip()[-500:]}")
    return problems


# ---------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(directory: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "benchportal.py"), "serve", str(directory),
                               "--port", str(port)], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline() if server.stdout else ""
    if not line.startswith("serving"):
        server.kill()
        raise RuntimeError(f"the bench portal server did not start: {line!r}")
    return server, f"http://127.0.0.1:{port}"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_capacity(server: subprocess.Popen, root: str, directory: Path) -> str:
    """The server alone: requests/s a Python client gets, and the server's CPU per request."""
    requests = 4000
    before = _cpu_seconds(server.pid)
    measured = benchportal.load_test(root, directory, requests=requests)
    per_request = (_cpu_seconds(server.pid) - before) / requests
    capacity = 1 / per_request if per_request else float("inf")
    verdict = "ok" if max(measured, capacity) >= 2000 else "TOO SLOW"
    return (f"server alone: {measured:.0f} req/s with a Python client on the same cores; server CPU "
            f"{per_request * 1e6:.0f} µs/request → {capacity:.0f} req/s on one core (need ≥ 2000) {verdict}")


# ---------------------------------------------------------------- the table

def _median(runs: list[Run], value) -> float:
    return statistics.median(value(run) for run in runs)


def table(runs: dict[str, list[Run]]) -> list[str]:
    names = {"bare": "a. bare Scrapy spider", "archive": "b. nianbao, archive, no parse",
             "parse": "c. nianbao, parse", "recrawl": "r. re-crawl of (c), unchanged"}
    lines = [f"{'crawl':32} {'runs':>4} {'wall s':>8} {'pages':>6} {'pages/s':>8} {'window s':>9} "
             f"{'pages/s':>8} {'CPU s':>6} {'peak MB':>8} {'worker MB':>9}  wall of each run"]
    for kind in KINDS:
        done = runs.get(kind)
        if not done:
            continue
        wall = _median(done, lambda r: r.wall)
        window = _median(done, lambda r: r.window)
        pages = done[0].pages
        workers = max(r.memory.worker_peak for r in done)
        lines.append(f"{names[kind]:32} {len(done):>4} {wall:8.2f} {pages:6d} {pages / wall:8.1f} {window:9.2f} "
                     f"{pages / window:8.1f} {_median(done, lambda r: r.cpu):6.1f} {max(r.memory.peak for r in done):8.0f} "
                     f"{workers:9.0f}  " + ", ".join(f"{r.wall:.2f}" for r in done))
    return lines


def ratios(runs: dict[str, list[Run]]) -> list[str]:
    lines = []
    bare = runs.get("bare")
    if bare:
        bare_wall, bare_window = _median(bare, lambda r: r.wall), _median(bare, lambda r: r.window)
        if runs.get("archive"):
            wall = _median(runs["archive"], lambda r: r.wall)
            window = _median(runs["archive"], lambda r: r.window)
            overhead = wall / bare_wall - 1
            verdict = "ok" if overhead <= ARCHIVE_OVERHEAD_TARGET else "OVER TARGET"
            lines.append(f"archive overhead time(b)/time(a) - 1: {overhead:+.0%} (window {window / bare_window - 1:+.0%}); "
                         f"target ≤ {ARCHIVE_OVERHEAD_TARGET:.0%} {verdict}")
        if runs.get("parse"):
            bare_rate = bare[0].pages / bare_wall
            rate = runs["parse"][0].pages / _median(runs["parse"], lambda r: r.wall)
            window_share = (bare_window / _median(runs["parse"], lambda r: r.window))
            verdict = "ok" if rate / bare_rate >= PARSE_SHARE_TARGET else "UNDER TARGET"
            lines.append(f"full crawl pages/s (c)/(a): {rate:.1f} / {bare_rate:.1f} = {rate / bare_rate:.2f} "
                         f"(window {window_share:.2f}); target ≥ {PARSE_SHARE_TARGET} {verdict}")
    if bare and len(bare) > 1:
        lines += paired(runs)
    for run in runs.get("recrawl", []):
        stats = run.stats
        verdict = "ok" if stats["document_bodies"] == 0 else "BODIES SENT AGAIN"
        lines.append(f"re-crawl: {run.wall:.2f} s, {run.pages} requests: {int(stats['document_not_modified'])} "
                     f"documents answered 304, {int(stats['document_bodies'])} document bodies transferred "
                     f"(target 0) {verdict}; {int(stats['ok'])} bodies in all (list pages are not conditional), "
                     f"{stats['bytes'] / 1e6:.1f} MB")
    return lines


def paired(runs: dict[str, list[Run]]) -> list[str]:
    """Each run against the bare run of its round (the rounds run one after another, and the
    shared machine's speed drifts between them more than within one)."""
    lines = []
    for kind, figure in (("archive", lambda run, bare: f"{run.wall / bare.wall - 1:+.0%}"),
                         ("parse", lambda run, bare: f"{bare.wall / run.wall:.2f}")):
        if runs.get(kind):
            pairs = [figure(run, bare) for run, bare in zip(runs[kind], runs["bare"])]
            lines.append(f"  {kind} against the bare run of its round: {', '.join(pairs)}")
    return lines


def memory_lines(runs: dict[str, list[Run]], portal: benchportal.Portal) -> list[str]:
    lines = []
    for kind in ("archive", "parse", "recrawl"):
        for number, run in enumerate(runs.get(kind, []), 1):
            workers = ", ".join(f"{peak:.0f} MB" for peak in run.memory.workers.values()) or "none started"
            lines.append(f"memory {kind} #{number} ({run.pages} pages): crawl process peak {run.memory.peak:.0f} MB, "
                         f"parse workers peak {workers}; RSS {run.memory.shape()}")
    if portal.pages < 10_000:
        lines.append(f"(a {portal.pages}-page portal: the 10,000-page figure needs --pages 10000)")
    return lines


def archived(runs: dict[str, list[Run]], portal: benchportal.Portal) -> list[str]:
    lines = []
    for kind in ("archive", "parse"):
        for run in runs.get(kind, [])[:1]:
            reports = _count(run.db, "select count(*) from reports")
            captures = _count(run.db, "select count(*) from captures where run = (select min(id) from crawl_runs)")
            connection = sqlite3.connect(run.db)
            errors = connection.execute("select kind, count(*) from crawl_errors where run = "
                                        "(select min(id) from crawl_runs) group by kind order by kind").fetchall()
            connection.close()
            lines.append(f"archived by {kind}: {captures} captures of {len(portal.documents)} documents, "
                         f"{reports} reports of {portal.report_pages} report pages; crawl_errors: "
                         + (", ".join(f"{count} {name}" for name, count in errors) or "none"))
    return lines


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000, help="URLs in the generated portal")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each crawl (the median is reported)")
    parser.add_argument("--only", default=",".join(KINDS), help="crawls to run: bare,archive,parse,recrawl")
    parser.add_argument("--bare-spider", metavar="URL_FILE", help=argparse.SUPPRESS)
    parser.add_argument("-s", dest="settings", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_spider:
        bare_spider(args.bare_spider, dict(pair.split("=", 1) for pair in args.settings))
        return 0
    kinds = [kind.strip() for kind in args.only.split(",") if kind.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown crawls: {', '.join(sorted(unknown))}")
    if "recrawl" in kinds and "parse" not in kinds:
        parser.error("recrawl re-crawls the archive of a parse crawl: add parse")

    with tempfile.TemporaryDirectory(prefix="crawl_bench_") as temporary:
        work = Path(temporary)
        start = time.perf_counter()
        portal = benchportal.build(work / "portal", args.pages)
        sizes = [(work / "portal" / path.lstrip("/")).stat().st_size for path in portal.paths]
        print(f"portal: {portal.pages} URLs = 2 entry pages + {portal.list_pages} list pages + "
              f"{portal.report_pages} report pages + {portal.attachments} .docx attachments; "
              f"median page {statistics.median(sizes) / 1024:.0f} KB, {sum(sizes) / 1e6:.0f} MB in all "
              f"(built in {time.perf_counter() - start:.1f} s)")
        server, root = start_server(work / "portal")
        try:
            print(server_capacity(server, root, work / "portal"))
            url_file = work / "urls.txt"
            url_file.write_text("\n".join(portal.urls(root)), encoding="utf-8")
            runs: dict[str, list[Run]] = {}
            problems: list[str] = []
            for number in range(1, args.repeat + 1):
                for kind in kinds:
                    if kind == "recrawl":
                        continue
                    run = crawl(kind, root, work, url_file, number)
                    runs.setdefault(kind, []).append(run)
                    problems += check(run, portal)
                    print(f"  {kind} #{number}: {run.wall:.2f} s, {run.pages} pages, {run.rate:.1f} pages/s", flush=True)
            if "recrawl" in kinds:
                run = crawl("recrawl", root, work, url_file, 1, db=runs["parse"][-1].db)
                runs["recrawl"] = [run]
                problems += check(run, portal)
        finally:
            server.terminate()
            server.wait()
        print()
        print(f"crawl benchmark: {portal.pages} pages on loopback, politeness off, median of {args.repeat}")
        for line in [*table(runs), "", *ratios(runs), *archived(runs, portal), *memory_lines(runs, portal)]:
            print(line)
        for problem in problems:
            print(f"FAILED {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
