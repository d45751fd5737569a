"""A Document into the report contract of design.md."""

from __future__ import annotations

import re

from . import labels as L
from . import metadata as M
from .checks import appeal_checks, request_checks, unknown_where_unread, verdict
from .contract import Check, Place, Report, Sections
from .document import Document
from .errors import NotAReport
from .regions import empty_region, find_region
from .tables import TableValues, read_tables

SCHEMA = 1
PARSER_VERSION = "0.1.0"
_PRE2019_SIGNS = ("指标名称", "计量单位", "历年累计")


def parse(document: Document, file: str = "") -> Report:
    paragraphs = document.paragraphs
    title = M.find_title(paragraphs, document.title)
    values = read_tables(document.blocks)
    sections = M.split_sections(paragraphs)
    year = M.find_year(title, paragraphs)
    _refuse_non_report(title, year, values, sections)
    agency = (M.agency_from_title(title) if title else None) or M.agency_from_signature(paragraphs)
    template = _template(year, values, document)
    tables = _tables(values, template)
    checks = unknown_where_unread(request_checks(tables["requests"]) + appeal_checks(tables["appeals"]), values.unread)
    return Report(
        schema=SCHEMA,
        file=file,
        format=document.format,
        title=title,
        agency=agency,
        year=year,
        template=template,
        published=M.find_published(paragraphs, document.published),
        region=Place(**(find_region(agency, "\n".join(paragraphs[:60])) if paragraphs else empty_region())),
        sections=Sections(**sections),
        **tables,
        checks=[Check(**check) for check in checks],
        consistent=verdict(checks),
        warnings=document.warnings + values.warnings + _template_warnings(values, template),
    )


def _has_figures(values: TableValues) -> bool:
    rows = list(values.requests.values()) + [values.appeals or []]
    rows += [list(row.values()) for row in values.proactive.values()]
    return any(value is not None for row in rows for value in row)


def _refuse_non_report(title: str | None, year: int | None, values: TableValues, sections: dict[str, str]) -> None:
    found_sections = sum(1 for text in sections.values() if text)
    has_tables = bool(values.requests or values.proactive or values.appeals)
    if title and re.search(r"(通知|通告|函|目录)$", title):
        raise NotAReport(f"not an annual report: a notice ({title})")
    if title and re.search(r"格式|模板|范本|样表", title) or (has_tables and not _has_figures(values) and not year):
        raise NotAReport("not an annual report: a blank template (no year, no figures in its tables)")
    if found_sections < 3 and not has_tables:
        raise NotAReport("not an annual report: no report sections or tables found")


def _template(year: int | None, values: TableValues, document: Document) -> str | None:
    if year and year <= 2018:
        return "pre2019"
    if values.proactive_template:
        return values.proactive_template
    if any(key.startswith("other.") for key in values.requests):
        return "2021"
    if "other" in values.requests:
        return "2019"
    text = document.text()
    if not values.requests and any(sign in text for sign in _PRE2019_SIGNS):
        return "pre2019"
    return None


def _tables(values: TableValues, template: str | None) -> dict[str, dict]:
    if template == "pre2019" or template is None and not values.requests:
        return {"proactive": {}, "requests": {}, "appeals": {}}
    return {
        "proactive": _proactive(values, template),
        "requests": _requests(values),
        "appeals": _appeals(values),
    }


def _proactive(values: TableValues, template: str | None) -> dict[str, dict[str, object]]:
    if not values.proactive:
        return {}
    layout = L.PROACTIVE_LAYOUT[template or "2021"]
    return {item: {m: values.proactive.get(item, {}).get(m) for m in metrics} for item, metrics in layout.items()}


def _request_keys(values: TableValues) -> list[str]:
    keys = ["new", "carried_over", "granted", "partial"]
    for group, (_, items) in L.REQUEST_GROUPS.items():
        if group == "other" and "other" in values.requests:
            keys.append("other")
        else:
            keys += [f"{group}.{item}" for item in items]
    return keys + ["total", "carried_forward"]


def _requests(values: TableValues) -> dict[str, dict[str, object]]:
    if not values.requests:
        return {}
    empty = [None] * len(L.REQUEST_COLUMNS)
    return {key: dict(zip(L.REQUEST_COLUMNS, values.requests.get(key, empty))) for key in _request_keys(values)}


def _appeals(values: TableValues) -> dict[str, dict[str, object]]:
    if values.appeals is None:
        return {}
    width = len(L.APPEAL_COLUMNS)
    return {
        group: dict(zip(L.APPEAL_COLUMNS, values.appeals[i * width:(i + 1) * width]))
        for i, group in enumerate(L.APPEAL_GROUPS)
    }


def _template_warnings(values: TableValues, template: str | None) -> list[str]:
    if template == "2021" and "other" in values.requests:
        return ["table 三 prints (六)其他处理 as one row, as the 2019 format does; read as `other`"]
    if template is None:
        return ["the official tables were not found (missing, an image, or their cells run together)"]
    return []
