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


# ---------------------------------------------------------------- document.xml read directly

W_NAMESPACES = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                'xmlns:v="urn:schemas-microsoft-com:vml"')
SPAN_2 = '<w:gridSpan w:val="2"/>'
DELETED = 'w:id="9" w:author="某某"'


def _docx_with_body(body: str, parts: dict[str, str] | None = None) -> bytes:
    """A bare Word file: document.xml holding body inside w:body, and any other parts given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document {W_NAMESPACES}><w:body>{body}</w:body></w:document>")
        for name, text in (parts or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _p(*inline: str) -> str:
    return "<w:p>" + "".join(inline) + "</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _tc(content: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{content}</w:tc>"


def _tbl(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in rows) + "</w:tbl>"


def _blocks(body: str, parts: dict[str, str] | None = None) -> list[object]:
    """Paragraphs as strings, tables as lists of (text, merged) rows."""
    document = docx.extract(_docx_with_body(body, parts))
    return [block if isinstance(block, str) else _grid(block) for block in document.blocks]


def test_vertical_merge_restart_and_continue_with_a_grid_span():
    body = _tbl(_tc(_p(_r("项目")), '<w:vMerge w:val="restart"/>') + _tc(_p(_r("本年")), SPAN_2),
                _tc(_p(), "<w:vMerge/>") + _tc(_p(_r("新增"))) + _tc(_p(_r("废止"))),
                _tc(_p(_r("规章")), '<w:vMerge w:val="restart"/>') + _tc(_p(_r("1"))) + _tc(_p(_r("2"))),
                _tc(_p(), '<w:vMerge w:val="continue"/>') + _tc(_p(_r("3"))) + _tc(_p(_r("4"))))
    assert _blocks(body) == [[
        [("项目", False), ("本年", False), ("本年", True)],
        [("项目", True), ("新增", False), ("废止", False)],
        [("规章", False), ("1", False), ("2", False)],
        [("规章", True), ("3", False), ("4", False)],
    ]]


def test_line_breaks_split_paragraphs_and_stack_cell_labels():
    stacked = _p("<w:r><w:t>本年新</w:t><w:br/><w:t>制作数量</w:t></w:r>")
    latin = _p("<w:r><w:t>total</w:t><w:br/><w:t>count</w:t></w:r>")
    paragraph = _p('<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:br w:type="page"/><w:t>续</w:t>'
                   "<w:tab/><w:t>完</w:t></w:r>")
    assert _blocks(_tbl(_tc(stacked) + _tc(latin)) + paragraph) == [
        [[("本年新制作数量", False), ("total count", False)]],
        "第一行", "第二行续 完",  # a page break is no text; a tab is a space
    ]


def test_nested_table_with_text_makes_the_outer_one_layout():
    inner = _tbl(_tc(_p(_r("内1"))) + _tc(_p(_r("内2"))))
    assert _blocks(_tbl(_tc(_p(_r("外"))) + _tc(_p(_r("说明")) + inner))) == [
        "外", "说明", [[("内1", False), ("内2", False)]],
    ]


def test_empty_nested_table_leaves_the_outer_grid():
    empty = _tbl(_tc(_p()) + _tc(_p()))
    assert _blocks(_tbl(_tc(_p(_r("申请"))) + _tc(empty), _tc(_p(_r("a"))) + _tc(_p(_r("1"))))) == [
        [[("申请", False), ("", False)], [("a", False), ("1", False)]],
    ]


def test_deleted_text_and_rows_are_skipped_inserted_text_kept():
    edited = _p(_r("本年"), f"<w:del {DELETED}><w:r><w:delText>删除</w:delText></w:r></w:del>",
                f"<w:ins {DELETED}>{_r('新增')}</w:ins>", f"<w:moveFrom {DELETED}>{_r('移走')}</w:moveFrom>", _r("文件"))
    # A deleted paragraph mark joins the paragraph to the next one, as Word shows it.
    joined = f"<w:p><w:pPr><w:rPr><w:del {DELETED}/></w:rPr></w:pPr>{_r('前半')}</w:p>" + _p(_r("后半"))
    table = _tbl(_tc(_p(_r("a"))), f"<w:trPr><w:del {DELETED}/></w:trPr>" + _tc(_p(_r("删去的行"))), _tc(_p(_r("b"))))
    assert _blocks(edited + joined + table) == ["本年新增文件", "前半后半", [[("a", False)], [("b", False)]]]


def test_content_controls_hyperlinks_symbols_and_field_results():
    control = f"<w:sdt><w:sdtPr/><w:sdtContent>{_p(_r('控件内'))}</w:sdtContent></w:sdt>"
    linked = _p(f"<w:hyperlink>{_r('链接文字')}</w:hyperlink>", '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>')
    field = _p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _r("2023年1月20日") +
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    assert _blocks(control + linked + field) == ["控件内", "链接文字✓", "2023年1月20日"]


def test_text_box_is_read_once_after_its_paragraph():
    box = f"<w:txbxContent>{_p(_r('文本框'))}</w:txbxContent>"
    alternatives = (f'<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
                    f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
                    "</mc:AlternateContent>")
    assert _blocks(_p(_r("正文"), f"<w:r>{alternatives}</w:r>", _r("之后"))) == ["正文之后", "文本框"]


def test_columns_a_row_leaves_out_at_its_start_stay_empty():
    body = _tbl(_tc(_p(_r("h1"))) + _tc(_p(_r("h2"))) + _tc(_p(_r("h3"))),
                '<w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc(_p(_r("b"))) + _tc(_p(_r("c"))))
    assert _blocks(body) == [[[("h1", False), ("h2", False), ("h3", False)], [("", False), ("b", False), ("c", False)]]]


def test_footnotes_follow_the_body_numbered_by_reference():
    footnotes = (f'<w:footnotes {W_NAMESPACES}><w:footnote w:type="separator" w:id="-1">{_p("<w:r><w:separator/></w:r>")}'
                 f'</w:footnote><w:footnote w:id="1">{_p(_r("注释内容"))}</w:footnote></w:footnotes>')
    body = _p(_r("正文"), '<w:r><w:footnoteReference w:id="1"/></w:r>', _r("完"))
    assert _blocks(body, {"word/footnotes.xml": footnotes}) == ["正文[1]完", "注释内容"]


def test_strict_open_xml_reads_like_transitional():
    data = _docx_with_body(_p(_r("严格格式")) + _tbl(_tc(_p(_r("1"))) + _tc(_p(_r("2")))))
    strict = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(strict, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info).replace(
                b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                b"http://purl.oclc.org/ooxml/wordprocessingml/main"))
    document = docx.extract(strict.getvalue())
    assert document.paragraphs == ["严格格式"] and _grid(document.tables[0]) == [[("1", False), ("2", False)]]


def test_line_break_in_a_python_docx_cell():
    document = python_docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).paragraphs[0].add_run("本年新\n制作数量")  # python-docx writes the \n as w:br
    table.cell(0, 1).paragraphs[0].add_run("5")
    buffer = io.BytesIO()
    document.save(buffer)
    assert _grid(docx.extract(buffer.getvalue()).tables[0]) == [[("本年新制作数量", False), ("5", False)]]
