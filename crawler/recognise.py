"""Recognising annual reports, their columns and their files from titles, URLs and headers."""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urljoin, urlsplit

import lxml.html

from .listpages import Link
from .listpages.links import absolute, base_url, parse, title_of

# ---------------------------------------------------------------- titles

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "Ｏ": "0", "0": "0", "一": "1", "二": "2",
              "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"([二一][〇○零OＯ0一二三四五六七八九]{3})\s*年")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_REPORT = re.compile(r"信息公开(?:工作)?(?:年度)?(?:报告|年报)|信息公开年报")
# Titles about a report rather than the report itself.
_ABOUT = re.compile(r"关于.*(?:公告|通知|说明|函|提醒|通报|预告|意见)$|解读|图解|图说|一图读懂|报送|提醒|"
                    r"指南|目录|工作要点|征集|评议|考核|抽查|(?:报表|统计表)$")


def _normal(title: str) -> str:
    # Titles come with 《》, full-width brackets, spaces inside words and line breaks.
    return re.sub(r"[\s《》〈〉<>\"“”]", "", title or "")


def report_year(title: str) -> int | None:
    """The year a report covers: 2023, 2023年度, （2023年）, 二〇二三年."""
    text = _normal(title)
    covered = re.search(r"((?:19|20)\d\d)年度", text)
    if covered:
        return int(covered.group(1))  # "2024年发布的2023年度报告" covers 2023
    western = [int(y) for y in _YEAR.findall(text) if 1990 <= int(y) <= 2099]
    if western:
        return western[0]
    chinese = _CN_YEAR.search(text)
    if chinese:
        return int("".join(_CN_DIGITS[c] for c in chinese.group(1)))
    return None


# Lists cut long titles short: "浑江区人民政府2024年政府信息公开工作年..."
_CUT_SHORT = re.compile(r"(?:…|\.\.\.|。。。)$")


def is_report_title(title: str) -> bool:
    """A specific year's annual report on government information disclosure, not a notice about one.

    A title cut short by its list counts when it has the year and 信息公开: the page's content
    decides then, as it does for every candidate.
    """
    text = _normal(title)
    if report_year(text) is None or _ABOUT.search(text):
        return False
    return bool(_REPORT.search(text)) or bool(_CUT_SHORT.search(text) and "信息公开" in text)


# ---------------------------------------------------------------- columns

_COLUMN_TITLE = re.compile(r"^(?:政府)?(?:信息公开)?(?:工作)?(?:年度报告|年报)(?:专栏|栏目)?$")
_COLUMN_SEGMENT = re.compile(r"(?:gknb|ndbg|nianbao|ndnb)$", re.I)
_LIST_FILE = re.compile(r"^(?:index|default|list)(?:_\d+)?\.(?:s?html?|jsp|aspx?|php)$|^ilist\.jsp$", re.I)


def _is_list_url(url: str) -> bool:
    """A URL that names a list: a directory, index.html, /col/colN/, iList.jsp."""
    path = urlsplit(url).path
    name = PurePosixPath(path).name if not path.endswith("/") else ""
    return name == "" or bool(_LIST_FILE.match(name)) or "." not in name or bool(re.search(r"/col/col\d+/", path))


def _directories(url: str) -> list[str]:
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    return parts if path.endswith("/") or not parts or "." not in parts[-1] else parts[:-1]


def is_report_column(title: str, url: str) -> bool:
    """A link to the annual-report column itself: its name (no year) or its path."""
    text = _normal(title)
    if text and report_year(text) is None and _COLUMN_TITLE.match(text):
        return True
    if not _is_list_url(url):
        return False  # an article inside the column also has zfxxgknb in its path
    directories = _directories(url)
    return bool(directories) and bool(_COLUMN_SEGMENT.search(directories[-1]))


