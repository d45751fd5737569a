"""The official tables of a generated report in the shapes real documents come in, with known truth.

Built on ``reportgen``: a ``ReportSpec`` (``make_spec``) is drawn as a crawler's text dump with one
cell per line, a page dump with every row's cells run together, HTML with tables cut into pieces,
HTML with the quirks people type, Word/Writer-exported HTML, and a PDF whose tables have no
ruling lines. Each renderer is ``render_<shape>(spec, rng) -> (filename, bytes)`` in ``SHAPES``;
``truth(shape, spec)`` is ``reportgen.expected(spec)`` adjusted where the shape by design loses
information, with the adjusted cells and the reason in ``Truth.unknowable``.

    python tests/shapes.py OUTDIR --count N     # N files of every shape, with NAME.truth.json
"""

from __future__ import annotations

import argparse
import html
import io
import itertools
import json
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reportgen as rg  # noqa: E402
from reportgen import (APPEAL_COLUMNS, APPEAL_GROUPS, REQUEST_COLUMNS, Cell, Grid, Paragraph,  # noqa: E402
                       ReportSpec, TableBlock)

Number = int | float
Renderer = Callable[[ReportSpec, random.Random], tuple[str, bytes]]

_DIGITS = re.compile(r"^[0-9]+$")
# A printed value: signed, decimal, with a unit, full-width digits folded first (the shapes' own reading).
_VALUE = re.compile(r"^(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?)(?:万元|元|件|项)?$")
_LABEL_START = re.compile(r"^(?:[（(][一二三四五六七八九十][）)]|[一二三四五六]、|[0-9]+[.、．])")


def number(text: str) -> Number | None:
    """The value a printed cell stands for: 无 is 0, blanks and marks are None (None for non-numbers too)."""
    text = text.translate(_FOLD).replace(",", "").strip()
    if text == "无":
        return 0
    match = _VALUE.match(text)
    if not match:
        return None
    digits = match.group(1)
    return float(digits) if "." in digits else int(digits)


_FOLD = str.maketrans("０１２３４５６７８９－", "0123456789-")


# ---------------------------------------------------------------- truth


@dataclass
class Truth:
    """What the parser must give for one rendering; ``unknowable`` names cells the shape lost (key -> why)."""

    expected: dict[str, object]
    unknowable: dict[str, str] = field(default_factory=dict)

    def forget(self, table: str, row: str, column: str, why: str) -> None:
        self.expected[table][row][column] = None
        self.unknowable[f"{table}.{row}.{column}"] = why


def truth(shape: str, spec: ReportSpec) -> Truth:
    """``reportgen.expected(spec)`` as this shape can carry it."""
    # Without ruling lines, or in tab text, a merged 0 is printed once and its span is not shown.
    hidden = shape == "ruleless_pdf" or shape == "quirks" and not draw_quirks(random.Random(f"quirks-{spec.seed}")).html
    found = Truth(rg.expected(spec, spans_shown=not hidden))
    if hidden:
        _forget_merged(found, spec)
    if shape == "run_together":
        _forget_unsplittable(found, spec)
    elif shape == "cell_lines":
        _forget_unexpandable_merges(found, spec)
    return found


def _forget_merged(found: Truth, spec: ReportSpec) -> None:
    for run in spec.merged_runs:
        for column in run.covered:
            found.forget("requests", run.row, column, "a merged 0 printed once in text: its other cells read blank")


def _forget_unexpandable_merges(found: Truth, spec: ReportSpec) -> None:
    for run in spec.merged_runs:
        tokens = [cell.text for cell in rg._request_values(spec, run.row)]
        truth_row = [found.expected["requests"][run.row][c] for c in REQUEST_COLUMNS]
        if len(expansions(tokens, "requests")) > 1:
            for column, _ in zip(REQUEST_COLUMNS, truth_row):
                found.forget("requests", run.row, column, "merged cells printed once: more than one expansion adds up")


# ---------------------------------------------------------------- row identities and the ways to read a row

# (members, total) positions of each identity inside one table row.
ROW_IDENTITIES = {
    "requests": (((0, 1, 2, 3, 4, 5), 6),),
    "appeals": tuple((tuple(range(5 * g, 5 * g + 4)), 5 * g + 4) for g in range(3)),
    "proactive": (),
}
TABLE_BY_WIDTH = {4: "proactive", 10: "requests", 15: "appeals"}


def row_holds(table: str, values: list[Number | None]) -> bool:
    return all(sum(values[i] or 0 for i in members) == (values[total] or 0)
               for members, total in ROW_IDENTITIES[table])


