"""Table cells to numbers: full-width digits, units, blanks and 无."""

from __future__ import annotations

import functools
import re
import unicodedata

# Units seen inside value cells: 20项, 61355元, 1.8533万元, 3件, 12条, 5人次.
_NUMBER = re.compile(r"^([+-]?\d+(?:,\d{3})*(?:\.\d+)?)\s*(?:万元|元|项|件|个|条|次|人次|宗|起|份|家|%)?$")
_NUMBERING = re.compile(r"^\d+\s*[.、]$")
ZERO_WORDS = frozenset({"无", "没有", "零"})


@functools.lru_cache(maxsize=8192)
def normalize_cell(text: str) -> str:
    """NFKC folds full-width digits and signs; all whitespace goes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace("－", "-").replace("—", "-").replace("−", "-")


@functools.lru_cache(maxsize=8192)
def is_value_like(text: str) -> bool:
    """Could this cell sit in a value column: blank, a number, 无, or a dash/slash placeholder."""
    cell = normalize_cell(text)
    if not cell:
        return True
    if _NUMBERING.match(cell):
        return False
    return bool(_NUMBER.match(cell)) or cell in ZERO_WORDS or set(cell) <= set("-/\\_~*")


@functools.lru_cache(maxsize=8192)
def parse_value(text: str) -> tuple[int | float | None, str | None]:
    """(number, warning): blank is None, 无 is 0, anything unreadable is None with a warning."""
    cell = normalize_cell(text)
    if not cell:
        return None, None
    if cell in ZERO_WORDS:
        return 0, None
    match = _NUMBER.match(cell)
    if not match:
        return None, f"cell {text.strip()!r} is not a number; read as null"
    digits = match.group(1).replace(",", "")
    number = float(digits)
    return (int(number) if "." not in digits else number), None
