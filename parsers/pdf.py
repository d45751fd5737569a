"""PDFs with a text layer into the common form, with pdfplumber.

Tables come from pdfplumber's ruling-line finder; the text outside them is joined from wrapped
lines into paragraphs; a table that runs over a page break is one table. Pages are read one at
a time and their caches dropped, so a long PDF costs the memory of its largest page.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter

import pdfplumber
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.page import Page
from pdfplumber.table import Table as FoundTable
from pdfplumber.utils import cluster_objects, extract_text

from . import columns
from .document import Block, Cell, Document, Table
from .errors import OCR_WARNING, NotAReport, ParseError, ScannedDocument
from .lines import Line, Margins, ParagraphJoiner, join_wrapped, page_margins, starts_item, without_page_numbers

BBox = tuple[float, float, float, float]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GENERIC_TITLE = re.compile(r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?报告|年度|年")
_WHITE = (1, (1,), (1, 1, 1), (1, 1, 1, 1), (0, 0, 0, 0))  # gray, RGB and CMYK white
# Column boundaries of one table on two pages differ by a point or two (border widths).
_EDGE_TOLERANCE = 3.0


def extract(data: bytes) -> Document:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _read(pdf, data)
    except ParseError:
        raise
    except Exception as error:  # pdfminer raises many types for damaged or encrypted files
        raise ParseError(_reason(error)) from None


def _reason(error: Exception) -> str:
    # pdfplumber wraps pdfminer's own exception as the first argument.
    inner = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name or "password" in str(error).lower():
        return "encrypted PDF (needs a password)"
    if name == "PSEOF":
        return "not a readable PDF: truncated (unexpected end of file)"
    detail = " ".join(str(inner).split())[:80]
    return f"not a readable PDF: {name}{': ' + detail if detail else ''}"


@dataclass
class _PageTable:
    bbox: BBox
    table: Table
    inner_edges: list[float]  # x of the boundaries between columns

    @property
    def top(self) -> float:
        return self.bbox[1]


@dataclass
class _Page:
    lines: list[Line]
    tables: list[_PageTable]
    has_text: bool
    has_images: bool
    unmapped_glyphs: bool


def _read(pdf: pdfplumber.PDF, data: bytes) -> Document:
    document = Document(format="pdf", title=_info_title(pdf))
    assembler = _Assembler(document.blocks)
    imaged_pages: list[int] = []
    scans = None
    unmapped = False
    for number, page in enumerate(pdf.pages, start=1):
        try:
            content = _read_page(page)
        finally:
            page.close()  # drops the page's parsed objects before the next page is read
        assembler.add_page(content)
        unmapped = unmapped or content.unmapped_glyphs
        if not content.has_text and content.has_images:
            imaged_pages.append(number)
            scans = scans or _scanned_pages(data)
            assembler.add_scanned_page(scans.read(number))
    if not document.blocks:
        raise NotAReport(scans.BLANK) if scans else ScannedDocument("no text layer and no page images")
    document.warnings.extend(_warnings(imaged_pages, unmapped) + (scans.warnings if scans else []))
    return document


def _scanned_pages(data: bytes):
    """OCR (and its image libraries) is loaded only for a PDF that has scanned pages."""
    from .ocr import ScannedPages

    return ScannedPages(data)


def _warnings(imaged_pages: list[int], unmapped: bool) -> list[str]:
    warnings = []
    if imaged_pages:
        listed = ", ".join(map(str, imaged_pages[:10])) + (" …" if len(imaged_pages) > 10 else "")
        warnings.append(f"{OCR_WARNING} (pages without a text layer: {listed})")
    if unmapped:
        warnings.append("some text came out as (cid:NN): a font without a Unicode map")
    return warnings


def _read_page(page: Page) -> _Page:
    # Doubled characters (fake bold) would double the text; white boxes (an editor's whiteout,
    # invisible on paper) would frame prose lines as table cells.
    drawn = page.dedupe_chars().filter(_is_visible)
    found = drawn.find_tables({"explicit_horizontal_lines": _closing_lines(drawn)})
    tables = [table for table in map(_page_table, found) if table is not None]
    chars = drawn.chars
    if not tables:
        tables = _ruleless_tables(drawn, chars)
    return _Page(
        lines=_text_lines(drawn, [table.bbox for table in tables]),
        tables=tables,
        has_text=bool(chars),
        has_images=bool(page.images),
        unmapped_glyphs=any(char["text"].startswith("(cid:") for char in chars),
    )


def _ruleless_tables(page: Page, chars: list[dict]) -> list[_PageTable]:
    """Official tables set as columns of text without ruling lines (see columns.py)."""
    text = "".join(char["text"] for char in chars)
    if not any(marker in text for marker in columns.MARKERS):
        return []
    found = columns.find_tables(page.extract_words(), page.width * 0.75)
    return [_PageTable(table.bbox, table.table, table.inner_edges) for table in found]


def _is_visible(obj: dict) -> bool:
    if obj["object_type"] != "rect" or obj.get("stroke"):
        return True
    if not obj.get("fill"):
        return False
    color = obj.get("non_stroking_color")
    return tuple(color) not in _WHITE if isinstance(color, (list, tuple)) else color not in _WHITE


def _closing_lines(page: Page) -> list[dict]:
    """Borders missing where a table runs over a page break: WPS draws no line under the last
    row on the page (nor over the first on the next), so the column rules end in the air."""
    verticals, horizontals = page.vertical_edges, page.horizontal_edges
    closing = []
    for end in ("top", "bottom"):
        for group in cluster_objects(verticals, itemgetter(end), tolerance=1):
            y = group[0][end]
            x0, x1 = min(edge["x0"] for edge in group), max(edge["x1"] for edge in group)
            if len(group) >= 3 and _has_rule(horizontals, x0, x1) and not _has_rule(horizontals, x0, x1, y):
                closing.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    return closing


def _has_rule(horizontals: list[dict], x0: float, x1: float, y: float | None = None) -> bool:
    """A horizontal rule across x0..x1 (at y, if given): the columns belong to a ruled table."""
    return any(
        edge["x0"] <= x0 + _EDGE_TOLERANCE and edge["x1"] >= x1 - _EDGE_TOLERANCE and (y is None or abs(edge["top"] - y) <= 1)
        for edge in horizontals
    )


def _text_lines(page: Page, table_boxes: list[BBox]) -> list[Line]:
    outside = page.filter(lambda obj: obj["object_type"] != "char" or not _inside_any(obj, table_boxes))
    lines = [
        Line(found["text"], found["x0"], found["x1"], found["top"], found["bottom"] - found["top"])
        for found in outside.extract_text_lines(return_chars=False)
    ]
    return without_page_numbers(lines)


def _inside_any(obj: dict, boxes: list[BBox]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


# ---------------------------------------------------------------- one table on one page


def _page_table(found: FoundTable) -> _PageTable | None:
    """The table's grid, or None for a one-column frame around prose (a text box)."""
    columns = sorted({cell[0] for cell in found.cells})
    if len(columns) < 2:
        return None
    rows = _fill_holes(found, found.extract(), columns)
    texts = [[None if text is None else _cell_text(text) for text in row] for row in rows]
    return _PageTable(found.bbox, Table.from_texts(texts), columns[1:])


