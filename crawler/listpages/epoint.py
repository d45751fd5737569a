"""新点 Epoint list pages: ``/info/iList.jsp?cat_id=…&cur_page=N`` (WebBuilder) and
``…?categoryNum=…&Paging=N`` (the .aspx generation); the page count is in the pager text
(共N页, <span>1/5</span>) or in the last-page link."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from .links import absolute, base_url, collapse, main_list_links, page_count_from_text, parse, with_param
from .listpage import Follow, ListPage, Platform

CMS = "epoint"

_PARAMS = ("cur_page", "Paging")
_LAST_WORDS = re.compile(r"尾页|末页|最后一页|最末页")


def _param_in(url: str) -> tuple[str, int] | None:
    for name in _PARAMS:
        found = re.search(rf"[?&]{name}=(\d+)", url)
        if found:
            return name, int(found.group(1))
    return None


def matches(url: str, text: str) -> bool:
    if "ilist.jsp" in urlsplit(url).path.lower() or _param_in(url):
        return True
    return bool(re.search(r"iList\.jsp|[?&](?:amp;)?cur_page=|[?&](?:amp;)?Paging=\d|EpointWebBuilder", text))


def _pager_links(url: str, root: lxml.html.HtmlElement) -> list[tuple[str, str, int]]:
    """(label, url, page number) of links that carry the page parameter."""
    base = base_url(url, root)
    found = []
    for a in root.iter("a"):
        href = absolute(base, a.get("href"))
        param = _param_in(href) if href else None
        if param:
            found.append((collapse(a.text_content()), href, param[1]))
    return found


def page_count(url: str, root: lxml.html.HtmlElement) -> int | None:
    """From the pager text, else the last-page link, else the highest page number linked."""
    counted = page_count_from_text(root)
    if counted:
        return counted
    links = _pager_links(url, root)
    last = [n for label, _, n in links if _LAST_WORDS.search(label)]
    numbers = last or [n for _, _, n in links]
    return max(numbers) if numbers else None


def _param_name(url: str, root: lxml.html.HtmlElement) -> str:
    own = _param_in(url)
    if own:
        return own[0]
    links = _pager_links(url, root)
    if links:
        return _param_in(links[0][1])[0]
    return "cur_page" if "ilist.jsp" in url.lower() else "Paging"


def follows_for(url: str, root: lxml.html.HtmlElement) -> list[Follow]:
    count = page_count(url, root) or 1
    name = _param_name(url, root)
    own = _param_in(url)
    current = own[1] if own else 1
    return [Follow(with_param(url, name, n)) for n in range(1, count + 1) if n != current]


def read(url: str, text: str, form: str | None = None) -> ListPage:
    root = parse(text)
    return ListPage(CMS, main_list_links(url, root), follows_for(url, root))


PLATFORM = Platform(CMS, "新点 Epoint", matches, read)
