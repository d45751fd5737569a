"""The common form every extractor produces: paragraphs and tables in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    """One grid position. ``merged`` marks a copy of a cell spanning rows or columns."""

    text: str
    merged: bool = False


@dataclass
class Table:
    """A full grid: spans are expanded, so every position holds a Cell."""

    rows: list[list[Cell]]

    @classmethod
    def from_texts(cls, rows: list[list[str | None]]) -> Table:
        """Rows of strings; ``None`` marks a position covered by a span (as pdfplumber gives)."""
        grid: list[list[Cell]] = []
        for row in rows:
            cells: list[Cell] = []
            for text in row:
                cells.append(Cell("", True) if text is None else Cell(text))
            grid.append(cells)
        return cls(grid)

    def without_phantom_columns(self) -> Table:
        """Merge each column into its left neighbour when no row starts a cell in both.

        Word lets cell edges drift by a hair between rows; Word's and LibreOffice's HTML then
        carry one extra grid column that every row spans except one, where a cell starts in it.
        """
        columns: list[list[Cell]] = []
        for column in zip(*self.rows):
            last = columns[-1] if columns else None
            if last is not None and not any(not a.merged and not b.merged for a, b in zip(last, column)):
                columns[-1] = [b if a.merged and not b.merged else a for a, b in zip(last, column)]
            else:
                columns.append(list(column))
        return Table([list(row) for row in zip(*columns)])


Block = str | Table


@dataclass
class Document:
    """What an extractor found in one file."""

    format: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    published: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [block for block in self.blocks if isinstance(block, str)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]

    def text(self) -> str:
        """Plain text of the whole document, tables as tab-separated rows."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, str):
                lines.append(block)
            else:
                lines.extend("\t".join(c.text for c in row) for row in block.rows)
        return "\n".join(lines)
