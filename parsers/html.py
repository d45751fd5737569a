"""HTML report pages (and the HTML that Word converters write) into the common form.

lxml reads the tables from the DOM, spans expanded into full grids; the report body is found
by the CMS containers and the six section headings; trafilatura takes the prose only when no
body can be found, since its own table output drops spans and blank rows.
"""

from __future__ import annotations

import re

import lxml.etree as etree
import lxml.html

from .document import Cell, Document, Table
from .errors import ParseError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTAINERS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[@id='zoom']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' Custom_UnionStyle ')]",
    "//*[@id='UCAP-CONTENT']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]",
    "//*[@id='content' or @id='Content']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' zw ')]",
)
_HEADINGS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请", "行政复议、行政诉讼", "存在的主要问题", "其他需要报告")
_HEADING_XPATH = "//text()[" + " or ".join(f"contains(., '{h}')" for h in _HEADINGS) + "]"
_BLOCK_TAGS = frozenset("p div h1 h2 h3 h4 h5 h6 li ul ol br tr section article blockquote center dd dt pre hr".split())
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "button"})
_MAX_SPAN = 100


def decode(data: bytes) -> str:
    """Text of the page: the declared charset (GB2312/GBK read as GB18030), else UTF-8, else GB18030."""
    declared = _META_CHARSET.search(data[:4096])
    encodings = [declared.group(1).decode("ascii", "replace").lower()] if declared else []
    encodings = ["gb18030" if e in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else e for e in encodings]
    for encoding in encodings + ["utf-8", "gb18030"]:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\ufffd" not in text:
            return text
    return data.decode("gb18030", errors="replace")


def parse_tree(text: str) -> lxml.html.HtmlElement:
    text = _XML_DECLARATION.sub("", text)
    try:
        return lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError) as error:
        raise ParseError(f"not readable as HTML ({error})") from None


def extract(data: bytes) -> Document:
    tree = parse_tree(decode(data))
    body = find_body(tree)
    if body is None:
        document = _document_without_body(tree)
    else:
        document = Document(format="html", blocks=blocks(body))
    document.title = find_title(tree)
    document.published = find_published(tree)
    return document


def document_from_html(text: str, format: str) -> Document:
    """Converter output (mammoth, LibreOffice): the whole body is the document."""
    tree = parse_tree(text)
    body = tree.find("body")
    return Document(format=format, blocks=blocks(body if body is not None else tree))


def find_body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for xpath in _CONTAINERS:
        for element in tree.xpath(xpath):
            if _looks_like_report(element):
                return element
    return _headings_ancestor(tree)


def _looks_like_report(element: lxml.html.HtmlElement) -> bool:
    text = element.text_content()
    return sum(heading in text for heading in _HEADINGS) >= 2 or "年度报告" in text


def _headings_ancestor(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The lowest element holding the section headings the page shows."""
    parents = [node.getparent() for node in tree.xpath(_HEADING_XPATH) if node.getparent() is not None]
    if len(parents) < 2:
        return None
    chains = [list(parent.iterancestors())[::-1] + [parent] for parent in parents]
    common = None
    for level in zip(*chains):
        if any(element is not level[0] for element in level):
            break
        common = level[0]
    return common


def _document_without_body(tree: lxml.html.HtmlElement) -> Document:
    import trafilatura

    prose = trafilatura.extract(tree, include_tables=False, include_comments=False) or ""
    tables = [table_grid(t) for t in _innermost_tables(tree) if _is_report_table(t)]
    return Document(format="html", blocks=[line for line in prose.splitlines() if line.strip()] + tables)


def _is_report_table(table: lxml.html.HtmlElement) -> bool:
    text = table.text_content()
    return any(word in text for word in ("申请", "信息内容", "行政复议", "第二十条"))


def _innermost_tables(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [t for t in root.iter("table") if not t.xpath(".//table")]


def blocks(root: lxml.html.HtmlElement) -> list[str | Table]:
    """Paragraphs and innermost tables under root, in document order, walked without recursion."""
    found: list[str | Table] = []
    line: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "end":
            if tag in _BLOCK_TAGS or tag == "table":
                _flush(line, found)
            if element is not root:
                line.append(element.tail or "")
        elif not tag or tag in _SKIP_TAGS:
            walker.skip_subtree()
        elif tag == "table" and not element.xpath(".//table"):
            _flush(line, found)
            grid = table_grid(element)
            if grid.rows:
                found.append(grid)
            walker.skip_subtree()
        else:
            if tag in _BLOCK_TAGS:
                _flush(line, found)
            line.append(element.text or "")
    _flush(line, found)
    return found


def _flush(line: list[str], found: list[str | Table]) -> None:
    text = _clean("".join(line))
    if text:
        found.append(text)
    line.clear()


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ").replace("\xa0", " ")).strip()


def cell_text(cell: lxml.html.HtmlElement) -> str:
    parts = [_clean(part) for part in cell.itertext()]
    text = ""
    for part in filter(None, parts):
        # Lines inside a cell join without a space between Chinese characters.
        joiner = "" if not text or _is_cjk(text[-1]) or _is_cjk(part[0]) else " "
        text += joiner + part
    return text


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    match = re.match(r"\s*(\d+)", cell.get(name) or "")
    return max(1, min(int(match.group(1)), _MAX_SPAN)) if match else 1


def table_grid(table: lxml.html.HtmlElement) -> Table:
    """The table as a full grid: each span's origin cell, and merged copies where it reaches."""
    rows = [tr for tr in table.iter("tr")]
    grid: list[dict[int, Cell]] = [dict() for _ in rows]
    for r, tr in enumerate(rows):
        column = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while column in grid[r]:
                column += 1
            text = cell_text(cell)
            rowspan, colspan = min(_span(cell, "rowspan"), len(rows) - r), _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[r + dr][column + dc] = Cell(text, merged=bool(dr or dc))
            column += colspan
    width = max((max(row) + 1 for row in grid if row), default=0)
    return Table([[row.get(c, Cell("")) for c in range(width)] for row in grid if row])


def find_title(tree: lxml.html.HtmlElement) -> str | None:
    for xpath in ("//meta[@name='ArticleTitle']/@content", "//h1//text()", "//*[contains(@class,'title')]//text()",
                  "//h2//text()", "//title//text()"):
        for text in tree.xpath(xpath):
            text = _clean(str(text))
            if "报告" in text and len(text) <= 80:
                return text
    titles = tree.xpath("//title//text()")
    return _clean(str(titles[0])) if titles else None


_DATE_META = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "PublishTime", "article:published_time")
_DATE = re.compile(r"(20\d{2})[-/年.](\d{1,2})[-/月.](\d{1,2})")


def find_published(tree: lxml.html.HtmlElement) -> str | None:
    for name in _DATE_META:
        for value in tree.xpath(f"//meta[@name='{name}' or @property='{name}']/@content"):
            match = _DATE.search(value)
            if match:
                return "{}-{:0>2}-{:0>2}".format(*match.groups())
    return None
