"""DOCX into the common form: mammoth writes HTML with true colspan/rowspan, read like a page."""

from __future__ import annotations

import io
import re

import mammoth

from .document import Document
from .errors import ParseError
from .html import document_from_html
from .zipguard import open_zip


def extract(data: bytes) -> Document:
    archive = open_zip(data, "Word (.docx)")
    if "word/document.xml" not in archive.namelist():
        raise ParseError("not a Word document (no word/document.xml)")
    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except Exception as error:  # mammoth raises plain KeyError/ValueError on damaged parts
        raise ParseError(f"damaged Word document ({type(error).__name__})") from None
    document = document_from_html(result.value, "docx")
    document.title = _core_title(archive)
    return document


def _core_title(archive) -> str | None:
    try:
        core = archive.read("docProps/core.xml").decode("utf-8", errors="replace")
    except KeyError:
        return None
    match = re.search(r"<dc:title>([^<]+)</dc:title>", core)
    return match.group(1).strip() if match else None
