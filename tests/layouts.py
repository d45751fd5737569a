"""Archives as older releases of nianbao left them, made from a current one, to test migrations."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from archive.schema import CELL_VIEWS, STORAGE_TABLES, migrations

LEAN_VIEWS = (*CELL_VIEWS, "checks", "report_versions")


def undo_lean_facts(path: Path) -> None:
    """The file as nianbao before m013 left it: cells, checks and versions as tables of their
    own, with every label, region and text written out on each row."""
    db = sqlite_utils.Database(path)
    for view in LEAN_VIEWS:
        db.execute(f"CREATE TABLE [old_{view}] AS SELECT * FROM [{view}]")
        db.execute(f"DROP VIEW [{view}]")
        db.execute(f"ALTER TABLE [old_{view}] RENAME TO [{view}]")
    for table in STORAGE_TABLES:
        db.execute(f"DROP TABLE [{table}]")
    db["checks"].create_index(["ok", "rule"])
    db.execute(f"DELETE FROM [{migrations.migrations_table}] WHERE name LIKE 'm013%' OR name LIKE 'm014%'")
    db.close()
