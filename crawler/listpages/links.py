"""Reading a portal's list page: parsing, link titles, dates, and finding the main list
among the navigation that portal pages carry (often 100+ links of menus, headers and
footers). The platforms' list-page readers and the discovery of report columns share them."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from .listpage import Link

# ---------------------------------------------------------------- parsing and text

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


# The last text parsed and its tree: the spider reads a portal's entry page as a list page, then
# for its report columns, then for its landing pages, each from the response's one text.
_last_parsed: tuple[str, lxml.html.HtmlElement] | None = None


def parse(text: str) -> lxml.html.HtmlElement:
    """The tree of a page's text, parsed once however many readers ask for it in turn (none
    changes it)."""
    global _last_parsed
    last = _last_parsed
    if last is not None and last[0] is text:
        return last[1]
    root = _parsed(text)
    _last_parsed = (text, root)
    return root


def _parsed(text: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that still carries an XML encoding declaration.
    text = _XML_DECLARATION.sub("", text or "")
    if not text.strip():
        return lxml.html.fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.fromstring("<html><body></body></html>")


def collapse(text: str | None) -> str:
    """Whitespace-collapsed text; portals pad with &nbsp; and ideographic spaces."""
    return " ".join((text or "").replace("\xa0", " ").replace("\u3000", " ").split())


def title_of(a: lxml.html.HtmlElement) -> str:
    """Link text, or the title attribute when longer (lists truncate titles with '...')."""
    text = collapse(a.text_content())
    attr = collapse(a.get("title"))
    return attr if len(attr) > len(text) else text


def base_url(url: str, root: lxml.html.HtmlElement) -> str:
    found = root.xpath("//base/@href")
    return urljoin(url, found[0].strip()) if found and found[0].strip() else url


def absolute(base: str, href: str | None) -> str | None:
    """Absolute http(s) URL of an href, None for scripts, mail and bare anchors."""
    href = (href or "").strip()
    if not href or href.startswith("#") or _NOT_A_PAGE.match(href):
        return None
    # urlsplit drops tabs and line breaks anywhere: such an href is joined as it comes.
    return _joined(base if _SPLIT_DROPS.search(href) else _join_base(base, href), href)


_NOT_A_PAGE = re.compile(r"(?i)(javascript|mailto|tel|data):")
# A path from the root, or a whole http(s) URL with its host (without one, urljoin keeps the base's path).
_ROOTED = re.compile(r"/(?!/)|https?://[^/?#;]")
_SPLIT_DROPS = re.compile(r"[\t\r\n]|^[\x00-\x20]")


def _join_base(base: str, href: str) -> str:
    """The part of ``base`` that resolving ``href`` depends on: the origin for /path and http(s)://
    hrefs, the directory for a plain relative path. Every page of a column then shares one
    cache entry per link (a page's links are mostly the same menus and the same column's paths)."""
    if _ROOTED.match(href):
        return _origin(base)
    if ":" not in href and href[0] not in "/?;":
        return _directory_url(base)
    return base


@functools.lru_cache(maxsize=4096)
def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


@functools.lru_cache(maxsize=4096)
def _directory_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path[:parts.path.rfind("/") + 1], "", ""))


# A relative path of plain names (./202401/t20240101_5.html, bmnb/) and a directory URL without
# empty, . or .. segments: joined, they are one string after the other, as urljoin would give.
_PLAIN_SEGMENT = r"(?!\.\.?(?:/|$))[^/?#;:\\\s\x00-\x1f]+"
_PLAIN_PATH = re.compile(rf"(?:\./)?(?:{_PLAIN_SEGMENT}/)*{_PLAIN_SEGMENT}/?")
_PLAIN_DIRECTORY = re.compile(rf"https?://[^/?#]+/(?:{_PLAIN_SEGMENT}/)*")


@functools.lru_cache(maxsize=16384)
def _joined(base: str, href: str) -> str | None:
    if _PLAIN_PATH.fullmatch(href) and _PLAIN_DIRECTORY.fullmatch(base):
        return base + href.removeprefix("./")
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https"):
        return None
    return urlunsplit(parts._replace(fragment=""))


@functools.lru_cache(maxsize=16384)
def _site(url: str) -> str:
    return _host_site(plain_origin(url) or url)


@functools.lru_cache(maxsize=4096)
def _host_site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


# The scheme and host part of an ordinary URL, as urlsplit reads them (it drops tabs and line
# breaks first, and checks brackets and non-ASCII hosts: those URLs are left to it).
_PLAIN_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\[\]\t\r\n]*(?=[/?#]|$)")


def _path(url: str) -> str:
    """``urlsplit(url).path``, from the end of an ordinary URL's origin to its query or fragment."""
    origin = plain_origin(url)
    return _PATH_END.split(url[len(origin):], 1)[0] if origin is not None else urlsplit(url).path


