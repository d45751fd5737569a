"""Positioned text lines (from PDF or OFD pages) joined into paragraphs.

Report PDFs wrap lines mid-sentence and mark paragraphs only by layout: a first-line indent,
a numbered heading, a line that stops short of the right margin; where paragraphs are not
indented, a line that ends a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .document import Block

_PAGE_NUMBER = re.compile(
    r"^[-—－–\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}\s*页?|\s*共\s*\d{1,4}\s*页)?[-—－–\s]*$"
)
_STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[、.．](?!\d))"
)
_ENDS_SENTENCE = ("。", "：", ":", "；", ";", "！", "？", "!", "?")
_CLOSING_MARKS = "”’」』）)】"
# A wrapped line reaches the right margin; one that stops well before it ends its paragraph.
_FULL_LINE_SHARE = 0.7
# A first-line indent is two characters; half of that already tells it from a wrapped line.
_INDENT_CHARACTERS = 1.0


@dataclass(frozen=True)
class Line:
    """One line of text, placed from the page's top-left corner in the page's own unit
    (points in PDF, millimetres in OFD): only ratios to the line height are ever used."""

    text: str
    x0: float
    x1: float
    top: float
    height: float


@dataclass(frozen=True)
class Margins:
    """Where the body text of a page starts and ends, and whether its paragraphs are indented."""

    left: float
    right: float
    first_line_indents: bool

    def is_full(self, line: Line) -> bool:
        return line.x1 - self.left >= _FULL_LINE_SHARE * (self.right - self.left)

    def is_indented(self, line: Line) -> bool:
        return line.x0 - self.left >= _INDENT_CHARACTERS * line.height


def page_margins(lines: list[Line]) -> Margins | None:
    """None for a page with too few lines to tell (a title page, a page of tables)."""
    if len(lines) < 3:
        return None
    margins = Margins(min(line.x0 for line in lines), max(line.x1 for line in lines), False)
    # Indented paragraphs show as full lines that start about two characters in.
    indents = any(margins.is_full(line) and margins.is_indented(line) and line.x0 - margins.left <= 3.5 * line.height
                  for line in lines)
    return replace(margins, first_line_indents=indents)


def without_page_numbers(lines: list[Line]) -> list[Line]:
    """Lines in reading order, minus a page number printed above or below the text."""
    ordered = sorted(lines, key=lambda line: (line.top, line.x0))
    edges = {0, len(ordered) - 1}
    return [line for index, line in enumerate(ordered) if not (index in edges and _PAGE_NUMBER.match(line.text))]


def starts_item(text: str) -> bool:
    """A numbered heading or item: 一、 （一） (1) 1. 1、"""
    return bool(_STARTS_ITEM.match(text))


def join_wrapped(left: str, right: str) -> str:
    """Two pieces of one wrapped text; Chinese needs no space where a line broke, Latin does."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    space = left[-1].isascii() and right[0].isascii() and not left[-1].isspace()
    return left + (" " if space else "") + right


class ParagraphJoiner:
    """Appends lines to a list of blocks, continuing the last paragraph while it is open.

    Without margins (a page of two or three lines) every line stands alone: a wrong join of a
    title and a heading costs more than a wrapped sentence cut in two.
    """

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self._open = False

    def add(self, line: Line, margins: Margins | None) -> None:
        text = line.text.strip()
        if not text:
            return
        if self._open and not _starts_paragraph(line, text, margins):
            self.blocks[-1] = join_wrapped(str(self.blocks[-1]), text)
        else:
            self.blocks.append(text)
        self._open = _leaves_paragraph_open(line, text, margins)

    def close(self) -> None:
        """Something other than text (a table) came between: the next line starts afresh."""
        self._open = False


def _starts_paragraph(line: Line, text: str, margins: Margins | None) -> bool:
    if starts_item(text):
        return True
    return margins is not None and margins.first_line_indents and margins.is_indented(line)


def _leaves_paragraph_open(line: Line, text: str, margins: Margins | None) -> bool:
    """A full line leaves its paragraph open; where paragraphs are indented, the next line's
    indent alone tells a new paragraph, since a sentence may end at the end of a line."""
    if margins is None or not margins.is_full(line):
        return False
    return margins.first_line_indents or not text.rstrip(_CLOSING_MARKS).endswith(_ENDS_SENTENCE)
