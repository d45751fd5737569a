"""Export one public table or view of the archive to CSV (for pandas, or for Excel) or to xlsx.

Rows stream from one cursor into a file beside the target that takes its name only when complete,
so memory stays flat and a failed export never leaves a half-written file under the target name.
"""

from __future__ import annotations

import csv
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlite_utils
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from . import compression
from .schema import PUBLIC_TABLES

Source = sqlite_utils.Database | str | os.PathLike

# Excel's limits: rows on one sheet (the header included), and characters (UTF-16 units) in a cell.
SHEET_ROWS = 1_048_576
CELL_CHARS = 32_767
# Rows per fetch: enough to keep the csv module's loop in C, few enough that report texts
# (tens of KB each in report_versions) never add up to much memory.
_BATCH = 200
_FORMULA_STARTS = frozenset("=+-@\t\r")


class ExportError(Exception):
    """An export that cannot be done; the message is one line that names the file at fault."""


@dataclass
class Exported:
    rows: int
    sheets: int = 1
    cut: int = 0        # xlsx cells cut to Excel's CELL_CHARS
    cleaned: int = 0    # xlsx cells that lost control characters Excel does not allow


def export_csv(db: Source, table: str, out: str | os.PathLike, *, excel: bool = False) -> Exported:
    """``table`` as CSV: UTF-8 and "\\n" for pandas and Unix, or with ``excel`` a BOM and "\\r\\n"."""
    # Excel on Chinese Windows reads a CSV without a BOM as GBK, which garbles every character.
    encoding, line_end = ("utf-8-sig", "\r\n") if excel else ("utf-8", "\n")
    with _rows(db, table, out) as (columns, cursor), _replacing(out, "x", encoding, newline="") as file:
        writer = csv.writer(file, lineterminator=line_end)
        writer.writerow(columns)
        rows = 0
        while batch := cursor.fetchmany(_BATCH):
            writer.writerows(map(_inert_row, batch) if excel else batch)
            rows += len(batch)
    return Exported(rows)


def _inert_row(row: tuple) -> tuple:
    """Text that Excel would run as a formula (=, +, -, @, or a tab or return first) gets a
    leading ' and stays text: crawled titles and file names are anyone's to write."""
    return tuple("'" + value if type(value) is str and value[:1] in _FORMULA_STARTS else value for value in row)


def export_xlsx(db: Source, table: str, out: str | os.PathLike) -> Exported:
    """``table`` as an xlsx workbook: one sheet per SHEET_ROWS rows, each with the header."""
    with _rows(db, table, out) as (columns, cursor), _replacing(out, "xb") as file:
        per_sheet = SHEET_ROWS - 1  # every sheet repeats the header
        book, cells = Workbook(write_only=True), _ExcelCells()
        sheet, rows = _sheet(book, table, columns), 0
        for row in cursor:
            if rows and rows % per_sheet == 0:
                sheet = _sheet(book, table, columns)
            sheet.append(cells.row(sheet, row))
            rows += 1
        book.save(file)
    return Exported(rows, len(book.worksheets), cells.cut, cells.cleaned)


@contextmanager
def _rows(db: Source, table: str, out: str | os.PathLike) -> Iterator[tuple[list[str], sqlite3.Cursor]]:
    """The column names and a cursor over every row of a public ``table``, binary values as hex."""
    if table not in PUBLIC_TABLES:
        raise ExportError(f"{table!r} is not a public table; export one of: {', '.join(PUBLIC_TABLES)}")
    with _database(db) as database:
        archive = _file_of(database)
        _refuse_to_overwrite(archive, out)
        view = table in database.view_names()
        if not (view or database[table].exists()):
            raise ExportError(f"{archive}: no table {table} (not a nianbao archive, or an older one)")
        # OFFSET 0 keeps SQLite from flattening a view into the select list, which would compute
        # each of its columns once per mention there: twice the time.
        source = f"(SELECT * FROM [{table}] LIMIT -1 OFFSET 0)" if view else f"[{table}]"
        try:
            columns = [column[0] for column in database.execute(f"SELECT * FROM [{table}] LIMIT 0").description]
            yield columns, database.execute(f"SELECT {_hex_blobs(columns)} FROM {source}")
        except sqlite3.Error as error:
            raise ExportError(f"{archive}: reading {table}: {error}") from None