_PATH_END = re.compile(r"[?#]")


@functools.lru_cache(maxsize=4096)
def _directory(url: str) -> str:
    """The directory of a page's URL path: /zwgk/zfxxgknb/ of /zwgk/zfxxgknb/index_1.html."""
    return _path(url).rsplit("/", 1)[0] + "/"


def plain_origin(url: str) -> str | None:
    """``scheme://netloc`` of an ordinary URL without splitting all of it (the crawl asks every
    URL's site several times); None when urlsplit must decide."""
    found = _PLAIN_ORIGIN.match(url)
    if found is None or not found.group().isascii() or "\t" in url or "\r" in url or "\n" in url:
        return None
    return found.group()


def same_host(a: str, b: str) -> bool:
    """Same host, counting www.example.gov.cn and example.gov.cn as one."""
    return _site(a) == _site(b)


_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def find_date(text: str) -> str | None:
    """The first date in text as YYYY-MM-DD (2023-1-5, 2023/01/05, 2023.01.05, 2023年1月5日)."""
    for year, month, day in _DATE.findall(text or ""):
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


# ---------------------------------------------------------------- navigation and the main list

_NAV_TAGS = {"header", "footer", "nav"}
_NAV_TOKENS = {"nav", "menu", "header", "head", "footer", "foot", "top", "bottom", "banner",
               "crumb", "crumbs", "breadcrumb", "position", "location", "dh", "daohang",
               "yqlj", "friend", "friendlink", "links", "sitemap", "share", "search", "copyright",
               "topbar", "mainnav", "subnav", "weizhi", "dqwz"}
_NAV_PREFIXES = ("nav", "menu", "header", "footer", "breadcrumb", "crumb", "topbar", "friendlink")
_ITEM_TAGS = {"li", "tr", "dd", "dt", "p"}
# The words of a pager's links (下一页, 尾页, 3): never an entry of the list.
PAGER_WORDS = re.compile(r"首页|尾页|末页|上一页|下一页|上页|下页|前一页|后一页|最后一页|跳转|^\d+$|^[<>«»]+$")


def _is_nav_element(el: lxml.html.HtmlElement) -> bool:
    return el.tag in _NAV_TAGS or _is_nav_name(f"{el.get('id', '')} {el.get('class', '')}")


@functools.lru_cache(maxsize=4096)
def _is_nav_name(names: str) -> bool:
    """An id and class that name a menu, header, footer… (a site's templates repeat a few dozen)."""
    tokens = [t for t in re.split(r"[\s_\-]+", names.lower()) if t]
    return any(t in _NAV_TOKENS or t.startswith(_NAV_PREFIXES) for t in tokens)


_NAV_CANDIDATES = etree.XPath("//header | //footer | //nav | //*[@id or @class]")


