"""What readers see of a report's current version besides its tables: the row of
``report_summary`` and the search index. Both follow the current version, written with it.

The summary's identity columns (agency, region, year, gone …) follow ``reports`` by trigger;
its figures come from here.
"""

from __future__ import annotations

import json

import sqlite_utils

from . import search, totals
from .digest import Digest, digest_of, failed_rules, text
from .siblings import Report

__all__ = ["backfill", "failed_rules", "follow", "searchable", "text"]


def searchable(report: Report) -> tuple[str | None, str | None, str]:
    return report.title, report.agency, text(report)


_SET_FIGURES = ("UPDATE report_summary SET checks_failed = ?, failed_rules = ?, "
                + ", ".join(f"{column} = ?" for column in totals.COLUMNS) + " WHERE id = ?")


def follow(db: sqlite_utils.Database, report_id: int, done: Digest, previous: Report | None) -> None:
    """The summary figures and the search index now show the report ``done`` is the digest of
    (archive/digest.py), which replaced ``previous``."""
    db.conn.execute(_SET_FIGURES, [*done.figures, report_id])
    search.index(db, report_id, done.terms, search.document(*searchable(previous)) if previous else None)


def backfill(db: sqlite_utils.Database) -> None:
    """Summary figures and search terms for every report's current version (an older archive)."""
    current = db.query("SELECT r.id, v.parsed FROM reports r JOIN report_versions v "
                       "ON v.report_id = r.id AND v.version = r.version")
    for row in current:
        follow(db, row["id"], digest_of(Report.from_json(json.loads(row["parsed"]))), None)
