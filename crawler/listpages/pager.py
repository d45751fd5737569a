"""The generic list-page reader, tried after every platform's: "下一页" links, ?page=N,
index_N.html."""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import lxml.html

from .links import PAGER_WORDS, absolute, base_url, collapse, entries, page_count_from_text, parse, with_param
from .listpage import Follow, ListPage, Platform

CMS = "pager"


PAGE_PARAMS = ("page", "currentPage", "currPage", "curPage", "pageNo", "pageNum", "pageIndex",
               "cur_page", "Paging", "pn")


def page_param(url: str) -> tuple[str, int] | None:
    """The page-number query parameter of a URL and its value."""
    wanted = {p.lower(): p for p in PAGE_PARAMS}
    for key, value in parse_qsl(urlsplit(url).query):
        if key.lower() in wanted and value.isdigit():
            return key, int(value)
    return None


_PATH_PAGE = re.compile(r"^(.*/(?:index|list|default)_)(\d+)(\.s?html?)$")


def page_template(url: str) -> Callable[[int], str] | None:
    """A function from page number to URL, from a URL that carries its page number."""
    param = page_param(url)
    if param:
        return lambda n, name=param[0]: with_param(url, name, n)
    path = urlsplit(url)
    found = _PATH_PAGE.match(path.path)
    if found:
        head, tail = found.group(1), found.group(3)
        return lambda n: urlunsplit(path._replace(path=f"{head}{n}{tail}", fragment=""))
    return None


# ---------------------------------------------------------------- the pager adapter

_NEXT_WORDS = re.compile(r"下一页|下页|后一页|后页|next", re.I)
_JS_PAGE = re.compile(r"(?i)(?:javascript:|^|\s)\s*(?!void\b)[\w.$]+\(\s*['\"]?([1-9]\d*)['\"]?\s*\)")


def next_anchor(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for a in root.iter("a"):
        label = collapse(a.text_content()) or collapse(a.get("title"))
        if label and len(label) <= 8 and _NEXT_WORDS.search(label):
            return a
    return None


def _pager_urls(url: str, root: lxml.html.HtmlElement) -> list[str]:
    """Absolute URLs of links that look like pager entries (page numbers, 尾页…)."""
    base = base_url(url, root)
    urls = []
    for a in root.iter("a"):
        label = collapse(a.text_content())
        href = absolute(base, a.get("href"))
        if href and label and PAGER_WORDS.search(label) and (page_param(href) or page_template(href)):
            urls.append(href)
    return urls


def _template_for(url: str, root: lxml.html.HtmlElement) -> Callable[[int], str] | None:
    """The page-URL pattern: from this page's own URL, else from any pager link on it."""
    return page_template(url) or next((page_template(u) for u in _pager_urls(url, root)), None)


def _first_page(url: str, root: lxml.html.HtmlElement, sample: str) -> str:
    """Page 1 of a path pager: the 首页 link, else this page when it has no number, else a guess."""
    base = base_url(url, root)
    for a in root.iter("a"):
        if collapse(a.text_content()) in ("首页", "第一页", "首 页") and (href := absolute(base, a.get("href"))):
            if urlsplit(href).path.rsplit("/", 1)[0] == urlsplit(sample).path.rsplit("/", 1)[0]:
                return href  # the site's home page is also called 首页, elsewhere
    if not _PATH_PAGE.match(urlsplit(url).path):
        return url
    parts = urlsplit(sample)
    head, _, tail = _PATH_PAGE.match(parts.path).groups()
    return urlunsplit(parts._replace(path=head[:-1] + tail, fragment=""))


def _path_pages(sample: str, first_page: str, numbers: set[int], count: int) -> list[str]:
    """Page 1, then index_1… (TRS counts from 1) or list_2… (others count from 2)."""
    parts = urlsplit(sample)
    head, _, tail = _PATH_PAGE.match(parts.path).groups()
    start = 1 if 1 in numbers else 2
    stop = count - 1 if start == 1 else count
    return [first_page] + [urlunsplit(parts._replace(path=f"{head}{n}{tail}", fragment=""))
                           for n in range(start, stop + 1)]


def _all_pages(url: str, root: lxml.html.HtmlElement, count: int) -> list[Follow]:
    samples = [url, *_pager_urls(url, root)]
    param = next((page_param(u) for u in samples if page_param(u)), None)
    if param:
        sample = next(u for u in samples if page_param(u))
        pages = [with_param(sample, param[0], n) for n in range(1, count + 1)]
        if page_param(url) is None and with_param(url, param[0], 1) == pages[0]:
            pages = pages[1:]  # this page is page 1 without saying so
    else:
        paths = [u for u in samples if _PATH_PAGE.match(urlsplit(u).path)]
        if not paths:
            return []
        numbers = {int(_PATH_PAGE.match(urlsplit(u).path).group(2)) for u in paths}
        pages = _path_pages(paths[0], _first_page(url, root, paths[0]), numbers, count)
    return [Follow(u) for u in pages if u != url]


def _next_follow(url: str, root: lxml.html.HtmlElement) -> list[Follow]:
    a = next_anchor(root)
    if a is None:
        return []
    href = absolute(base_url(url, root), a.get("href"))
    if href and href != url:
        return [Follow(href)]
    script = _JS_PAGE.search(f"{a.get('href', '')} {a.get('onclick', '')}")
    template = _template_for(url, root)
    if script and template:
        return [Follow(template(int(script.group(1))))]
    return []


def follows_for(url: str, root: lxml.html.HtmlElement) -> list[Follow]:
    """All pages when the count and the URL pattern are known, else the next page."""
    count = page_count_from_text(root)
    if count and count > 1:
        pages = _all_pages(url, root, count)
        if pages:
            return pages
    return _next_follow(url, root)


def matches(url: str, text: str) -> bool:
    return True


def read(url: str, text: str, form: str | None = None) -> ListPage:
    root = parse(text)
    return ListPage(CMS, entries(url, root), follows_for(url, root))


PLATFORM = Platform(CMS, "generic pager (下一页, ?page=N, index_N.html)", matches, read)
