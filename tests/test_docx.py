"""DOCX: merged cells stay merged; broken and oversized files are refused."""

import io
import zipfile

import docx as python_docx
import pytest

from parsers import docx
from parsers.errors import ParseError


def _word_file() -> bytes:
    document = python_docx.Document()
    document.core_properties.title = "某某镇人民政府2022年政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "第二十条第（一）项"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "规章"
    for row, values in ((1, ("1", "2")), (2, ("3", "4"))):
        table.cell(row, 1).text, table.cell(row, 2).text = values
    document.add_paragraph("二、主动公开政府信息情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_merged_cells_become_origin_and_copies():
    rows = docx.extract(_word_file()).tables[0].rows
    assert [[(c.text, c.merged) for c in row] for row in rows] == [
        [("第二十条第（一）项", False), ("第二十条第（一）项", True), ("第二十条第（一）项", True)],
        [("规章", False), ("1", False), ("2", False)],
        [("规章", True), ("3", False), ("4", False)],
    ]


def test_paragraphs_and_title_come_through():
    document = docx.extract(_word_file())
    assert document.paragraphs == ["一、总体情况", "二、主动公开政府信息情况"]
    assert document.title == "某某镇人民政府2022年政府信息公开工作年度报告"


def test_file_that_is_not_a_zip_is_refused():
    with pytest.raises(ParseError, match="not a zip"):
        docx.extract(b"%not a zip%" * 10)


def test_zip_bomb_is_refused_before_expanding():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(20):  # 320 MB of zeros
                member.write(b"\0" * (1 << 24))
    with pytest.raises(ParseError, match="over the 200 MB limit"):
        docx.extract(buffer.getvalue())
