"""export: a public table or view to CSV (for pandas, or for Excel) or xlsx, streamed, all or nothing."""

from __future__ import annotations

import csv
import os
import re
import sqlite3
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from archive import compression
import archive.export as export
from archive.export import CELL_CHARS, ExportError, export_csv, export_xlsx
from archive.schema import PUBLIC_TABLES
from nianbao import cli

from .conftest import SHARED, SITE

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
LANXI = "兰西县兰河乡人民政府"


@pytest.fixture
def db(archive, run, fetch, parsed) -> Path:
    """An archive file holding the four seed reports, stored by the real writer."""
    for seed in SEEDS:
        archive.store(run, fetch(f"{SITE}/{seed.name}", seed.read_bytes()), parsed(f"seeds/{seed.name}"))
    archive.finish_run(run)
    return Path(archive.db.execute("PRAGMA database_list").fetchone()[2])


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        compression.define(connection)  # report_versions shows its compressed text through it
        return connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def read_csv(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as file:
        return list(csv.reader(file))


def read_xlsx(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.values) for sheet in book.worksheets}
    finally:
        book.close()


def errors_with(archive, run, *messages: str) -> None:
    for number, message in enumerate(messages):
        archive.record_error(run, f"{SITE}/{number}.pdf", "parse", message)


# CSV

def test_export_csv_writes_the_header_and_every_row(db, tmp_path):
    exported = export_csv(db, "reports", tmp_path / "reports.csv")
    header, *rows = read_csv(tmp_path / "reports.csv")
    assert exported.rows == len(rows) == count(db, "reports") == len(SEEDS)
    assert "agency" in header and LANXI in [row[header.index("agency")] for row in rows]


def test_plain_csv_is_utf8_without_a_bom_and_with_unix_line_ends(db, tmp_path):
    export_csv(db, "report_summary", tmp_path / "summary.csv")
    content = (tmp_path / "summary.csv").read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf") and b"\r\n" not in content
    assert LANXI.encode() in content


def test_excel_csv_starts_with_a_bom_and_uses_crlf(db, tmp_path):
    export_csv(db, "report_summary", tmp_path / "summary.csv", excel=True)
    content = (tmp_path / "summary.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and content.count(b"\r\n") == count(db, "report_summary") + 1
    header, *rows = read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    assert header[0] == "id" and LANXI in [row[header.index("agency")] for row in rows]


@pytest.mark.parametrize("table", PUBLIC_TABLES)
def test_every_public_table_exports_all_its_rows(db, tmp_path, table):
    exported = export_csv(db, table, tmp_path / f"{table}.csv")
    assert exported.rows == len(read_csv(tmp_path / f"{table}.csv")) - 1 == count(db, table)


def test_csv_writes_null_as_an_empty_cell(archive, tmp_path):
    archive.start_run(region="白山市")  # not finished: finished is NULL
    header, row = read_csv(_exported(archive, "crawl_runs", tmp_path))
    assert row[header.index("finished")] == "" and row[header.index("region")] == "白山市"


def test_binary_values_are_written_as_hex(archive, run, tmp_path):
    errors_with(archive, run, "placeholder")
    archive.db.execute("UPDATE crawl_errors SET message = ?", [b"\x00\xff"])
    header, row = read_csv(_exported(archive, "crawl_errors", tmp_path))
    assert row[header.index("message")] == "00FF"


def test_csv_keeps_text_longer_than_an_excel_cell_whole(archive, run, tmp_path):
    errors_with(archive, run, "年" * (CELL_CHARS + 10))
    header, row = read_csv(_exported(archive, "crawl_errors", tmp_path))
    assert row[header.index("message")] == "年" * (CELL_CHARS + 10)


def _exported(archive, table: str, tmp_path: Path) -> Path:
    export_csv(archive.db, table, tmp_path / f"{table}.csv")
    return tmp_path / f"{table}.csv"


# Refusals and failures

@pytest.mark.parametrize("table", ["blobs", "reports_fts", "report"])
def test_export_refuses_a_table_that_is_not_public(db, tmp_path, table):
    with pytest.raises(ExportError, match="report_summary") as refused:
        export_csv(db, table, tmp_path / "out.csv")
    assert table in str(refused.value) and not (tmp_path / "out.csv").exists()


def test_export_of_a_missing_archive_names_it_and_creates_nothing(tmp_path):
    with pytest.raises(ExportError, match="absent.db: no such archive"):
        export_csv(tmp_path / "absent.db", "reports", tmp_path / "out.csv")
    assert sorted(tmp_path.iterdir()) == []


def test_export_of_a_database_without_the_table_names_the_file(tmp_path):
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ExportError, match="other.db: no table reports"):
        export_csv(tmp_path / "other.db", "reports", tmp_path / "out.csv")


