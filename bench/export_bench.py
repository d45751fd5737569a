"""Export: ours against the floor, a bare csv.writer (or openpyxl write-only sheet) over the same cursor.

    bench/export_bench.py --db archive.db [--table report_summary] [--xlsx]

The floor reads plain ``SELECT *`` and writes it as it comes; ours adds the public-table check, the
hex select for binary values, batched fetches, the rename at the end and, for xlsx, the cell
fitting and the extra sheets (target ≤ 1.5x).
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from archive.export import export_csv, export_xlsx  # noqa: E402
from timing import best_of, report  # noqa: E402


def csv_floor(db: Path, table: str, out: Path) -> None:
    connection = sqlite3.connect(db)
    try:
        cursor = connection.execute(f"SELECT * FROM [{table}]")
        with open(out, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow([column[0] for column in cursor.description])
            writer.writerows(cursor)
    finally:
        connection.close()


def xlsx_floor(db: Path, table: str, out: Path) -> None:
    connection = sqlite3.connect(db)
    try:
        cursor = connection.execute(f"SELECT * FROM [{table}]")
        book = Workbook(write_only=True)
        sheet = book.create_sheet(table)
        sheet.append([column[0] for column in cursor.description])
        for row in cursor:
            sheet.append(row)
        book.save(out)
    finally:
        connection.close()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--db", type=Path, required=True, help="An existing archive.")
    options.add_argument("--table", default="report_summary")
    options.add_argument("--xlsx", action="store_true", help="Also time the xlsx export (slow: openpyxl).")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory)
        rows = export_csv(args.db, args.table, out / "ours.csv").rows
        ours = best_of(lambda: export_csv(args.db, args.table, out / "ours.csv"), repeat=5)
        bare = best_of(lambda: csv_floor(args.db, args.table, out / "floor.csv"), repeat=5)
        print(report(f"csv {args.table} ({rows} rows, {rows / ours:,.0f} rows/s)", ours, bare, 1.5))
        if args.xlsx:
            ours = best_of(lambda: export_xlsx(args.db, args.table, out / "ours.xlsx"), repeat=1)
            bare = best_of(lambda: xlsx_floor(args.db, args.table, out / "floor.xlsx"), repeat=1)
            print(report(f"xlsx {args.table} ({rows / ours:,.0f} rows/s)", ours, bare, 1.5))


if __name__ == "__main__":
    main()
