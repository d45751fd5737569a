"""HTML report pages (and the HTML that Word converters write) into the common form.

The page is decoded to text before lxml sees it: given raw bytes labelled gb2312, lxml stops
silently at the first character outside GB2312. It is parsed once; the report body is found by
the CMS containers or the six section headings, and walked without recursion into paragraphs
and tables, spans expanded into full grids. trafilatura reads the prose only when no body can
be found: its table output drops spans and blank rows, and its metadata pass alone costs more
than the whole DOM path (about 17 ms against 5 ms on a 100 KB page), so title and date come
from the DOM.
"""

from __future__ import annotations

import datetime
import functools
import re
from pathlib import Path
from typing import Iterator

import lxml.etree as etree
import lxml.html
from lxml.html import HtmlElement

from .document import Block, Cell, Document, Table
from .errors import ParseError

Element = etree._Element

# ---------------------------------------------------------------- decoding

_DECLARED_CHARSET = re.compile(rb"""<(?:meta[^>]+charset|\?xml[^>]+encoding)\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_GB_LABELS = frozenset({"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936",
                        "euc-cn", "x-euc-cn", "csgb2312", "chinese"})
_BIG5_LABELS = frozenset({"big5", "big5-hkscs", "big5hkscs", "cp950", "x-x-big5", "csbig5"})


def decode(data: bytes) -> str:
    """The page as text: UTF-8 if it is valid UTF-8, else the declared or detected Chinese charset.

    UTF-8 goes first although a charset may be declared: the label can lie (a template converted
    to UTF-8 that still says gb2312), while Chinese text in GBK is never valid UTF-8 by chance.
    """
    text, _ = _first_decoding(data)
    if "\ufffd" in text:
        retry = data.decode("gb18030", errors="replace")
        if retry.count("\ufffd") < text.count("\ufffd"):
            return retry
    return text


def page_encoding(data: bytes, likely: str | None = None) -> str:
    """The codec `decode` reads the page with first (the crawler re-decodes with it). ``likely``,
    the codec another page of the same site needed, is tried before detecting one: a site that
    mislabels one page mislabels them all, and detection costs a millisecond or two a page."""
    return _first_decoding(data, likely)[1]


def _first_decoding(data: bytes, likely: str | None = None) -> tuple[str, str]:
    for encoding in _candidate_encodings(data, likely):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace"), "gb18030"


def _candidate_encodings(data: bytes, likely: str | None = None) -> Iterator[str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield "utf-16"
    yield "utf-8-sig"
    declared = _DECLARED_CHARSET.search(data[:16384])
    if declared:
        label = _chinese_codec(declared.group(1).decode("ascii", "replace"))
        if label:
            yield label
    if likely:
        yield likely
    if _only_gb18030_reads(data):
        yield "gb18030"
    else:
        yield from filter(None, [_detected_codec(data)])


def _only_gb18030_reads(data: bytes) -> bool:
    """Whether GB18030 reads the bytes and Big5 does not. Detection (a millisecond or two a
    page) could then end only in GB18030: a Big5 answer would fail to decode, and a non-Chinese
    one falls back to GB18030."""
    try:
        data.decode("big5hkscs")
    except UnicodeDecodeError:
        pass
    else:
        return False
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _chinese_codec(label: str) -> str | None:
    """GB labels read as GB18030, their superset; a Western label on a Chinese page is a leftover."""
    label = label.lower()
    if label in _GB_LABELS:
        return "gb18030"
    return "big5hkscs" if label in _BIG5_LABELS else None


def _detected_codec(data: bytes) -> str | None:
    # charset-normalizer guesses cp949 (Korean) for short GBK snippets: only Chinese answers count.
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return _chinese_codec(best.encoding) if best else None


# ---------------------------------------------------------------- the tree

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# libxml2's HTML parser stops nesting here and silently drops what lies deeper.
_PARSER_DEPTH_LIMIT = 255
DEPTH_WARNING = f"page nested deeper than {_PARSER_DEPTH_LIMIT} levels: the HTML parser dropped the text below"


def _html_parser() -> etree.HTMLParser:
    """lxml.html's parser with the same element classes, looked up in C (for trafilatura).

    lxml.html's own lookup is a Python method called for every element proxy created: about a
    tenth of the time of walking a report page.
    """
    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity))
    classes = lookup.get_namespace(None)
    for name, element_class in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        classes[name] = element_class  # form, input, select, textarea, label
    parser = etree.HTMLParser()
    parser.set_element_class_lookup(lookup)
    return parser


# Pages are read as lxml's plain elements: an HtmlElement proxy is an instance of a Python
# subclass, which makes every element lxml hands out (every table cell) cost a third more.
# Only trafilatura needs lxml.html's classes, on pages where no report body is found.
_PARSER = etree.HTMLParser()
_LXML_HTML_PARSER = _html_parser()
_text_content = etree.XPath("string()", smart_strings=False)  # = lxml.html's text_content()


def parse_tree(text: str, parser: etree.HTMLParser = _PARSER) -> Element:
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise ParseError("empty page")
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ParseError(f"not readable as HTML ({error})") from None


# A report page is well under 1 MB; a tree of a page past this costs more than 500 MB.
MAX_PAGE_BYTES = 20 * 1024 * 1024


def extract(data: bytes, folder: Path | None = None) -> Document:
    """``folder``: where the page was saved, to read its images from (``nianbao parse page.html``)."""
    if len(data) > MAX_PAGE_BYTES:
        raise ParseError(f"HTML page larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB: too large for a report page")
    text = decode(data)
    tree = parse_tree(text)
    body = find_body(tree)
    if body is None:  # trafilatura reads the page: it takes lxml.html's elements only
        tree = parse_tree(text, _LXML_HTML_PARSER)
    blocks, warnings = blocks_from_tree(body) if body is not None else _blocks_without_body(tree)
    # The image search last: it walks the whole body, and a report page has its tables.
    if body is not None and not any(isinstance(b, Table) for b in blocks) and body.find(".//img") is not None:
        from .ocr import blocks_with_images  # tables printed as pictures: only then load OCR

        blocks, warnings = blocks_with_images(body, folder, lambda root: blocks_from_tree(root))
    document = Document(format="html", blocks=blocks, title=find_report_title(tree, blocks),
                        published=find_published(tree), warnings=warnings)
    if body is None and not (document.title and document.published):
        _add_trafilatura_metadata(document, tree)
    document.title = document.title or page_title(tree)
    return document


def document_from_html(text: str, format: str) -> Document:
    """Converter output (mammoth, LibreOffice): the whole body is the document."""
    if not text.strip():
        return Document(format=format)
    tree = parse_tree(text)
    blocks, warnings = blocks_from_tree(tree)
    return Document(format=format, blocks=blocks, title=page_title(tree), published=find_published(tree),
                    warnings=warnings)


# ---------------------------------------------------------------- finding the body

# Most specific first: a generic .content often wraps the navigation as well. A class is one of
# the element's class names (as XPath's normalize-space splits them); an id is the whole value.
_CONTAINERS = (
    ("class", "TRS_Editor"), ("class", "TRS_UEDITOR"), ("id", "zoom"), ("class", "Custom_UnionStyle"),
    ("id", "UCAP-CONTENT"), ("class", "article-content"), ("class", "bt_content"), ("id", "fontzoom"),
    ("class", "pages_content"), ("id", "content Content"), ("class", "content"), ("class", "zw"),
)
# Every class and id attribute in page order, in one pass (libxml2 walks attributes far faster
# than it tests a predicate on every element); _container_kinds tells which containers each is.
_CLASSES_AND_IDS = etree.XPath("//@class | //@id")
_XML_SPACE = re.compile("[ \t\r\n]+")
_ANY_CONTAINER_NAME = re.compile("|".join(name for _, names in _CONTAINERS for name in names.split()))
# The distinctive part of each section heading, in both formats (2019: 因政府信息公开工作被申请
# 行政复议、提起行政诉讼情况; 2021: 政府信息公开行政复议、行政诉讼情况).
_HEADING_PHRASES = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政诉讼情况",
                    "存在的主要问题", "其他需要报告的事项")
_HEADING = re.compile("|".join(_HEADING_PHRASES))
# A heading is a short line; the introduction lists all six phrases in one long sentence.
_MAX_HEADING_CHARS = 40
_REPORT_TABLE_WORDS = ("申请", "信息内容", "行政复议")
_SPACES = re.compile(r"\s+")


def find_body(tree: Element) -> Element | None:
    """A CMS container holding the section headings, else the smallest element holding them,
    else a container that at least names the report (pre-2019 reports have other headings)."""
    with_headings, naming = _containers(tree)
    if with_headings is not None:  # no `or`: an lxml element without children is falsy
        return with_headings
    smallest = _smallest_report_element(tree)
    return smallest if smallest is not None else naming


def _containers(tree: Element) -> tuple[Element | None, Element | None]:
    """The first CMS container holding two section headings, and the first naming the report.

    Containers are tried in the order of _CONTAINERS, each kind's elements in page order.
    """
    candidates: dict[Element, set[int]] = {}  # in page order
    for attribute in _CLASSES_AND_IDS(tree):
        if _ANY_CONTAINER_NAME.search(attribute):  # each kind needs its name in the value
            element = attribute.getparent()
            if element not in candidates:
                candidates[element] = _container_kinds(element)
    texts: dict[Element, str] = {}
    naming = None
    for kind in range(len(_CONTAINERS)):
        for element, kinds in candidates.items():
            if kind not in kinds:
                continue
            text = texts.get(element)
            if text is None:
                text = texts[element] = "".join(_text_content(element).split())  # = _SPACES.sub("", ...)
            if len(set(_HEADING.findall(text))) >= 2:
                return element, naming
            if naming is None and "年度报告" in text:
                naming = element
    return None, naming


def _container_kinds(element: Element) -> set[int]:
    """The positions in _CONTAINERS of the containers this element is."""
    classes = set(_XML_SPACE.split(element.get("class") or ""))
    element_id = element.get("id")
    return {kind for kind, (attribute, names) in enumerate(_CONTAINERS)
            if (names in classes if attribute == "class" else element_id in names.split())}


def _smallest_report_element(tree: Element) -> Element | None:
    """The deepest element holding the most of the section headings and report tables seen."""
    marks: dict[Element, set[object]] = {}
    for element, mark in _report_marks(tree):
        for holder in (element, *element.iterancestors()):
            marks.setdefault(holder, set()).add(mark)
    headings_seen = set().union(*marks.values()) & set(_HEADING_PHRASES) if marks else set()
    if len(headings_seen) < 2:
        return None
    most = max(len(found) for found in marks.values())
    candidates = [element for element, found in marks.items() if len(found) == most]
    return max(candidates, key=lambda element: sum(1 for _ in element.iterancestors()))


def _report_marks(tree: Element) -> Iterator[tuple[Element, object]]:
    """(element, heading phrase) for each short line naming a section; (table, table) for report tables."""
    for element in tree.iter():
        own_text = element.text if isinstance(element.tag, str) else None  # not a comment's
        for text, owner in ((own_text, element), (element.tail, element.getparent())):
            line = _SPACES.sub("", text) if text else ""
            if owner is not None and 0 < len(line) <= _MAX_HEADING_CHARS:
                for phrase in set(_HEADING.findall(line)):
                    yield owner, phrase
    layout = _layout_tables(tree)
    for table in tree.iter("table"):
        if table not in layout and _is_report_table(table):
            yield table, table


def _is_report_table(table: Element) -> bool:
    text = _text_content(table)
    return any(word in text for word in _REPORT_TABLE_WORDS)


def _layout_tables(root: Element) -> set[Element]:
    """Tables holding another table with text: page layout, not a report grid.

    Visited innermost first, so each table knows whether a table inside it has text.
    """
    layout: set[Element] = set()
    for table in reversed(list(root.iter("table"))):
        outer = next(table.iterancestors("table"), None)  # first: most tables are in none
        if outer is not None and (table in layout or _text_content(table).strip()):
            layout.add(outer)
    return layout


# ---------------------------------------------------------------- the body without a container

def _blocks_without_body(tree: Element) -> tuple[list[Block], list[str]]:
    """trafilatura's prose, with the report tables from the DOM put back where they stood."""
    import trafilatura

    page_blocks, warnings = blocks_from_tree(tree)
    # By default it keeps long link lists (related articles) as prose.
    prose = trafilatura.extract(tree, include_tables=False, include_comments=False, favor_precision=True)
    lines = [line for line in map(_clean, (prose or "").splitlines()) if line]
    if not lines:
        return page_blocks, warnings + ["no report body found: the whole page is kept"]
    return _interleave(lines, page_blocks), warnings


def _add_trafilatura_metadata(document: Document, tree: Element) -> None:
    """Only where the DOM gave no answer: this pass costs more than the whole DOM path."""
    import trafilatura

    metadata = trafilatura.extract_metadata(tree)
    document.title = document.title or metadata.title
    document.published = document.published or _iso_date_in(metadata.date or "")


def _interleave(lines: list[str], page_blocks: list[Block]) -> list[Block]:
    """Each report table goes after the last prose line that precedes it on the page."""
    position: dict[str, int] = {}
    for index, block in reversed(list(enumerate(page_blocks))):
        if isinstance(block, str):
            position[block] = index
    tables = [(i, b) for i, b in enumerate(page_blocks) if isinstance(b, Table) and _has_report_label(b)]
    merged: list[Block] = []
    for line in lines:
        at = position.get(line)
        while at is not None and tables and tables[0][0] < at:
            merged.append(tables.pop(0)[1])
        merged.append(line)
    return merged + [table for _, table in tables]


def _has_report_label(table: Table) -> bool:
    return any(word in cell.text for row in table.rows for cell in row for word in _REPORT_TABLE_WORDS)


# ---------------------------------------------------------------- paragraphs and tables

_BLOCK_TAGS = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol dl dd dt br tr td th caption table section article "
                        "header footer nav aside blockquote center pre hr form fieldset address figure".split())
