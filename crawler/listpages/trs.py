"""TRS WCM list pages: index.html, index_1.html … index_{N-1}.html, where N is known only
from the pager script, ``createPageHTML(N, current, "index", "html")`` or ``var countPage = N``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .links import entries, parse
from .listpage import Follow, ListPage, Platform

CMS = "trs"

_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)")
_VAR = r"\b(?:var|let|const)?\s*{name}\s*=\s*['\"]?(\d+)"


@dataclass(frozen=True)
class PagerScript:
    count: int        # number of pages
    current: int      # 0 for index.html, K for index_K.html
    prefix: str       # "index"
    extension: str    # "html", "shtml", "htm"


def _variable(text: str, name: str) -> int | None:
    found = re.search(_VAR.format(name=re.escape(name)), text)
    return int(found.group(1)) if found else None


def _value(text: str, arg: str) -> int | None:
    """An argument as a number: a literal, or a variable assigned a literal elsewhere."""
    arg = arg.strip().strip("'\"")
    if arg.isdigit():
        return int(arg)
    return _variable(text, arg) if re.fullmatch(r"[A-Za-z_$][\w$]*", arg) else None


def _from_call(text: str, args: list[str]) -> PagerScript | None:
    # The page_div variant names the target element first: ('page_div', N, cur, 'index', 'html', total).
    if args and re.fullmatch(r"\s*['\"][^'\"]*['\"]\s*", args[0]) and len(args) >= 5:
        args = args[1:]
    if len(args) < 2:
        return None
    count, current = _value(text, args[0]), _value(text, args[1])
    if count is None:
        return None
    prefix = args[2].strip().strip("'\"") if len(args) > 2 else "index"
    extension = args[3].strip().strip("'\"") if len(args) > 3 else "html"
    if not re.fullmatch(r"[\w.-]+", prefix) or not re.fullmatch(r"s?html?", extension):
        return None  # the function's own definition, or a call built from expressions
    return PagerScript(count, current or 0, prefix, extension)


def pager_script(url: str, text: str) -> PagerScript | None:
    """The page count and file naming from the pager script, if the page carries one."""
    for call in _CALL.finditer(text):
        found = _from_call(text, call.group(1).split(","))
        if found:
            return found
    count = _variable(text, "countPage")
    if count is None:
        return None
    extension = (re.search(r"\.(s?html?)$", urlsplit(url).path) or [None, "html"])[1]
    return PagerScript(count, _variable(text, "currentPage") or 0, "index", extension)


def page_urls(url: str, script: PagerScript) -> list[str]:
    """Every page of the column, index.html first."""
    first = f"{script.prefix}.{script.extension}"
    # urljoin puts every name of one directory after the same string: one join, not one a page
    # (each of a column's N pages lists all N).
    directory = urljoin(url, first)[:-len(first)]
    return [directory + first] + [f"{directory}{script.prefix}_{k}.{script.extension}" for k in range(1, script.count)]


def _is_same_page(url: str, page: str, script: PagerScript) -> bool:
    # A column fetched as its directory URL is its index page.
    first = f"{script.prefix}.{script.extension}"
    return page == url or (url.endswith("/") and page == urljoin(url, first))


def matches(url: str, text: str) -> bool:
    return pager_script(url, text) is not None


def read(url: str, text: str, form: str | None = None) -> ListPage:
    script = pager_script(url, text)
    pages = page_urls(url, script) if script else []
    follows = [Follow(page) for page in pages if not _is_same_page(url, page, script)]
    return ListPage(CMS, entries(url, parse(text)), follows)


PLATFORM = Platform(CMS, "TRS WCM", matches, read)
