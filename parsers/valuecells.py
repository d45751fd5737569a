"""The figures of a table read by OCR: which cells hold them, and whether a reading is one.

A value column is one whose cells, from its first figure down, mostly read as figures. A cell
there reads as a figure, 无, a dash or a slash, or nothing; a heading may repeat down the column
(本年处理决定数量), but anything else short (a broken 0 read as C, a seal's stroke beside a 0 read
as 0-) is a figure misread, and the recogniser is not to be trusted on it: a wrong figure is
worse than a blank one.
"""

from __future__ import annotations

import re

from .numbers import is_value_like, normalize_cell

# A value column: at least this share of its filled cells, from its first figure down, are figures.
_VALUE_SHARE = 0.6
_MIN_FIGURES = 2
# 00 or 012 is no count a report prints: a 0 with a speck beside it.
_LEADING_ZERO = re.compile(r"0\d")
# Words: a heading repeated down a value column (本年处理决定数量), not a figure misread.
_WORD = re.compile(r"[\u4e00-\u9fff]{2}")


def is_figure(text: str) -> bool:
    """A number, with a unit or not."""
    cell = normalize_cell(text)
    return any(character.isdigit() for character in cell) and plausible(cell)


def plausible(text: str) -> bool:
    """Could a value cell print this: blank, a number, 无, a dash or a slash."""
    return is_value_like(text) and not _LEADING_ZERO.match(normalize_cell(text).lstrip("+-"))


def misread(text: str) -> bool:
    """A reading that is no figure and no words: a figure the recogniser got wrong."""
    return not plausible(text) and not _WORD.search(normalize_cell(text))


def value_cells(texts: dict[tuple[int, int], str]) -> set[tuple[int, int]]:
    """The (row, column) of each cell of the value columns, from the column's first figure down.
    texts holds each cell's reading at the position where it starts."""
    found: set[tuple[int, int]] = set()
    for column in {c for _, c in texts}:
        cells = sorted((r, text) for (r, c), text in texts.items() if c == column)
        figures = [r for r, text in cells if is_figure(text)]
        if len(figures) < _MIN_FIGURES:
            continue
        below = [(r, text) for r, text in cells if r >= figures[0]]
        filled = [text for _, text in below if normalize_cell(text)]
        if len(figures) >= _VALUE_SHARE * len(filled):
            found.update((r, column) for r, _ in below)
    return found