_UNITS = r"(?:部门|单位|乡镇|街道|镇街|乡镇街道|乡镇[(（]街道[)）]|镇[(（]街道[)）]|乡[(（]镇[)）])"
_REPORT_WORDS = r"(?:政府信息公开)?(?:工作)?(?:年度报告|年报)"
_SUBCOLUMN_TITLE = re.compile(
    rf"^(?:(?:县|区|市|旗)?(?:直|级|属)?{_UNITS}{_REPORT_WORDS}?"
    rf"|(?:县|区|市|旗)?(?:人民)?政府(?:本级|办)?{_REPORT_WORDS}"
    rf"|(?:19|20)\d\d年度?{_REPORT_WORDS}?)$")


def is_subcolumn(title: str, url: str) -> bool:
    """Inside a report column: a link to a sub-list (部门年报, 乡镇（街道）年报, 2023年度…)."""
    return bool(_SUBCOLUMN_TITLE.match(_normal(title))) and _is_list_url(url)


def is_column_link(title: str, url: str) -> bool:
    """On a report column's page, any link to a list of reports: a sub-column, a report column,
    or a list named like one without a year (其他部门年报)."""
    if is_subcolumn(title, url) or is_report_column(title, url):
        return True
    return _normal(title).endswith(("年报", "年度报告")) and not is_report_title(title)


# ---------------------------------------------------------------- attachments

FILE_EXTENSIONS = ("pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx")
_DOWNLOAD = re.compile(r"downfile\.jsp|download\.jsp|/attach/|[?&]fileid=|downloadfile|filedownload", re.I)
_FILE_LINK_WORDS = (b"download", b"downfile", b"/attach/", b"fileid=")
# One search for the five extensions: a regex that starts with a literal finds the few dots of a
# page as fast as a substring test, where five substring tests took five times as long.
_FILE_LINK_EXTENSION = re.compile(rb"\.(?:pdf|doc|wps|ofd|xls)")


def may_link_files(body: bytes) -> bool:
    """A quick look at the raw page: most report pages link no file, and then reading their
    links with lxml (a millisecond a page) can be skipped."""
    lowered = body.lower()  # a case-blind regex took half a millisecond a page
    return any(word in lowered for word in _FILE_LINK_WORDS) or _FILE_LINK_EXTENSION.search(lowered) is not None


def _suffix(path: str) -> str:
    """``PurePosixPath(path).suffix`` without building the path (the spider asks it of every
    link of every list page)."""
    name = next((part for part in reversed(path.split("/")) if part and part != "."), "")
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _extension(url: str) -> str | None:
    suffix = _suffix(unquote(urlsplit(url).path)).lower().lstrip(".")
    if suffix in FILE_EXTENSIONS:
        return suffix
    # Download endpoints often name the file in the query: download.jsp?filename=report.pdf
    for _, value in parse_qsl(urlsplit(url).query):
        suffix = _suffix(value).lower().lstrip(".")
        if suffix in FILE_EXTENSIONS:
            return suffix
    return None


_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|bmp|svg|webp)$", re.I)


def is_attachment_url(url: str) -> bool:
    if _IMAGE.search(urlsplit(url).path):
        return False
    return _extension(url) is not None or bool(_DOWNLOAD.search(url))


def _viewer_file(url: str) -> str:
    """The file a PDF viewer page shows (…/viewer.html?file=/upload/x.pdf), else the URL."""
    if "viewer" in urlsplit(url).path.lower():
        for key, value in parse_qsl(urlsplit(url).query):
            if key.lower() == "file" and value:
                return urljoin(url, value)
    return url


def _target(base: str, el: lxml.html.HtmlElement) -> str | None:
    """Where an element's file is. TRS marks files with OLDSRC, an editor-side path that is
    often unreachable: the href is the address whenever it is a real link."""
    href = absolute(base, el.get("href") or el.get("src") or el.get("data"))
    oldsrc = absolute(base, el.get("oldsrc"))
    if href and is_attachment_url(_viewer_file(href)):
        return _viewer_file(href)
    if oldsrc and is_attachment_url(oldsrc):
        return href or oldsrc
    return None


