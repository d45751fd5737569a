"""The figures a researcher asks for first, one row per report (``report_summary``).

They are worked out once, when a version is filed, so the summary reads as fast as a table:
correlated look-ups into the long tables cost a CSV download seconds per 100,000 reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .siblings import Report

# Section 三 rows: a name in the summary, and the table rows that add up to it.
_REQUEST_TOTALS = {
    "requests_new": ("new",),
    "requests_carried_over": ("carried_over",),
    "requests_granted": ("granted",),
    "requests_partial": ("partial",),
    "requests_denied": ("denied.",),
    "requests_unable": ("unable.",),
    "requests_rejected": ("rejected.",),
    "requests_other": ("other",),  # 2019: one row; 2021: other.no_correction, … add up
    "requests_handled": ("total",),
    "requests_carried_forward": ("carried_forward",),
}
_APPEAL_TOTALS = {
    "review_total": (("review",), "total"),
    "review_corrected": (("review",), "corrected"),
    "litigation_direct_total": (("litigation_direct",), "total"),
    "litigation_after_review_total": (("litigation_after_review",), "total"),
    "litigation_total": (("litigation_direct", "litigation_after_review"), "total"),
    "litigation_corrected": (("litigation_direct", "litigation_after_review"), "corrected"),
}
# Section 二: one figure per item; the 2019 and 2021 formats name "made this year" differently.
_PROACTIVE_TOTALS = {
    "regulations_issued": ("regulations", ("issued", "new_made")),
    "normative_documents_issued": ("normative_documents", ("issued", "new_made")),
    "normative_documents_in_force": ("normative_documents", ("in_force",)),
    "licensing_decisions": ("licensing", ("decisions",)),
    "punishment_decisions": ("punishment", ("decisions",)),
    "enforcement_decisions": ("enforcement", ("decisions",)),
}
COLUMNS = (*_REQUEST_TOTALS, "disclosure_rate", *_APPEAL_TOTALS, *_PROACTIVE_TOTALS)


def _number(value: object) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _add(values: Iterable[object]) -> int | float | None:
    """A sum where an empty cell is 0, but all-empty stays empty: "not printed" is not 0."""
    numbers = [number for number in map(_number, values) if number is not None]
    return sum(numbers) if numbers else None


@lru_cache(maxsize=1024)
def _request_totals_of(row: str) -> tuple[str, ...]:
    """The summary figures a Section 三 row adds to."""
    return tuple(name for name, rows in _REQUEST_TOTALS.items() if any(_matches(row, wanted) for wanted in rows))


def _request_totals(requests: dict) -> dict[str, int | float | None]:
    """Each figure's sum of its rows' 总计 cells, rows taken in the table's order."""
    cells: dict[str, list[object]] = {name: [] for name in _REQUEST_TOTALS}
    for row, columns in requests.items():
        if isinstance(columns, dict):
            for name in _request_totals_of(row):
                cells[name].append(columns.get("total"))
    return {name: _add(values) for name, values in cells.items()}


def _matches(row: str, wanted: str) -> bool:
    if wanted.endswith("."):
        return row.startswith(wanted)
    return row == wanted or (wanted == "other" and row.startswith("other."))


def _proactive_total(proactive: dict, item: str, metrics: tuple[str, ...]) -> float | None:
    figures = proactive.get(item)
    if not isinstance(figures, dict):
        return None
    return next((figures[metric] for metric in metrics if _number(figures.get(metric)) is not None), None)


def disclosure_rate(granted: float | None, partial: float | None, handled: float | None) -> float | None:
    """予以公开 and 部分公开 over all applications handled, as a fraction."""
    if not handled or (granted is None and partial is None):
        return None
    return round(((granted or 0) + (partial or 0)) / handled, 4)


def totals(report: Report) -> dict[str, float | None]:
    requests, appeals, proactive = report.requests, report.appeals, report.proactive
    row = _request_totals(requests)
    row["disclosure_rate"] = disclosure_rate(row["requests_granted"], row["requests_partial"],
                                             row["requests_handled"])
    for name, (groups, result) in _APPEAL_TOTALS.items():
        row[name] = _add((appeals.get(group) or {}).get(result) for group in groups)
    for name, (item, metrics) in _PROACTIVE_TOTALS.items():
        row[name] = _proactive_total(proactive, item, metrics)
    return row
