"""The `sources` table: the portal registry's rows, upserted by portal URL, never deleted.

Reading a portal list (xlsx or CSV) and resolving its regions is the crawler's job
(crawler/sources.py); this module is the only one that writes or queries the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlite_utils

# The columns a portal list supplies; what a later list leaves blank keeps its earlier value.
FIELDS = ("adcode", "province", "city", "county", "level", "name", "portal_url", "access_method")
_ORDER = "ORDER BY adcode IS NULL, adcode, name"


@dataclass
class ImportResult:
    added: int
    updated: int
    unresolved: list[str]
    unchanged: int = 0
    # Rows not imported: no usable URL, or the URL of an earlier row in the same file.
    skipped: list[str] = field(default_factory=list)


def upsert(db: sqlite_utils.Database, rows: list[dict]) -> ImportResult:
    """Rows of a portal list into `sources` by portal_url, in one transaction."""
    result = ImportResult(added=0, updated=0, unresolved=[])
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    seen: dict[str, str] = {}
    new: list[dict] = []
    with db.atomic():
        existing = {row["portal_url"]: row for row in db["sources"].rows}
        for row in rows:
            if _skip(row, seen, result):
                continue
            old = existing.get(row["portal_url"])
            merged = _merge(old, row)
            if merged["adcode"] is None:
                result.unresolved.append(f"{row['name']} {row['portal_url']}")
            _store(db, old, merged, now, new, result)
        db["sources"].insert_all(new)
    return result


def _skip(row: dict, seen: dict[str, str], result: ImportResult) -> bool:
    url, name = row["portal_url"], row["name"] or "?"
    if url is None:
        result.skipped.append(f"{name}: no usable portal URL")
        return True
    if url in seen:
        result.skipped.append(f"{name}: same portal URL as {seen[url]} ({url})")
        return True
    seen[url] = name
    return False


def _merge(old: dict | None, row: dict) -> dict:
    # What a file leaves blank never erases what an earlier file told us (a code from the
    # CSV survives re-importing the xlsx, which cannot resolve a renumbered district).
    if old is None:
        return {key: row.get(key) for key in FIELDS}
    return {key: row.get(key) if row.get(key) is not None else old.get(key) for key in FIELDS}


def _store(db: sqlite_utils.Database, old: dict | None, merged: dict, now: str, new: list[dict],
           result: ImportResult) -> None:
    if old is None:
        new.append(merged | {"imported_at": now})
        result.added += 1
    elif any(old.get(key) != merged[key] for key in FIELDS):
        db["sources"].update(old["id"], merged | {"imported_at": now})
        result.updated += 1
    else:
        result.unchanged += 1


def in_region(db: sqlite_utils.Database, prefix: str | None) -> list[dict]:
    """The sources whose division code starts with ``prefix`` (a whole code: that one), all
    when None."""
    if prefix is None:
        return list(db.query(f"SELECT * FROM sources {_ORDER}"))
    clause = "adcode = ?" if len(prefix) == 6 else "adcode LIKE ? || '%'"
    return list(db.query(f"SELECT * FROM sources WHERE {clause} {_ORDER}", [prefix]))


def has_prefix(db: sqlite_utils.Database, prefix: str) -> bool:
    sql = "SELECT 1 FROM sources WHERE adcode LIKE ? || '%' LIMIT 1"
    return db.execute(sql, [prefix]).fetchone() is not None


def at_url(db: sqlite_utils.Database, portal_url: str | None) -> list[dict]:
    return list(db["sources"].rows_where("portal_url = ?", [portal_url]))
