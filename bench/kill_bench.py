"""kill -9 at random moments of a crawl of the sample portal, then the next run.

    bench/kill_bench.py [--times 50] [--dir /tmp/nianbao-bench/kill] [--seed 1]

Each time: a fresh archive, `nianbao crawl` of the bundled sample portal killed with SIGKILL (its
whole process group, parse workers too) at a moment drawn between its first capture and the
end of an uninterrupted crawl's (so a few end before it), then `nianbao crawl` again. Counted:
runs left `running` after the next run, archives whose integrity check fails, archives whose
reports, versions, sources and facts differ from one uninterrupted crawl of the same portal
(tests/portals.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.sampleportal.server import serve  # noqa: E402
from tests.portals import FAST, PROJECT, contents, nianbao  # noqa: E402


def killed_crawl(db: Path, url: str, after: float) -> tuple[bool, float]:
    """A crawl killed ``after`` seconds past its first capture (whether it was still running),
    and the seconds it ran past its first capture."""
    crawl = subprocess.Popen([sys.executable, "-m", "nianbao", "crawl", "--db", str(db), "--url", url, *FAST],
                             cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    while crawl.poll() is None and not _captured(db):
        time.sleep(0.05)
    first = time.monotonic()
    while crawl.poll() is None and time.monotonic() - first < after:
        time.sleep(0.02)
    running = crawl.poll() is None
    if running:
        os.killpg(crawl.pid, signal.SIGKILL)
    crawl.wait()
    return running, time.monotonic() - first


def _captured(db: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT count(*) FROM captures").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def check(db: Path, expected: dict) -> tuple[int, bool, bool]:
    """(runs left running, integrity ok, equal to the uninterrupted crawl)."""
    with sqlite3.connect(db) as connection:
        running = connection.execute("SELECT count(*) FROM crawl_runs WHERE status = 'running'").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return running, integrity, contents(db) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=50)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench/kill"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    rng = random.Random(args.seed)
    with serve("state1") as portal:
        url = portal.url + "/"
        _, whole = killed_crawl(args.dir / "whole.db", url, float("inf"))  # its span after the first capture
        expected = contents(args.dir / "whole.db")
        totals = {"killed": 0, "running": 0, "integrity_failed": 0, "different": 0}
        started = time.monotonic()
        for attempt in range(args.times):
            db = args.dir / f"killed{attempt}.db"
            totals["killed"] += killed_crawl(db, url, rng.uniform(0, whole))[0]
            nianbao("crawl", "--db", db, "--url", url, *FAST)
            running, integrity, equal = check(db, expected)
            totals["running"] += running
            totals["integrity_failed"] += not integrity
            totals["different"] += not equal
            for leftover in args.dir.glob(f"{db.stem}.*"):  # the archive, its raw store, lock and logs
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        each = (time.monotonic() - started) / args.times
    print(f"{args.times} crawls, {totals['killed']} killed with -9 before their end; after the next run: "
          f"{totals['running']} runs left running, {totals['integrity_failed']} failed integrity checks, "
          f"{totals['different']} archives different from an uninterrupted crawl")
    print(f"an uninterrupted crawl: {whole:.1f} s from its first capture to its end (the kill moments are "
          f"drawn in it); killed crawl + next run {each:.1f} s")


if __name__ == "__main__":
    main()
