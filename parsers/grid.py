"""Ruled tables on a page image: their row and column lines, and the cells the lines enclose.

Horizontal rules are long runs of ink (a morphological open with a long kernel keeps them
and drops text). Vertical rules are told within each row band: a column of ink from the band's
top rule to its bottom rule, which a character never fills, however short the row. A cell
spanning rows or columns is where a rule is missing between two grid positions; a rule broken
where a seal crossed it still counts where its own ink shows on either side of the seal.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .clusters import clusters

# A horizontal rule is longer than any stroke of a character: a share of the page's width.
_RULE_SHARE_OF_WIDTH = 1 / 25
_MIN_TABLE_ROWS = 2
_MIN_TABLE_COLUMNS = 2
# Ink fills a rule's column in a band all but this share (a rule broken by scan noise).
_VERTICAL_FILL = 0.97
_HORIZONTAL_FILL = 0.8
# A rule crossed by a seal still shows its own ink over this share of the crossing.
_OWN_INK = 0.4


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


@dataclass
class _Rules:
    """Where the ruling lines run. A seal's ink was taken out of the page, and JPEG blurs seal
    and rule together at each crossing, so a rule under a seal may show gaps; where a rule is
    already known to run (a column boundary of the rows around), a gap the seal covers is bridged."""

    lines: np.ndarray       # ink that may be a rule
    hidden: np.ndarray      # where seal ink was taken out, widened by its blur
    horizontal: np.ndarray  # long horizontal runs of ink
    bridged: np.ndarray     # long horizontal runs of ink or seal

    @classmethod
    def of(cls, lines: np.ndarray, seal: np.ndarray | None) -> "_Rules":
        hidden = np.zeros_like(lines) if seal is None else cv2.dilate(seal, np.ones((5, 5), np.uint8))
        bridged = _horizontal_rules(lines | hidden) if hidden.any() else _horizontal_rules(lines)
        return cls(lines, hidden, _horizontal_rules(lines), bridged)

    def column_fill(self, top: int, bottom: int, x0: int, x1: int) -> np.ndarray:
        """Rows of each column from top to bottom that ink fills."""
        # A rule may lean a pixel over the band: a column counts with either neighbour's ink.
        return (cv2.dilate(self.lines[top:bottom, x0:x1], np.ones((1, 3), np.uint8)) > 0).sum(axis=0)

    def bridged_vertical(self, x: int, top: int, bottom: int) -> bool:
        """A column boundary at x from rule to rule, its gaps under a seal bridged."""
        x0, x1 = max(0, x - 3), x + 4
        hidden = self.hidden[top:bottom + 1, x0:x1] > 0
        if not hidden.any():
            return False
        ink = cv2.dilate(self.lines[top:bottom + 1, x0:x1], np.ones((1, 3), np.uint8)) > 0
        height = bottom + 1 - top
        own, covered = ink.sum(axis=0), (ink | hidden).sum(axis=0)
        return bool(((covered >= _VERTICAL_FILL * height) & (own >= _OWN_INK * height)).any())

    def has_horizontal(self, y: int, x0: int, x1: int) -> bool:
        rows, columns = slice(max(0, y - 3), y + 4), slice(x0 + 3, max(x0 + 4, x1 - 3))
        if _filled_share(self.horizontal[rows, columns]) >= _HORIZONTAL_FILL:
            return True
        if not self.hidden[rows, columns].any():
            return False
        return (_filled_share(self.bridged[rows, columns]) >= _HORIZONTAL_FILL
                and _filled_share(self.lines[rows, columns]) >= _OWN_INK)


def _filled_share(strip: np.ndarray) -> float:
    """Share of a strip's columns with ink in any of its rows."""
    return float((strip.max(axis=0) > 0).mean()) if strip.size else 0.0


def find_tables(lines: np.ndarray, seal: np.ndarray | None = None) -> list[FoundTable]:
    """The ruled tables on a page of line ink; seal marks where a seal's ink was taken out."""
    rules = _Rules.of(lines, seal)
    tables = []
    for box in _joined_by_verticals(rules, _rule_groups(rules.horizontal)):
        tables.extend(_tables_in(rules, box))
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
        # Cut back to the rules themselves: the gap to the next group is then paper or rules only.
        rows = np.flatnonzero(horizontal[y:y + h, x:x + w].any(axis=1))
        boxes.append((int(x), int(y + rows[0]), int(x + w), int(y + rows[-1] + 1)))
    return sorted(boxes, key=lambda box: box[1])


