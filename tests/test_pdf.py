"""Real PDFs: tables over page breaks, prose without table text; damaged, encrypted and scanned files."""

from __future__ import annotations

import io
from functools import cache

import pypdf
import pypdfium2
import pytest

from parsers import pdf
from parsers.document import Document, Table
from parsers.errors import OCR_WARNING, ParseError

from .conftest import SHARED

CORPUS = SHARED / "corpus"
CITY = CORPUS / "js_huaian_city_2024_gov.pdf"
HONGZE_2023 = CORPUS / "js_huaian_hongze_district_2023_gov.pdf"
HONGZE_2024 = CORPUS / "js_huaian_hongze_district_2024_gov.pdf"
# Rows of the requests table: 3 header rows, then 一 二, 三's results, 四. The city's (六) has three rows.
REQUEST_ROWS = {CITY: 28, HONGZE_2023: 26, HONGZE_2024: 26}
APPEALS = {
    CITY: "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
    HONGZE_2023: "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0",
    HONGZE_2024: "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3",
}
# Labels printed only inside the tables.
TABLE_ONLY = ("本年新收政府信息公开申请", "本机关不掌握相关政府信息", "第二十条", "本年收费金额", "未经复议直接起诉")
ALL = [CITY, HONGZE_2023, HONGZE_2024]


@cache
def _extract(path) -> Document:
    return pdf.extract(path.read_bytes())


def _texts(row) -> list[str]:
    return [cell.text for cell in row]


def _requests_table(document: Document) -> Table:
    [table] = [t for t in document.tables if any("本年新收政府信息公开申请数量" in c.text for row in t.rows for c in row)]
    return table


def _row(table: Table, label: str) -> list[str]:
    return next(_texts(row) for row in table.rows if any(cell.text.startswith(label) for cell in row))


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_requests_table_is_one_table_with_all_its_rows(path):
    table = _requests_table(_extract(path))
    assert len(table.rows) == REQUEST_ROWS[path]
    assert table.rows[0][0].text.startswith("（本列数据的勾稽关系为")
    assert table.rows[-1][0].text == "四、结转下年度继续办理"
    assert all(len(row) == 10 for row in table.rows)


def test_request_cells_on_both_sides_of_the_page_break():
    table = _requests_table(_extract(CITY))
    assert _row(table, "1.本机关不掌握相关政府信息")[3:] == ["746", "12", "0", "0", "10", "1", "769"]
    assert _row(table, "2.没有现成信息需要另行制作")[3:] == ["11", "0", "0", "0", "0", "0", "11"]
    assert _row(table, "（七）总计")[3:] == ["2932", "53", "0", "0", "61", "4", "3050"]


def test_span_cut_by_the_page_break_is_one_span_again():
    """pdfplumber gives ['', '法提供', …] on the page after ['', '（四）无', …]."""
    table = _requests_table(_extract(CITY))
    index = next(i for i, row in enumerate(table.rows) if row[2].text == "2.没有现成信息需要另行制作")
    assert table.rows[index - 1][1].text == "（四）无法提供"
    assert table.rows[index][0].merged and table.rows[index][1].merged


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_appeals_row_reads_fifteen_numbers(path):
    table = next(t for t in _extract(path).tables if t.rows[0][0].text == "行政复议")
    assert _texts(table.rows[-1]) == APPEALS[path].split()


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_proactive_table_over_a_page_break_is_one_table(path):
    """Its second page has two columns where the first had four: spans, re-cut to four."""
    [table] = [t for t in _extract(path).tables if t.rows[0][0].text.startswith("第二十条")]
    assert len(table.rows) == 14
    penalty = next(row for row in table.rows if row[0].text == "行政处罚")
    assert [cell.merged for cell in penalty] == [False, False, True, True]


def test_label_without_a_top_border_is_kept():
    """洪泽区 2023 page 3: the table's first cell has no top rule, so pdfplumber finds no cell there."""
    [table] = [t for t in _extract(HONGZE_2023).tables if t.rows[0][0].text.startswith("第二十条")]
    assert _texts(table.rows[8])[:2] == ["信息内容", "本年处理决定数量"]


@pytest.mark.parametrize("path", ALL, ids=lambda path: path.stem)
def test_headings_start_paragraphs_and_tables_stay_out_of_prose(path):
    document = _extract(path)
    assert "二、主动公开政府信息情况" in document.paragraphs
    assert not [p for p in document.paragraphs if any(label in p for label in TABLE_ONLY)]


def test_paragraph_running_over_a_page_break_is_one_paragraph():
    assert any(p.startswith("（一）主动公开情况") and p.endswith("回应舆论关切。") for p in _extract(CITY).paragraphs)


