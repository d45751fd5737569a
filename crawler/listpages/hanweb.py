"""大汉 Hanweb (JCMS) columns, ``/col/colNNN/index.html``.

The list is not in the HTML: the first records sit in ``<script type="text/xml"><datastore>
<recordset><record><![CDATA[<li>…</li>]]></record>…``; the jpage widget then POSTs the form in
its ``ajaxParam`` (col, appid, webid, path, columnid, sourceContentType, unitid, webname,
permissiontype) to ``/module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P``,
which answers XML with ``<totalrecord>`` and more CDATA records. The form values are read
from wherever the page carries them: the widget's JS object, the ``<nextgroup>`` link's query,
attributes, or the id of the element wrapping the datastore (the unit id).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

from .links import links_in, main_list_links, parse
from .listpage import Follow, Link, ListPage, Platform

CMS = "hanweb"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
FORM_HEADERS = (("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
                ("X-Requested-With", "XMLHttpRequest"))
# The widget's defaults: 15 records a page, 3 pages fetched per request.
DEFAULT_PER_PAGE = 15
DEFAULT_GROUP_SIZE = 3

_FORM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname",
              "permissiontype")
_FORM_DEFAULTS = {"col": "1", "appid": "1", "path": "/", "sourceContentType": "1", "permissiontype": "0"}
_DISTINCTIVE_KEYS = ("webid", "columnid", "unitid", "webname")
_PAGING_KEYS = ("startrecord", "endrecord", "perpage")

_RECORD = re.compile(r"<record>\s*(?:<!\[CDATA\[(.*?)\]\]>|(.*?))\s*</record>", re.S | re.I)
_DATASTORE = re.compile(r"<datastore>.*?</datastore>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup>.*?href=['\"]([^'\"]+)['\"].*?</nextgroup>", re.S | re.I)
_UNIT_DIV = re.compile(r"<div[^>]*\bid=['\"]?(\d+)['\"]?[^>]*>\s*<script[^>]*text/xml", re.I)


@dataclass(frozen=True)
class Jpage:
    """What the list widget of a column page needs to fetch the rest of the column."""
    proxy: str                 # absolute dataproxy URL, without query
    form: tuple[tuple[str, str], ...]
    per_page: int
    group_size: int
    total: int | None          # None when the page does not say


# ---------------------------------------------------------------- records


def records(text: str) -> list[str]:
    """The HTML fragments inside the datastore's <record> elements."""
    store = " ".join(_DATASTORE.findall(text)) or text
    return [cdata if cdata else plain for cdata, plain in _RECORD.findall(store)]


def record_links(url: str, text: str) -> list[Link]:
    fragments = records(text)
    if not fragments:
        return []
    return links_in(url, parse("<html><body><div>" + "</div><div>".join(fragments) + "</div></body></html>"))


def total_record(text: str) -> int | None:
    found = re.search(r"<totalrecord>\s*(\d+)\s*</totalrecord>|\btotalRecord\s*[:=]\s*['\"]?(\d+)", text, re.I)
    return int(found.group(1) or found.group(2)) if found else None


# ---------------------------------------------------------------- the widget's parameters


def _js_value(text: str, key: str) -> str | None:
    """A key's value in a JS object, an attribute or a query string: key:'v', key="v", key=v."""
    found = re.search(rf"""\b{key}\s*[:=]\s*(?:'([^']*)'|"([^"]*)"|([^\s,;}}&'"<>)]+))""", text, re.I)
    if not found:
        return None
    return next(g for g in found.groups() if g is not None)


def _nextgroup_query(text: str) -> dict[str, str]:
    found = _NEXTGROUP.search(text)
    if not found:
        return {}
    href = found.group(1).replace("&amp;", "&")
    return {k.lower(): v for k, v in parse_qsl(urlsplit(href).query, keep_blank_values=True)}


def _fully_unquoted(value: str) -> str:
    # webname arrives encoded once or twice (%25E5…); the form wants plain text.
    for _ in range(3):
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    return value.strip("'\"")


def _widget_scope(text: str) -> str:
    """The text where generic keys (col, path…) belong to the widget: its ajaxParam object,
    param_NNN objects and the attributes of script tags, not any script on the page."""
    objects = re.findall(r"(?:ajaxParam|param_\d+)\s*[:=]\s*\{[^{}]*\}", text, re.I)
    tags = re.findall(r"<script\b[^>]*>", text, re.I)
    return " ".join(objects + tags)


