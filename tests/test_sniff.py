import io
import os
import zipfile

import pytest

from parsers.errors import ParseError
from parsers.sniff import MAX_DOCUMENT_BYTES, check_size, detect_format


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_html_error_page_named_pdf_is_html():
    assert detect_format(b"<!DOCTYPE html><html><body>404</body></html>", "report.pdf") == "html"


def test_pdf_by_magic_whatever_the_name():
    assert detect_format(b"%PDF-1.7\n...", "download.jsp") == "pdf"


def test_docx_and_ofd_by_their_zip_members():
    assert detect_format(_zip("word/document.xml"), "a.zip") == "docx"
    assert detect_format(_zip("OFD.xml", "Doc_0/Document.xml"), "a.ofd") == "ofd"


def test_other_zip_is_refused():
    with pytest.raises(ParseError, match="neither DOCX nor OFD"):
        detect_format(_zip("data.csv"), "a.docx")


def test_word97_named_wps_is_wps():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert (detect_format(ole, "a.wps"), detect_format(ole, "a.doc"), detect_format(ole, "a.docx")) == ("wps", "doc", "doc")


def test_gbk_text_is_text():
    assert detect_format("一、总体情况\n二、主动公开".encode("gbk"), "a.txt") == "txt"


def test_empty_and_binary_files_are_refused():
    with pytest.raises(ParseError, match="empty file"):
        detect_format(b"  \n", "a.pdf")
    with pytest.raises(ParseError, match="unrecognised binary"):
        detect_format(bytes(range(256)) * 40, "a.pdf")


def test_file_over_the_download_limit_is_refused():
    with pytest.raises(ParseError, match="MB limit"):
        check_size(b"\0" * (MAX_DOCUMENT_BYTES + 1), "big.pdf")
    check_size(os.urandom(10), "small.pdf")
