"""CPU cost of parsing the bench portal's report pages, against the HTML library floor (issue 13).

The full crawl is CPU-bound on two cores, so what matters is CPU time per report page, not wall
time: time.process_time, best of three passes over the same pages, so a busy neighbour on a
shared machine costs us nothing we report. Four figures a report page:

  ours     parsers.parse_bytes (decode, tree, body, grids, tables, checks)
  worker   archive.documents.read_for_archive: what a crawl's parse worker does with a page, the
           parse and what the archive writes of it (JSON, hash, cells, checks, terms, the body
           compressed), against parse_bytes alone
  floor    trafilatura.extract(page, include_tables=True), the library that would read the page
           for us (bench/html_bench.py's floor)
  lxml     lxml.html.document_fromstring alone: the tree every reading of the page starts from

    python bench/parse_cost.py [--portal DIR] [--pages 200]

Without --portal a 1,000-URL portal is built into a temporary folder (bench/benchportal.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import lxml.html
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.documents import read_for_archive  # noqa: E402
from parsers import parse_bytes  # noqa: E402

PORTAL_URLS = 1000
REPEAT = 3


def cpu_best_of(function: Callable[[bytes], object], pages: list[bytes], repeat: int = REPEAT) -> float:
    """The fastest pass's CPU seconds per page, after one warm-up pass."""
    for page in pages:
        function(page)
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        for page in pages:
            function(page)
        timings.append(time.process_time() - start)
    return min(timings) / len(pages)


def report_pages(portal: Path, count: int) -> list[bytes]:
    paths = sorted(portal.glob("zwgk/**/t2024*.html"))[:count]
    if not paths:
        raise SystemExit(f"no report pages (zwgk/**/t2024*.html) under {portal}")
    return [path.read_bytes() for path in paths]


def measure(pages: list[bytes]) -> dict[str, float]:
    return {
        "ours": cpu_best_of(lambda page: parse_bytes(page, "page.html"), pages),
        "worker": cpu_best_of(lambda page: read_for_archive("http://bench.example/page.html", page), pages),
        "floor": cpu_best_of(lambda page: trafilatura.extract(page, include_tables=True), pages),
        "lxml": cpu_best_of(lxml.html.document_fromstring, pages),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portal", type=Path, help="a portal bench/benchportal.py built (default: build one)")
    parser.add_argument("--pages", type=int, default=200, help="report pages parsed a pass (default 200)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        portal = args.portal
        if portal is None:
            from benchportal import build

            portal = Path(scratch)
            build(portal, PORTAL_URLS)
        pages = report_pages(portal, args.pages)
        cost = measure(pages)
    kb = sum(map(len, pages)) / len(pages) / 1024
    print(f"{len(pages)} report pages, {kb:.0f} KB on average; CPU ms a page, best of {REPEAT}")
    print(f"  ours  parse_bytes              {cost['ours'] * 1000:6.2f}")
    print(f"  worker read_for_archive        {cost['worker'] * 1000:6.2f}   worker/ours {cost['worker'] / cost['ours']:.2f}")
    print(f"  floor trafilatura.extract      {cost['floor'] * 1000:6.2f}   ours/floor {cost['ours'] / cost['floor']:.2f}")
    print(f"  lxml  document_fromstring      {cost['lxml'] * 1000:6.2f}   ours/lxml  {cost['ours'] / cost['lxml']:.2f}")


if __name__ == "__main__":
    main()
