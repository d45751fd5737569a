"""Which body a report belongs to, and what kind of body it is.

The same body is printed under different names across years (洪泽区人民政府 in 2023,
淮安市洪泽区人民政府 in 2024), so a body is its division code plus its name with the
names of its own region stripped from the front.
"""

from __future__ import annotations

import re
import unicodedata

from .siblings import place_level

REGION_KEYS = ("province", "city", "county", "adcode")

COUNTY_GOVERNMENT = "县级政府"
CITY_GOVERNMENT = "市级政府"
PROVINCE_GOVERNMENT = "省级政府"
TOWNSHIP = "乡镇街道"
DEPARTMENT = "部门"

# The government itself, or its general office reporting for it.
_GOVERNMENT = re.compile(r"^(?:人民)?政府(?:办公室|办公厅|办)?$")
# A 乡/镇/街道/苏木 named first, then only the words that make it that unit's own office:
# 城乡建设局 or 城镇管理局 do not match because other words follow 乡 or 镇.
_TOWNSHIP = re.compile(
    r"^.{1,12}?(?:乡|镇|街道|苏木)"
    r"(?:人民政府|政府|街道办事处|办事处|党委|党工委|管理委员会)?"
    r"(?:办公室|党政办公室|党政办|党政综合办公室)?$")
_OWN_GOVERNMENT = re.compile(r"^(?P<place>.+?)(?:人民)?政府(?:办公室|办公厅|办)?$")


def clean_name(name: str | None) -> str:
    """NFKC, without whitespace, punctuation or symbols: what two spellings of a name share."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def region_of(registry: dict | None, parsed: dict | None) -> dict[str, str | None]:
    """The registry's region when the crawl had one (it knows the portal), else the parsed one."""
    chosen = registry if registry and any(registry.get(key) for key in REGION_KEYS) else parsed
    return {key: (chosen or {}).get(key) or None for key in REGION_KEYS}


def strip_region(name: str, region: dict) -> tuple[str, str | None]:
    """The name without leading names of its region, and the level of the last one stripped."""
    prefixes = [(region.get(key), key) for key in ("province", "city", "county")]
    prefixes = [(clean_name(text), key) for text, key in prefixes if text]
    stripped: str | None = None
    changed = True
    while changed:
        changed = False
        for prefix, key in prefixes:
            if prefix and name.startswith(prefix) and len(name) > len(prefix):
                name, stripped, changed = name[len(prefix):], key, True
    return name, stripped


def body_key(agency: str | None, region: dict) -> str:
    """Division code (or the region's names, or "unknown") + the normalised agency name."""
    name, _ = strip_region(clean_name(agency), region)
    where = region.get("adcode") or "".join(
        region.get(key) or "" for key in ("province", "city", "county")) or "unknown"
    return f"{where}:{name}"


def level(agency: str | None, region: dict) -> str:
    """县级政府, 乡镇街道 or 部门 (市级政府/省级政府 for the governments above a county)."""
    name, stripped = strip_region(clean_name(agency), region)
    if _TOWNSHIP.match(name):
        return TOWNSHIP
    if _GOVERNMENT.match(name):
        return _government_level(stripped, region)
    own = _OWN_GOVERNMENT.match(name)
    if own and (division := place_level(own.group("place"))):
        return _government_level(division, region)
    return DEPARTMENT


def _government_level(stripped: str | None, region: dict) -> str:
    # 人民政府 with no place left: the place was the region name just stripped, or, when
    # nothing was stripped, the lowest division the region names.
    key = stripped or next((k for k in ("county", "city", "province") if region.get(k)), "county")
    return {"county": COUNTY_GOVERNMENT, "city": CITY_GOVERNMENT}.get(key, PROVINCE_GOVERNMENT)