def expansions(tokens: list[str], table: str, width: int | None = None) -> list[list[Number | None]]:
    """Every way a row of collapsed tokens (identical neighbours printed once) fills ``width``
    columns with no two neighbouring runs equal, that satisfies the row's identities."""
    width = width or {"requests": 7, "appeals": 15}.get(table, 3)
    values = [number(t) for t in tokens]
    found = []
    for cuts in itertools.combinations(range(1, width), len(tokens) - 1):
        lengths = [b - a for a, b in zip((0, *cuts), (*cuts, width))]
        row = [v for v, n in zip(values, lengths) for _ in range(n)]
        if row_holds(table, row):
            found.append(row)
    return found


def collapsed(tokens: list[str]) -> list[str]:
    return [token for token, _ in itertools.groupby(tokens)]


# ---------------------------------------------------------------- shared pieces of the text dumps


def dump_header(spec: ReportSpec) -> list[str]:
    """The head a crawl archive writes above each page's text."""
    return [f"标题: {spec.title}", f"发布时间: {spec.published.isoformat()} 09:30", "文号: ",
            f"发布机构: {spec.agency}", "栏目: 政府信息公开年报", "正文:"]


def table_of(block: TableBlock) -> str:
    return TABLE_BY_WIDTH[rg.grid_width(block.rows)]


