"""What readers see of a report's current version besides its tables: the row of
``report_summary`` and the search index. Both follow the current version, written with it.

The summary's identity columns (agency, region, year, gone …) follow ``reports`` by trigger;
its figures come from here.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import sqlite_utils

from . import search, totals
from .siblings import Report
from .versions import SECTIONS


def text(report: Report) -> str:
    """The report's prose, section by section: what report_versions.text holds."""
    sections = asdict(report.sections)
    return "\n\n".join(sections[name] for name in SECTIONS if sections[name])


def searchable(report: Report) -> tuple[str | None, str | None, str]:
    return report.title, report.agency, text(report)


def failed_rules(report: Report) -> list[str]:
    return [check.rule for check in report.failed_checks()]


_SET_FIGURES = ("UPDATE report_summary SET checks_failed = ?, failed_rules = ?, "
                + ", ".join(f"{column} = ?" for column in totals.COLUMNS) + " WHERE id = ?")


def follow(db: sqlite_utils.Database, report_id: int, report: Report, previous: Report | None) -> None:
    """The summary figures and the search index now show ``report``, which replaced ``previous``."""
    failed = failed_rules(report)
    figures = totals.totals(report)
    db.conn.execute(_SET_FIGURES, [len(failed) if report.checks else None,
                                   "; ".join(failed) or None, *figures.values(), report_id])
    search.index(db, report_id, searchable(report), searchable(previous) if previous else None)


def backfill(db: sqlite_utils.Database) -> None:
    """Summary figures and search terms for every report's current version (an older archive)."""
    current = db.query("SELECT r.id, v.parsed FROM reports r JOIN report_versions v "
                       "ON v.report_id = r.id AND v.version = r.version")
    for row in current:
        follow(db, row["id"], Report.from_json(json.loads(row["parsed"])), None)
