"""A row's printed values into exactly the row's width, when the count is off.

A grid row reads as printed. A row from text may have lost its cell boundaries, so the ways it
can be read are enumerated, simplest first: as printed; joining a number split over two lines
(``1``/``62``) or standing for identical neighbours a crawler collapsed (``8 0 8``); splitting
digits run together (``21710000218``). A reading is taken only when it is the only one that
keeps the row's own identity; rows still ambiguous go to the table's identities (``solve``),
and are left null when those cannot decide either. A wrong number is worse than a missing one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .numbers import normalize_cell, parse_value
from .tokens import Token

Values = tuple[object, ...]
Identity = Callable[[Values], bool]
_LIMIT = 20000
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_LEADING_ZERO = re.compile(r"-?0\d")  # 0100 is no printed number: digits run together
_UNIT = re.compile(r"(?<=\d)(?:万元|元|项|件|个|条|次|人次|宗|起|份|家|%)$")


# Simplest first: collapsed neighbours, a number split over two lines, both, lost empty cells, digits run
# together. Joining lines is only safe where a row total confirms it (2876 then 123291 is two cells).
_TIERS = (frozenset({"repeat"}), frozenset({"join"}), frozenset({"repeat", "join"}), frozenset({"repeat", "blank"}),
          frozenset({"split"}), frozenset({"split", "repeat"}))
# An empty cell a dump left no trace of.
_DROPPED = object()
_TIERS_WITHOUT_JOINS = tuple(ops for ops in _TIERS if "join" not in ops)


class _TooMany(Exception):
    pass


@dataclass
class Reading:
    """The row's values, or the readings left to choose from (``values`` None)."""

    values: Values | None
    choices: list[Values] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The other readings, worked out only if the table's identities disagree with this one.
    doubts: Callable[[], list[Values]] | None = None


def read_row(tokens: list[Token], width: int, identity: Identity | None, joins: bool = True,
             in_order: bool = True) -> Reading:
    if not tokens:  # a row printed with nothing in it
        return Reading((None,) * width)
    if all(t.source == "cell" for t in tokens):
        grid = _grid_reading(tokens, width)
        if grid is not None:
            return grid
    exact = _as_printed(tokens, width)
    if exact is not None and (identity is None or identity(exact.values)):
        return exact
    if exact is not None:
        # As many values as cells but no total: a misprint, unless the values lost their order.
        # Re-reading would need two coincidences (a join and a repeat) to keep the count.
        return exact if in_order else Reading(None)
    for ops in _TIERS if joins else _TIERS_WITHOUT_JOINS:
        try:
            readings = set(_readings(tokens, width, ops))
        except _TooMany:
            continue
        good = _distinct([r for r in readings if identity is None or identity(_cleaned(r))])
        if len(good) == 1:
            return Reading(good[0], doubts=functools.partial(_doubts, tokens, width, identity, ops, good[0]))
        if len(good) > 1:
            return Reading(None, sorted(good, key=repr))
    return Reading(None)


def _doubts(tokens: list[Token], width: int, identity: Identity | None, ops: frozenset[str],
            taken: Values) -> list[Values]:
    """A row read as a crawler's collapsed neighbours may instead have lost empty cells: the
    readings that allows, for the table's identities to choose from (empty if none other)."""
    if "repeat" not in ops or identity is None or not all(t.source == "line" for t in tokens):
        return []
    try:
        readings = set(_readings(tokens, width, ops | {"blank"}))
    except _TooMany:
        return []
    others = _distinct([r for r in readings if identity(_cleaned(r))])
    return sorted(others, key=repr) if len(others) > 1 and taken in others else []


def agreed(choices: list[Values]) -> Values:
    """Each cell all readings agree on; None where they differ."""
    return tuple(column[0] if len(set(column)) == 1 else None for column in zip(*choices))


def _grid_reading(tokens: list[Token], width: int) -> Reading | None:
    """Cells as the grid placed them; a value merged across columns is 0 in each if 0."""
    if len(tokens) == width and all(t.span == 1 for t in tokens):
        return Reading(tuple(_value(t) for t in tokens))
    warnings: list[str] = []
    expanded: list[object] = []
    tokens = _without_padding(tokens, width)
    for token in tokens:
        value = _value(token)
        expanded.append(value)
        if token.span > 1:
            if value != 0:
                warnings.append(f"a value merged across {token.span} columns; covered cells left null")
            expanded += [0 if value == 0 else None] * (token.span - 1)
    if len(tokens) == width and len(expanded) != width:  # a colspan on a value instead of its header
        return Reading(tuple(_value(t) for t in tokens))
    while len(expanded) > width and expanded[0] is None:  # a label's span printed as blank cells
        expanded.pop(0)
    while len(expanded) > width and expanded[-1] is None:  # padding to the widest row
        expanded.pop()
    if len(expanded) == width:
        return Reading(tuple(expanded), warnings=warnings)
    if len(expanded) < width and any(t.blank for t in tokens):  # a row cut off at the right
        return Reading(tuple(expanded) + (None,) * (width - len(expanded)), warnings=warnings)
    filled = [t for t in tokens if not t.blank]
    if len(filled) == width and all(t.span == 1 for t in filled):  # blank columns a layout added
        return Reading(tuple(_value(t) for t in filled))
    return None