_SKIP_TAGS = frozenset({"head", "title", "script", "style", "noscript", "template", "select", "button", "textarea",
                        "iframe", "object", "svg"})
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Only elements with one of these attributes can be hidden. Both are collected in one pass over
# the subtree (each pass costs about as much as lxml's walk of it, whatever it collects), and an
# attribute's parent is its element: no element object is made for the rest.
_STYLE_AND_HIDDEN = etree.XPath("descendant-or-self::*/@style | descendant-or-self::*/@hidden")
_WALK_EVENTS = ("start", "end", "comment", "pi")


def blocks_from_tree(root: Element) -> tuple[list[Block], list[str]]:
    """Paragraphs and report grids under root, in document order, and any warnings."""
    walk = _Walk(_layout_tables(root), cells_as_text=False)
    walk.run(root)
    return walk.blocks, walk.warnings


def _hidden_elements(root: Element) -> set[Element]:
    """Elements under root (and root) that an inline style or the hidden attribute hides.

    The set holds the elements' proxies, so lxml hands out the same objects while it lives.
    """
    return {attribute.getparent() for attribute in _STYLE_AND_HIDDEN(root)
            if attribute.attrname == "hidden" or _HIDDEN.search(attribute)}


class _Walk:
    """One pass over a subtree with lxml's iterwalk: no recursion, so no depth can overflow.

    Text goes into the current line; a block tag's start and end close it (a paragraph), a
    skipped element (script, hidden) keeps only its tail, a report table becomes a grid.
    """

    def __init__(self, layout_tables: set[Element], cells_as_text: bool) -> None:
        self.layout_tables = layout_tables
        self.cells_as_text = cells_as_text  # inside a cell every nested table is only text
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self._line: list[str] = []

    def run(self, root: Element) -> None:
        hidden = _hidden_elements(root)
        tables = not self.cells_as_text
        blocks, line, block_tags, skip_tags = self.blocks, self._line, _BLOCK_TAGS, _SKIP_TAGS
        walker = etree.iterwalk(root, events=_WALK_EVENTS)
        depth = deepest = sum(1 for _ in root.iterancestors())
        for event, element in walker:
            if event == "start":
                depth += 1
                if depth > deepest:
                    deepest = depth
                tag = element.tag
                if tag in skip_tags or element in hidden:
                    walker.skip_subtree()
                    continue
                if tag in block_tags:
                    if line:
                        _flush(line, blocks)
                    if tag == "table" and tables and element not in self.layout_tables:
                        self._add_table(element, hidden)
                        walker.skip_subtree()
                        continue
                text = element.text
                if text:
                    line.append(text)
                continue
            if event == "end":
                depth -= 1
                if line and element.tag in block_tags:
                    _flush(line, blocks)
            # An element's tail (a comment's or processing instruction's too) is page text.
            tail = element.tail
            if tail and element is not root:
                line.append(tail)
        if line:
            _flush(line, blocks)
        if deepest >= _PARSER_DEPTH_LIMIT:
            self.warnings.append(DEPTH_WARNING)

    def _add_table(self, table: Element, hidden: set[Element]) -> None:
        try:
            grid = _grid(table, hidden)
        except _GridTooLarge as error:
            self.warnings.append(str(error))
            return
        if grid.rows:
            self.blocks.append(grid)