def test_wrapped_lines_join_without_spaces_between_chinese_characters():
    opening = _extract(CITY).paragraphs[2]
    assert opening.startswith("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》")


def test_whiteout_boxes_do_not_frame_prose_as_a_table():
    """洪泽区 2023 was edited: each prose line sits on a white box, which pdfplumber reads as cells."""
    paragraphs = _extract(HONGZE_2023).paragraphs
    assert any("严格执行“分级审核、先审后发”程序" in p for p in paragraphs)
    assert any(p.startswith("（五）政府信息公开监督保障情况。") for p in paragraphs)


def test_page_numbers_are_dropped():
    assert not [p for p in _extract(CITY).paragraphs if p.strip("- ").isdigit()]


def test_title_comes_from_the_information_dictionary_in_utf16le():
    assert _extract(HONGZE_2023).title == "洪泽区人民政府2023年政府信息公开工作年度报告"


def test_title_that_only_names_the_kind_of_report_is_ignored():
    assert _extract(CITY).title is None and _extract(CITY).published is None


def _one_line_refusal(data: bytes, error: type[ParseError] = ParseError) -> str:
    with pytest.raises(error) as caught:
        pdf.extract(data)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def test_empty_bytes_are_refused():
    assert _one_line_refusal(b"").startswith("not a readable PDF")


def test_random_bytes_are_refused():
    assert _one_line_refusal(bytes(range(256)) * 20).startswith("not a readable PDF")


def test_truncated_pdf_is_refused():
    data = CITY.read_bytes()
    assert _one_line_refusal(data[: len(data) * 3 // 10]) == "not a readable PDF: truncated (unexpected end of file)"


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(CITY))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_needing_a_password_is_refused():
    assert _one_line_refusal(_encrypted("secret")) == "encrypted PDF (needs a password)"


def test_pdf_with_only_an_owner_password_is_read():
    """Portals often forbid copying with an owner password; the text still opens without one."""
    assert "二、主动公开政府信息情况" in pdf.extract(_encrypted("")).paragraphs


def _image_pdf() -> bytes:
    page = pypdfium2.PdfDocument(CITY.read_bytes())[0]
    buffer = io.BytesIO()
    page.render(scale=0.5).to_pil().convert("RGB").save(buffer, "PDF")
    return buffer.getvalue()


def test_pdf_of_page_images_is_read_by_ocr_and_says_so():
    assert pdf.extract(_image_pdf()).warnings[0].startswith("ocr:")


def test_image_pages_among_text_pages_are_named_in_a_warning():
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(CITY), pages=(0, 1))
    writer.append(pypdf.PdfReader(io.BytesIO(_image_pdf())))
    buffer = io.BytesIO()
    writer.write(buffer)
    assert pdf.extract(buffer.getvalue()).warnings == [f"{OCR_WARNING} (pages without a text layer: 2)"]


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of the given objects (numbered from 1), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_font_without_a_unicode_map_gives_a_warning():
    content = b"BT /F1 16 Tf 72 700 Td <00410042> Tj ET"
    document = pdf.extract(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H /DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]))
    assert document.paragraphs == ["(cid:65)(cid:66)"]
    assert document.warnings == ["some text came out as (cid:NN): a font without a Unicode map"]


def _ruled_table_without_a_corner() -> bytes:
    """Two rows of three cells; the top-left cell has no top or left rule (an open corner)."""
    rules = [  # x0, y0, x1, y1 in PDF space (from the bottom of an 842-point page)
        (200, 742, 400, 742), (100, 712, 400, 712), (100, 682, 400, 682),  # rows: top, middle, bottom
        (100, 712, 100, 682), (200, 742, 200, 682), (300, 742, 300, 682), (400, 742, 400, 682),
    ]
    words = [(140, 722, "Item"), (245, 722, "A"), (345, 722, "B"), (145, 692, "x"), (245, 692, "1"), (345, 692, "2")]
    content = b"1 w " + b" ".join(b"%d %d m %d %d l S" % rule for rule in rules)
    content += b"".join(b" BT /F1 10 Tf %d %d Td (%s) Tj ET" % (x, y, text.encode()) for x, y, text in words)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ])


def test_text_in_a_corner_without_rules_stays_in_its_cell():
    """pdfplumber finds no cell where rules are missing; the text there is kept, not lost."""
    document = pdf.extract(_ruled_table_without_a_corner())
    assert [_texts(row) for row in document.tables[0].rows] == [["Item", "A", "B"], ["x", "1", "2"]]
    assert document.paragraphs == []
