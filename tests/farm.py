"""A farm of generated county portals on loopback, each its own host on 127.0.0.0/8, for crawls of
many sites at once (tests/test_farm.py, bench/farm_bench.py).

Every portal is one of the four list-page platforms the crawler reads (TRS, 大汉 Hanweb, 新点
Epoint, a plain pager), built from the sample portal's page generators (tests/sampleportal_build.py)
and served by the sample portal's router (crawler/sampleportal/server.py): a home page linking
its report column, the column's list pages, and one report page per report, every body distinct.
Some portals answer slowly, some fail: every request a 500 (`server_error`), nothing listening
(`refused`), or a report column that is not there (`dead_list`).

The servers (aiohttp, one event loop for the whole farm) count, per portal, the requests being
answered at every moment; ``GET /_farm/stats`` on the control address gives each portal's
requests, answers by status, most requests in flight at once and when each request came.

    python -m tests.farm build DIR --sites 300
    python -m tests.farm serve DIR            # prints "ready" once every portal listens
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import ipaddress
import json
import random
import socket
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from crawler.sampleportal import server as sampleportal
from tests import sampleportal_build as portal

PLATFORMS = ("trs", "hanweb", "epoint", "pager")
FAULTS = ("server_error", "refused", "dead_list")
FIRST_HOST = ipaddress.IPv4Address("127.0.1.1")
CONTROL_HOST = "127.0.0.1"
STATS_PATH = "/_farm/stats"
PLAN = "_farm.json"
# The farm's region: the counties of 绥化市, in turn (`nianbao crawl --region 绥化市`).
REGION = "绥化市"
COUNTIES = (("231202", "北林区"), ("231221", "望奎县"), ("231222", "兰西县"), ("231223", "青冈县"), ("231224", "庆安县"),
            ("231225", "明水县"), ("231226", "绥棱县"), ("231281", "安达市"), ("231282", "肇东市"), ("231283", "海伦市"))
# Where each platform's report column is, as the home page links it.
COLUMNS = {"trs": f"{portal.MAIN}index.html", "hanweb": portal.HANWEB_COL, "epoint": portal.EPOINT_LIST,
           "pager": f"{portal.SJJ}index.html"}
PER_PAGE = {"trs": 15, "hanweb": 15, "epoint": 10, "pager": 12}
PUBLISHED = datetime.date(2025, 3, 20)


@dataclass(frozen=True)
class Site:
    """One portal of the farm: where it listens, what it runs, how it answers."""

    number: int
    host: str
    port: int
    platform: str
    reports: int
    delay: float = 0.0        # seconds before every answer
    fault: str = ""           # "", or one of FAULTS

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def healthy(self) -> bool:
        return not self.fault


def plan(count: int, port: int, *, seed: int = 13, reports: tuple[int, int] = (5, 40),
         slow: tuple[int, float, float] = (10, 0.3, 1.0), faulty: int = 25) -> list[Site]:
    """``count`` portals on consecutive addresses from 127.0.1.1, the platforms in turn. One in
    ``slow[0]`` answers after ``slow[1]``–``slow[2]`` seconds; one in ``faulty`` fails (each fault in
    turn), the first at the middle of the farm."""
    rng = random.Random(seed)
    sites = []
    for number in range(count):
        fault = FAULTS[(number // faulty) % len(FAULTS)] if number % faulty == faulty // 2 else ""
        delay = round(rng.uniform(slow[1], slow[2]), 2) if number % slow[0] == slow[0] - 1 and not fault else 0.0
        sites.append(Site(number, str(FIRST_HOST + number), port, PLATFORMS[number % len(PLATFORMS)],
                          rng.randint(*reports), delay, fault))
    return sites


def free_port(host: str = str(FIRST_HOST)) -> int:
    """A port free on ``host``; the farm takes its first address's for every address."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


# ---------------------------------------------------------------- building

def _entries(site: Site) -> list[tuple[portal.Entry, object]]:
    """The site's reports as the sample portal's entries, each its own body: 北林区第N局."""
    made = []
    for k in range(site.reports):
        number = site.number * 100 + k + 1
        day = PUBLISHED - datetime.timedelta(days=k)
        spec = portal.find_spec(number % 997, "2021", f"北林区第{number}局", "北林区", 2024, day)
        page = _page_url(site.platform, day, number)
        entry = portal.Entry(f"{site.number}-{k}", spec.agency, spec.agency, "department", 2024, "2021", day,
                             site.platform, "html", page, number)
        made.append((entry, spec))
    return made