def _flush(line: list[str], blocks: list[Block] | list[str]) -> None:
    """The line's text, cleaned, as a paragraph (if any is left); the line starts anew."""
    text = _clean("".join(line))
    if text:
        blocks.append(text)
    line.clear()


_CJK = "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A source line break between two Chinese characters is the editor's wrapping, not a space.
_CJK_LINE_BREAK = re.compile(f"(?<=[{_CJK}])[ \t\r]*\n\\s*(?=[{_CJK}])")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = str.maketrans("", "", _INVISIBLE_CHARS)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


def _clean(text: str) -> str:
    """Invisible characters out, editor line breaks between Chinese characters out, whitespace runs
    as one space (str.split splits on exactly the characters ``\\s`` matches), no outer spaces."""
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    if "\n" in text:
        text = _CJK_LINE_BREAK.sub("", text)
    return " ".join(text.split())


_LINE_TAGS = _BLOCK_TAGS | _SKIP_TAGS


def _only_inline(cell: Element) -> bool:
    """Whether the cell holds only inline elements (<span>, <font>): nothing that ends a line or
    drops text, no comment either (a cell is small: Python's loop beats a C tag filter's setup)."""
    for element in cell.iterdescendants():
        tag = element.tag
        if tag.__class__ is not str or tag in _LINE_TAGS:
            return False
    return True