def _cell_text(text: str) -> str:
    joined = ""
    for part in text.split("\n"):
        joined = join_wrapped(joined, part.strip())
    return joined


def _fill_holes(found: FoundTable, rows: list[list[str | None]], columns: list[float]) -> list[list[str | None]]:
    """pdfplumber gives None both under a span and where rules are missing (a hole: an open
    corner, a cell without its top rule). A hole is no span: whatever text it holds is kept."""
    tops = sorted({cell[1] for cell in found.cells})
    covered = _covered_positions(found.cells, columns, tops)
    right, bottom = found.bbox[2], found.bbox[3]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None and (r, c) not in covered:
                box = (columns[c], tops[r], (columns + [right])[c + 1], (tops + [bottom])[r + 1])
                row[c] = _text_in(found.page.chars, box)
    return rows


def _covered_positions(cells: list[BBox], columns: list[float], tops: list[float]) -> set[tuple[int, int]]:
    covered: set[tuple[int, int]] = set()
    for x0, top, x1, bottom in cells:
        first_column, first_row = bisect_left(columns, x0), bisect_left(tops, top)
        spanned_columns = range(first_column, bisect_left(columns, x1 - 0.5))
        spanned_rows = range(first_row, bisect_left(tops, bottom - 0.5))
        covered.update((r, c) for r in spanned_rows for c in spanned_columns)
        covered.discard((first_row, first_column))
    return covered


def _text_in(chars: list[dict], box: BBox) -> str:
    x0, top, x1, bottom = box
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom]
    return extract_text(inside) if inside else ""


# ---------------------------------------------------------------- pages into blocks


