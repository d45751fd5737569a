"""report_summary and the search index follow each report's current version."""

from __future__ import annotations

import sqlite_utils

from archive import Archive
from archive.schema import migrations
from archive.search import match_query

from .layouts import undo_lean_facts

SEED = "seeds/003_a5add6b12b1138ca.txt"  # 兰西县兰河乡人民政府 2020


def found(archive, query: str) -> list[int]:
    return [row["rowid"] for row in archive.db.query(
        "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?", [match_query(query)])]


def test_new_report_gets_a_summary_row(archive, run, fetch, parsed):
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    row = archive.db["report_summary"].get(stored.report_id)
    assert (row["agency"], row["year"], row["adcode"], row["requests_new"]) == ("兰西县兰河乡人民政府", 2020, "231222", 0)


def test_summary_marks_a_gone_report(archive, run, fetch, parsed):
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.mark_gone(archive.start_run(), "http://portal.example", set())
    assert archive.db["report_summary"].get(stored.report_id)["gone"] == 1


def test_failing_rules_are_listed(archive, run, fetch, parsed):
    report = parsed(SEED)
    report.checks[0].ok = False
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), report)
    row = archive.db["report_summary"].get(stored.report_id)
    assert (row["checks_failed"], row["failed_rules"]) == (1, report.checks[0].rule)


def test_search_forgets_words_of_a_replaced_version(archive, run, fetch, parsed):
    report = parsed(SEED)
    report.sections.overview = "今年举办听证会一次。"
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), report)
    report.sections.overview = "今年举办座谈会一次。"
    archive.store(run, fetch("http://portal.example/a.txt", b"v2"), report)
    assert (found(archive, "听证"), found(archive, "座谈")) == ([], [stored.report_id])


def test_older_archive_gets_summary_and_search_when_opened(tmp_path, fetch, parsed):
    older = Archive(tmp_path / "archive.db")
    report = parsed(SEED)
    report.sections.overview = "今年举办听证会一次。"
    stored = older.store(older.start_run(), fetch("http://portal.example/a.txt", b"v1"), report)
    older.close()
    _undo_publishing(tmp_path / "archive.db")
    reopened = Archive(tmp_path / "archive.db")
    assert reopened.db["report_summary"].get(stored.report_id)["requests_handled"] == 0
    assert found(reopened, "听证") == [stored.report_id]
    reopened.close()


def _undo_publishing(path) -> None:
    """The file as nianbao before m007 left it: report_summary a view, no search index."""
    undo_lean_facts(path)
    db = sqlite_utils.Database(path)
    db["report_summary"].drop()
    db["reports_fts"].drop()
    for trigger in ("report_summary_insert", "report_summary_update"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP INDEX idx_checks_ok_rule")
    db.execute("CREATE VIEW report_summary AS SELECT id FROM reports")
    db.execute(f"DELETE FROM [{migrations.migrations_table}] WHERE name = 'm007_publishing'")
    db.close()