def cell_text(cell: Element) -> str:
    """The cell's lines joined: nothing between Chinese characters (本年新 + 制作数量), else a space."""
    return _cell_text(cell, _hidden_elements(cell))


def _cell_text(cell: Element, hidden: set[Element]) -> str:
    """cell_text, with the hidden elements of the table already found."""
    if cell.tag in _SKIP_TAGS or cell in hidden:
        return ""
    if not len(cell):  # text only (most cells): one line
        text = cell.text
        return _clean(text) if text else ""
    if not hidden and _only_inline(cell):  # one line: all its text and tails in order
        return _clean("".join(cell.itertext()))
    lines = _cell_lines(cell, hidden)
    text = ""
    for line in lines:
        both_cjk = text and _CJK_CHAR.match(text[-1]) and _CJK_CHAR.match(line[0])
        text += line if not text or both_cjk else " " + line
    return text


def _cell_lines(cell: Element, hidden: set[Element]) -> list[str]:
    """_Walk.run inside a cell (every nested table only text): the cell's non-empty lines."""
    lines: list[str] = []
    line: list[str] = []
    block_tags, skip_tags = _BLOCK_TAGS, _SKIP_TAGS
    walker = etree.iterwalk(cell, events=_WALK_EVENTS)
    for event, element in walker:
        if event == "start":
            tag = element.tag
            if tag in skip_tags or element in hidden:
                walker.skip_subtree()
                continue
            if line and tag in block_tags:
                _flush(line, lines)
            text = element.text
            if text:
                line.append(text)
        elif event == "end":
            if line and element.tag in block_tags:
                _flush(line, lines)
            if element is not cell:
                tail = element.tail
                if tail:
                    line.append(tail)
        else:
            tail = element.tail
            if tail:
                line.append(tail)
    if line:
        _flush(line, lines)
    return lines