def _page_url(platform: str, day: datetime.date, number: int) -> str:
    if platform == "trs":
        return portal.trs_page(portal.MAIN, day, number)
    if platform == "hanweb":
        return portal.hanweb_page(day, number)
    if platform == "epoint":
        return f"/info/iContent.jsp?infoid={number}"
    return f"{portal.SJJ}content_{number}.html"


def _report_files(entry: portal.Entry, spec: object) -> dict[str, bytes]:
    if entry.cms == "trs":
        page = portal.trs_detail(entry, portal.trs_body(spec), "政府信息公开年报", COLUMNS["trs"])
        return {entry.page.lstrip("/"): page}
    if entry.cms == "hanweb":
        return {entry.page.lstrip("/"): portal.hanweb_article(entry, spec)}
    if entry.cms == "epoint":
        return {f"_files/epoint/iContent_{entry.seed}.html": portal.epoint_detail(entry, spec)}
    return {entry.page.lstrip("/"): portal.gbk_detail(spec)}


def _list_files(platform: str, items: list[tuple[str, str, datetime.date]]) -> tuple[dict[str, bytes], dict]:
    """The column's list pages, and the router configuration they need. The sample portal's
    Hanweb and Epoint pages link its TRS columns too; a farm portal has one column, so those
    links lead back to it."""
    files, config = _platform_lists(platform, items)
    own = COLUMNS[platform].replace("&", "&amp;").encode()
    for other in (f"{portal.MAIN}index.html", f"{portal.BMNB}index.html"):
        if other != COLUMNS[platform]:
            files = {path: data.replace(f'href="{other}"'.encode(), b'href="' + own + b'"') for path, data in files.items()}
    return files, config


def _platform_lists(platform: str, items: list[tuple[str, str, datetime.date]]) -> tuple[dict[str, bytes], dict]:
    per_page = PER_PAGE[platform]
    if platform == "trs":
        files, _ = portal.trs_column("政府信息公开年报", portal.MAIN, items, per_page, "", True, "")
        return files, {}
    if platform == "hanweb":
        records = [portal.hanweb_record(*item) for item in items]
        files = {portal.HANWEB_COL.lstrip("/"): portal.hanweb_column(records, 3, per_page)}
        return files, {"hanweb": {"columns": {"5678": {"perpage": per_page, "records": records}}}}
    pages = portal.paginate(items, per_page)
    if platform == "epoint":
        files = {f"_files/epoint/iList_77_{n}.html": portal.epoint_list(chunk, n, len(pages))
                 for n, chunk in enumerate(pages, 1)}
        routes = [{"path": "/info/iList.jsp", "file": "_files/epoint/iList_{cat_id}_{cur_page}.html",
                   "defaults": {"cur_page": "1"}},
                  {"path": "/info/iContent.jsp", "file": "_files/epoint/iContent_{infoid}.html"}]
        return files, {"query_routes": routes}
    return {f"{portal.SJJ[1:]}{'index.html' if n == 1 else f'list_{n}.html'}": portal.gbk_list_page(chunk, n, len(pages))
            for n, chunk in enumerate(pages, 1)}, {}


def build_site(site: Site, directory: Path) -> Path:
    """The portal's files and router configuration, as a sample portal state directory."""
    entries = _entries(site)
    home = portal.portal_page(f"北林区第{site.number}号门户", portal.link_list([("政府信息公开年报", COLUMNS[site.platform], None)]))
    files = {"index.html": home}
    for entry, spec in entries:
        files.update(_report_files(entry, spec))
    lists, config = _list_files(site.platform, [(portal.title_of(e), e.page, e.published) for e, _ in entries])
    if site.fault != "dead_list":
        files.update(lists)
    state = directory / f"site-{site.number:03d}"
    for path, data in files.items():
        (state / path).parent.mkdir(parents=True, exist_ok=True)
        (state / path).write_bytes(data)
    (state / sampleportal.CONFIG_NAME).write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return state


def build(directory: Path, sites: list[Site]) -> None:
    """Every portal of the farm, and the plan the server reads back."""
    directory.mkdir(parents=True, exist_ok=True)
    for site in sites:
        build_site(site, directory)
    (directory / PLAN).write_text(json.dumps([asdict(site) for site in sites]), encoding="utf-8")


def load(directory: Path) -> list[Site]:
    return [Site(**fields) for fields in json.loads((directory / PLAN).read_text(encoding="utf-8"))]


