"""Tables printed as columns of text with no ruling lines, found from where the words sit on a page.

A PDF made from a spreadsheet printed without borders, or a Word table with its borders set to
none, gives pdfplumber's ruling-line finder nothing. Its text still stands in columns: the value
columns are where the numbers cluster, the label column is what lies left of them. Each line
of words becomes a grid row (label cell, then one cell per column); a label line without
numbers is the start or the wrapped end of a neighbouring row's label, and wrapped header lines
are joined column by column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .clusters import clusters
from .document import Cell, Table
from .numbers import is_value_like

BBox = tuple[float, float, float, float]

# Words of the official tables' headers: a run of table-like lines holding none of them is not a report table.
MARKERS = ("第二十条", "信息内容", "本列数据", "申请人情况", "本年新收", "行政复议", "行政诉讼")
_SECTION_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_LABEL_START = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.、．]|第二十条|信息内容)")
_LINE_TOLERANCE = 2.5      # points between the tops of words on one line
_COLUMN_TOLERANCE = 6.0    # points between the centres of values in one column


@dataclass
class Phrase:
    """Words of one line close enough to be one cell's text."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def is_value(self) -> bool:
        return is_value_like(self.text)

    @property
    def is_number(self) -> bool:
        """A value written with digits or a dash: 无 may be the first character of 无法提供 too."""
        return self.is_value and not any("\u4e00" <= char <= "\u9fff" for char in self.text)


@dataclass
class _Row:
    labels: dict[int, str] = field(default_factory=dict)  # label sub-column -> its text on this row
    cells: dict[int, str] = field(default_factory=dict)
    has_values: bool = False

    @property
    def label(self) -> str:
        return "".join(text for _, text in sorted(self.labels.items()))

    def extend(self, labels: dict[int, str], cells: dict[int, str]) -> None:
        for target, parts in ((self.labels, labels), (self.cells, cells)):
            for column, text in parts.items():
                target[column] = target.get(column, "") + text


@dataclass
class FoundTable:
    bbox: BBox
    table: Table
    inner_edges: list[float]


def find_tables(words: list[dict], text_width: float) -> list[FoundTable]:
    """The rule-less official tables among a page's words (pdfplumber's extract_words)."""
    lines = _lines(words)
    return [found for region in _regions(lines, text_width) if (found := _table(region)) is not None]


def _lines(words: list[dict]) -> list[list[Phrase]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]["top"]) <= _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [_phrases(sorted(line, key=lambda w: w["x0"])) for line in lines]


def _phrases(words: list[dict]) -> list[Phrase]:
    """Neighbouring words less than a character apart are one phrase (a space inside a label)."""
    phrases: list[Phrase] = []
    for word in words:
        last = phrases[-1] if phrases else None
        height = word["bottom"] - word["top"]
        if last and word["x0"] - last.x1 < height and not (last.is_value or is_value_like(word["text"])):
            last.text, last.x1 = last.text + word["text"], word["x1"]
        else:
            phrases.append(Phrase(word["text"], word["x0"], word["x1"], word["top"], word["bottom"]))
    return phrases


def _is_prose(line: list[Phrase], text_width: float) -> bool:
    if len(line) != 1 or line[0].is_value:
        return False
    phrase = line[0]
    return phrase.x1 - phrase.x0 > 0.6 * text_width or bool(_SECTION_HEADING.match(phrase.text))


def _regions(lines: list[list[Phrase]], text_width: float) -> list[list[list[Phrase]]]:
    """Runs of table-like lines that hold an official header word or at least two rows of numbers."""
    regions: list[list[list[Phrase]]] = [[]]
    for line in lines:
        if _is_prose(line, text_width):
            regions.append([])
        else:
            regions[-1].append(line)
    kept = []
    for index, region in enumerate(regions):
        while region and len(region[0]) == 1 and not _LABEL_START.match(region[0][0].text):
            region = region[1:]  # the short last line of a paragraph above the table
        text = "".join(p.text for line in region for p in line)
        value_lines = sum(1 for line in region if len(line) > 1 and any(p.is_value for p in line))
        # The head of a table at a page's foot, and the rows at the next page's top, are tables too.
        page_top = index == 0 and value_lines > 0
        if any(marker in text for marker in MARKERS) or value_lines >= 2 or page_top:
            kept.append(region)
    return kept


def _columns(region: list[list[Phrase]]) -> list[float]:
    """Centres of the value columns: where the numbers of lines with a label or other numbers cluster,
    and the column headers of lines naming three or more columns (a page may hold a row or two only)."""
    values = [p.centre for line in region if len(line) > 1 for p in line if p.is_number]
    label_edge = _label_edge(_clusters(values)) if values else 0.0
    headers = [p.centre for line in region if not any(p.is_value for p in line)
               and sum(p.centre >= label_edge for p in line) >= 3 for p in line if p.centre >= label_edge]
    return _clusters(values + headers)


def _label_edge(columns: list[float]) -> float:
    spacing = min((b - a for a, b in zip(columns, columns[1:])), default=40.0)
    return columns[0] - spacing / 2


def _clusters(values: Iterable[float]) -> list[float]:
    return clusters(values, _COLUMN_TOLERANCE)


def _table(region: list[list[Phrase]]) -> FoundTable | None:
    columns = _columns(region)
    if not columns:
        return None
    label_edge = _label_edge(columns)
    # Labels of spanning cells (三、本年度办理结果, （三）不予公开) wrap beside the row labels:
    # each label sub-column keeps its own text, so the two never interleave.
    label_columns = _clusters(p.centre for line in region for p in line if p.centre < label_edge)
    rows: list[_Row] = []
    for line in region:
        _add_line(rows, line, (label_columns, columns), label_edge)
    grid = [[Cell(row.label)] + [Cell(row.cells.get(c, "")) for c in range(len(columns))] for row in rows]
    phrases = [p for line in region for p in line]
    bbox = (min(p.x0 for p in phrases), min(p.top for p in phrases), max(p.x1 for p in phrases), max(p.bottom for p in phrases))
    edges = [label_edge] + [(a + b) / 2 for a, b in zip(columns, columns[1:])]
    return FoundTable(bbox, Table(grid), edges)


def _add_line(rows: list[_Row], line: list[Phrase], columns: tuple[list[float], list[float]], label_edge: float) -> None:
    labels: dict[int, str] = {}
    cells: dict[int, str] = {}
    for phrase in line:
        target, centres = (labels, columns[0]) if phrase.centre < label_edge else (cells, columns[1])
        column = min(range(len(centres)), key=lambda c: abs(centres[c] - phrase.centre))
        target[column] = target.get(column, "") + phrase.text
    has_values = any(p.is_value and p.centre >= label_edge for p in line)
    label = "".join(text for _, text in sorted(labels.items()))
    last = rows[-1] if rows else None
    if has_values and last and not last.has_values and not last.cells and last.labels:
        last.extend(labels, cells)  # its label began a line above
        last.has_values = True
    elif has_values or (cells and not _continues_header(last, cells)) or (not cells and _starts_label(label, last)):
        rows.append(_Row(labels, cells, has_values))
    else:
        last.extend(labels, cells)  # a wrapped line: the rest of the row's label or header cells


def _continues_header(last: _Row | None, cells: dict[int, str]) -> bool:
    """Header text under header text of the same columns: one wrapped header cell per column."""
    return last is not None and not last.has_values and all(column in last.cells for column in cells)


def _starts_label(label: str, last: _Row | None) -> bool:
    return last is None or bool(_LABEL_START.match(label))