class _GridTooLarge(Exception):
    pass


_MAX_COLSPAN = 100
# Report tables have under 2,000 positions; spans that ask for more are broken or hostile.
_MAX_GRID_CELLS = 200_000
_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
_EMPTY_CELL = Cell("")


def table_grid(table: Element) -> Table:
    """The table as a full grid: each span's origin cell, and merged copies where it reaches."""
    return _grid(table, _hidden_elements(table))


def _grid(table: Element, hidden: set[Element]) -> Table:
    """table_grid, with the hidden elements under the table already found.

    Cells are immutable, so a span's merged copies and the grid's blank positions share one Cell.
    """
    rows = _ROWS(table)
    count = len(rows)
    placed: list[dict[int, Cell]] = [{} for _ in rows]
    budget = _MAX_GRID_CELLS
    for r, tr in enumerate(rows):
        row = placed[r]
        column = 0
        for cell in tr.iterchildren("td", "th"):
            while column in row:
                column += 1
            # Most cells have no spans: the attribute lookups, not the parsing, are the cost.
            rowspan, colspan = cell.get("rowspan"), cell.get("colspan")
            rowspan = 1 if rowspan is None else _rowspan(rowspan, count - r)
            colspan = 1 if colspan is None else _colspan(colspan)
            budget -= rowspan * colspan
            if budget < 0:
                raise _GridTooLarge(f"table skipped: its spans cover over {_MAX_GRID_CELLS} cells")
            if hidden or len(cell):
                found = Cell(_cell_text(cell, hidden))
            else:  # text only, as most cells are
                text = cell.text
                found = _EMPTY_CELL if not text else _text_cell(text) if len(text) <= _SHORT else Cell(_clean(text))
            row[column] = found
            if rowspan > 1 or colspan > 1:
                _spread(placed[r:r + rowspan], range(column, column + colspan), found.text)
            column += colspan
    width = max((max(row) + 1 for row in placed if row), default=0)
    if width * count > _MAX_GRID_CELLS:
        raise _GridTooLarge(f"table skipped: {count} rows by {width} columns")
    return Table([[row.get(c, _EMPTY_CELL) for c in range(width)] for row in placed if row])


