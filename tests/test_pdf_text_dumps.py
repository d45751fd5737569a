"""The real PDFs' text as other tools dump it (poppler's pdftotext) parses like the PDFs themselves.

`pdftotext -layout` keeps each table row on a line with spaces between the cells: every cell
must come out right. Plain `pdftotext` reads a page by blocks, so a table's labels and values
can come apart: cells may be left null there, but no number and no verdict may be wrong.
"""

import json
import subprocess

import pytest

from parsers import parse_bytes

from .conftest import SHARED, expected_subset

PDFS = sorted((SHARED / "corpus").glob("*.pdf"))
TABLES = ("proactive", "requests", "appeals")


def _dump(pdf, *flags: str) -> bytes:
    return subprocess.run(["pdftotext", *flags, str(pdf), "-"], capture_output=True, check=True, timeout=60).stdout


def _expected(pdf) -> dict:
    return json.loads((SHARED / "corpus" / "expected" / f"{pdf.stem}.json").read_text("utf-8"))


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_layout_text_of_a_real_pdf_reads_every_cell(pdf):
    want = {key: value for key, value in _expected(pdf).items() if key in (*TABLES, "consistent", "template")}
    report = parse_bytes(_dump(pdf, "-layout"), f"{pdf.stem}.txt").to_json()
    assert expected_subset(want, report) == want


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_block_order_text_of_a_real_pdf_has_no_wrong_number(pdf):
    want = _expected(pdf)
    report = parse_bytes(_dump(pdf), f"{pdf.stem}.txt").to_json()
    wrong = [f"{table}.{row}.{column}" for table in TABLES for row, values in report[table].items()
             for column, value in values.items()
             if value is not None and value != want[table].get(row, {}).get(column)]
    assert wrong == []
    assert report["consistent"] in (None, want["consistent"])
