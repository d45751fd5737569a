"""CPU time the crawl's writer thread spends filing one document (issue 13: the writer only writes).

Report pages of the generated bench portal (bench/benchportal.py) are read once, as a parse worker
reads them (archive.documents.read_for_archive); then each is filed with ``Archive.store`` into a
fresh archive, in groups of 50 as the crawl commits them, parsed and (another archive) unparsed.

The floor is SQLite alone writing the same rows: one capture, one version and the report's cells
and checks, with ``executemany``, into tables of the same columns with no index, trigger or
search index. Times are CPU seconds of this process (time.process_time), best of --repeat.

    python bench/store_bench.py [--pages 1500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import benchportal  # noqa: E402
from archive import Archive, Fetched  # noqa: E402
from archive.documents import Reading, read_for_archive  # noqa: E402

FETCHED_AT = "2026-01-31T00:00:00+00:00"
SITE = "http://127.0.0.1:1"


def report_pages(pages: int) -> list[tuple[str, bytes]]:
    """(url, body) of the report pages of a generated portal of ``pages`` URLs."""
    folder = Path(tempfile.mkdtemp(prefix="store-bench-"))
    benchportal.build(folder, pages)
    files = sorted(folder.glob("zwgk/**/t2024*.html"))
    return [(f"{SITE}/{path.relative_to(folder)}", path.read_bytes()) for path in files]


def fetched(url: str, body: bytes) -> Fetched:
    return Fetched(url=url, status=200, body=body, headers={"content-type": "text/html"},
                   fetched_at=FETCHED_AT, site=SITE, sha256=hashlib.sha256(body).hexdigest())


def store(documents: list[tuple[str, bytes]], readings: list[Reading], parsed: bool) -> float:
    """CPU ms a document of Archive.store, committing every 50 as the crawl does."""
    with tempfile.TemporaryDirectory() as folder, Archive(Path(folder) / "archive.db") as archive:
        run = archive.start_run()
        batch = archive.batch(50)
        started = time.process_time()
        for (url, body), reading in zip(documents, readings):
            with batch.document():
                archive.store(run, fetched(url, body), reading.report if parsed else None, packed=reading.packed)
        batch.commit()
        return (time.process_time() - started) / len(documents) * 1000


def floor(documents: list[tuple[str, bytes]], readings: list[Reading]) -> float:
    """CPU ms a document of SQLite inserting the same rows into bare tables."""
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "floor.db")
        db.execute("PRAGMA journal_mode = wal")
        db.execute("CREATE TABLE captures (url, fetched_at, sha256, size, body)")
        db.execute("CREATE TABLE versions (report, text_z, parsed_z)")
        db.execute("CREATE TABLE cells (report, version, key, value)")
        db.execute("CREATE TABLE checks (report, version, rule, ok, detail)")
        started = time.process_time()
        for n, ((url, body), reading) in enumerate(zip(documents, readings)):
            digest = reading.report.digest
            db.execute("INSERT INTO captures VALUES (?, ?, ?, ?, ?)",
                       (url, FETCHED_AT, hashlib.sha256(body).hexdigest(), len(body), reading.packed))
            db.execute("INSERT INTO versions VALUES (?, ?, ?)", (n, digest.text_z, digest.parsed_z))
            db.executemany("INSERT INTO cells VALUES (?, ?, ?, ?)",
                           [(n, 1, key, value) for rows in digest.cells.values()
                            for key, value in json.loads(rows.known)])
            db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?)",
                           [(n, 1, rule, ok, detail) for rule, ok, detail in json.loads(digest.checks.known)])
            if n % 50 == 49:
                db.commit()
        db.commit()
        db.close()
        return (time.process_time() - started) / len(documents) * 1000


def best(repeat: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(repeat))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--pages", type=int, default=1500, help="URLs of the generated portal")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    documents = report_pages(args.pages)
    readings = [read_for_archive(url, body) for url, body in documents]
    parsed = best(args.repeat, lambda: store(documents, readings, parsed=True))
    unparsed = best(args.repeat, lambda: store(documents, readings, parsed=False))
    bare = best(args.repeat, lambda: floor(documents, readings))
    print(f"{len(documents)} report pages of the bench portal, CPU ms a document (best of {args.repeat}):")
    print(f"  Archive.store, a parsed report      {parsed:6.3f}")
    print(f"  Archive.store, a capture alone      {unparsed:6.3f}")
    print(f"  floor: the same rows, bare SQLite   {bare:6.3f}")
    print(f"ratio, parsed report against the floor: {parsed / bare:.2f}")


if __name__ == "__main__":
    main()
