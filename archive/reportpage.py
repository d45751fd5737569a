"""A report as its readers know it: one page with the three official tables laid out as printed,
each failing check marked on its cells, the prose of the six sections, the source URLs and the
original document, and the version history with the cells that changed.

Everything comes from the archive's own rows: the version's parsed JSON (the figures exactly
as ``nianbao parse --json`` gave them), its ``changes`` and the report's sources. ``gather``
reads them on one connection, so the page is a handful of indexed look-ups.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from . import layout
from .facts import (APPEAL_GROUPS, APPEAL_RESULTS, PROACTIVE_ITEMS, PROACTIVE_METRICS, REQUEST_COLUMNS,
                    REQUEST_ROWS)
from .siblings import Report
from .versions import SECTIONS, TABLES

SECTION_TITLES = {
    "overview": "一、总体情况", "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况", "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项",
}
_ROW_LABELS = {"requests": REQUEST_ROWS, "appeals": APPEAL_GROUPS, "proactive": PROACTIVE_ITEMS}
_COLUMN_LABELS = {"requests": REQUEST_COLUMNS, "appeals": APPEAL_RESULTS, "proactive": PROACTIVE_METRICS}
_NOT_RESULTS = ("new", "carried_over", "carried_forward")


@dataclass
class Shown:
    """A cell as the page draws it."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    key: str | None = None          # table/row/column of a value cell
    marks: list[str] = field(default_factory=list)   # "fails", "changed", "unread"
    note: str = ""                  # the failing rules and the earlier value, on hover


