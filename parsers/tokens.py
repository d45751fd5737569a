"""A document as one stream of label fragments and values, whatever carried them.

Grids give one token per cell; text gives tokens cut at line breaks, spaces and the edges of
digit runs, so a table dumped one cell per line, or with its cells run together, reads the same
as a grid. Each value token says how it may be re-read when a row's count is off: a grid cell
never, a text line by joining its neighbour (``1\\n62``) or standing for repeated neighbours
(crawlers collapse identical cells), a run of digits by splitting it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from .document import Block, Cell, Table
from .numbers import is_value_like, normalize_cell

# A number as printed in text: signs, thousands commas, decimals, a unit.
_NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?(?:万元|元|项|件|个|条|次|人次|宗|起|份|家|%)?")
# Digits followed by 年月日 are dates; digits then a stop then a label are an item's number.
_DATE_OR_NUMBERING = re.compile(r"(?:年|月|日|号|[.、．](?!\d))")
# A page's number printed in the text a PDF gave: -4-, — 4 —, 第4页, 4/12.
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—－–]\s*\d{1,4}\s*[-—－–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$")
_PLACEHOLDERS = frozenset({"/", "／", "-", "—", "——", "－", "无", "\\", "_"})
_BLANK_MARKS = _PLACEHOLDERS - {"无"}
_MARKS = re.compile(r"——|[/／\-—－无\\_]")
_ONLY_MARKS = re.compile(r"[/／\-—－无\\_]+")
_SPACE_INSIDE = re.compile(r"\S\s+\S")
_SPACES = re.compile(r"\s+")


class Token(NamedTuple):
    """One label fragment or one value as printed.

    ``source`` is ``cell`` (a grid cell), ``line`` (a text line holding just this value) or
    ``run`` (digits inside running text, cut at spaces and at labels). ``span`` counts the
    grid positions a cell covers; ``blank`` marks an empty value cell. A named tuple, not a
    frozen dataclass: a report makes thousands, and a frozen dataclass sets each field through
    object.__setattr__.
    """

    text: str
    is_value: bool
    source: str = "cell"
    span: int = 1
    blank: bool = False


ROW_END = Token("", False, "break")


def stream(blocks: list[Block]) -> list[Token]:
    tokens: list[Token] = []
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                tokens += row_tokens(row)
        else:
            tokens += text_tokens(block)
    return _label_words(tokens)


def _label_words(tokens: list[Token]) -> list[Token]:
    """Label characters a line break cut off: 无 of 无法提供, the 3 of 3.其他."""
    for index, (token, following) in enumerate(zip(tokens, tokens[1:])):
        # Only a one-character value before a label can be one: most tokens stop at the first test.
        if len(token.text) != 1 or not token.is_value or following.is_value:
            continue
        if token.text == "无" and following.text.startswith("法") or (
                token.text.isdigit() and following.text[:1] in ".、．"):
            tokens[index] = Token(token.text, False, token.source)
    return tokens


def row_tokens(row: list[Cell]) -> list[Token]:
    """A grid row: its label cells, then its value cells with blanks and spans kept."""
    last_label = len(row) - 1  # from the right: most of a row is values after its labels
    while last_label >= 0 and (row[last_label].merged or is_value_like(row[last_label].text)):
        last_label -= 1
    # A label cell may carry its row's first value (属于国家秘密0) where columns were guessed.
    tokens = [t for c in row[: last_label + 1] if not c.merged and c.text.strip() for t in _label_cell(c.text)]
    filled = False
    for cell in row[last_label + 1:]:
        if not cell.merged:
            token = _value_cell(cell.text)
            filled = filled or not token.blank
            tokens.append(token)
        elif tokens and tokens[-1].is_value:
            last = tokens[-1]
            tokens[-1] = Token(last.text, True, span=last.span + 1, blank=last.blank)
    if not filled and last_label >= 0:
        # A label row padded to the table's width: its labels end where the row does.
        return [t for t in tokens if not t.is_value] + [ROW_END]
    return tokens


@functools.lru_cache(maxsize=8192)
def _value_cell(text: str) -> Token:
    cell = normalize_cell(text)
    return Token(text.strip(), True, blank=not cell or cell in _BLANK_MARKS)


@functools.lru_cache(maxsize=8192)
def _label_cell(text: str) -> tuple[Token, ...]:
    return tuple(_run_tokens(text))


def text_tokens(text: str) -> list[Token]:
    stripped = normalize_cell(text)
    if not stripped or _PAGE_NUMBER.match(text):
        return []
    if _SPACE_INSIDE.search(text.strip()):  # spaces inside: several cells on one line
        return list(_run_tokens(text))
    if stripped in _PLACEHOLDERS:
        return [Token(stripped, True, "line", blank=stripped != "无")]
    if _NUMBER.fullmatch(stripped):
        return [Token(stripped, True, "line")]
    return list(_run_tokens(text))


def _run_tokens(text: str) -> Iterator[Token]:
    """Running text: digit runs become values unless a date or an item number; the rest labels."""
    label = ""
    for piece in _SPACES.split(text.strip()):
        position = 0
        for match in _NUMBER.finditer(piece):
            label += piece[position:match.start()]
            position = match.end()
            after = piece[match.end():match.end() + 1]
            digits, kept = match.group(), ""
            if after and _DATE_OR_NUMBERING.match(piece, match.end()):
                digits, kept = _numbering_split(digits, after)
            if digits or after not in "年月日号":
                yield from _flush(label)  # an item number starts a label of its own
                label = ""
            if digits:
                yield Token(digits, True, "run")
            label += kept
        label += piece[position:]
    yield from _flush(label)


def _numbering_split(digits: str, after: str) -> tuple[str, str]:
    """``3200000326.`` before a label is the values 320000032 and the item number 6."""
    if after in "年月日号" or not digits.isdigit() or len(digits) == 1:
        return "", digits
    return digits[:-1], digits[-1]


def _flush(label: str) -> list[Token]:
    """A label, or a placeholder standing for a value between numbers (0无0, 5—3)."""
    if label and _ONLY_MARKS.fullmatch(label):  # fails at the first other character of a long label
        return [Token(mark, True, "run", blank=mark != "无") for mark in _MARKS.findall(label)]
    return [Token(label, False, "run")] if label else []
