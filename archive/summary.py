"""What readers see of a report's current version besides its tables: the row of
``report_summary`` and the search index. Both follow the current version, written with it.

The summary's identity columns (agency, region, year, gone …) follow ``reports`` by trigger;
its figures come from here.
"""

from __future__ import annotations

import json

import sqlite_utils

from . import search, totals
from .versions import SECTIONS


def text(parsed: dict) -> str:
    """The report's prose, section by section: what report_versions.text holds."""
    sections = parsed.get("sections") or {}
    return "\n\n".join(sections[name] for name in SECTIONS if sections.get(name))


def searchable(parsed: dict) -> tuple[str | None, str | None, str]:
    return parsed.get("title"), parsed.get("agency"), text(parsed)


def failed_rules(parsed: dict) -> list[str]:
    return [check.get("rule") for check in parsed.get("checks") or [] if check.get("ok") is False]


_SET_FIGURES = ("UPDATE report_summary SET checks_failed = ?, failed_rules = ?, "
                + ", ".join(f"{column} = ?" for column in totals.COLUMNS) + " WHERE id = ?")


def follow(db: sqlite_utils.Database, report_id: int, parsed: dict, previous: dict | None) -> None:
    """The summary figures and the search index now show ``parsed``, which replaced ``previous``."""
    failed = failed_rules(parsed)
    figures = totals.totals(parsed)
    db.conn.execute(_SET_FIGURES, [len(failed) if parsed.get("checks") else None,
                                   "; ".join(failed) or None, *figures.values(), report_id])
    search.index(db, report_id, searchable(parsed), searchable(previous) if previous else None)


def backfill(db: sqlite_utils.Database) -> None:
    """Summary figures and search terms for every report's current version (an older archive)."""
    current = db.query("SELECT r.id, v.parsed FROM reports r JOIN report_versions v "
                       "ON v.report_id = r.id AND v.version = r.version")
    for row in current:
        follow(db, row["id"], json.loads(row["parsed"]), None)