def navigation_anchors(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The links inside navigation blocks, found from the blocks down, once per page: asking
    every link's ancestors walked to the root for each of a page's hundred links."""
    return {a for el in _NAV_CANDIDATES(root) if _is_nav_element(el) for a in el.iterdescendants("a")}


def item_of(a: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The list item a link sits in (li, table row, dd…), or its parent when there is none."""
    for el in a.iterancestors():
        if el.tag in _ITEM_TAGS:
            return el
        if el.tag in ("ul", "ol", "table", "tbody", "dl", "body"):
            break
    return a.getparent()


def date_of(a: lxml.html.HtmlElement, item: lxml.html.HtmlElement | None = None, title: str | None = None
            ) -> str | None:
    """The date shown beside a link in its item, else in its own title (``item`` and ``title``
    are its item_of and title_of, when known already)."""
    item = item_of(a) if item is None else item
    rest = collapse(item.text_content()).replace(collapse(a.text_content()), " ")
    return find_date(rest) or find_date(title_of(a) if title is None else title)


# Detail pages of the common CMSs: TRS t20230115_101.html, Hanweb art_12_34.html, others.
_ARTICLE_URL = re.compile(r"/t\d{8}_\d+\.s?html?|/art_\d+_\d+\.html|/(?:content|post|info|detail)[_/]\d+"
                          r"|\.(?:pdf|docx?|wps|ofd|xlsx?)$", re.I)


@functools.lru_cache(maxsize=16384)
def _in_column(url: str, page_url: str) -> bool:
    """Under the page's own directory, as a column's articles are (not at the site root)."""
    directory = _directory(page_url)
    return directory != "/" and same_host(url, page_url) and _path(url).startswith(directory)


def _weight(url: str, page_url: str, title: str, dated: bool) -> float:
    # Menus are many short same-site labels; list entries are long titles, often dated.
    weight = 1.0 if len(title) >= 8 else 0.05
    if dated:
        weight *= 2
    if not same_host(url, page_url):
        weight *= 0.2
    if _ARTICLE_URL.search(url):
        weight *= 1.5
    if _in_column(url, page_url):
        weight *= 2
    return weight


Anchor = tuple[lxml.html.HtmlElement, str, str]  # (a, absolute url, title)


def _group_key(members: list[Anchor], page_url: str, dates: Mapping[lxml.html.HtmlElement, str | None]
               ) -> tuple[bool, bool, float]:
    """Which container holds the main list, compared in order: most entries are titled
    articles under this column's directory (sidebar headlines live elsewhere); most are
    dated (navigation never is); then the weight of the entries."""
    dated = [dates[a] is not None for a, _, _ in members]
    own = sum(len(t) >= 8 and _in_column(h, page_url) for _, h, t in members)
    weight = sum(_weight(h, page_url, t, d) for (_, h, t), d in zip(members, dated))
    return own * 2 > len(members), sum(dated) * 2 >= len(members), weight


def titled_anchors(root: lxml.html.HtmlElement, url: str) -> list[Anchor]:
    """(anchor, absolute url, title) for every link with a title that is not a pager's: the one
    pass over a page's links that its main list and its sub-columns share."""
    base = base_url(url, root)
    found = []
    for a in root.iter("a"):
        href = absolute(base, a.get("href"))
        if href is None:
            continue
        title = title_of(a)
        if title and not PAGER_WORDS.search(title):
            found.append((a, href, title))
    return found


def candidate_anchors(root: lxml.html.HtmlElement, url: str, anchors: list[Anchor] | None = None) -> list[Anchor]:
    """(anchor, absolute url, title) for every content-like link outside navigation blocks
    (of ``anchors``, the page's titled anchors, when the caller has them already)."""
    navigation = navigation_anchors(root)
    return [anchor for anchor in (titled_anchors(root, url) if anchors is None else anchors)
            if anchor[0] not in navigation]


def main_list_links(url: str, root: lxml.html.HtmlElement, anchors: list[Anchor] | None = None) -> list[Link]:
    """The links of the page's main list: the heaviest container of entries and its siblings."""
    groups: dict[lxml.html.HtmlElement, list[Anchor]] = {}
    dates: dict[lxml.html.HtmlElement, str | None] = {}
    for a, href, title in candidate_anchors(root, url, anchors):
        item = item_of(a)
        groups.setdefault(item.getparent(), []).append((a, href, title))
        dates[a] = date_of(a, item, title)
    if not groups:
        return []
    score = {c: _group_key(members, url, dates) for c, members in groups.items()}
    best = max(score, key=score.__getitem__)
    # TRS templates split one list into several <ul> of five under one parent.
    chosen = [c for c in groups if c is best or (c.getparent() is best.getparent() and c.tag == best.tag)]
    return links_from((entry for c in chosen for entry in groups[c]), dates)


def links_from(anchors: Iterable[Anchor], dates: Mapping[lxml.html.HtmlElement, str | None] | None = None
               ) -> list[Link]:
    """Links in document order, one per URL (the first title wins); ``dates`` are the anchors'
    dates when known already."""
    seen: dict[str, Link] = {}
    for a, href, title in anchors:
        if href not in seen:
            seen[href] = Link(href, title, dates[a] if dates is not None else date_of(a))
    return list(seen.values())


_LIST_NAME = re.compile(r"^(?:index|default|list)\.(?:s?html?|jsp|aspx?|php)$", re.I)


@functools.lru_cache(maxsize=16384)
def _is_child_list(url: str, href: str) -> bool:
    """A list in a directory below this page's: a sub-column of this column."""
    directory = _directory(url)
    path = _path(href)
    if not same_host(url, href) or not path.startswith(directory):
        return False
    rest = path[len(directory):]
    name = rest.rsplit("/", 1)[-1]
    return "/" in rest and (name == "" or bool(_LIST_NAME.match(name)))


def subcolumn_links(url: str, root: lxml.html.HtmlElement, anchors: list[Anchor] | None = None) -> list[Link]:
    """Links to lists under this column (部门年报/, 2023/), wherever the template puts them:
    tabs and left-hand menus are navigation to everything else but entries here."""
    anchors = titled_anchors(root, url) if anchors is None else anchors
    return links_from(anchor for anchor in anchors if _is_child_list(url, anchor[1]))


def entries(url: str, root: lxml.html.HtmlElement) -> list[Link]:
    """The main list, then sub-columns it does not already hold."""
    anchors = titled_anchors(root, url)
    main = main_list_links(url, root, anchors)
    known = {link.url for link in main}
    return main + [link for link in subcolumn_links(url, root, anchors) if link.url not in known]


def links_in(url: str, root: lxml.html.HtmlElement) -> list[Link]:
    """Every content-like link of a fragment (a CDATA record, a known list container)."""
    return links_from(candidate_anchors(root, url))


# ---------------------------------------------------------------- page counts and page URLs

_COUNT_PATTERNS = (
    re.compile(r"共\s*(\d+)\s*页"),
    re.compile(r"页次\s*[:：]?\s*\d+\s*/\s*(\d+)"),
    re.compile(r"第\s*\d+\s*页\s*/\s*(\d+)\s*页"),
    re.compile(r"(?<![\d/])\d+\s*/\s*(\d+)\s*页"),
)


def page_count_from_text(root: lxml.html.HtmlElement) -> int | None:
    """Page count from the pager's words (共5页, 页次：1/5, 1/5页) or a bare <span>1/5</span>."""
    text = collapse(root.text_content())
    for pattern in _COUNT_PATTERNS:
        found = pattern.search(text)
        if found:
            return int(found.group(1))
    for el in root.iter("span", "font", "b", "em", "label", "div", "td"):
        found = re.fullmatch(r"(\d+)\s*/\s*(\d+)", collapse(el.text_content()))
        if found and int(found.group(1)) <= int(found.group(2)):
            return int(found.group(2))
    return None


def with_param(url: str, name: str, value: int) -> str:
    """url with one query parameter set (added when absent), the others kept in order."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == name for k, _ in query):
        query = [(k, str(value) if k == name else v) for k, v in query]
    else:
        query.append((name, str(value)))
    return urlunsplit(parts._replace(query=urlencode(query, safe="/:,")))