class _Assembler:
    """Puts pages together: paragraphs and tables that run over a page break are joined."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.paragraphs = ParagraphJoiner(blocks)
        self.margins: Margins | None = None
        self.last_table: _PageTable | None = None  # the last block, while it is a table

    def add_scanned_page(self, items: list[Line | Table]) -> None:
        from .ocr import add_page

        add_page(self.blocks, self.paragraphs, items)
        self.last_table = None

    def add_page(self, page: _Page) -> None:
        # A page of a table and a heading has no margins of its own: the last text page's hold.
        self.margins = page_margins(page.lines) or self.margins
        items: list[Line | _PageTable] = sorted([*page.lines, *page.tables], key=lambda item: item.top)
        for index, item in enumerate(items):
            if isinstance(item, Line):
                self.paragraphs.add(item, self.margins)
                self.last_table = None
                continue
            if index == 0 and self.last_table is not None and _continues(self.last_table, item):
                _append_continuation(self.last_table, item)
            else:
                self.blocks.append(item.table)
                self.last_table = item
            self.paragraphs.close()


def _continues(previous: _PageTable, table: _PageTable) -> bool:
    """Same columns, or the columns of one are a subset of the other's (spans differ by page)."""
    if len(previous.inner_edges) == len(table.inner_edges):
        return True
    fewer, more = sorted((previous.inner_edges, table.inner_edges), key=len)
    return all(any(abs(edge - other) <= _EDGE_TOLERANCE for other in more) for edge in fewer)


def _append_continuation(previous: _PageTable, continued: _PageTable) -> None:
    if len(previous.inner_edges) != len(continued.inner_edges):
        wider = max(previous.inner_edges, continued.inner_edges, key=len)
        for part in (previous, continued):
            part.table.rows = _widened(part.table.rows, part.inner_edges, wider)
            part.inner_edges = wider
    rows = continued.table.rows[_repeated_header_rows(previous.table.rows, continued.table.rows):]
    if rows:
        _mend_cut_spans(previous.table.rows[-1], rows)
    previous.table.rows.extend(rows)


def _widened(rows: list[list[Cell]], edges: list[float], wider: list[float]) -> list[list[Cell]]:
    """Rows re-cut to more columns: a cell over several of them becomes a span."""
    starts = [0] + [1 + min(range(len(wider)), key=lambda i: abs(wider[i] - edge)) for edge in edges]
    spans = [end - start for start, end in zip(starts, starts[1:] + [len(wider) + 1])]
    return [[cell for span, first in zip(spans, row) for cell in [first] + [Cell("", True)] * (span - 1)] for row in rows]


def _repeated_header_rows(rows: list[list[Cell]], continued: list[list[Cell]]) -> int:
    """How many of the continuation's first rows repeat the table's first rows."""
    count = 0
    while count < min(len(rows) - 1, len(continued)) and _same_row(rows[count], continued[count]):
        count += 1
    return count


def _same_row(row: list[Cell], other: list[Cell]) -> bool:
    texts = [cell.text for cell in row]
    return any(texts) and texts == [cell.text for cell in other]


def _mend_cut_spans(above: list[Cell], rows: list[list[Cell]]) -> None:
    """A cell spanning rows that the page break cut in two: the second half is a span again.

    pdfplumber gives that half as an empty cell, or with the rest of a label broken at the
    break ('（四）无' above, '法提供' below).
    """
    first, below = rows[0], rows[1] if len(rows) > 1 else None
    for c, cell in enumerate(first):
        spans_down = below is not None and below[c].merged
        if cell.merged:
            continue
        if not cell.text and (above[c].merged or spans_down):
            first[c] = Cell("", True)
        elif spans_down and _is_label(above[c]) and _is_label(cell) and not starts_item(cell.text):
            above[c] = Cell(join_wrapped(above[c].text, cell.text))
            first[c] = Cell("", True)


def _is_label(cell: Cell) -> bool:
    return not cell.merged and bool(_CJK.search(cell.text))


# ---------------------------------------------------------------- metadata


def _info_title(pdf: pdfplumber.PDF) -> str | None:
    """The Title of the document information, when it has Chinese text beyond the bare name
    of the report (which WPS templates carry into every report made from them)."""
    for info in pdf.doc.info:
        title = _decoded(resolve1(info.get("Title")))
        if title and _CJK.search(_GENERIC_TITLE.sub("", title)):
            return " ".join(title.split())
    return None


def _decoded(raw: object) -> str | None:
    """PDF strings should be PDFDocEncoding or UTF-16BE; Chinese producers also write
    UTF-16LE with its byte-order mark, UTF-8 and GBK."""
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes):
        return None
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le", errors="replace")
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return decode_text(raw)