@contextmanager
def _database(db: Source) -> Iterator[sqlite_utils.Database]:
    if isinstance(db, sqlite_utils.Database):
        yield db
        return
    path = Path(db)
    if not path.is_file():
        raise ExportError(f"{path}: no such archive")
    # Read-only: an export never changes the archive, even one a crawl is writing meanwhile.
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    compression.define(connection)
    try:
        yield sqlite_utils.Database(connection)
    except sqlite3.DatabaseError as error:
        raise ExportError(f"{path}: {error}") from None
    finally:
        connection.close()


def _file_of(database: sqlite_utils.Database) -> str:
    """The archive's file name for messages ("" for an in-memory database)."""
    try:
        return next(row[2] for row in database.execute("PRAGMA database_list") if row[1] == "main")
    except sqlite3.DatabaseError as error:
        raise ExportError(f"archive: {error}") from None


def _refuse_to_overwrite(archive: str, out: str | os.PathLike) -> None:
    # A slip such as `--csv archive.db` would otherwise replace the archive with a CSV.
    if archive and Path(out).exists() and os.path.samefile(out, archive):
        raise ExportError(f"{out}: is the archive itself; export to another file")


def _hex_blobs(columns: list[str]) -> str:
    """A select list that leaves values as they are but writes bytes as hex, in SQLite's C code.

    Bytes would print as b'…' in CSV and are refused by openpyxl; hex is readable and lossless.
    """
    quoted = ['"' + column.replace('"', '""') + '"' for column in columns]
    return ", ".join(f"CASE WHEN typeof({name}) = 'blob' THEN hex({name}) ELSE {name} END" for name in quoted)


@contextmanager
def _replacing(out: str | os.PathLike, mode: str, encoding: str | None = None,
               newline: str | None = None) -> Iterator[IO]:
    """A new file (``mode`` "x" or "xb") beside ``out``, renamed to ``out`` once the block completes,
    else removed."""
    target = Path(out)
    _refuse_unless_regular(target)
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        file = open(part, mode, encoding=encoding, newline=newline)
    except OSError as error:
        raise ExportError(f"{target}: cannot write: {error.strerror}") from None
    try:
        with file:
            yield file
        os.replace(part, target)
    except OSError as error:
        part.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write: {error.strerror or error}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _refuse_unless_regular(target: Path) -> None:
    """Only a regular file is replaced: a device (/dev/stdout), a directory or a symbolic link at
    the path is refused, never replaced and never followed."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ExportError(f"{target}: cannot write: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        what = "a symbolic link" if stat.S_ISLNK(mode) else "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise ExportError(f"{target}: is {what}; export writes only to a regular file path")


def _sheet(book: Workbook, table: str, columns: list[str]) -> WriteOnlyWorksheet:
    """The next sheet, ``table`` then ``table (2)`` …, with a bold header that stays in view."""
    number = len(book.worksheets) + 1
    sheet = book.create_sheet(table if number == 1 else f"{table} ({number})")
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, column) for column in columns]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    return sheet


class _ExcelCells:
    """Values as an Excel cell holds them, counting the texts that had to be cut or cleaned."""

    def __init__(self) -> None:
        self.cut = 0
        self.cleaned = 0

    def row(self, sheet: WriteOnlyWorksheet, values: tuple) -> list:
        return [self.text(sheet, value) if type(value) is str else value for value in values]

    def text(self, sheet: WriteOnlyWorksheet, text: str) -> str | WriteOnlyCell:
        if ILLEGAL_CHARACTERS_RE.search(text):
            text = ILLEGAL_CHARACTERS_RE.sub("", text)
            self.cleaned += 1
        # Below half the limit no text can exceed it, whatever its characters: skip the encoding.
        if len(text) > CELL_CHARS // 2 and len(encoded := text.encode("utf-16-le")) > 2 * CELL_CHARS:
            text = encoded[:2 * CELL_CHARS].decode("utf-16-le", "ignore")  # never half a surrogate pair
            self.cut += 1
        if (len(text) > 1 and text[0] == "=") or text in ERROR_CODES:
            # openpyxl would store these as a formula or an error; scraped text must stay text.
            cell = WriteOnlyCell(sheet, text)
            cell.data_type = "s"
            return cell
        return text
