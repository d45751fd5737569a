"""Format detection: the bytes decide, the name is a hint; one behaviour a test."""

import io
import zipfile

import pytest

from parsers.errors import ParseError
from parsers.sniff import MAX_DOCUMENT_BYTES, check_size, detect_format

from .conftest import SHARED

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_real_pdf_is_pdf():
    assert detect_format((SHARED / "corpus" / "js_huaian_city_2024_gov.pdf").read_bytes(), "a.pdf") == "pdf"


def test_pdf_by_magic_whatever_the_name():
    assert detect_format(b"%PDF-1.7\n...", "downfile.jsp") == "pdf"


def test_pdf_after_junk_bytes_is_pdf():
    assert detect_format(b"\r\n" * 100 + b"%PDF-1.4\n...", "a.pdf") == "pdf"


def test_html_error_page_named_pdf_is_html():
    assert detect_format(b"<!DOCTYPE html><html><body>404</body></html>", "report.pdf") == "html"


def test_html_fragment_after_bom_and_blank_lines_is_html():
    assert detect_format(b"\xef\xbb\xbf\r\n\r\n  <DIV class=TRS_Editor>" + "正文".encode(), "a.htm") == "html"


def test_real_docx_is_docx():
    assert detect_format((SHARED / "corpus" / "template_2021format_blank.docx").read_bytes(), "a.docx") == "docx"


def test_zip_with_word_document_is_docx_whatever_the_name():
    assert detect_format(_zip("[Content_Types].xml", "word/document.xml"), "download.zip") == "docx"


def test_zip_with_ofd_xml_is_ofd():
    assert detect_format(_zip("OFD.xml", "Doc_0/Document.xml"), "a.ofd") == "ofd"


def test_other_zip_is_refused():
    with pytest.raises(ParseError, match="zip archive that is neither DOCX nor OFD"):
        detect_format(_zip("xl/workbook.xml"), "a.docx")


def test_damaged_zip_is_refused():
    with pytest.raises(ParseError, match="damaged zip archive"):
        detect_format(_zip("word/document.xml")[:40], "a.docx")


def test_word97_file_named_wps_is_wps():
    assert detect_format(OLE, "a.WPS") == "wps"


def test_word97_file_is_doc():
    assert detect_format(OLE, "a.doc") == "doc"


def test_word97_file_named_docx_is_doc():
    assert detect_format(OLE, "report.docx") == "doc"


def test_password_protected_office_file_is_refused():
    encrypted = OLE + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    with pytest.raises(ParseError, match="encrypted Office document"):
        detect_format(encrypted, "report.docx")


def test_utf8_text_is_text():
    assert detect_format("一、总体情况\n二、主动公开".encode(), "a.txt") == "txt"


def test_gbk_text_is_text():
    assert detect_format("一、总体情况\n二、主动公开".encode("gbk"), "a.txt") == "txt"


def test_long_text_whose_sample_ends_inside_a_character_is_text():
    text = ("一、总体情况" * 2000).encode()  # three bytes a character: 8 KB ends inside one
    assert detect_format(text, "a.txt") == "txt"


def test_empty_file_is_refused():
    with pytest.raises(ParseError, match="^empty file$"):
        detect_format(b"", "a.pdf")


def test_whitespace_only_file_is_empty():
    with pytest.raises(ParseError, match="^empty file$"):
        detect_format(b" \r\n\t", "a.pdf")


def test_binary_file_is_refused():
    with pytest.raises(ParseError, match="unrecognised binary file"):
        detect_format(bytes(range(256)) * 40, "a.pdf")


def test_file_over_the_download_limit_is_refused():
    with pytest.raises(ParseError, match="larger than the 50 MB limit"):
        check_size(b"\0" * (MAX_DOCUMENT_BYTES + 1), "big.pdf")


def test_file_at_the_download_limit_passes():
    check_size(b"\0" * MAX_DOCUMENT_BYTES, "big.pdf")
