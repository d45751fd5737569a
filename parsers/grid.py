"""Ruled tables on a page image: their row and column lines, and the cells the lines enclose.

Horizontal rules are long runs of ink (a morphological open with a long kernel keeps them
and drops text). Vertical rules are told within each row band: a column of ink from the band's
top rule to its bottom rule, which a character never fills, however short the row. A cell
spanning rows or columns is where a rule is missing between two grid positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A horizontal rule is longer than any stroke of a character: a share of the page's width.
_RULE_SHARE_OF_WIDTH = 1 / 25
_MIN_TABLE_ROWS = 2
_MIN_TABLE_COLUMNS = 2
# Ink fills a rule's column in a band all but this share (a rule broken by scan noise).
_VERTICAL_FILL = 0.97
_HORIZONTAL_FILL = 0.8


@dataclass(frozen=True)
class GridCell:
    row: int
    column: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels, inside the rules


@dataclass
class FoundTable:
    xs: list[int]       # column boundaries, left to right
    ys: list[int]       # row boundaries, top to bottom
    cells: list[GridCell]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def find_tables(lines: np.ndarray) -> list[FoundTable]:
    horizontal = _horizontal_rules(lines)
    tables = []
    for box in _rule_groups(horizontal):
        tables.extend(_tables_in(lines, horizontal, box))
    return tables


def _horizontal_rules(ink: np.ndarray) -> np.ndarray:
    length = max(20, int(ink.shape[1] * _RULE_SHARE_OF_WIDTH))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def _rule_groups(horizontal: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes of horizontal rules stacked close together: one per table."""
    height = horizontal.shape[0]
    # Rules of one table are at most a tall row apart; joining them vertically finds the table.
    joined = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(120, height // 12))))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    boxes = []
    for x, y, w, h, _ in stats[1:count]:
        boxes.append((int(x), int(y), int(x + w), int(y + h)))
    return sorted(boxes, key=lambda box: box[1])


def _tables_in(lines: np.ndarray, horizontal: np.ndarray, box: tuple[int, int, int, int]) -> list[FoundTable]:
    """The tables among a group of rules: two tables a short paragraph apart are split where
    a band has no left border."""
    x0, y0, x1, y1 = box
    ys = [y + y0 for y in _rule_positions(horizontal[y0:y1, x0:x1].sum(axis=1) // 255, min_run=(x1 - x0) * 0.15)]
    verticals = [_band_verticals(lines, x0, x1, top, bottom) for top, bottom in zip(ys, ys[1:])]
    tables, start = [], 0
    for band, found in enumerate([*verticals, []]):
        if not found or found[0] - x0 > 8:
            tables.append(_table(horizontal, ys[start:band + 1], verticals[start:band]))
            start = band + 1
    return [table for table in tables if table is not None]


def _table(horizontal: np.ndarray, ys: list[int], verticals: list[list[int]]) -> FoundTable | None:
    if len(ys) < _MIN_TABLE_ROWS + 1:
        return None
    # A column boundary crosses two bands at least; a stroke of a character filling one tight
    # row from rule to rule does not line up with another.
    positions = sorted(x for band in verticals for x in band)
    xs = [x for x in _clustered(positions) if sum(1 for band in verticals if _near(band, x)) >= 2]
    if len(xs) < _MIN_TABLE_COLUMNS + 1:
        return None
    return FoundTable(xs, ys, _cells(horizontal, verticals, xs, ys))


def _rule_positions(profile: np.ndarray, min_run: float) -> list[int]:
    """Centres of the runs of rows (or columns) whose profile passes min_run."""
    positions, start = [], None
    for index, value in enumerate([*profile.tolist(), 0]):
        if value >= min_run and start is None:
            start = index
        elif value < min_run and start is not None:
            positions.append((start + index - 1) // 2)
            start = None
    return positions


def _band_verticals(ink: np.ndarray, x0: int, x1: int, top: int, bottom: int) -> list[int]:
    """x of the vertical rules crossing one row band from its top rule to its bottom rule."""
    # The whole band, rule to rule: a character's stroke stops short of the rules around it.
    if bottom - top < 4:
        return []
    band = ink[top:bottom + 1, max(0, x0 - 3):x1 + 3]
    # A rule may lean a pixel over the band: a column counts with either neighbour's ink.
    widened = cv2.dilate(band, np.ones((1, 3), np.uint8))
    filled = (widened > 0).sum(axis=0)
    return [x + max(0, x0 - 3) for x in _rule_positions(filled, min_run=_VERTICAL_FILL * band.shape[0])]


def _clustered(positions: list[int], tolerance: int = 6) -> list[int]:
    groups: list[list[int]] = []
    for position in positions:
        if groups and position - groups[-1][-1] <= tolerance:
            groups[-1].append(position)
        else:
            groups.append([position])
    return [round(sum(group) / len(group)) for group in groups]


def _cells(horizontal: np.ndarray, verticals: list[list[int]], xs: list[int], ys: list[int]) -> list[GridCell]:
    """Grid positions joined where the rule between them is missing, as rectangles."""
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * columns))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(columns):
            if c + 1 < columns and not _near(verticals[r], xs[c + 1]):
                parent[root(r * columns + c + 1)] = root(r * columns + c)
            if r + 1 < rows and not _has_horizontal(horizontal, ys[r + 1], xs[c], xs[c + 1]):
                parent[root((r + 1) * columns + c)] = root(r * columns + c)
    return _rectangles([root(i) for i in range(rows * columns)], xs, ys)


def _near(positions: list[int], x: int, tolerance: int = 6) -> bool:
    return any(abs(position - x) <= tolerance for position in positions)


def _has_horizontal(horizontal: np.ndarray, y: int, x0: int, x1: int) -> bool:
    strip = horizontal[max(0, y - 3):y + 4, x0 + 3:max(x0 + 4, x1 - 3)]
    return strip.size > 0 and (strip.max(axis=0) > 0).mean() >= _HORIZONTAL_FILL


def _rectangles(roots: list[int], xs: list[int], ys: list[int]) -> list[GridCell]:
    columns = len(xs) - 1
    spans: dict[int, list[int]] = {}
    for index, group in enumerate(roots):
        r, c = divmod(index, columns)
        found = spans.setdefault(group, [r, c, r, c])
        found[0], found[1] = min(found[0], r), min(found[1], c)
        found[2], found[3] = max(found[2], r), max(found[3], c)
    cells = []
    for r0, c0, r1, c1 in sorted(spans.values()):
        box = (xs[c0] + 3, ys[r0] + 3, xs[c1 + 1] - 2, ys[r1 + 1] - 2)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    return cells