def attachment_links(url: str, text: str) -> list[Link]:
    """Links to report files on a detail page (files by extension or download endpoint), absolute."""
    root = parse(text)
    base = base_url(url, root)
    found: dict[str, Link] = {}
    for el in root.iter("a", "iframe", "embed", "object"):
        target = _target(base, el)
        if target and target not in found:
            title = title_of(el) if el.tag == "a" else ""
            found[target] = Link(target, title or PurePosixPath(unquote(urlsplit(target).path)).name)
    return list(found.values())


# ---------------------------------------------------------------- Content-Disposition


def _as_bytes(value: bytes | str) -> bytes:
    # Scrapy gives header bytes; a str decoded as latin-1 maps back to the same bytes.
    if isinstance(value, bytes):
        return value
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _decode(raw: bytes, charset: str | None = None) -> str:
    """Bytes of a file name: the declared charset, else UTF-8, else GB18030 (a GBK superset)."""
    for encoding in filter(None, (charset, "utf-8", "gb18030")):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1")


def _parameter(header: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"(?i)(?:^|[;\s])" + re.escape(name) + rb'\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))', header)
    if not found:
        return None
    return (found.group(1) if found.group(1) is not None else found.group(2)).strip()


def _extended(value: bytes) -> str | None:
    """RFC 5987: charset'language'percent-encoded."""
    found = re.match(rb"([\w-]*)'[\w-]*'(.*)", value)
    if not found:
        return None
    charset = found.group(1).decode("ascii") or None
    return _decode(unquote_to_bytes(found.group(2)), charset)


def _basename(name: str) -> str | None:
    name = re.split(r"[\\/]", name.strip().strip('"'))[-1].strip()
    return name or None


def filename_from_disposition(value: bytes | str | None) -> str | None:
    """The file name a Content-Disposition header gives, whatever encoding the server used."""
    if not value:
        return None
    header = _as_bytes(value)
    extended = _parameter(header, b"filename*")
    if extended:
        name = _extended(extended)
        if name:
            return _basename(name)
    plain = _parameter(header, b"filename")
    if not plain:
        return None
    # Percent-encoded names are decoded from bytes, so UTF-8 and GBK both come out right.
    raw = unquote_to_bytes(plain) if re.search(rb"%[0-9A-Fa-f]{2}", plain) else plain
    return _basename(_decode(raw))


# ---------------------------------------------------------------- document kinds

_CONTENT_TYPES = (
    ("application/pdf", "pdf"),
    ("wordprocessingml", "docx"),
    ("spreadsheetml", "xlsx"),
    ("application/msword", "doc"),
    ("vnd.ms-word", "doc"),
    ("vnd.ms-excel", "xls"),
    ("application/ofd", "ofd"),
    ("kswps", "wps"),
    ("vnd.ms-works", "wps"),
    ("wps-office.wps", "wps"),
    ("text/html", "page"),
    ("application/xhtml", "page"),
)
_PAGE_EXTENSIONS = {"", "html", "htm", "shtml", "jsp", "asp", "aspx", "php", "do", "action"}


def _kind_of_name(name: str | None) -> str | None:
    suffix = _suffix(name or "").lower().lstrip(".")
    return suffix if suffix in FILE_EXTENSIONS else None


def _kind_of_type(content_type: str | None) -> str | None:
    media = (content_type or "").lower()
    return next((kind for marker, kind in _CONTENT_TYPES if marker in media), None)


def document_kind(url: str, content_type: str | None, filename: str | None) -> str:
    """"page" | "pdf" | "doc" | "docx" | "wps" | "ofd" | "xls" | "xlsx" | "other".

    The Content-Disposition name wins (download endpoints hide the name elsewhere), then a
    specific content type, then the URL; octet-stream says nothing.
    """
    kind = _kind_of_name(filename) or _kind_of_type(content_type) or _extension(url)
    if kind:
        return kind
    suffix = _suffix(urlsplit(url).path).lower().lstrip(".")
    media = (content_type or "").lower()
    if suffix in _PAGE_EXTENSIONS and (not media or "octet-stream" not in media) and not _DOWNLOAD.search(url):
        return "page"
    return "other"


__all__ = ["attachment_links", "document_kind", "filename_from_disposition", "is_report_column",
           "is_report_title", "is_subcolumn", "report_year"]
