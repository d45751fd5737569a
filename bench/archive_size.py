"""Bytes a report in the archive, table by table, and in its published copy (issue 13: ≤ 16 KB).

    bench/archive_size.py [--db /tmp/nianbao-bench/archive-100k.db] [--reports 100000] [--no-publish]

Without the archive at --db the synthetic one is built first (bench/synthetic_archive.py). The
archive's pages are counted with SQLite's dbstat (free pages apart), the raw store is beside it
and not counted; the published copy is what `nianbao publish` writes. The floor is what the
report alone weighs: its text and parsed JSON zlib-compressed, nothing indexed.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synthetic_archive  # noqa: E402
from archive import compression  # noqa: E402

# The tables a reader sees, and what they are kept in.
GROUPS = {
    "cells": ("request_cells", "proactive_cells", "appeal_cells", "cell_keys"),
    "checks": ("check_results", "check_results_ok_rule", "check_rules"),
    "versions": ("versions", "versions_report_version", "versions_capture"),
    "search index": ("reports_fts_data", "reports_fts_idx", "reports_fts_docsize", "reports_fts_config"),
    "reports and summary": ("reports", "report_summary", "report_sources"),
    "captures and documents": ("captures", "documents", "blobs"),
}


def sizes(path: Path) -> tuple[int, int, dict[str, int]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    compression.define(connection)
    try:
        reports = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
        tables = dict(connection.execute(
            "SELECT s.name, sum(s.pgsize) FROM dbstat s GROUP BY s.name"))
        owners = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"))
        used = sum(tables.values())
    finally:
        connection.close()
    by_table: dict[str, int] = {}
    for name, size in tables.items():
        owner = owners.get(name, name)
        by_table[owner] = by_table.get(owner, 0) + size
    return reports, used, by_table


def floor(path: Path, sample: int = 2_000) -> float:
    """Bytes a version's text and parsed JSON take zlib-compressed on their own."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    compression.define(connection)
    try:
        rows = connection.execute(f"SELECT text, parsed FROM report_versions LIMIT {sample}").fetchall()
        versions = connection.execute("SELECT count(*) FROM versions").fetchone()[0]
        reports = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        connection.close()
    each = sum(len(zlib.compress((text or "").encode() + (parsed or "").encode(), 6)) for text, parsed in rows)
    return each / len(rows) * versions / reports


def published_size(path: Path) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "published.db"
        subprocess.run([sys.executable, "-m", "nianbao", "publish", str(out), "--db", str(path)],
                       check=True, capture_output=True, cwd=HERE.parent)
        return out.stat().st_size


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--db", type=Path, default=synthetic_archive.DEFAULT_PATH)
    options.add_argument("--reports", type=int, default=100_000)
    options.add_argument("--no-publish", action="store_true")
    args = options.parse_args()
    synthetic_archive.ensure(args.db, args.reports)
    reports, used, by_table = sizes(args.db)
    print(f"{args.db}: {reports:,} reports, {used / 1e9:.2f} GB in use")
    for group, tables in GROUPS.items():
        print(f"  {group:24} {sum(by_table.pop(t, 0) for t in tables) / reports / 1024:6.2f} KB a report")
    print(f"  {'everything else':24} {sum(by_table.values()) / reports / 1024:6.2f} KB a report")
    lean = used / reports / 1024
    print(f"archive: {lean:.2f} KB a report (target ≤ 16); floor, text and JSON compressed alone: "
          f"{floor(args.db) / 1024:.2f} KB; ratio {lean * 1024 / floor(args.db):.2f}")
    if not args.no_publish:
        print(f"published copy: {published_size(args.db) / reports / 1024:.2f} KB a report")


if __name__ == "__main__":
    main()