def test_unwritable_output_names_the_file(db, tmp_path):
    out = tmp_path / "no such directory" / "out.csv"
    with pytest.raises(ExportError, match=f"{out}: cannot write"):
        export_csv(db, "reports", out)


def test_failed_export_leaves_no_file_and_keeps_the_previous_one(archive, run, tmp_path):
    errors_with(archive, run, *[f"错误 {n}" for n in range(3 * export._BATCH)])
    # Bytes that are not UTF-8 stored as text: rows before it are written, then reading it fails.
    archive.db.execute("UPDATE crawl_errors SET message = CAST(x'ff' AS TEXT) WHERE id = ?", [2 * export._BATCH])
    (tmp_path / "errors.csv").write_text("the previous export")
    with pytest.raises(ExportError, match="crawl_errors"):
        export_csv(archive.db, "crawl_errors", tmp_path / "errors.csv")
    assert (tmp_path / "errors.csv").read_text() == "the previous export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archive.db", "archive.db-shm",
                                                                "archive.db-wal", "errors.csv"]


def test_export_never_overwrites_the_archive_itself(db):
    with pytest.raises(ExportError, match="is the archive itself"):
        export_csv(db, "reports", db)
    assert count(db, "reports") == len(SEEDS)


def test_export_streams_in_constant_memory(archive, run, tmp_path):
    errors_with(archive, run, *["页面无法解析" * 50 for _ in range(20_000)])  # about 6 MB of text
    tracemalloc.start()
    try:
        export_csv(archive.db, "crawl_errors", tmp_path / "errors.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # a fetchall of the same rows takes about 20 MB


# xlsx

def test_xlsx_opens_with_chinese_text(db, tmp_path):
    exported = export_xlsx(db, "report_summary", tmp_path / "summary.xlsx")
    sheets = read_xlsx(tmp_path / "summary.xlsx")
    (header, *rows), = sheets.values()
    assert list(sheets) == ["report_summary"] and exported.rows == len(rows) == count(db, "report_summary")
    assert LANXI in [row[header.index("agency")] for row in rows]


def test_xlsx_keeps_numbers_as_numbers_and_division_codes_as_text(db, tmp_path):
    export_xlsx(db, "reports", tmp_path / "reports.xlsx")
    header, *rows = read_xlsx(tmp_path / "reports.xlsx")["reports"]
    assert {type(row[header.index("year")]) for row in rows} == {int}
    assert {type(row[header.index("adcode")]) for row in rows} <= {str, type(None)}


def test_xlsx_continues_on_further_sheets_past_the_row_limit(db, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "SHEET_ROWS", 4)  # a header and three rows a sheet
    exported = export_xlsx(db, "request_counts", tmp_path / "counts.xlsx")
    sheets = read_xlsx(tmp_path / "counts.xlsx")
    total = count(db, "request_counts")
    assert list(sheets)[:3] == ["request_counts", "request_counts (2)", "request_counts (3)"]
    assert exported.sheets == len(sheets) == -(-total // 3)
    assert all(rows[0] == sheets["request_counts"][0] and len(rows) <= 4 for rows in sheets.values())
    assert exported.rows == sum(len(rows) - 1 for rows in sheets.values()) == total


def test_xlsx_cuts_cells_longer_than_excel_allows(archive, run, tmp_path):
    errors_with(archive, run, "年" * (CELL_CHARS + 10), "short")
    exported = export_xlsx(archive.db, "crawl_errors", tmp_path / "errors.xlsx")
    header, *rows = read_xlsx(tmp_path / "errors.xlsx")["crawl_errors"]
    assert exported.cut == 1
    assert [row[header.index("message")] for row in rows] == ["年" * CELL_CHARS, "short"]


def test_xlsx_counts_cell_length_as_excel_does_in_utf16_units(archive, run, tmp_path):
    rare = "𠀀"  # CJK Extension B: two UTF-16 units, so half as many fit in a cell
    errors_with(archive, run, rare * CELL_CHARS)
    exported = export_xlsx(archive.db, "crawl_errors", tmp_path / "errors.xlsx")
    header, row = read_xlsx(tmp_path / "errors.xlsx")["crawl_errors"]
    assert exported.cut == 1 and row[header.index("message")] == rare * (CELL_CHARS // 2)


def test_xlsx_cleans_control_characters_excel_refuses(archive, run, tmp_path):
    errors_with(archive, run, "第一行\x01\x1f第二行\t\n")
    exported = export_xlsx(archive.db, "crawl_errors", tmp_path / "errors.xlsx")
    header, row = read_xlsx(tmp_path / "errors.xlsx")["crawl_errors"]
    assert exported.cleaned == 1 and row[header.index("message")] == "第一行第二行\t\n"


def test_xlsx_keeps_scraped_text_that_looks_like_a_formula_as_text(archive, run, tmp_path):
    errors_with(archive, run, '=HYPERLINK("http://evil.example","点击")', "#N/A")
    export_xlsx(archive.db, "crawl_errors", tmp_path / "errors.xlsx")
    header, *rows = openpyxl.load_workbook(tmp_path / "errors.xlsx")["crawl_errors"].iter_rows()
    cells = [row[[cell.value for cell in header].index("message")] for row in rows]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ('=HYPERLINK("http://evil.example","点击")', "s"), ("#N/A", "s")]


def test_xlsx_of_an_empty_table_has_its_header(archive, tmp_path):
    exported = export_xlsx(archive.db, "crawl_errors", tmp_path / "errors.xlsx")
    assert exported.rows == 0 and read_xlsx(tmp_path / "errors.xlsx")["crawl_errors"][0][:2] == ("id", "run")


# The command

def nianbao(*args: str | Path):
    return CliRunner().invoke(cli, ["export", *map(str, args)])


def test_cli_exports_csv_and_says_how_many_rows_went_where(db, tmp_path):
    result = nianbao("--db", db, "--table", "report_summary", "--csv", tmp_path / "s.csv", "--excel")
    assert result.exit_code == 0
    assert result.stdout == f"report_summary: {len(SEEDS)} rows → {tmp_path / 's.csv'}\n"
    assert (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_exports_xlsx(db, tmp_path):
    result = nianbao("--db", db, "--table", "reports", "--xlsx", tmp_path / "r.xlsx")
    assert result.exit_code == 0 and len(read_xlsx(tmp_path / "r.xlsx")["reports"]) == len(SEEDS) + 1


@pytest.mark.parametrize("outputs", [[], ["--csv", "a.csv", "--xlsx", "a.xlsx"], ["--xlsx", "a.xlsx", "--excel"]])
def test_cli_needs_exactly_one_output_and_excel_only_with_csv(db, tmp_path, outputs):
    result = nianbao("--db", db, "--table", "reports", *outputs)
    assert result.exit_code == 2 and not list(tmp_path.glob("a.*"))


def test_cli_refuses_a_private_table_in_one_line(db, tmp_path):
    result = nianbao("--db", db, "--table", "blobs", "--csv", tmp_path / "b.csv")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("error: 'blobs' is not a public table") and result.stderr.count("\n") == 1


def test_cli_names_a_missing_archive_and_creates_none(tmp_path):
    result = nianbao("--db", tmp_path / "absent.db", "--table", "reports", "--csv", tmp_path / "r.csv")
    assert result.exit_code == 1 and "absent.db: no such archive" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_names_an_archive_that_is_not_sqlite(tmp_path):
    (tmp_path / "notes.db").write_text("not a database " * 100)
    result = nianbao("--db", tmp_path / "notes.db", "--table", "reports", "--csv", tmp_path / "r.csv")
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {tmp_path / 'notes.db'}: ")
    assert result.stderr.count("\n") == 1


def test_cli_warns_in_one_line_about_cells_cut_for_excel(archive, run, tmp_path):
    errors_with(archive, run, "年" * (CELL_CHARS + 1))
    result = nianbao("--db", tmp_path / "archive.db", "--table", "crawl_errors", "--xlsx", tmp_path / "e.xlsx")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: 1 cells cut to Excel's 32,767 characters") and result.stderr.count("\n") == 1


# Hostile cells and output paths

def test_excel_csv_keeps_formula_like_text_as_text(archive, run, tmp_path):
    errors_with(archive, run, "=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "普通文字")
    export_csv(tmp_path / "archive.db", "crawl_errors", tmp_path / "e.csv", excel=True)
    messages = [row["message"] for row in csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8-sig", newline=""))]
    assert messages == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "普通文字"]


def test_plain_csv_keeps_every_cell_as_it_is(archive, run, tmp_path):
    errors_with(archive, run, "=1+1")
    export_csv(tmp_path / "archive.db", "crawl_errors", tmp_path / "e.csv")
    assert [row["message"] for row in csv.DictReader((tmp_path / "e.csv").open(encoding="utf-8"))] == ["=1+1"]


@pytest.mark.parametrize("make, said", [
    (lambda path: path.mkdir(), "is a directory"),
    (lambda path: path.symlink_to(path.parent / "elsewhere.csv"), "is a symbolic link"),
    (lambda path: os.mkfifo(path), "is not a regular file"),
])
def test_export_refuses_anything_but_a_regular_file_at_the_output_path(db, tmp_path, make, said):
    out = tmp_path / "out.csv"
    make(out)
    with pytest.raises(ExportError, match=f"^{re.escape(str(out))}: {said}; export writes only to a regular file path$"):
        export_csv(db, "reports", out)
    assert not (tmp_path / "elsewhere.csv").exists()


def test_cli_refuses_a_device_as_output_in_one_line(db):
    result = nianbao("--db", db, "--table", "reports", "--csv", "/dev/null")
    assert result.exit_code == 1
    assert result.stderr == "error: /dev/null: is not a regular file; export writes only to a regular file path\n"