def row_cells(row: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """(label cells, value cells) of one grid row, in reading order."""
    return [c for c in row if c.label], [c for c in row if not c.label]


# ---------------------------------------------------------------- cell_lines


def render_cell_lines(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """One text node a line, as crawlers that walk the DOM save a page: labels broken over lines,
    now and then a number's digits over two lines, identical neighbouring cells printed once."""
    lines = dump_header(spec)
    for text, labels, values, table in dump_parts(spec):
        if text is not None:
            lines.append(text)
            continue
        for cell in labels:
            lines.extend(broken_label(cell.text, rng))
        lines.extend(value_lines([blank_marked(c.text) for c in values], table, rng))
    return f"r{spec.seed:04d}-cell_lines.txt", ("\n".join(lines) + "\n").encode("utf-8")


def dump_parts(spec: ReportSpec) -> Iterator[tuple[str | None, list[Cell], list[Cell], str]]:
    """The document in reading order for a text dump: (paragraph, [], [], "") or (None, a row's
    label cells, its value cells, its table)."""
    for block in rg.document_blocks(spec):
        if isinstance(block, Paragraph):
            yield block.text, [], [], ""
            continue
        for row in block.rows:
            yield None, *row_cells(row), table_of(block)


def blank_marked(text: str) -> str:
    """An empty cell leaves no text node at all; a dump keeps it only when it holds a mark."""
    return text or "—"


def broken_label(text: str, rng: random.Random) -> list[str]:
    """A label cell as the text nodes Word HTML splits it into."""
    if "\n" in text:
        return text.split("\n")
    if text == "本年增/减":
        return ["本年增", "/", "减"]
    choice = rng.random()
    if len(text) <= 4 and choice < 0.2:
        return list(text)
    head = _LABEL_START.match(text)
    if head and choice < 0.6:
        return [text[:head.end()], *_cut(text[head.end():], rng, rng.randint(0, 1))]
    return _cut(text, rng, rng.choice((0, 0, 1, 2)))


def _cut(text: str, rng: random.Random, breaks: int) -> list[str]:
    """``text`` cut at ``breaks`` random points, never leaving a piece that reads as a number."""
    points = sorted(rng.sample(range(1, len(text)), k=min(breaks, len(text) - 1))) if len(text) > 1 else []
    pieces = [text[a:b] for a, b in zip((0, *points), (*points, len(text)))]
    return [text] if any(_DIGITS.match(p.translate(_FOLD)) for p in pieces) else pieces


def value_lines(tokens: list[str], table: str, rng: random.Random) -> list[str]:
    choice = rng.random()
    if choice < 0.35:
        shorter = collapsed(tokens)
        if shorter != tokens and len(expansions(shorter, table, _width(table, tokens))) == 1:
            return shorter
    elif choice < 0.5 and table != "proactive":
        return split_digits(tokens, table, rng)
    return tokens


def _width(table: str, tokens: list[str]) -> int:
    return {"requests": 7, "appeals": 15}.get(table, len(tokens))


def split_digits(tokens: list[str], table: str, rng: random.Random) -> list[str]:
    """One number's digits over two lines (`1` / `62` for 162), when only its own joining adds up."""
    long = [i for i, t in enumerate(tokens) if _DIGITS.match(t) and len(t) >= 2]
    if len(tokens) != _width(table, tokens) or not long:
        return tokens
    index = rng.choice(long)
    cut = rng.randint(1, len(tokens[index]) - 1)
    split = [*tokens[:index], tokens[index][:cut], tokens[index][cut:], *tokens[index + 1:]]
    return split if _joinings(split, table) == [index] else tokens


def _joinings(tokens: list[str], table: str) -> list[int]:
    """Positions i where joining tokens i and i+1 gives a row whose identities hold."""
    found = []
    for i in range(len(tokens) - 1):
        joined = tokens[i] + tokens[i + 1]
        if not (_DIGITS.match(tokens[i]) and _DIGITS.match(tokens[i + 1])) or number(joined) is None:
            continue
        row = [number(t) for t in [*tokens[:i], joined, *tokens[i + 2:]]]
        if row_holds(table, row):
            found.append(i)
    return found


# ---------------------------------------------------------------- run_together


def render_run_together(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """A page dump whose body is one line: prose, labels and every row's values with nothing
    between them (`一、本年新收政府信息公开申请数量21710000218`), spaces only beside label text."""
    pieces: list[str] = []
    for text, labels, values, _ in dump_parts(spec):
        if text is not None:
            pieces.append(text)
            continue
        pieces.extend(_spaced(cell.text.replace("\n", ""), rng) for cell in labels)
        pieces.append("".join(cell.text for cell in values))
    head = [*dump_header(spec)[:-1], "=" * 20 + " 正文 " + "=" * 20]
    body = "当前位置： 首页政务公开政府信息公开政府信息公开年报 " + "".join(pieces) + " 附件下载"
    return f"r{spec.seed:04d}-run_together.page.txt", ("\n".join([*head, body]) + "\n").encode("utf-8")


def _spaced(label: str, rng: random.Random) -> str:
    """Page dumps keep a space where the HTML had a line break inside or before a label."""
    choice = rng.random()
    if choice < 0.1:
        return " " + label
    if choice < 0.15 and len(label) >= 4:
        middle = len(label) // 2
        return f"{label[:middle]} {label[middle:]}"
    return label


def value_rows(spec: ReportSpec) -> Iterator[tuple[str, str, tuple[str, ...], list[str]]]:
    """(table, row key, columns, printed texts) of every value row, as the grids print them."""
    for item, metrics in rg.PROACTIVE_LAYOUT[spec.template].items():
        yield "proactive", item, metrics, [spec.text("proactive", item, m) for m in metrics]
    for row in spec.request_rows:
        yield "requests", row, REQUEST_COLUMNS, [cell.text for cell in rg._request_values(spec, row)]
    columns = [f"{g}.{c}" for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    yield "appeals", "", tuple(columns), [spec.text("appeals", g, c) for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]


def _forget_unsplittable(found: Truth, spec: ReportSpec) -> None:
    """Cells whose boundaries no identity can recover: more than one split of the row's digits
    satisfies every identity (or none does: a misprinted total proves nothing)."""
    candidates: dict[str, list[tuple[Number, ...]]] = {}
    for table, row, columns, texts in value_rows(spec):
        real = tuple(number(t) for t in texts)
        if any(not t for t in texts) or len(texts) != len(columns):
            options: list[tuple[Number, ...]] = []  # an empty or merged cell leaves no trace
        else:
            options = splits("".join(texts), len(texts), table, limit=64)
        if table == "requests":
            candidates[row] = options if real in options else []
        elif options != [real]:
            _forget_differing(found, table, row, columns, options if real in options else [])
    _forget_request_cells(found, spec, candidates)


def _forget_differing(found: Truth, table: str, row: str, columns: tuple[str, ...],
                      options: list[tuple[Number, ...]]) -> None:
    """Forget the cells on which the row's possible splits disagree (all of them when none is right)."""
    why = ("more than one split of the run-together digits fits" if options
           else "no split of the run-together digits satisfies the printed totals")
    for index, column in enumerate(columns):
        if len({option[index] for option in options}) != 1:
            group, _, key = column.rpartition(".")
            found.forget(table, group or row, key if group else column, why)


def splits(digits: str, parts: int, table: str, limit: int) -> list[tuple[Number, ...]]:
    """Ways to cut ``digits`` into ``parts`` printed values satisfying the row's identities (at most ``limit``)."""
    totals = {total: members for members, total in ROW_IDENTITIES[table]}
    found: list[tuple[Number, ...]] = []

    def walk(start: int, values: tuple[Number, ...]) -> None:
        index = len(values)
        if len(found) >= limit or (index == parts) != (start == len(digits)):
            return
        if index == parts:
            found.append(values)
            return
        for end in range(start + 1, len(digits) - (parts - index - 1) + 1):
            value = number(digits[start:end])
            if value is None:
                continue
            if index in totals and value != sum(values[i] or 0 for i in totals[index]):
                continue
            walk(end, (*values, value))

    walk(0, ())
    return found


def _forget_request_cells(found: Truth, spec: ReportSpec, candidates: dict[str, list[tuple[Number, ...]]]) -> None:
    """Rows with several splits are settled by the column identities when only one choice fits."""
    rows = spec.request_rows
    open_rows = [row for row in rows if len(candidates[row]) != 1]
    real = {row: tuple(found.expected["requests"][row][c] for c in REQUEST_COLUMNS) for row in rows}
    fixed = {row: candidates[row][0] for row in rows if row not in open_rows}
    choices = [candidates[row] for row in open_rows]
    if not open_rows:
        return
    fits = []
    if all(choices) and _product_size(choices) <= 20000:
        for pick in itertools.product(*choices):
            table = fixed | dict(zip(open_rows, pick))
            if _columns_hold(rows, table):
                fits.append(dict(zip(open_rows, pick)))
    for row in open_rows:
        for index, column in enumerate(REQUEST_COLUMNS):
            seen = {fit[row][index] for fit in fits}
            if seen != {real[row][index]}:
                why = "the split of this row is not the only one the table's identities allow"
                found.forget("requests", row, column, why)


def _product_size(choices: list[list[object]]) -> int:
    size = 1
    for options in choices:
        size *= len(options)
    return size


def _columns_hold(rows: tuple[str, ...], table: dict[str, tuple[Number, ...]]) -> bool:
    results = rows[2:-2]
    for c in range(len(REQUEST_COLUMNS)):
        value = {row: table[row][c] or 0 for row in rows}
        if value["new"] + value["carried_over"] != value["total"] + value["carried_forward"]:
            return False
        if sum(value[row] for row in results) != value["total"]:
            return False
    return True


# ---------------------------------------------------------------- HTML pages


def page_with_body(spec: ReportSpec, body: str) -> bytes:
    """reportgen's TRS page with another article body in its div.TRS_Editor."""
    page = rg.render_html_trs(spec).decode("utf-8")
    start = page.index('<div class="TRS_Editor">') + len('<div class="TRS_Editor">')
    end = page.index("</div>\n</div>\n<div class=\"footer\">")
    return (page[:start] + "\n" + body + "\n" + page[end:]).encode("utf-8")


TABLE_ATTRS = 'border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse: collapse;"'


def _plain_cell(cell: Cell) -> str:
    return rg._cell_lines_html(cell.text) if cell.text else "&nbsp;"


def body_html(blocks: list[rg.Block], table_html: Callable[[TableBlock], str]) -> str:
    parts = []
    for block in blocks:
        if isinstance(block, TableBlock):
            parts.append(table_html(block))
        elif block.role == "heading":
            parts.append(f"<p><strong>{html.escape(block.text)}</strong></p>")
        else:
            parts.append(f'<p style="text-indent: 2em;">{html.escape(block.text)}</p>')
    return "\n".join(parts)


# ---------------------------------------------------------------- split_tables


def render_split_tables(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """Every official table cut into several <table>s, each piece with the header rows again,
    and the appeals table printed as two tables side by side (review | litigation)."""
    def table_html(block: TableBlock) -> str:
        table = table_of(block)
        if table == "appeals":
            return side_by_side_appeals(spec, rng)
        pieces = [block.rows] if table == "proactive" else cut_with_header(block.rows, 3, rng)
        return "\n".join(rg._html_table(piece, _plain_cell, TABLE_ATTRS) for piece in pieces)

    blocks = rg.document_blocks(replace(spec, style=replace(spec.style, split_proactive=True)), title=False)
    return f"r{spec.seed:04d}-split_tables.html", page_with_body(spec, body_html(blocks, table_html))


def cut_with_header(grid: Grid, header_rows: int, rng: random.Random) -> list[Grid]:
    """The data rows cut in 2 or 3 pieces at random rows, each piece under the header rows."""
    data_rows = range(header_rows + 1, len(grid))
    cuts = sorted(rng.sample(data_rows, k=rng.choice((1, 2))))
    bounds = list(zip((header_rows, *cuts), (*cuts, len(grid))))
    return [slice_grid(grid, 0, header_rows) + slice_grid(grid, start, end) for start, end in bounds]


def slice_grid(grid: Grid, start: int, end: int) -> Grid:
    """Rows start..end of a grid: a cell spanning into the slice from above starts again at its
    first row (with its text, as a table continued on the next page repeats it)."""
    rows: Grid = [[] for _ in range(end - start)]
    for r, _, cell in rg.place(grid):
        top, bottom = max(r, start), min(r + cell.rowspan, end)
        if top < bottom:
            rows[top - start].append(replace(cell, rowspan=bottom - top))
    return rows


def side_by_side_appeals(spec: ReportSpec, rng: random.Random) -> str:
    values = [Cell(spec.text("appeals", g, c)) for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    labels = [rg._label(text) for text in rg.APPEAL_RESULT_LABELS]
    review = [[rg._label("行政复议", colspan=5)], labels, values[:5]]
    litigation = [[rg._label("行政诉讼", colspan=10)],
                  [rg._label("未经复议直接起诉", colspan=5), rg._label("复议后起诉", colspan=5)],
                  labels * 2, values[5:]]
    left, right = (rg._html_table(grid, _plain_cell, 'border="1" cellspacing="0"') for grid in (review, litigation))
    if rng.random() < 0.5:
        return f'<table width="100%"><tr><td valign="top">{left}</td><td valign="top">{right}</td></tr></table>'
    return (f'<div style="overflow:hidden;"><div style="float:left;width:34%;">{left}</div>'
            f'<div style="float:left;width:66%;">{right}</div></div>')


# ---------------------------------------------------------------- quirks

# Label typos and variants seen in real reports: (pattern, replacement), each taken or not per report.
LABEL_QUIRKS = (
    (r"予以公开", "予以公布"), (r"结转下年度", "结转下一年度"), (r"([（(]七[）)])总计", r"\1合计"),
    (r"^其他$", "其它"), (r"^([0-9][.、．])其他$", r"\1其它"), (r"其他处理", "其它处理"),
    (r"其他法律行政法规禁止公开", "其他法律行政止公开"), (r"^([0-9])[.．]", r"\1、"),
)
HEADING_TYPO = ("行政复议、行政诉讼情况", "行政法复议、行政诉讼情况")


@dataclass(frozen=True)
class Quirks:
    labels: tuple[tuple[str, str], ...]
    heading_typo: bool
    thousands: bool
    blank: str
    wan_yuan: bool
    html: bool


def draw_quirks(rng: random.Random) -> Quirks:
    return Quirks(labels=tuple(q for q in LABEL_QUIRKS if rng.random() < 0.6), heading_typo=rng.random() < 0.5,
                  thousands=rng.random() < 0.6, blank=rng.choice("—/"), wan_yuan=rng.random() < 0.5,
                  html=rng.random() < 0.75)


def render_quirks(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """Label typos and variants, a heading typo, a colspan on a value instead of its header, zeros
    merged across columns, and numbers as people write them (1,234 / 20件 / ０ / — / 12.50万元)."""
    quirks = draw_quirks(rng)
    blocks = [_quirky_block(block, quirks, rng) for block in rg.document_blocks(spec, title=False)]
    if not quirks.html:
        lines = [spec.title, *(line for block in blocks for line in _tab_lines(block))]
        return f"r{spec.seed:04d}-quirks.txt", ("\n".join(lines) + "\n").encode("utf-8")
    body = body_html(blocks, lambda block: rg._html_table(block.rows, _plain_cell, TABLE_ATTRS))
    return f"r{spec.seed:04d}-quirks.html", page_with_body(spec, body)


def _tab_lines(block: rg.Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [block.text]
    return ["\t".join(text.replace("\n", "") for text in row) for row in rg.expand(block.rows)]


def _quirky_block(block: rg.Block, quirks: Quirks, rng: random.Random) -> rg.Block:
    if isinstance(block, Paragraph):
        typo = quirks.heading_typo and block.role == "heading"
        return replace(block, text=block.text.replace(*HEADING_TYPO)) if typo else block
    rows = [[_quirky_cell(cell, quirks, rng) for cell in row] for row in block.rows]
    if table_of(block) == "proactive":
        rows = [[_header_without_span(cell) for cell in row] for row in rows]
    elif table_of(block) == "requests" and quirks.html:
        for index in rng.sample(range(3, len(rows)), k=rng.randint(1, 3)):
            rows[index] = merge_zero_run(rows[index])
    return TableBlock(rows, block.header_rows)


def _quirky_cell(cell: Cell, quirks: Quirks, rng: random.Random) -> Cell:
    if cell.label:
        text = cell.text
        for pattern, variant in quirks.labels:
            text = re.sub(pattern, variant, text)
        if 2 <= len(text) <= 4 and "\n" not in text and rng.random() < 0.3:
            text = " ".join(text)
        return replace(cell, text=text)
    return replace(cell, text=_written_number(cell.text, quirks, rng))


def _written_number(text: str, quirks: Quirks, rng: random.Random) -> str:
    value = number(text)
    if value is None:
        return quirks.blank
    if isinstance(value, float):
        return text + "万元" if quirks.wan_yuan and not text.endswith("元") else text
    if value >= 1000 and quirks.thousands:
        return f"{value:,}"
    if value > 0 and rng.random() < 0.1:
        return f"{value}件"
    return text.translate(rg.FULLWIDTH_DIGITS) if rng.random() < 0.08 else text


def _header_without_span(cell: Cell) -> Cell:
    """Table 二's metric headers in one column while their values keep the span (a ragged header row)."""
    is_metric = cell.label and cell.colspan > 1 and not cell.text.startswith("第二十条")
    return replace(cell, colspan=1) if is_metric else cell


def merge_zero_run(row: list[Cell]) -> list[Cell]:
    """The longest run of neighbouring zero value cells printed as one merged 0."""
    best, start = (0, 0), None
    for index, cell in enumerate([*row, Cell("x", label=True)]):
        zero = not cell.label and cell.colspan == 1 and number(cell.text) == 0 and cell.text.strip() != ""
        if zero and start is None:
            start = index
        elif not zero and start is not None:
            best, start = max(best, (index - start, start)), None
    length, first = best
    if length < 2:
        return row
    return [*row[:first], Cell(row[first].text, colspan=length), *row[first + length:]]


# ---------------------------------------------------------------- exported_html

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
<style>
p.MsoNormal, li.MsoNormal, div.MsoNormal {{mso-style-parent:""; margin:0cm; text-align:justify;
 text-justify:inter-ideograph; font-size:10.5pt; font-family:等线; mso-font-kerning:1.0pt;}}
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
"""


def render_exported_html(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """The report saved as HTML by Writer (LibreOffice, for real) or by Word (its markup:
    MsoNormal paragraphs inside cells, mso- styles, <o:p>, a phantom grid column)."""
    if rng.random() < 0.5:
        return f"r{spec.seed:04d}-exported-writer.html", writer_html(spec)
    return f"r{spec.seed:04d}-exported-word.html", word_html(spec, rng)


def writer_html(spec: ReportSpec) -> bytes:
    with tempfile.TemporaryDirectory(prefix="shapes-lo-") as staging:
        source = Path(staging) / f"r{spec.seed:04d}.docx"
        source.write_bytes(rg.render_docx(spec))
        (converted,) = rg.convert_with_libreoffice([source], "html", Path(staging) / "out")
        return converted.read_bytes()


def word_html(spec: ReportSpec, rng: random.Random) -> bytes:
    parts = [WORD_HEAD.format(title=html.escape(spec.title))]
    for block in rg.document_blocks(spec):
        if isinstance(block, Paragraph):
            parts.append(_word_paragraph(block))
        else:
            grid = with_phantom_column(block.rows, rng) if table_of(block) == "requests" else block.rows
            parts.append(_word_table(grid))
    parts.append("</div>\n</body>\n</html>\n")
    return "".join(parts).encode("gb18030")


def _word_runs(text: str, size: str) -> str:
    """Word's runs: Latin text (digits) in <span lang=EN-US>, Chinese in a font span."""
    runs = []
    for latin, chunk in itertools.groupby(text, key=lambda ch: ch.isascii()):
        chunk = html.escape("".join(chunk))
        style = f"font-size:{size};mso-bidi-font-size:11.0pt"
        runs.append(f"<span lang=EN-US style='{style}'>{chunk}</span>" if latin
                    else f"<span style='{style};font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>{chunk}</span>")
    return "".join(runs)


def _word_paragraph(block: Paragraph) -> str:
    align = {"title": " align=center style='text-align:center'", "signature": " align=right style='text-align:right'"}
    attrs = align.get(block.role, " style='text-indent:24.0pt;mso-char-indent-count:2.0'")
    return f"<p class=MsoNormal{attrs}>{_word_runs(block.text, '12.0pt')}<span lang=EN-US><o:p></o:p></span></p>\n"


def _word_table(grid: Grid) -> str:
    rows = []
    for index, row in enumerate(grid):
        cells = []
        for cell in row:
            spans = (f" colspan={cell.colspan}" if cell.colspan > 1 else "") + (f" rowspan={cell.rowspan}" if cell.rowspan > 1 else "")
            lines = cell.text.split("\n") if cell.text else [""]
            inner = "".join(f"<p class=MsoNormal align=center style='text-align:center'>{_word_runs(line, '9.0pt')}"
                            f"<span lang=EN-US style='font-size:9.0pt'><o:p>{'' if line else '&nbsp;'}</o:p></span></p>"
                            for line in lines)
            cells.append(f"<td width={38 * cell.colspan}{spans} valign=center style='border:solid windowtext 1.0pt;"
                         f"border-top:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>{inner}</td>")
        rows.append(f"<tr style='mso-yfti-irow:{index}'>{''.join(cells)}</tr>")
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
            f"border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>{''.join(rows)}</table>\n"
            "<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>\n")


def with_phantom_column(grid: Grid, rng: random.Random) -> Grid:
    """One more grid column between two organisation columns, as Word writes when a cell edge
    drifts by a hair in one row: every row spans the thin column, one data row starts a cell in it."""
    boundary = rng.randint(2, 5) + 3          # the grid column right of the drifting edge
    drifting = rng.randrange(3, len(grid))
    rows: Grid = [[] for _ in grid]
    for r, c, cell in rg.place(grid):
        end = c + cell.colspan
        widen = (c < boundary < end) or (c == boundary and r != drifting) or (end == boundary and r == drifting)
        rows[r].append(replace(cell, colspan=cell.colspan + 1) if widen else cell)
    return rows


# ---------------------------------------------------------------- ruleless_pdf

FONT = "WenQuanYi Micro Hei"  # embedded, as offices' PDFs embed their fonts (Debian's fonts-wqy-microhei)
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595.27, 841.89, 64.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
COLUMN_POINTS = {4: (137.0, 110.0, 110.0, 110.0), 10: (36.0, 44.0, 117.0, *(270.0 / 7,) * 7), 15: (TEXT_WIDTH / 15,) * 15}
PAD = 3.0


class PdfWriter:
    """Lines of text placed on A4 pages with reportlab, top to bottom, no ruling lines anywhere."""

    def __init__(self, rng: random.Random) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            path = subprocess.run(["fc-match", "-f", "%{file}", FONT], capture_output=True, text=True, check=True).stdout
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
        self.width_of = lambda text, size: pdfmetrics.stringWidth(text, FONT, size)
        self.out = io.BytesIO()
        self.canvas = canvas.Canvas(self.out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
        self.y = PAGE_HEIGHT - MARGIN
        self.rng = rng

    def room(self, height: float) -> bool:
        return self.y - height >= MARGIN

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = PAGE_HEIGHT - MARGIN

    def wrap(self, text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
        lines, line = [], ""
        for char in text:
            limit = width - (indent if not lines else 0)
            if line and self.width_of(line + char, size) > limit:
                lines.append(line)
                line = ""
            line += char
        return [*lines, line] if line or not lines else lines

    def text(self, x: float, baseline: float, text: str, size: float, align: str = "left") -> None:
        self.canvas.setFont(FONT, size)
        {"left": self.canvas.drawString, "center": self.canvas.drawCentredString,
         "right": self.canvas.drawRightString}[align](x, baseline, text)

    def paragraph(self, block: Paragraph) -> None:
        size = {"title": 16.0, "heading": 12.0}.get(block.role, 11.0)
        indent = 2 * size if block.role == "body" else 0.0
        lead = size * 1.7
        for index, line in enumerate(self.wrap(block.text, TEXT_WIDTH, size, indent)):
            if not self.room(lead):
                self.new_page()
            self.y -= lead
            if block.role == "title":
                self.text(PAGE_WIDTH / 2, self.y, line, size, "center")
            elif block.role == "signature":
                self.text(PAGE_WIDTH - MARGIN, self.y, line, size, "right")
            else:
                self.text(MARGIN + (indent if index == 0 else 0), self.y, line, size)
        self.y -= size * 0.4

    def finish(self) -> bytes:
        self.canvas.save()
        return self.out.getvalue()


@dataclass
class _Placed:
    column: int
    cell: Cell
    lines: list[str]


def render_ruleless_pdf(spec: ReportSpec, rng: random.Random) -> tuple[str, bytes]:
    """A PDF whose tables are text set in columns with no ruling lines (a spreadsheet printed
    without borders, or a Word table with borders none): spans top-aligned, values centred in
    their columns, wrapped labels, header rows repeated after a page break now and then."""
    writer = PdfWriter(rng)
    valign = rng.choice(("top", "middle"))
    repeat_header = rng.random() < 0.5
    for block in rg.document_blocks(spec):
        if isinstance(block, Paragraph):
            writer.paragraph(block)
        else:
            draw_table(writer, block, valign, repeat_header)
            writer.y -= 12
    return f"r{spec.seed:04d}-ruleless.pdf", writer.finish()


TABLE_SIZE, TABLE_LEAD = 8.5, 11.0


def draw_table(writer: PdfWriter, block: TableBlock, valign: str, repeat_header: bool) -> None:
    widths = COLUMN_POINTS[rg.grid_width(block.rows)]
    edges = [MARGIN + sum(widths[:i]) for i in range(len(widths) + 1)]
    table = table_of(block)
    rows: list[list[_Placed]] = [[] for _ in block.rows]
    for r, c, cell in rg.place(block.rows):
        # A zero merged over request columns is drawn in its first column: no rule shows the span.
        span = 1 if table == "requests" and not cell.label else cell.colspan
        width = edges[c + span] - edges[c] - 2 * PAD
        rows[r].append(_Placed(c, replace(cell, colspan=span), _cell_lines(writer, cell, width)))
    heights = _row_heights(rows)
    header = block.header_rows or (3 if table == "requests" else 0)
    for r, row in enumerate(rows):
        if not writer.room(heights[r]):
            writer.new_page()
            if repeat_header and r > header:
                for h in range(header):
                    _draw_row(writer, rows[h], heights[h], edges, valign)
        _draw_row(writer, row, heights[r], edges, valign)


def _cell_lines(writer: PdfWriter, cell: Cell, width: float) -> list[str]:
    """A label wraps to its cell's width; a number is never broken (it runs into the padding)."""
    if "\n" in cell.text:
        return cell.text.split("\n")
    return writer.wrap(cell.text, width, TABLE_SIZE) if cell.label else [cell.text]


def _row_heights(rows: list[list[_Placed]]) -> list[float]:
    heights = [max([len(p.lines) for p in row if p.cell.rowspan == 1] or [1]) * TABLE_LEAD + 2 * PAD for row in rows]
    for r, row in enumerate(rows):
        for placed in row:
            need = len(placed.lines) * TABLE_LEAD + 2 * PAD
            last = min(r + placed.cell.rowspan, len(rows)) - 1
            heights[last] += max(0.0, need - sum(heights[r:last + 1]))
    return heights


def _draw_row(writer: PdfWriter, row: list[_Placed], height: float, edges: list[float], valign: str) -> None:
    for placed in row:
        text_height = len(placed.lines) * TABLE_LEAD
        offset = (height - 2 * PAD - text_height) / 2 if valign == "middle" and placed.cell.rowspan == 1 else 0.0
        centre = (edges[placed.column] + edges[placed.column + placed.cell.colspan]) / 2
        for index, line in enumerate(placed.lines):
            baseline = writer.y - PAD - offset - TABLE_LEAD * (index + 1) + 2.5
            writer.text(centre, baseline, line, TABLE_SIZE, "center")
    writer.y -= height


# ---------------------------------------------------------------- all the shapes

SHAPES: dict[str, Renderer] = {
    "cell_lines": render_cell_lines,
    "run_together": render_run_together,
    "split_tables": render_split_tables,
    "quirks": render_quirks,
    "exported_html": render_exported_html,
    "ruleless_pdf": render_ruleless_pdf,
}
# The kinds of report each shape is drawn from (reportgen.make_spec flags), cycled through. Run-together
# text has no room for an empty cell (it would leave no trace), so that shape draws no blanks.
VARIANTS = ({}, {"blanks": True}, {"broken": True}, {"single_other": True})
SHAPE_VARIANTS = {shape: VARIANTS for shape in SHAPES} | {"run_together": ({}, {"broken": True}, {"single_other": True})}


def shape_specs(shape: str, count: int) -> list[ReportSpec]:
    """``count`` specs for one shape: both templates, every variant, seeds of their own per shape."""
    variants = SHAPE_VARIANTS[shape]
    offset = 1000 * (list(SHAPES).index(shape) + 1)
    specs = []
    for n in range(count):
        flags = variants[n % len(variants)]
        template = "2021" if flags.get("single_other") or (n // len(variants)) % 2 else "2019"
        specs.append(rg.make_spec(offset + n, template, **flags))
    return specs


def render(shape: str, spec: ReportSpec) -> tuple[str, bytes]:
    """One spec in one shape, its choices drawn from the spec's seed (the same file every time)."""
    return SHAPES[shape](spec, random.Random(f"{shape}-{spec.seed}"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write generated reports in every shape, each with NAME.truth.json.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=4, help="reports per shape")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for shape in SHAPES:
        for spec in shape_specs(shape, args.count):
            name, data = render(shape, spec)
            (args.outdir / name).write_bytes(data)
            found = truth(shape, spec)
            record = {"expected": found.expected, "unknowable": found.unknowable}
            (args.outdir / f"{name}.truth.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
    print(f"{args.count} reports in each of {len(SHAPES)} shapes: {args.outdir}")


if __name__ == "__main__":
    main()
