"""Plain text into the common form, in every shape reports arrive as text.

- ``cell |`` lines, one cell per line, with ``||`` fillers padding rows (HTML dumped as text);
- ``| a | b |`` lines, one row per line (trafilatura's and Markdown's table text);
- tab-separated rows with blank cells kept (text copied out of a PDF);
- one cell per line behind a tab, rows separated by blank lines, a cell's own line breaks
  continuing without the tab (text copied out of Word), full-width spaces as indents.
"""

from __future__ import annotations

import re

from .document import Cell, Document, Table
from .metadata import section_of
from .numbers import is_value_like

_PIPES = re.compile(r"^\|+$")
_HEADER_FIELD = re.compile(r"^(标题|发布时间|文号|发布机构|索引号|来源|栏目|原始链接|本地目录|正文|成文日期|主题分类)\s*[:：]\s*(.*)$")
_ISO_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_RULE = re.compile(r"^[\s|:\-—]+$")
_INLINE_HEADING = re.compile(
    r"(?=[一二三四五六]、(?:总体情况|概述|主动公开|收到和处理|政府信息公开行政复议|因政府信息公开申请|政府信息依申请"
    r"|存在的主要问题|主要问题|其他需要报告))|(?<=[。；！？])\s*(?=[一二三四五六]、)"
)


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def extract(data: bytes) -> Document:
    return document_from_text(decode(data))


def document_from_text(text: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    document = Document(format="txt")
    index = _read_header(lines, document)
    while index < len(lines):
        reader = _table_reader(lines[index])
        if reader:
            table, index = reader(lines, index)
            if table.rows:
                document.blocks.append(table)
            continue
        document.blocks += _paragraphs(lines[index])
        index += 1
    return document


def _read_header(lines: list[str], document: Document) -> int:
    """Crawlers save a page's metadata above its text (标题：… 发布时间：…); the first line after."""
    index = 0
    while index < len(lines) and (field := _HEADER_FIELD.match(lines[index].strip())):
        name, value = field.groups()
        if name == "标题" and value:
            document.title = value.strip()
        elif name == "发布时间" and (date := _ISO_DATE.search(value)):
            document.published = "-".join(f"{int(part):02d}" for part in date.groups())
        index += 1
    return index if index >= 2 else 0


def _paragraphs(line: str) -> list[str]:
    """A line's paragraphs: pages dumped flat run all six sections into one line."""
    text = line.strip().strip("\u3000").lstrip("#").replace("**", "").strip()
    parts = _INLINE_HEADING.split(text) if len(text) > 200 else [text]
    return [part.strip() for part in parts if part.strip()]


def _table_reader(line: str):
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1 and not _PIPES.match(stripped):
        return _read_markdown
    if stripped.endswith("|"):
        return _read_pipe_cells
    if "\t" in line:
        return _read_cell_lines if _is_cell_line(line) else _read_tab_rows
    return None


def _read_markdown(lines: list[str], index: int) -> tuple[Table, int]:
    rows: list[list[Cell]] = []
    while index < len(lines) and lines[index].strip().startswith("|"):
        stripped = lines[index].strip()
        if not _RULE.match(stripped):
            rows.append([Cell(part.strip()) for part in stripped.strip("|").split("|")])
        index += 1
    return Table(rows), index


def _read_pipe_cells(lines: list[str], index: int) -> tuple[Table, int]:
    """``cell |`` lines lost their row breaks: a label after a value starts a new row."""
    rows: list[list[Cell]] = [[]]
    in_values = False
    while index < len(lines) and lines[index].strip().endswith("|"):
        stripped = lines[index].strip()
        texts = [""] * len(stripped) if _PIPES.match(stripped) else [p.strip() for p in stripped.split("|")[:-1]]
        for text in texts:
            value = is_value_like(text)
            if not value and in_values:
                rows.append([])
            in_values = value
            rows[-1].append(Cell(text))
        index += 1
    return Table([_without_padding(row) for row in rows if row]), index


def _without_padding(row: list[Cell]) -> list[Cell]:
    """Filler cells pad every row to the widest one; they carry nothing."""
    while row and not row[-1].text:
        row = row[:-1]
    return row


def _read_tab_rows(lines: list[str], index: int) -> tuple[Table, int]:
    rows: list[list[Cell]] = []
    while index < len(lines) and ("\t" in lines[index] or not lines[index].strip()):
        line = lines[index]
        if line.strip() and not _RULE.match(line):
            rows.append([Cell(part.strip().strip("\u3000")) for part in line.split("\t")])
        index += 1
    while rows and not any(cell.text for cell in rows[-1]):
        rows.pop()
    return Table(rows), index


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _read_cell_lines(lines: list[str], index: int) -> tuple[Table, int]:
    """One cell per tab-led line; a blank line then a tab-led line starts a new row."""
    rows: list[list[str]] = [[]]
    blanks = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
        elif _is_cell_line(line):
            if blanks and rows[-1]:
                rows.append([])
            rows[-1].append(_cell_text(line))
            blanks = 0
        elif blanks <= 1 and rows[-1] and section_of(line.strip()) is None:
            rows[-1][-1] += _cell_text(line)
            blanks = 0
        else:
            break
        index += 1
    return Table([[Cell(text) for text in row] for row in rows if row]), index


def _cell_text(line: str) -> str:
    return line.strip().strip("\u3000").strip()
