"""A fetched document into its report: the one path of the crawl and of ``nianbao reparse``.

The crawl parses the bytes as they came; a re-parse parses the same bytes again from the
archive. Both name them the same way and refuse the same error pages, so a re-parse stores
what a fresh crawl of the same bytes would store.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .filing import Filing, filing_of
from .raw import compressed
from .siblings import ParseError, Report, detect_format, parse_bytes

Parse = Callable[[bytes, str], Report]

_FILE_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx"})


class ErrorPage(ParseError):
    """A link to a file answered with a web page (an error or login page served as 200)."""


def document_name(url: str, filename: str | None = None) -> str:
    """The name whose extension hints the format: the served file name, else the URL's last
    segment (a directory URL is its index page)."""
    if filename:
        return filename
    return posixpath.basename(unquote(urlsplit(url).path)) or "index.html"


def read_document(url: str, body: bytes, filename: str | None = None,
                  parse: Parse = parse_bytes) -> Report | ParseError:
    """The report in a document's bytes, or the ParseError saying why there is none (never
    raises: one bad document must not stop a crawl or a re-parse)."""
    name = document_name(url, filename)
    try:
        _refuse_error_page(body, name)
        return parse(body, name)
    except ParseError as error:
        return error
    except MemoryError:
        raise  # the parse worker's memory bound: its pool names it
    except Exception as error:  # a parser bug
        return ParseError(f"internal parser error ({type(error).__name__}: {error})")


@dataclass(frozen=True)
class Reading:
    """What a crawl's parse worker makes of a fetched document: its report as the archive files
    it (or why there is none), and the body as the raw store keeps it. All of it is pure work,
    done in the worker so that the crawl process only writes; none of it is the Report's tree
    of objects, which would cost the crawl process its unpickling."""
    report: Filing | ParseError
    packed: bytes
    sha256: str


def read_for_archive(url: str, body: bytes, filename: str | None = None,
                     region: dict | None = None) -> Reading:
    """read_document, and the rest of what filing the document needs (run in a parse worker);
    ``region``: the source registry's, which beats the parsed one."""
    report = read_document(url, body, filename)
    filed = filing_of(report, region, keep=False) if isinstance(report, Report) else report
    return Reading(filed, compressed(body), hashlib.sha256(body).hexdigest())


def _refuse_error_page(body: bytes, name: str) -> None:
    extension = posixpath.splitext(name.lower())[1]
    if extension in _FILE_EXTENSIONS and _is_html(body, name):
        raise ErrorPage(f"a {extension} link answered with a web page, not the file")


def _is_html(body: bytes, name: str) -> bool:
    try:
        return detect_format(body, name) == "html"
    except ParseError:
        return False
