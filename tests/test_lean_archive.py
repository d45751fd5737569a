"""The lean archive (m013): cells, checks and versions kept once and compactly, shown whole
through the views users query."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from archive import Archive, summary
from archive.publish import datasette
from archive.search import match_query

from .layouts import LEAN_VIEWS, undo_lean_facts

SEEDS = ("001_0fb663dc2de8e1ec.txt", "002_6e7f3865b96cf4e0.txt", "003_a5add6b12b1138ca.txt",
         "004_6762482f42d905fe.txt")


@pytest.fixture
def filled(archive, run, fetch, parsed) -> Archive:
    """The four seeds, the first in two versions."""
    for n, seed in enumerate(SEEDS):
        archive.store(run, fetch(f"http://portal.example/{n}.txt", b"v1"), parsed(f"seeds/{seed}"))
    second = parsed(f"seeds/{SEEDS[0]}")
    second.sections.overview = "本年度共办理行政复议案件一件。"
    archive.store(run, fetch("http://portal.example/0.txt", b"v2"), second)
    return archive


def shown(db: sqlite_utils.Database) -> dict[str, list]:
    return {view: sorted((tuple(row.values()) for row in db.query(f"SELECT * FROM [{view}]")), key=repr)
            for view in LEAN_VIEWS}


def plan(db: sqlite_utils.Database, sql: str) -> str:
    return " / ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())


def test_older_archive_keeps_every_cell_check_and_version_when_migrated(filled):
    before = shown(filled.db)
    filled.close()
    undo_lean_facts(filled.path)
    with Archive(filled.path) as migrated:
        assert shown(migrated.db) == before
        assert "request_counts" in migrated.db.view_names()
        assert migrated.db["request_cells"].count == len(before["request_counts"])


def found(db: sqlite_utils.Database) -> list[list[int]]:
    return [[row[0] for row in db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? ORDER BY 1",
                                          [match_query(words)])]
            for words in ("复议", "行政复议", "公开 申请", "年度报告", "听证")]


def test_migrated_archive_is_searched_as_before(filled):
    before = found(filled.db)
    filled.close()
    undo_lean_facts(filled.path)
    with Archive(filled.path) as migrated:
        assert found(migrated.db) == before and before[0]


def test_cells_keep_numbers_and_their_labels_are_kept_once(filled):
    assert [column.name for column in filled.db["request_cells"].columns] == ["report_id", "version", "key", "value"]
    labels = filled.db.execute("SELECT count(*), count(DISTINCT row_label || column_label) FROM cell_keys").fetchone()
    assert labels[0] == labels[1] < 600


def test_counts_stay_whole_numbers(filled):
    types = {row[0] for row in filled.db.execute("SELECT DISTINCT typeof(value) FROM request_counts")}
    assert types <= {"integer", "null"} and "integer" in types


def test_cells_show_their_report_s_region_year_and_current_version(filled):
    first = filled.db.execute("SELECT id, year, adcode, version FROM reports WHERE version = 2").fetchone()
    rows = filled.db.execute("SELECT DISTINCT version, current, year, adcode FROM request_counts "
                             "WHERE report_id = ? ORDER BY version", [first[0]]).fetchall()
    assert rows == [(1, 0, first[1], first[2]), (2, 1, first[1], first[2])]


def test_a_report_s_cells_are_found_by_its_key(filled):
    assert "SEARCH c USING PRIMARY KEY (report_id=?)" in plan(filled.db, "SELECT * FROM request_counts WHERE report_id = 1")


def test_counting_cells_reads_neither_reports_nor_labels(filled):
    # A table page's count reads the cells alone.
    assert plan(filled.db, "SELECT count(*) FROM request_counts") == "SCAN request_cells"


def test_failing_checks_come_from_their_own_index(filled):
    assert "check_results_ok_rule" in plan(filled.db, "SELECT * FROM checks WHERE ok = 0")


def test_cells_and_checks_outside_the_official_formats_keep_their_labels(archive, run, fetch, parsed):
    report = parsed(f"seeds/{SEEDS[1]}")
    report.requests["hand_made_row"] = {"natural_person": 7}
    report.checks[0].rule = "hand_made.rule"
    archive.store(run, fetch("http://portal.example/variant.txt", b"v1"), report)
    official = sum(len(columns) for row, columns in report.requests.items() if row != "hand_made_row")
    cells = archive.db.execute("SELECT row, row_label, value FROM request_counts").fetchall()
    assert ("hand_made_row", "hand_made_row", 7) in cells and len(cells) == official + 1
    rules = [row[0] for row in archive.db.execute("SELECT rule FROM checks")]
    assert "hand_made.rule" in rules and len(rules) == len(report.checks)


def test_archive_of_an_older_release_gains_the_official_keys_it_lacks(tmp_path, fetch, parsed):
    with Archive(tmp_path / "old.db") as old:
        old.db.execute("DELETE FROM cell_keys WHERE [row] = 'new' AND [column] = 'natural_person'")
        old.db.conn.commit()
    with Archive(tmp_path / "old.db") as reopened:
        run = reopened.start_run()
        reopened.store(run, fetch("http://portal.example/0.txt", b"v1"), parsed(f"seeds/{SEEDS[1]}"))
        found = reopened.db.execute("SELECT count(*) FROM request_counts WHERE row = 'new' "
                                    "AND [column] = 'natural_person'").fetchone()
    assert found == (1,)


def test_version_reads_back_the_text_and_json_it_was_given(filled, parsed):
    report = parsed(f"seeds/{SEEDS[1]}")
    stored = filled.db.execute("SELECT v.text, v.parsed, length(s.text_z), length(s.parsed_z) FROM reports r "
                               "JOIN report_versions v ON v.report_id = r.id "
                               "JOIN versions s ON s.id = v.id WHERE r.agency = ?", [report.agency]).fetchone()
    text, parsed_json, text_bytes, parsed_bytes = stored
    assert text == summary.text(report)
    assert json.loads(parsed_json) == report.to_json()
    assert text_bytes + parsed_bytes < len(text.encode() + parsed_json.encode()) // 3


def test_search_query_tells_words_from_their_pairs_held_apart(archive, run, fetch, parsed):
    for n, prose in enumerate(("本机关发生行政复议案件一件。", "行政机关政复核一次，复议零件。")):
        report = parsed(f"seeds/{SEEDS[n]}")
        report.sections.overview = prose
        archive.store(run, fetch(f"http://portal.example/{n}.txt", b"v1"), report)
    archive.close()
    ds = datasette(archive.path)
    found = asyncio.run(ds.client.get("/archive/search_words.json?q=行政复议&_shape=array")).json()
    held = asyncio.run(ds.client.get("/archive/search_words.json?q=复议&_shape=array")).json()
    assert [row["机关"] for row in found] == [parsed(f"seeds/{SEEDS[0]}").agency]
    assert len(held) == 2


def test_sqlite_utils_command_line_reads_the_compressed_text(filled):
    sql = "SELECT text FROM report_versions WHERE version = 2"
    expected = [{"text": filled.db.execute(sql).fetchone()[0]}]
    filled.close()
    sqlite_utils_cli = Path(sys.executable).parent / "sqlite-utils"
    answer = subprocess.run([sqlite_utils_cli, "query", filled.path, sql], capture_output=True, text=True, check=True)
    assert json.loads(answer.stdout) == expected and "行政复议案件一件" in expected[0]["text"]
