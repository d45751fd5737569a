"""Finding the annual-report column from a portal's home page or its 政府信息公开 landing page."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from .listpages import Link
from .listpages.links import absolute, base_url, parse, same_host, title_of
from .recognise import is_report_column

_COLUMN_NAMES = ("政府信息公开年报", "政府信息公开工作年度报告", "政府信息公开年度报告", "信息公开年报")
_DISCLOSURE_NAMES = ("政府信息公开", "信息公开", "政务公开")
_DISCLOSURE_PATHS = re.compile(r"/(zfxxgk|xxgk|zwgk)(/|$)", re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)


def _same_site_links(url: str, text: str) -> list[Link]:
    """Same-host links of a page, one per URL, in document order."""
    root = parse(text)
    base = base_url(url, root)
    found: dict[str, Link] = {}
    for a in root.iter("a"):
        href = absolute(base, a.get("href"))
        if href and same_host(href, url) and href not in found:
            found[href] = Link(href, title_of(a))
    return list(found.values())


def _ranked(links: list[Link], score: Callable[[Link], float]) -> list[Link]:
    """Links that score above zero, best first; document order breaks ties."""
    scored = [(score(link), index, link) for index, link in enumerate(links)]
    return [link for value, _, link in sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))]


def _column_score(link: Link) -> float:
    if not is_report_column(link.title, link.url):
        return 0
    title = re.sub(r"\s", "", link.title)
    if title in _COLUMN_NAMES:
        return 3
    path_says = is_report_column("", link.url)
    return 2 if path_says and title else 1.5 if title.endswith(("年报", "年度报告")) else 1


def find_report_columns(url: str, text: str) -> list[Link]:
    """Links to the annual-report column, best first (exact column names, then paths)."""
    return _ranked(_same_site_links(url, text), _column_score)


def is_column_page(text: str) -> bool:
    """The page says it is the report column: <meta name="ColumnType|ColumnName" content="政府信息公开年报">."""
    for tag in _META.findall(text or ""):
        name = re.search(r"""name\s*=\s*['"]?(ColumnType|ColumnName)\b""", tag, re.I)
        content = re.search(r"""content\s*=\s*['"]([^'"]*)['"]""", tag, re.I)
        if name and content and is_report_column(content.group(1), ""):
            return True
    return False


# Pages under the landing page, not the landing page itself.
_DISCLOSURE_PARTS = re.compile(r"指南|制度|年报|年度报告|目录|申请|依申请|规定|条例|意见箱")


def _disclosure_score(link: Link) -> float:
    title = re.sub(r"\s", "", link.title)
    if title in _DISCLOSURE_NAMES:
        return 5 - _DISCLOSURE_NAMES.index(title)
    named = next((n for n in _DISCLOSURE_NAMES if n in title), None)
    if named and len(title) <= 12 and not _DISCLOSURE_PARTS.search(title):
        return 2.5 - _DISCLOSURE_NAMES.index(named) * 0.25  # 政府信息公开专栏, 政务公开平台
    path = urlsplit(link.url).path
    if _DISCLOSURE_PATHS.search(path) and not _DISCLOSURE_PARTS.search(title):
        # A deep page under /xxgk/ is a document, not the landing page.
        depth = len([p for p in path.split("/") if p and not p.startswith("index")])
        return 1 if depth <= 2 and ("信息公开" in title or "政务公开" in title or depth <= 1) else 0
    return 0


def find_disclosure_pages(url: str, text: str) -> list[Link]:
    """Links to the 政府信息公开 landing page(s), to look in when the home page has no column link."""
    return _ranked([link for link in _same_site_links(url, text) if link.url.rstrip("/") != url.rstrip("/")],
                   _disclosure_score)


__all__ = ["find_disclosure_pages", "find_report_columns", "is_column_page"]
