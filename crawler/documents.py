"""Parsing one fetched document, in a worker process: the bytes as they came, named as served."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from parsers import ParseError, parse_bytes
from parsers.sniff import detect_format

_FILE_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx"})


class ErrorPage(ParseError):
    """A link to a file answered with a web page (an error or login page served as 200)."""


def document_name(url: str, filename: str | None) -> str:
    """The name whose extension hints the format: the served file name, else the URL's."""
    if filename:
        return filename
    return posixpath.basename(unquote(urlsplit(url).path)) or "index.html"


def parse_document(body: bytes, name: str, content_type: str | None = None) -> dict | ParseError:
    """The report in the bytes, or the ParseError saying why there is none (never raises)."""
    try:
        _refuse_error_page(body, name)
        return parse_bytes(body, name)
    except ParseError as error:
        return error
    except Exception as error:  # a parser bug must not stop the crawl
        return ParseError(f"internal parser error ({type(error).__name__}: {error})")


def _refuse_error_page(body: bytes, name: str) -> None:
    extension = posixpath.splitext(name.lower())[1]
    if extension in _FILE_EXTENSIONS and _is_html(body, name):
        raise ErrorPage(f"a {extension} link answered with a web page, not the file")


def _is_html(body: bytes, name: str) -> bool:
    try:
        return detect_format(body, name) == "html"
    except ParseError:
        return False