def form_values(url: str, text: str) -> dict[str, str]:
    """The dataproxy form as the page carries it, defaults filled in where the widget has them."""
    found = _nextgroup_query(text)
    scope = _widget_scope(text)
    values: dict[str, str] = {}
    for key in _FORM_KEYS:
        # Ids and the site name are distinctive enough to be looked for anywhere.
        wide = text if key in _DISTINCTIVE_KEYS else scope
        value = found.get(key.lower()) or _js_value(scope, key) or _js_value(wide, key)
        if value:
            values[key] = _fully_unquoted(value)
    column = re.search(r"/col/col(\d+)/", url)
    if "columnid" not in values and column:
        values["columnid"] = column.group(1)
    unit = _UNIT_DIV.search(text)
    if "unitid" not in values and unit:
        values["unitid"] = unit.group(1)
    return {key: values.get(key) or _FORM_DEFAULTS[key] for key in _FORM_KEYS
            if values.get(key) or key in _FORM_DEFAULTS}


def jpage(url: str, text: str) -> Jpage:
    proxy = _js_value(text, "proxyUrl") or DATAPROXY
    if "dataproxy" not in proxy:
        proxy = DATAPROXY
    return Jpage(
        proxy=urljoin(url, proxy.split("?")[0]),
        form=tuple(form_values(url, text).items()),
        per_page=int(_js_value(text, "perPage") or DEFAULT_PER_PAGE),
        group_size=int(_js_value(text, "groupSize") or DEFAULT_GROUP_SIZE) or 1,
        total=total_record(text),
    )


# ---------------------------------------------------------------- ranges to request


def encode_form(form: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    return urlencode(list(form), safe="/")


def range_url(proxy: str, start: int, end: int, per_page: int) -> str:
    return f"{proxy}?startrecord={start}&endrecord={end}&perpage={per_page}"


def ranges(first: int, total: int | None, step: int) -> list[tuple[int, int]]:
    """Record ranges from ``first`` on; only the next one when the total is unknown."""
    if total is None:
        return [(first, first + step - 1)]
    return [(start, min(start + step - 1, total)) for start in range(first, total + 1, step)]


def _follows(proxy: str, spans: list[tuple[int, int]], per_page: int, body: str,
             referer: str | None) -> list[Follow]:
    headers = FORM_HEADERS + ((("Referer", referer),) if referer else ())
    return [Follow(range_url(proxy, start, end, per_page), "POST", body, headers) for start, end in spans]


# ---------------------------------------------------------------- pages


def is_dataproxy(url: str, text: str = "") -> bool:
    return "dataproxy.jsp" in urlsplit(url).path or text.lstrip().lower().startswith(("<datastore", "<?xml"))


def matches(url: str, text: str) -> bool:
    return is_dataproxy(url, text) or bool(re.search(r"<datastore>|jpage/dataproxy\.jsp", text, re.I))


def read_column(url: str, text: str) -> ListPage:
    """A column page: its embedded records, and dataproxy requests for the rest."""
    lowered = text.lower()
    if "<datastore" not in lowered and "ajaxparam" not in lowered:
        return ListPage(CMS, main_list_links(url, parse(text)), [])  # a static column template
    # Without a datastore the widget fetches every record itself, from the first on.
    links = record_links(url, text) or main_list_links(url, parse(text))
    widget = jpage(url, text)
    step = widget.per_page * widget.group_size
    spans = ranges(len(records(text)) + 1, widget.total, step)
    return ListPage(CMS, links, _follows(widget.proxy, spans, widget.per_page, encode_form(widget.form), url))


def _paging(url: str) -> dict[str, int]:
    query = {k.lower(): v for k, v in parse_qsl(urlsplit(url).query)}
    return {k: int(query[k]) for k in _PAGING_KEYS if query.get(k, "").isdigit()}


def _form_from_query(url: str) -> str | None:
    # GET variants carry the whole form in the query.
    query = [(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
             if k.lower() not in _PAGING_KEYS]
    return encode_form(query) if any(k.lower() == "columnid" for k, _ in query) else None


def read_dataproxy(url: str, text: str, form: str | None = None) -> ListPage:
    """A dataproxy answer: its records, and requests for the ranges after it.

    ``form`` is the body the answer was requested with; without it the form is taken from
    the URL's query, and when neither has the column no further range can be asked for.
    """
    links = record_links(url, text)
    paging = _paging(url)
    body = form or _form_from_query(url)
    if body is None or "endrecord" not in paging:
        return ListPage(CMS, links, [])
    step = paging["endrecord"] - paging.get("startrecord", 1) + 1
    per_page = paging.get("perpage", DEFAULT_PER_PAGE)
    total = total_record(text)
    if total is None and len(links) < step:
        return ListPage(CMS, links, [])   # a short answer is the last one
    spans = ranges(paging["endrecord"] + 1, total, step)
    proxy = url.split("?")[0]
    return ListPage(CMS, links, _follows(proxy, spans, per_page, body, None))


def read(url: str, text: str, form: str | None = None) -> ListPage:
    if is_dataproxy(url, text):
        return read_dataproxy(url, text, form)
    return read_column(url, text)


PLATFORM = Platform(CMS, "大汉 Hanweb JCMS", matches, read)