def _without_padding(tokens: list[Token], width: int) -> list[Token]:
    """Spans fitted to the row: a label's span printed as blanks dropped, phantom columns taken
    off a merged cell."""
    while sum(t.span for t in tokens) > width and tokens and tokens[0].blank:  # a label's span
        tokens = tokens[1:]
    tokens = list(tokens)
    for index in sorted(range(len(tokens)), key=lambda i: -tokens[i].span):
        excess = sum(t.span for t in tokens) - width
        if excess <= 0:
            break
        token = tokens[index]
        # Word's phantom grid columns widen a merged cell's span beyond the table's columns.
        span = max(1, token.span - excess)
        tokens[index] = Token(token.text, True, token.source, span, token.blank)
    return tokens


def _as_printed(tokens: list[Token], width: int) -> Reading | None:
    return Reading(tuple(_value(t) for t in tokens)) if len(tokens) == width else None


def _value(token: Token) -> object:
    return None if token.blank else parse_value(token.text)[0]


def _cleaned(values: Values) -> Values:
    return tuple(None if v is _DROPPED else v for v in values)


def _distinct(readings: list[Values]) -> list[Values]:
    """Readings told apart by where their numbers stand; an empty cell and a 0 count alike.

    A row short of cells lost either empty cells (no text to dump) or the copies of a merged
    cell: where both readings put the same numbers in the same columns, the merged reading
    (a 0 in each covered column, issue 9) is kept, else the cells they agree on."""
    classes: dict[Values, list[Values]] = {}
    for reading in readings:
        classes.setdefault(tuple(0 if v is None or v is _DROPPED else v for v in reading), []).append(reading)
    found = []
    for members in classes.values():
        merged = [m for m in members if _DROPPED not in m]
        found.append(min(merged, key=repr) if merged else agreed([_cleaned(m) for m in members]))
    return found


def _readings(tokens: list[Token], width: int, ops: set[str]) -> Iterator[Values]:
    count = [0]
    # One value a line: an empty cell left no line. A row missing most of its cells is not that.
    lines = all(t.source == "line" for t in tokens) and 2 * len(tokens) >= width
    droppable = width - len(tokens) if "blank" in ops and lines else 0

    def walk(index: int, acc: tuple) -> Iterator[Values]:
        count[0] += 1
        if count[0] > _LIMIT:
            raise _TooMany
        if acc.count(_DROPPED) < droppable and len(acc) < width:
            yield from walk(index, acc + (_DROPPED,))
        if index == len(tokens):
            if len(acc) == width:
                yield acc
            return
        for text, following in _joins(tokens, index, "join" in ops):
            rest = len(tokens) - following
            room = width - len(acc) - (rest + 1) // 2 if "join" in ops else width - len(acc) - rest
            last = following == len(tokens)
            for parts in _parts(text, tokens[index], room, last, "split" in ops):
                for times in _repeats(tokens[index], parts, room, "repeat" in ops):
                    yield from walk(following, acc + parts * times)

    yield from walk(0, ())


def _joins(tokens: list[Token], index: int, allowed: bool) -> Iterator[tuple[str, int]]:
    """The token alone, or joined with the next line when both are bare digits."""
    text = normalize_cell(tokens[index].text)
    yield text, index + 1
    following = index + 1
    if allowed and tokens[index].source == "line" and following < len(tokens):
        nxt = tokens[following]
        if nxt.source == "line" and text.isdigit() and normalize_cell(nxt.text).isdigit() and text != "0":
            yield text + normalize_cell(nxt.text), following + 1


def _parts(text: str, token: Token, room: int, last: bool, split: bool) -> Iterator[tuple]:
    if token.blank:
        yield (None,)
        return
    text = _UNIT.sub("", text) if split else text
    if not split or not _PLAIN.fullmatch(text):
        value = parse_value(text)[0]
        if (value is not None or not text) and not _LEADING_ZERO.match(text):
            yield (value,)
        return
    sizes = [room] if last else range(1, room + 1)
    for size in sizes:
        yield from _splits(text, size)


def _splits(text: str, size: int) -> Iterator[tuple]:
    """Every way to cut digits into ``size`` numbers, none with a leading zero."""
    if size == 1:
        if _is_number(text):
            yield (parse_value(text)[0],)
        return
    for cut in range(1, len(text)):
        head = text[:cut]
        if _is_number(head):
            for rest in _splits(text[cut:], size - 1):
                yield (parse_value(head)[0], *rest)


def _is_number(text: str) -> bool:
    digits = text.lstrip("-")
    if not digits or not _PLAIN.fullmatch(text) or text.count("-") > 1:
        return False
    whole = digits.split(".")[0]
    return whole == "0" or not whole.startswith("0")


def _repeats(token: Token, parts: tuple, room: int, allowed: bool) -> range:
    if allowed and token.source == "line" and len(parts) == 1:
        return range(1, room + 1)
    return range(1, 2)


def solve(choices: dict[str, list[Values]], consistent: Callable[[dict[str, Values]], bool]) -> dict[str, Values]:
    """The rows every reading that keeps the table's identities agrees on."""
    keys = list(choices)
    total = 1
    for key in keys:
        total *= len(choices[key])
    if not keys or total > 200000:
        return {}
    agreed: dict[str, set[Values]] = {key: set() for key in keys}
    for combination in itertools.product(*(choices[k] for k in keys)):
        picked = dict(zip(keys, combination))
        if consistent(picked):
            for key, values in picked.items():
                agreed[key].add(values)
    return {key: next(iter(found)) for key, found in agreed.items() if len(found) == 1}