def write_registry(sites: list[Site], path: Path) -> Path:
    """The farm as a portal list in the shape `nianbao sources import` reads, every portal in a
    county of REGION."""
    lines = ["adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked"]
    for site in sites:
        adcode, county = COUNTIES[site.number % len(COUNTIES)]
        lines.append(f"{adcode},黑龙江省/{REGION}/{county},县级,{county}第{site.number}号门户,{site.url},direct,直连,"
                     f"{site.url},2026-04-26")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- serving

@dataclass
class Counter:
    """What one portal's server saw."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    first: float = 0.0
    last: float = 0.0

    def __post_init__(self) -> None:
        self.statuses: dict[int, int] = {}
        self.times: list[float] = []  # when each request arrived, on the loop's (monotonic) clock

    def report(self) -> dict:
        return asdict(self) | {"statuses": self.statuses, "times": self.times}


def _handler(site: Site, state: sampleportal.State, counter: Counter):
    from aiohttp import web

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        counter.requests += 1
        counter.in_flight += 1
        counter.max_in_flight = max(counter.max_in_flight, counter.in_flight)
        counter.first = counter.first or loop.time()
        counter.times.append(loop.time())
        try:
            if site.delay:
                await asyncio.sleep(site.delay)
            answer = await _answer(site, state, request)
            response = web.Response(status=answer.status, body=answer.body or None, headers=answer.headers)
            # Sent within the count: a request is in flight until its answer has left.
            await response.prepare(request)
            await response.write_eof()
            counter.statuses[answer.status] = counter.statuses.get(answer.status, 0) + 1
            return response
        finally:
            counter.in_flight -= 1
            counter.last = loop.time()
    return handle


async def _answer(site: Site, state: sampleportal.State, request) -> sampleportal.Response:
    if site.fault == "server_error":
        return sampleportal.Response(500, [("Content-Type", "text/html; charset=utf-8")], b"<h1>500</h1>")
    raw = await request.read() if request.method == "POST" else b""
    form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return sampleportal.route(state, request.method, request.path_qs, form, request.headers)


class Farm:
    """The farm's servers on one event loop: ``start()`` in a thread of this process, or ``run()``
    as the process's own loop; ``counters`` per portal number."""

    def __init__(self, directory: Path, sites: list[Site] | None = None) -> None:
        self.directory = directory
        self.sites = sites if sites is not None else load(directory)
        self.counters = {site.number: Counter() for site in self.sites}
        self.control_port = free_port(CONTROL_HOST)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def stats(self) -> dict[str, dict]:
        return {str(number): counter.report() for number, counter in self.counters.items()}

    async def serve(self, on_ready=None) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        runners = [await self._listen(site) for site in self.sites if site.fault != "refused"]
        runners.append(await self._control())
        self._ready.set()
        if on_ready:
            on_ready()
        await self._stop.wait()
        for runner in runners:
            await runner.cleanup()

    async def _listen(self, site: Site):
        from aiohttp import web

        state = sampleportal.load_state(self.directory / f"site-{site.number:03d}")
        runner = web.ServerRunner(web.Server(_handler(site, state, self.counters[site.number])), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, site.host, site.port, backlog=256).start()
        return runner

    async def _control(self):
        from aiohttp import web

        async def stats(request: web.BaseRequest) -> web.Response:
            return web.json_response(self.stats()) if request.path == STATS_PATH else web.Response(status=404)

        runner = web.ServerRunner(web.Server(stats), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, CONTROL_HOST, self.control_port).start()
        return runner

    def start(self) -> Farm:
        self._thread = threading.Thread(target=asyncio.run, args=(self.serve(),), name="farm", daemon=True)
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("the farm did not start within 60 s")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Farm:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write the farm into DIR")
    build_command.add_argument("directory", type=Path)
    build_command.add_argument("--sites", type=int, default=300)
    build_command.add_argument("--port", type=int, default=0, help="the port of every portal (default: a free one)")
    serve_command = commands.add_parser("serve", help="serve a built farm until killed")
    serve_command.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        build(args.directory, plan(args.sites, args.port or free_port()))
        return
    farm = Farm(args.directory)
    asyncio.run(farm.serve(on_ready=lambda: print(f"ready http://{CONTROL_HOST}:{farm.control_port}{STATS_PATH}",
                                                  flush=True)))


if __name__ == "__main__":
    main()
