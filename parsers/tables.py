"""Rows of the official tables into the keys of the report contract.

Rows are read in document order across all tables, with the context (which table, which
result group, which header) carried from row to row: tables split over pages, header rows
repeated after a break and text dumps that lost their row boundaries all read the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import labels as L
from .document import Cell, Table
from .numbers import is_value_like, parse_value

REQUEST_WIDTH = len(L.REQUEST_COLUMNS)
APPEAL_WIDTH = len(L.APPEAL_GROUPS) * len(L.APPEAL_COLUMNS)


@dataclass
class TableValues:
    """What the rows held: cells by key, the layout each table used, and what looked odd."""

    proactive: dict[str, dict[str, object]] = field(default_factory=dict)
    requests: dict[str, list[object]] = field(default_factory=dict)
    appeals: list[object] | None = None
    proactive_template: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Context:
    table: str | None = None
    group: str | None = None
    header: list[Cell] | None = None


def read_tables(tables: list[Table]) -> TableValues:
    found = TableValues()
    context = _Context()
    for table in tables:
        for row in table.rows:
            for part in split_row(row):
                _read_row(part, context, found)
    return found


def split_row(row: list[Cell]) -> list[list[Cell]]:
    """Cut a row before every cell that starts a row of its own (text dumps join rows)."""
    parts: list[list[Cell]] = [[]]
    for cell in row:
        if parts[-1] and not cell.merged and _starts_row(L.normalize(cell.text)):
            parts.append([])
        parts[-1].append(cell)
    return parts


@functools.lru_cache(maxsize=8192)
def _starts_row(label: str) -> bool:
    if not label or is_value_like(label):
        return False
    if label.startswith(("信息内容", "第二十条")) or L.proactive_item(label):
        return True
    row = L.request_row(label)
    if row and (row != "total" or label[:1] in "(七"):
        return True
    return L.request_group(label) is not None or bool(L.ITEM_NUMBER.match(label))


def split_labels(cells: list[Cell]) -> tuple[str, list[Cell]]:
    """(the row's label text, its value cells): values follow the last label cell."""
    last_label = -1
    for index, cell in enumerate(cells):
        if not cell.merged and not is_value_like(cell.text):
            last_label = index
    label = L.normalize("".join(c.text for c in cells[: last_label + 1] if not c.merged))
    values = cells[last_label + 1 :]
    while values and values[0].merged:
        values = values[1:]
    return label, values


def _has_number(values: list[Cell]) -> bool:
    return any(not c.merged and parse_value(c.text)[0] is not None for c in values)


def _read_row(cells: list[Cell], context: _Context, found: TableValues) -> None:
    label, values = split_labels(cells)
    is_header = _is_metric_header(cells)
    if context.table == "appeals" and _has_number(values) and not L.request_row(label):
        found.appeals = _appeal_values(values, found.warnings)
        context.table = None
    elif not label:
        return
    elif L.is_appeal_header(label):
        context.table = "appeals"
    elif is_header or label.startswith(("第二十条", "信息内容")):
        context.table = "proactive"
        context.header = cells if is_header else context.header
    elif (item := L.proactive_item(label)) and context.table != "requests":
        context.table = "proactive"
        _read_proactive(item, cells, context.header, found)
    else:
        _read_request(label, values, context, found)


def _is_metric_header(cells: list[Cell]) -> bool:
    return any(not c.merged and L.proactive_metric(L.normalize(c.text)) for c in cells)


def _read_request(label: str, values: list[Cell], context: _Context, found: TableValues) -> None:
    row = L.request_row(label)
    if row:
        context.table, context.group = "requests", None
        _store_request(row, values, found)
        return
    if context.table not in (None, "requests") or "第二十条" in label:
        return
    group = L.request_group(label)
    if group:
        context.table, context.group = "requests", group
        rest = L.strip_group(label, group)
        item = L.request_item(rest, group) if rest else None
        if item:
            _store_request(f"{group}.{item}", values, found)
        elif group == "other" and values:
            _store_request("other", values, found)
    elif context.group and (item := L.request_item(label, context.group)):
        _store_request(f"{context.group}.{item}", values, found)


def _fit(values: list[Cell], width: int) -> list[Cell]:
    """The row's value cells, right-aligned: a label's span leaves blank cells before the values.

    Text dumps that pad rows at the end drop that padding themselves (see text.py); a row
    shorter than the table (a table cut off at the right) keeps its values from the left.
    """
    return list(values[-width:]) if len(values) > width else list(values)


def _store_request(key: str, values: list[Cell], found: TableValues) -> None:
    numbers = _numbers(_fit(values, REQUEST_WIDTH), REQUEST_WIDTH, f"requests.{key}", found.warnings)
    previous = found.requests.get(key)
    if previous is None:
        found.requests[key] = numbers
    else:
        # A row split over two lines or pages: fill the gaps, never overwrite.
        found.requests[key] = [old if old is not None else new for old, new in zip(previous, numbers)]


def _numbers(cells: list[Cell], width: int, where: str, warnings: list[str]) -> list[object]:
    """Values of one row, padded to width; copies of a merged value stay None (with a warning)."""
    numbers: list[object] = []
    for index, cell in enumerate(cells):
        if cell.merged:
            numbers.append(None)
            _warn(warnings, f"{where}: a value merged across columns at position {index + 1}; covered cells left null")
            continue
        value, warning = parse_value(cell.text)
        if warning:
            _warn(warnings, f"{where}: {warning}")
        numbers.append(value)
    return numbers + [None] * (width - len(numbers))


def _appeal_values(values: list[Cell], warnings: list[str]) -> list[object]:
    return _numbers(_fit(values, APPEAL_WIDTH), APPEAL_WIDTH, "appeals", warnings)


def _read_proactive(item: str, cells: list[Cell], header: list[Cell] | None, found: TableValues) -> None:
    if header is None:
        _warn(found.warnings, f"proactive.{item}: no header row with the column names; row skipped")
        return
    columns = [(i, L.proactive_metric(L.normalize(c.text))) for i, c in enumerate(header) if not c.merged]
    columns = [(i, metric) for i, metric in columns if metric]
    label_cells = len(cells) - len(split_labels(cells)[1])
    header_label_cells = columns[0][0]
    row: dict[str, object] = {}
    for index, metric in columns:
        # Grids line up column for column; text dumps only after their label cells.
        position = index if len(cells) == len(header) else label_cells + index - header_label_cells
        cell = cells[position] if position < len(cells) else Cell("")
        row[metric] = _numbers([cell], 1, f"proactive.{item}.{metric}", found.warnings)[0]
        _note_template(metric, found)
    found.proactive[item] = row


def _note_template(metric: str, found: TableValues) -> None:
    if metric in L.METRICS_2019 and found.proactive_template is None:
        found.proactive_template = "2019"
    elif metric in L.METRICS_2021:
        found.proactive_template = "2021"


def _warn(warnings: list[str], message: str) -> None:
    if message not in warnings:
        warnings.append(message)
