"""DOCX: merged cells stay merged; broken, encrypted and oversized files are refused."""

from __future__ import annotations

import base64
import datetime
import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import docx as python_docx
import pytest

from parsers import docx
from parsers.errors import ParseError, ScannedDocument

TITLE = "某某镇人民政府2022年政府信息公开工作年度报告"
# The smallest valid PNG: one transparent pixel.
PIXEL_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                             "AAAABJRU5ErkJggg==")


def _word_file(title: str = TITLE) -> bytes:
    document = python_docx.Document()
    document.core_properties.title = title
    document.core_properties.modified = datetime.datetime(2023, 1, 20, 9, 30)
    document.add_paragraph("一、总体情况")
    document.add_paragraph("本年度，本镇认真贯彻落实《条例》。")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "信息内容"  # 2 x 2
    table.cell(0, 2).merge(table.cell(0, 3)).text = "第二十条第（一）项"  # across
    table.cell(1, 2).text, table.cell(1, 3).text = "本年制发件数", "现行有效件数"
    table.cell(2, 0).merge(table.cell(3, 0)).text = "规章"  # down
    for row, values in ((2, ("行政法规", "1", "2")), (3, ("规范性文件", "3", "4"))):
        table.cell(row, 1).text, table.cell(row, 2).text, table.cell(row, 3).text = values
    document.add_paragraph("二、主动公开政府信息情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _grid(table) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.merged) for cell in row] for row in table.rows]


def test_merged_cells_become_origins_and_covered_copies():
    [table] = docx.extract(_word_file()).tables
    assert _grid(table) == [
        [("信息内容", False), ("信息内容", True), ("第二十条第（一）项", False), ("第二十条第（一）项", True)],
        [("信息内容", True), ("信息内容", True), ("本年制发件数", False), ("现行有效件数", False)],
        [("规章", False), ("行政法规", False), ("1", False), ("2", False)],
        [("规章", True), ("规范性文件", False), ("3", False), ("4", False)],
    ]


def test_paragraphs_in_order_with_title_and_date_from_core_properties():
    document = docx.extract(_word_file())
    assert document.paragraphs == ["一、总体情况", "本年度，本镇认真贯彻落实《条例》。", "二、主动公开政府信息情况"]
    assert [type(block).__name__ for block in document.blocks] == ["str", "str", "Table", "str"]
    assert (document.format, document.title, document.published) == ("docx", TITLE, "2023-01-20")


def test_empty_title_property_is_none():
    assert docx.extract(_word_file(title="")).title is None


def test_document_holding_only_an_image_is_a_scan(tmp_path: Path):
    image = tmp_path / "page.png"
    image.write_bytes(PIXEL_PNG)
    document = python_docx.Document()
    document.add_picture(str(image))
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ScannedDocument, match="1 image"):
        docx.extract(buffer.getvalue())


def test_random_bytes_are_refused():
    with pytest.raises(ParseError, match="not a zip"):
        docx.extract(random.Random(7).randbytes(4096))


def test_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ParseError, match="without word/document.xml"):
        docx.extract(buffer.getvalue())


def test_damaged_document_part_is_a_parse_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_word_file())) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = b"<w:document" if info.filename == "word/document.xml" else source.read(info)
            archive.writestr(info, data)
    with pytest.raises(ParseError, match="damaged Word document"):
        docx.extract(buffer.getvalue())


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "WordDocument".encode("utf-16-le"), "Word-97"),
], ids=["encrypted", "doc named docx"])
def test_ole_files_named_docx_say_what_they_are(data: bytes, message: str):
    with pytest.raises(ParseError, match=message):
        docx.extract(data)


def _zeros_member(path: Path, megabytes: int, level: int) -> bytes:
    """A docx-shaped zip whose document.xml is that many MB of zeros, written in streamed chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return path.read_bytes()


def test_two_gigabyte_bomb_is_refused_without_expanding(tmp_path: Path):
    data = _zeros_member(tmp_path / "bomb.docx", 2048, level=1)
    assert len(data) < 16 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match="over the 200 MB limit"):
            docx.extract(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_member_compressed_a_thousand_to_one_is_refused(tmp_path: Path):
    data = _zeros_member(tmp_path / "bomb.docx", 64, level=9)  # 64 MB: under the total limit
    with pytest.raises(ParseError, match="zip bomb"):
        docx.extract(data)
