"""Real PDFs: tables over page breaks, prose without table text; damaged and encrypted files."""

import io

import pypdf
import pytest

from parsers import pdf
from parsers.errors import ParseError, ScannedDocument

from .conftest import SHARED

CITY = SHARED / "corpus" / "js_huaian_city_2024_gov.pdf"


@pytest.fixture(scope="module")
def city():
    return pdf.extract(CITY.read_bytes())


def _texts(row):
    return [cell.text for cell in row]


def test_requests_table_over_a_page_break_is_one_table(city):
    table = next(t for t in city.tables if any("本年新收" in c.text for c in t.rows[3]))
    labels = [" ".join(c.text for c in row[:3]) for row in table.rows]
    assert len(table.rows) == 28 and any("（七）总计" in label for label in labels)
    assert _texts(table.rows[-1])[3:] == ["103", "0", "0", "0", "0", "0", "103"]


def test_appeals_row_reads_fifteen_numbers(city):
    row = city.tables[-1].rows[-1]
    assert _texts(row) == "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20".split()


def test_headings_start_paragraphs_and_tables_stay_out_of_prose(city):
    assert "二、主动公开政府信息情况" in city.paragraphs
    assert not any("本年新收政府信息公开申请数量" in p for p in city.paragraphs)


def test_paragraph_running_over_a_page_break_is_one_paragraph(city):
    assert any("营商环境高质量推进产业发展" in p and p.startswith("（一）主动公开情况") for p in city.paragraphs)


def test_page_numbers_are_dropped(city):
    assert "- 3 -" not in city.paragraphs


def test_truncated_pdf_is_refused_in_one_line():
    with pytest.raises(ParseError, match="not a readable PDF|no text layer"):
        pdf.extract(CITY.read_bytes()[:50_000])


def test_encrypted_pdf_is_refused():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(CITY))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ParseError, match="encrypted PDF"):
        pdf.extract(buffer.getvalue())


def test_pdf_without_text_is_a_scan():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ScannedDocument, match="no text layer"):
        pdf.extract(buffer.getvalue())
