"""PDFs with a text layer into the common form, with pdfplumber.

Tables come from pdfplumber's grid finder; the text outside them is joined from wrapped lines
into paragraphs; a table that runs over a page break is one table.
"""

from __future__ import annotations

import io
import re

import pdfplumber

from .document import Document, Table
from .errors import ParseError, ScannedDocument

_PAGE_NUMBER = re.compile(r"^[-—－\s]*(?:第\s*)?\d{1,3}\s*(?:页|/\s*\d+)?[-—－\s]*$")
_STARTS_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[、.．](?!\d))")
_ENDS_SENTENCE = ("。", "：", ":", "；", ";", "！", "？")


def extract(data: bytes) -> Document:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _read(pdf)
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
    detail = " ".join(str(inner).split())[:80]
    return f"not a readable PDF ({name}{': ' + detail if detail else ''})"


def _read(pdf: pdfplumber.PDF) -> Document:
    document = Document(format="pdf")
    chars = 0
    for page in pdf.pages:
        chars += len(page.chars)
        _add_blocks(document.blocks, _page_blocks(page.dedupe_chars()))
        page.close()
    if chars == 0:
        raise ScannedDocument("no text layer: a scanned PDF (images of pages only)")
    if any("(cid:" in block for block in document.paragraphs):
        document.warnings.append("some text came out as (cid:NN): a font without a Unicode map")
    title = (pdf.metadata or {}).get("Title")
    document.title = title if isinstance(title, str) and re.search(r"[\u4e00-\u9fff]", title) else None
    return document


def _page_blocks(page) -> list[str | Table]:
    # A one-column "table" is a framed paragraph: its text stays prose.
    tables = [(t.bbox, _grid(t.extract())) for t in page.find_tables()]
    tables = [(bbox, grid) for bbox, grid in tables if grid is not None]
    boxes = [bbox for bbox, _ in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [(line["top"], line) for line in outside.extract_text_lines() if not _PAGE_NUMBER.match(line["text"])]
    placed: list[tuple[float, object]] = lines + [(bbox[1], grid) for bbox, grid in tables]
    placed.sort(key=lambda item: item[0])
    return _paragraphs([item for _, item in placed], page.width)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _grid(rows: list[list[str | None]]) -> Table | None:
    if not rows or max(len(row) for row in rows) < 2:
        return None
    return Table.from_texts([[None if cell is None else _join_lines(cell) for cell in row] for row in rows])


def _join_lines(text: str) -> str:
    parts = [part.strip() for part in text.split("\n") if part.strip()]
    joined = ""
    for part in parts:
        cjk = joined and (_is_cjk(joined[-1]) or _is_cjk(part[0]))
        joined += ("" if not joined or cjk else " ") + part
    return joined


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _paragraphs(items: list[object], width: float) -> list[str | Table]:
    """Wrapped lines joined into paragraphs; a heading, a numbered item or a short line ends one."""
    blocks: list[str | Table] = []
    right = max((item["x1"] for item in items if isinstance(item, dict)), default=width)
    open_paragraph = False
    for item in items:
        if isinstance(item, Table):
            blocks.append(item)
            open_paragraph = False
            continue
        text = item["text"].strip()
        if open_paragraph and not _STARTS_ITEM.match(text):
            blocks[-1] = _join_lines(blocks[-1] + "\n" + text)
        else:
            blocks.append(text)
        open_paragraph = not text.endswith(_ENDS_SENTENCE) and item["x1"] >= right - 30
    return blocks


def _add_blocks(blocks: list[str | Table], page_blocks: list[str | Table]) -> None:
    """Append a page; a paragraph or a table running over the page break is joined."""
    if page_blocks and blocks and isinstance(page_blocks[0], str) and isinstance(blocks[-1], str):
        if not blocks[-1].endswith(_ENDS_SENTENCE) and not _STARTS_ITEM.match(page_blocks[0]):
            blocks[-1] = _join_lines(blocks[-1] + "\n" + page_blocks[0])
            page_blocks = page_blocks[1:]
    if page_blocks and blocks and isinstance(page_blocks[0], Table) and isinstance(blocks[-1], Table):
        previous, continued = blocks[-1], page_blocks[0]
        if len(previous.rows[0]) == len(continued.rows[0]):
            rows = continued.rows
            if [c.text for c in rows[0]] == [c.text for c in previous.rows[0]]:
                rows = rows[1:]  # the header repeated after the break
            previous.rows.extend(rows)
            page_blocks = page_blocks[1:]
    blocks.extend(page_blocks)