# Texts of cells this short are labels and numbers, which recur across a report's tables and
# across reports: a cache of them stays small while it saves most cells their cleaning.
_SHORT = 64


@functools.lru_cache(maxsize=16384)
def _text_cell(text: str) -> Cell:
    """The Cell of a text-only cell (immutable, so one serves every cell with this text)."""
    return Cell(_clean(text))


@functools.lru_cache(maxsize=4096)
def _merged_cell(text: str) -> Cell:
    return Cell(text, merged=True)


def _spread(rows: list[dict[int, Cell]], columns: range, text: str) -> None:
    """A span's merged copies at the positions it covers. Overlapping spans in a broken table:
    the first cell to claim a position keeps it."""
    merged = _merged_cell(text) if len(text) <= _SHORT else Cell(text, merged=True)
    for covered in rows:
        for c in columns:
            covered.setdefault(c, merged)


_SPAN_NUMBER = re.compile(r"\s*(\d+)")


def _span_value(value: str) -> int | None:
    """A rowspan's or colspan's number (its leading digits), None if it has none."""
    match = _SPAN_NUMBER.match(value) if value else None
    return int(match.group(1)) if match else None


def _rowspan(value: str, rows_left: int) -> int:
    number = _span_value(value)
    if number == 0:  # HTML: to the end of the table
        return rows_left
    return max(1, min(number or 1, rows_left))


def _colspan(value: str) -> int:
    return max(1, min(_span_value(value) or 1, _MAX_COLSPAN))


# ---------------------------------------------------------------- title and date

_TITLE_SEPARATORS = re.compile(r"\s*(?:_|｜|\||--|\s-\s)\s*")
_MAX_TITLE_CHARS = 100


def find_report_title(tree: Element, blocks: list[Block]) -> str | None:
    """The first title-like text naming an annual report (年度报告 before the looser 年报/报告)."""
    candidates = []
    for text in _title_candidates(tree, blocks):
        if 0 < len(text) <= _MAX_TITLE_CHARS:
            if "年度报告" in text:  # the first pattern: no later candidate can come before this one
                return text
            candidates.append(text)
    for pattern in ("年报", "报告"):
        for text in candidates:
            if pattern in text:
                return text
    return None


def _title_candidates(tree: Element, blocks: list[Block]) -> Iterator[str]:
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle":
            yield _clean(meta.get("content") or "")
    for h1 in tree.iter("h1"):
        yield _clean(_text_content(h1))
    yield from _TITLE_SEPARATORS.split(page_title(tree) or "")
    yield from (block for block in blocks[:5] if isinstance(block, str))
    for element in tree.xpath("//*[contains(@class, 'title')] | //h2"):
        yield _clean(_text_content(element))


def page_title(tree: Element) -> str | None:
    title = tree.find(".//title")
    text = _clean(_text_content(title)) if title is not None else ""
    return text or None


# Checked in this order; created/changed are what LibreOffice writes.
_DATE_META_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "article:published_time",
                    "dc.date.issued", "changed", "created")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_LABELLED_DATE = re.compile(r"(?:发布|发文|成文|公开|印发)(?:时间|日期)\s*[:：]?\s*" + _DATE.pattern)


def find_published(tree: Element) -> str | None:
    """The date from the page's metadata, else a 发布时间/发文日期 label on the page."""
    dates: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        date = _iso_date_in(meta.get("content") or "")
        if name in _DATE_META_NAMES and date:
            dates.setdefault(name, date)
    for name in _DATE_META_NAMES:
        if name in dates:
            return dates[name]
    body = tree.find("body")
    match = _LABELLED_DATE.search(_text_content(body) if body is not None else "")
    return _iso_date(*match.groups()) if match else None


def _iso_date_in(text: str) -> str | None:
    match = _DATE.search(text)
    return _iso_date(*match.groups()) if match else None


def _iso_date(year: str, month: str, day: str) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
