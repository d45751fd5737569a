"""A region of many portals in one crawl: the farm of tests/farm.py (300 portals on 127/8, the
four platforms mixed, 5–40 reports each, some slow, some failing), listed in a registry,
imported, and crawled with `nianbao crawl --region` at the default (polite) settings.

Prints, from one run:
- reports stored against reports generated, per portal; the failing portals with their failure;
- the most requests in flight at once on any portal, as its server counted them (must be ≤ 2);
- the crawl's wall time against the politeness floor: the slowest portal's requests × its delay
  (the larger of DOWNLOAD_DELAY and its answer time over AUTOTHROTTLE_TARGET_CONCURRENCY);
  the ratio must be ≤ 1.3; and how long that portal waited beyond its delay between requests
  (the farm's servers log when each request came);
- the crawl process's resident memory, sampled every second: peak (< 600 MB), and the first third
  of the run against the last (flat).

    python bench/farm_bench.py [--sites 300] [--dir DIR] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import settings as defaults  # noqa: E402
from tests import farm  # noqa: E402

MAX_IN_FLIGHT = 2
MAX_FLOOR_RATIO = 1.3
MAX_RSS_MB = 600
# The last third may hold this much more than the first before the memory is called growing.
FLAT_MB = 50


@dataclass
class Crawl:
    seconds: float
    returncode: int
    rss_mb: list[float] = field(default_factory=list)   # the crawl process, once a second
    workers_mb: list[float] = field(default_factory=list)  # its parse workers, together
    stderr: str = ""
    cpu_seconds: float = 0.0  # the crawl's and its parse workers', user and system
    started: float = 0.0      # time.monotonic() at its launch (the farm's servers use the same clock)


def nianbao(*args: object, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def children(pid: int) -> list[int]:
    """The process's children, whichever of its threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def crawl(db: Path, overrides: list[str]) -> Crawl:
    """`nianbao crawl --region` of the farm, its memory sampled every second."""
    command = [sys.executable, "-m", "nianbao", "crawl", "--region", farm.REGION, "--db", str(db)]
    command += [part for setting in overrides for part in ("-s", setting)]
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = Crawl(0.0, 0, started=time.monotonic())
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while process.poll() is None:
        result.rss_mb.append(rss_mb(process.pid))
        result.workers_mb.append(sum(rss_mb(child) for child in children(process.pid)))
        time.sleep(1.0)
    result.seconds = time.perf_counter() - start
    result.returncode, result.stderr = process.returncode, process.stderr.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.cpu_seconds = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return result


