"""The map's figures: for one year and one level, each county's reports, applications per
report and disclosure rate, each with its n, and the colour class it is drawn in.

A rate on fewer than MIN_N applications is not coloured ("too few"), as on the dashboard; the
level is always one level for the rates, since adding a county government's report to its
departments' counts the same applications twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from html import escape

MIN_N = 10
DEFAULT_LEVEL = "县级政府"
LEVELS = ("县级政府", "部门", "乡镇街道", "市级政府", "省级政府")


@dataclass(frozen=True)
class Figure:
    title: str
    unit: str
    bins: tuple[float, ...]          # lower bounds of the colour classes after the first
    labels: tuple[str, ...]


FIGURES = {
    "coverage": Figure("报告数（覆盖）· Reports found", "份", (2, 6, 21),
                       ("1 份", "2–5 份", "6–20 份", "21 份以上")),
    "applications": Figure("每份报告的新收申请 · Applications per report", "件 / 份", (10, 50, 200, 1000),
                           ("0–9", "10–49", "50–199", "200–999", "1000 以上")),
    "disclosure": Figure("公开率（予以公开+部分公开）/ 办理总计 · Disclosure rate", "%", (0.5, 0.7, 0.85, 0.95),
                         ("50% 以下", "50–70%", "70–85%", "85–95%", "95% 以上")),
}

_COUNTIES = """
SELECT adcode, max(province) AS province, max(city) AS city, max(county) AS county, count(*) AS reports,
       sum(requests_new) AS applications, count(requests_new) AS with_applications,
       coalesce(sum(requests_granted), 0) + coalesce(sum(requests_partial), 0) AS disclosed,
       sum(requests_handled) AS handled
FROM report_summary
WHERE year = :year AND (:level = '' OR level = :level) AND adcode IS NOT NULL
GROUP BY adcode"""
_YEARS = "SELECT DISTINCT year FROM report_summary WHERE year IS NOT NULL ORDER BY year DESC"
_REGISTRY = "SELECT DISTINCT adcode FROM sources WHERE adcode IS NOT NULL"


def colour_class(value: float | None, figure: Figure) -> int:
    """0 for the lowest class, len(bins) for the highest."""
    return sum(value >= bound for bound in figure.bins) if value is not None else -1


def value_of(row: dict, figure: str) -> tuple[float | None, int]:
    """(the figure, its n) for one county."""
    if figure == "coverage":
        return row["reports"], row["reports"]
    if figure == "applications":
        n = row["with_applications"]
        return (round(row["applications"] / n, 1) if n else None), n
    n = row["handled"] or 0
    return (round(row["disclosed"] / n, 4) if n >= MIN_N else None), n


def describe(row: dict, figure: str, value: float | None, n: int) -> str:
    place = " ".join(part for part in (row["province"], row["city"], row["county"]) if part)
    if figure == "disclosure" and value is None:
        return f"{place}：办理 {n} 件，少于 {MIN_N} 件不计公开率 · too few to rate"
    shown = f"{value:.1%}" if figure == "disclosure" else f"{value:g} {FIGURES[figure].unit}" if value is not None else "—"
    return f"{place}：{shown}（n = {n}）"


def _rows(conn: sqlite3.Connection, sql: str, params: dict | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def gather(conn: sqlite3.Connection, figure: str, year: int | None, level: str) -> dict:
    """Each county with reports (and each county of the registry) as the map colours it."""
    years = [row["year"] for row in _rows(conn, _YEARS)]
    year = year if year in years else (years[0] if years else None)
    counties = {}
    for row in _rows(conn, _COUNTIES, {"year": year, "level": level}):
        value, n = value_of(row, figure)
        counties[row["adcode"]] = {"value": value, "n": n, "class": colour_class(value, FIGURES[figure]),
                                   "title": describe(row, figure, value, n)}
    registry = {row["adcode"] for row in _rows(conn, _REGISTRY)}
    return {"figure": figure, "year": year, "years": years, "level": level, "counties": counties,
            "unreported": sorted(registry - set(counties))}


def svg(paths: dict[str, str], shown: dict, link: str, view_box: tuple[float, ...]) -> str:
    """The map: every county outlined; a county with reports coloured by its class and linked to
    them (``link`` with the adcode put in), a county of the registry without one marked so."""
    unreported = set(shown["unreported"])
    parts = [f'<svg id="county-map" xmlns="http://www.w3.org/2000/svg" viewBox="{" ".join(f"{v:.2f}" for v in view_box)}" '
             'role="img" aria-label="区县地图 · map of counties">']
    for adcode, data in sorted(paths.items()):
        county = shown["counties"].get(adcode)
        if county is None:
            kind = "unreported" if adcode in unreported else "outside"
            parts.append(f'<path class="county {kind}" data-adcode="{adcode}" d="{data}"/>')
            continue
        parts.append(f'<a href="{escape(link.format(adcode))}"><path class="county c{county["class"]}" '
                     f'data-adcode="{adcode}" data-value="{"" if county["value"] is None else county["value"]}" '
                     f'data-n="{county["n"]}" d="{data}"><title>{escape(county["title"])}</title></path></a>')
    parts.append("</svg>")
    return "".join(parts)