def figure(value: object) -> str:
    """A figure as printed: 3, 12.5, -2; an empty cell stays empty (not 0)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_value(tables: dict, slot: layout.Slot) -> tuple[bool, object]:
    """(whether the report has the cell, its value)."""
    row = (tables.get(slot.table) or {}).get(slot.row, None)
    if isinstance(row, dict):
        return slot.column in row, row.get(slot.column)
    return (row is not None and slot.column == ""), row


def check_cells(rule: str, tables: dict) -> list[str]:
    """The cells a check adds up, as table/row/column keys (design.md's checks)."""
    parts = rule.split(".", 2)
    if len(parts) != 3:
        return []
    table, kind, subject = parts
    requests = tables.get("requests") or {}
    if (table, kind) == ("requests", "balance"):
        rows = ["new", "carried_over", "total", "carried_forward"]
        return [f"requests/{row}/{subject}" for row in rows]
    if (table, kind) == ("requests", "results"):
        return [f"requests/{row}/{subject}" for row in requests if row not in _NOT_RESULTS]
    if (table, kind) == ("requests", "row_total"):
        return [f"requests/{subject}/{column}" for column in layout.APPLICANTS]
    if (table, kind) == ("appeals", "total"):
        return [f"appeals/{subject}/{result}" for result in APPEAL_RESULTS]
    return []


def failing_cells(report: Report, tables: dict) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = defaultdict(list)
    for check in report.failed_checks():
        for key in check_cells(check.rule, tables):
            notes[key].append(f"勾稽不符 {check.rule}: {check.detail}")
    return notes


def changed_cells(changes: list[dict]) -> dict[str, object]:
    return {f"{change['table']}/{change['row']}/{change['column']}": change.get("from")
            for change in changes if "table" in change}


def shown_value(slot: layout.Slot, tables: dict, failing: dict, changed: dict) -> Shown:
    present, value = cell_value(tables, slot)
    cell = Shown(figure(value), colspan=slot.colspan, key=slot.key)
    notes = list(failing.get(slot.key, []))
    if notes:
        cell.marks.append("fails")
    if slot.key in changed:
        cell.marks.append("changed")
        notes.append(f"上一版本 previous version: {figure(changed[slot.key]) or '空 empty'}")
    if not present:
        cell.marks.append("unread")
        notes.append("未读出 not in the parsed report")
    cell.note = "\n".join(notes)
    return cell


def shown_table(printed: layout.Printed, tables: dict, failing: dict, changed: dict) -> dict:
    def shown(cell: layout.Cell) -> Shown:
        if isinstance(cell, layout.Label):
            return Shown(cell.text, cell.colspan, cell.rowspan, header=True)
        return shown_value(cell, tables, failing, changed)

    return {"table": printed.table, "title": printed.title,
            "head": [[shown(cell) for cell in row] for row in printed.head],
            "body": [[shown(cell) for cell in row] for row in printed.body]}


def label_of(table: str, row: str, column: str) -> str:
    row_label = _ROW_LABELS.get(table, {}).get(row, row)
    column_label = _COLUMN_LABELS.get(table, {}).get(column, column)
    return f"{row_label} · {column_label}" if column_label else row_label


def extra_rows(printed: list[layout.Printed], tables: dict, failing: dict, changed: dict) -> list[dict]:
    return [{"label": label_of(slot.table, slot.row, slot.column),
             "cell": shown_value(slot, tables, failing, changed)}
            for slot in layout.extra_cells(printed, tables)]


def change_lines(changes: list[dict]) -> list[str]:
    """Each change of a version as one readable line, with the printed labels."""
    lines = []
    for change in changes:
        if "table" in change:
            lines.append(f"{label_of(change['table'], change['row'], change['column'])}: "
                         f"{figure(change.get('from')) or '空'} → {figure(change.get('to')) or '空'}")
        elif "field" in change:
            lines.append(f"{change['field']}: {change.get('from')} → {change.get('to')}")
        elif "section" in change:
            lines.append(f"{SECTION_TITLES.get(change['section'], change['section'])}: 文字有变化 text changed")
    return lines


# ---------------------------------------------------------------- reading the archive

_REPORT = ("SELECT id, agency, level, year, template, title, province, city, county, adcode, published, "
           "url, format, consistent, version, first_seen, last_changed, gone FROM reports WHERE id = ?")
_VERSIONS = ("SELECT v.version, v.created_at, v.parser_version, v.consistent, v.changes, c.url, c.fetched_at "
             "FROM report_versions v LEFT JOIN captures c ON c.id = v.capture WHERE v.report_id = ? ORDER BY v.version")
_PARSED = "SELECT parsed FROM report_versions WHERE report_id = ? AND version = ?"
_SOURCES = "SELECT url, format, first_seen FROM report_sources WHERE report_id = ? ORDER BY id"


def _rows(conn: sqlite3.Connection, sql: str, params: list) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _versions(conn: sqlite3.Connection, report_id: int) -> list[dict]:
    versions = _rows(conn, _VERSIONS, [report_id])
    for version in versions:
        version["changes"] = json.loads(version["changes"] or "[]")
        version["lines"] = change_lines(version["changes"])
    return versions


def gather(conn: sqlite3.Connection, report_id: int, version: int | None = None) -> dict | None:
    """What the page of report ``report_id`` shows (its current version unless ``version``);
    None when there is no such report or version."""
    found = _rows(conn, _REPORT, [report_id])
    if not found:
        return None
    report_row = found[0]
    versions = _versions(conn, report_id)
    number = version or report_row["version"]
    shown = next((row for row in versions if row["version"] == number), None)
    parsed = _rows(conn, _PARSED, [report_id, number])
    if shown is None or not parsed:
        return None
    report = Report.from_json(json.loads(parsed[0]["parsed"]))
    return {"report": report_row, "version": shown, "versions": versions, "parsed": report,
            "sources": _rows(conn, _SOURCES, [report_id]), **body(report, shown["changes"])}


def body(report: Report, changes: list[dict]) -> dict:
    """The sections in printed order, each with its prose and its table, and the failing checks."""
    tables = {table: getattr(report, table) or {} for table in TABLES}
    printed = layout.printed_tables(tables, report.template)
    failing, changed = failing_cells(report, tables), changed_cells(changes)
    by_section = {table.table: shown_table(table, tables, failing, changed) for table in printed}
    prose = asdict(report.sections)
    sections = [{"key": key, "title": SECTION_TITLES[key], "prose": prose[key], "table": by_section.get(key)}
                for key in SECTIONS]
    return {"sections": sections, "extra": extra_rows(printed, tables, failing, changed),
            "failed": report.failed_checks(), "checks": len(report.checks)}