def serve(directory: Path) -> tuple[subprocess.Popen, str]:
    """The farm's servers in a process of their own, and where they give their counts."""
    process = subprocess.Popen([sys.executable, "-m", "tests.farm", "serve", str(directory)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().split()
    if not line or line[0] != "ready":
        process.kill()
        raise SystemExit("the farm did not start")
    return process, line[1]


def archive_sites(db: Path) -> dict[str, dict]:
    """Per site URL: its crawl_sites row of the last run and its first error."""
    import sqlite_utils

    archive = sqlite_utils.Database(db)
    run = next(archive.query("SELECT max(id) AS id FROM crawl_runs"))["id"]
    sites = {row["site"]: dict(row) for row in archive.query("SELECT * FROM crawl_sites WHERE run = ?", [run])}
    for row in archive.query("SELECT site, kind, message FROM crawl_errors WHERE run = ? ORDER BY id", [run]):
        sites.setdefault(row["site"], {}).setdefault("error", f"{row['kind']}: {row['message']}")
    return sites


def site_delay(site: farm.Site) -> float:
    """The politeness delay between two requests to the site at the default settings."""
    return max(defaults.DOWNLOAD_DELAY, site.delay / defaults.AUTOTHROTTLE_TARGET_CONCURRENCY)


def report_sites(sites: list[farm.Site], stored: dict[str, dict], column: str) -> tuple[int, int, list[str]]:
    """(reports generated on healthy portals, reports stored from them, failures) with a line per
    portal that did not give all its reports. ``column`` counts them: ``reports_found``, or
    ``documents`` when the crawl does not parse (each farm report is one page)."""
    generated = found = 0
    problems = []
    for site in sites:
        row = stored.get(site.url.rstrip("/"), {})
        got = row.get(column) or 0
        if site.healthy:
            generated, found = generated + site.reports, found + got
            if got != site.reports:
                problems.append(f"  {site.url} ({site.platform}): {got} of {site.reports} reports stored "
                                f"({row.get('status')}; {row.get('error', 'no error')})")
        else:
            print(f"  failing by design: {site.url} ({site.fault}) -> {row.get('status')}, {row.get('error')}")
            if not row.get("error"):
                problems.append(f"  {site.url}: a failing portal ({site.fault}) not named with a failure")
    return generated, found, problems


def timeline(stats: dict, started: float) -> str:
    """When the portals were first and last asked, in seconds after the crawl's launch."""
    def spread(times: list[float]) -> str:
        times = sorted(times)
        return "/".join(f"{times[int(q * (len(times) - 1))]:.1f}" for q in (0, 0.5, 1))

    served = [counter for counter in stats.values() if counter["requests"]]
    return (f"timeline: first request to a portal at {spread([c['first'] - started for c in served])} s "
            f"(min/median/max after launch), its last at {spread([c['last'] - started for c in served])} s")


def waits(times: list[float], delay: float) -> str:
    """How long the floor's portal waited beyond its delay between requests, and the longest wait."""
    beyond = [later - earlier - delay for earlier, later in zip(times, times[1:])]
    waited = [gap for gap in beyond if gap > 0]
    return (f"the floor's portal waited {sum(waited):.1f} s beyond its delay between requests "
            f"(longest {max(waited, default=0.0):.1f} s)")


def flatness(samples: list[float]) -> tuple[float, float]:
    third = max(1, len(samples) // 3)
    first, last = samples[:third], samples[-third:]
    return max(first), max(last)


def figures(sites: list[farm.Site], stats: dict, result: Crawl, stored: dict[str, dict], parsing: bool) -> bool:
    generated, found, problems = report_sites(sites, stored, "reports_found" if parsing else "documents")
    print(f"reports: {found} {'stored' if parsing else 'captured (not parsed)'} of {generated} generated on {sum(s.healthy for s in sites)} healthy portals")
    shown = problems[:10] + ([f"  ... and {len(problems) - 10} more"] if len(problems) > 10 else [])
    print("\n".join(shown) or "  every report of every healthy portal stored")
    most = max(counter["max_in_flight"] for counter in stats.values())
    over = [n for n, counter in stats.items() if counter["max_in_flight"] > MAX_IN_FLIGHT]
    print(f"in flight: at most {most} requests at once on one portal (counted by its server; "
          f"{len(over)} portals over {MAX_IN_FLIGHT})")
    floors = {site.number: stats[str(site.number)]["requests"] * site_delay(site) for site in sites}
    slowest = max(floors, key=floors.get)
    ratio = result.seconds / floors[slowest]
    print(f"wall time: {result.seconds:.1f} s against a politeness floor of {floors[slowest]:.1f} s "
          f"(portal {slowest}: {stats[str(slowest)]['requests']} requests x {site_delay(sites[slowest]):.2f} s): "
          f"{ratio:.2f}x")
    print(timeline(stats, result.started))
    print(waits(stats[str(slowest)]["times"], site_delay(sites[slowest])))
    peak = max(result.rss_mb or [0.0])
    first, last = flatness(result.rss_mb or [0.0])
    print(f"crawl RSS: peak {peak:.0f} MB; first third {first:.0f} MB, last third {last:.0f} MB "
          f"({len(result.rss_mb)} samples); parse workers peak {max(result.workers_mb or [0.0]):.0f} MB together")
    return (not problems and most <= MAX_IN_FLIGHT and ratio <= MAX_FLOOR_RATIO and peak < MAX_RSS_MB
            and last - first <= FLAT_MB)


def run(directory: Path, count: int, overrides: list[str]) -> bool:
    start = time.perf_counter()
    if (directory / farm.PLAN).exists():
        sites = farm.load(directory)  # built by an earlier run: crawled again into a new archive
    else:
        sites = farm.plan(count, farm.free_port())
        farm.build(directory, sites)
    platforms = {name: sum(site.platform == name for site in sites) for name in farm.PLATFORMS}
    print(f"farm: {count} portals ({platforms}), {sum(s.reports for s in sites)} reports, "
          f"{sum(s.delay > 0 for s in sites)} slow, {sum(not s.healthy for s in sites)} failing; "
          f"built in {time.perf_counter() - start:.0f} s")
    db = directory / f"archive-{time.strftime('%Y%m%d-%H%M%S')}.db"
    imported = nianbao("sources", "import", farm.write_registry(sites, directory / "farm.csv"), "--db", db)
    if imported.returncode != 0:
        raise SystemExit(imported.stderr)
    server, stats_url = serve(directory)
    try:
        result = crawl(db, overrides)
        with urllib.request.urlopen(stats_url) as answer:
            stats = json.load(answer)
        (directory / "farm_stats.json").write_text(json.dumps(stats), encoding="utf-8")
    finally:
        server.terminate()
        server.wait(10)
    if result.returncode not in (0, 1):
        raise SystemExit(f"the crawl did not run: {result.stderr.strip()}")
    print(f"crawl: exit {result.returncode}, {result.cpu_seconds:.0f} s of CPU (crawl and parse workers); stderr's last line: {result.stderr.strip().splitlines()[-1:]}")
    parsing = not any(setting.replace(" ", "").upper() in ("NIANBAO_PARSE=FALSE", "NIANBAO_PARSE=0")
                      for setting in overrides)
    return figures(sites, stats, result, archive_sites(db), parsing)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--dir", type=Path, help="where to build the farm and its archive (default: a temporary one)")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a crawl setting (the defaults are the project's own)")
    args = parser.parse_args(argv)
    if args.dir:
        ok = run(args.dir, args.sites, args.settings)
    else:
        with tempfile.TemporaryDirectory(prefix="nianbao-farm-") as directory:
            ok = run(Path(directory), args.sites, args.settings)
    print("all figures met" if ok else "some figures not met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