def _joined_by_verticals(rules: _Rules, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Groups of rules one above the other joined where column rules run down the gap between
    them: a header row of stacked characters is taller than rules are joined across."""
    joined: list[tuple[int, int, int, int]] = []
    for box in boxes:
        if joined and _rules_cross(rules, joined[-1], box):
            above = joined.pop()
            box = (min(above[0], box[0]), above[1], max(above[2], box[2]), box[3])
        joined.append(box)
    return joined


def _rules_cross(rules: _Rules, above: tuple[int, int, int, int], below: tuple[int, int, int, int]) -> bool:
    x0, x1 = max(above[0], below[0]), min(above[2], below[2])
    if x1 - x0 < 20 or below[1] < above[3]:
        return False
    filled = rules.column_fill(above[3], below[1] + 1, max(0, x0 - 3), x1 + 3)
    return len(_rule_positions(filled, min_run=_VERTICAL_FILL * (below[1] + 1 - above[3]))) >= _MIN_TABLE_COLUMNS


def _tables_in(rules: _Rules, box: tuple[int, int, int, int]) -> list[FoundTable]:
    """The tables among a group of rules: two tables a short paragraph apart are split where
    a band has no left border."""
    x0, y0, x1, y1 = box
    ys = [y + y0 for y in _rule_positions(rules.horizontal[y0:y1, x0:x1].sum(axis=1) // 255, min_run=(x1 - x0) * 0.15)]
    verticals = [_band_verticals(rules, x0, x1, top, bottom) for top, bottom in zip(ys, ys[1:])]
    tables, start = [], 0
    for band, found in enumerate([*verticals, []]):
        if not found or found[0] - x0 > 8:
            tables.append(_table(rules, ys[start:band + 1], verticals[start:band]))
            start = band + 1
    return [table for table in tables if table is not None]


def _table(rules: _Rules, ys: list[int], verticals: list[list[int]]) -> FoundTable | None:
    if len(ys) < _MIN_TABLE_ROWS + 1:
        return None
    # A column boundary runs on through two bands one under the other at least; strokes of
    # characters filling tight rows from rule to rule do not line up from one row to the next.
    positions = sorted(x for band in verticals for x in band)
    xs = [x for x in _clustered(positions)
          if any(_near(above, x) and _near(below, x) for above, below in zip(verticals, verticals[1:]))]
    if len(xs) < _MIN_TABLE_COLUMNS + 1:
        return None
    return FoundTable(xs, ys, _cells(rules, verticals, xs, ys))


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


def _band_verticals(rules: _Rules, x0: int, x1: int, top: int, bottom: int) -> list[int]:
    """x of the vertical rules crossing one row band from its top rule to its bottom rule."""
    # The whole band, rule to rule: a character's stroke stops short of the rules around it.
    if bottom - top < 4:
        return []
    filled = rules.column_fill(top, bottom + 1, max(0, x0 - 3), x1 + 3)
    return [x + max(0, x0 - 3) for x in _rule_positions(filled, min_run=_VERTICAL_FILL * (bottom + 1 - top))]


def _clustered(positions: list[int], tolerance: int = 6) -> list[int]:
    return [round(position) for position in clusters(positions, tolerance)]


def _cells(rules: _Rules, verticals: list[list[int]], xs: list[int], ys: list[int]) -> list[GridCell]:
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
            if c + 1 < columns and not _has_vertical(rules, verticals[r], xs[c + 1], ys[r], ys[r + 1]):
                parent[root(r * columns + c + 1)] = root(r * columns + c)
            if r + 1 < rows and not rules.has_horizontal(ys[r + 1], xs[c], xs[c + 1]):
                parent[root((r + 1) * columns + c)] = root(r * columns + c)
    return _rectangles([root(i) for i in range(rows * columns)], xs, ys)


def _near(positions: list[int], x: int, tolerance: int = 6) -> bool:
    return any(abs(position - x) <= tolerance for position in positions)


def _has_vertical(rules: _Rules, found: list[int], x: int, top: int, bottom: int) -> bool:
    return _near(found, x) or rules.bridged_vertical(x, top, bottom)


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
