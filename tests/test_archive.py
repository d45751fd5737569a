"""The archive writer: captures, blobs, reports, versions, sources, facts, gone marks, runs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from archive import Archive, ArchiveError
from archive.facts import Rows
from archive.filing import filing_of
from parsers import NotAReport, Place, Report

SEED = "seeds/003_a5add6b12b1138ca.txt"           # 兰西县兰河乡人民政府 2020, 2019 format
SEED_WITH_EMPTY_CELL = "seeds/001_0fb663dc2de8e1ec.txt"  # 红土崖镇 2022, one empty cell
HONGZE_2023 = "corpus/js_huaian_hongze_district_2023_gov.pdf"
HONGZE_2024 = "corpus/js_huaian_hongze_district_2024_gov.pdf"
ROOT = Path(__file__).resolve().parents[1]


def rows(archive, sql: str, params: list | tuple = ()) -> list[dict]:
    return list(archive.db.query(sql, params))


def count(archive, table: str, where: str = "1", params: list | tuple = ()) -> int:
    return archive.db.execute(f"SELECT count(*) FROM [{table}] WHERE {where}", params).fetchone()[0]


def more_applications(report: Report, extra: int = 2) -> Report:
    """The same report with ``extra`` more applications from natural persons, sums kept."""
    new = report.requests["new"]
    new["natural_person"] += extra
    new["total"] += extra
    return report


# Captures and blobs

def test_new_report_document_creates_report_version_and_facts(archive, run, fetch, parsed):
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    assert (stored.document, stored.report) == ("new", "new")
    assert rows(archive, "SELECT agency, year, level, version FROM reports") == [
        {"agency": "兰西县兰河乡人民政府", "year": 2020, "level": "乡镇街道", "version": 1}]
    assert count(archive, "report_versions") == 1
    assert count(archive, "request_counts", "report_id = ? AND current = 1", [stored.report_id]) > 0


def test_identical_bytes_add_capture_not_blob(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"same bytes"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"same bytes"), None)
    assert stored.document == "unchanged"
    assert count(archive, "captures") == 2
    assert count(archive, "blobs") == 1


def test_blob_keeps_bytes_compressed_under_their_sha256_in_the_raw_store(archive, run, fetch):
    body = "政府信息公开工作年度报告".encode() * 100
    archive.store(run, fetch("http://portal.example/a.html", body), None)
    blob = rows(archive, "SELECT * FROM blobs")[0]
    with sqlite3.connect(Path(archive.path).with_name("archive.raw.db")) as raw:
        stored = raw.execute("SELECT content FROM raw WHERE sha256 = ?", [blob["sha256"]]).fetchone()[0]
    assert zlib.decompress(stored) == body
    assert archive.blob(blob["sha256"]) == body and blob["size"] == len(body)


def test_archive_file_keeps_only_the_reference_to_the_bytes(archive, run, fetch):
    body = b"%PDF-1.4 " + os.urandom(4096)
    archive.store(run, fetch("http://portal.example/a.pdf", body), None)
    archive.close()
    with Archive(archive.path, readonly=True) as reopened:
        assert list(rows(reopened, "SELECT * FROM blobs")[0]) == ["sha256", "size", "compression"]
    assert body[9:200] not in Path(archive.path).read_bytes()


def test_304_records_not_modified_capture(archive, run, fetch, parsed):
    first = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/a.txt", status=304), None)
    capture = rows(archive, "SELECT * FROM captures WHERE id = ?", [stored.capture_id])[0]
    previous = rows(archive, "SELECT sha256 FROM captures WHERE id = ?", [first.capture_id])[0]
    assert stored.document == "not_modified" and stored.report_id == first.report_id
    assert capture["not_modified"] == 1 and capture["sha256"] == previous["sha256"]
    assert count(archive, "blobs") == 1


def test_last_capture_is_newest_with_a_body(archive, run, fetch):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1", headers={"etag": '"e1"'}), None)
    archive.store(run, fetch("http://portal.example/a.txt", status=304), None)
    last = archive.last_capture("http://portal.example/a.txt")
    assert last["etag"] == '"e1"' and last["not_modified"] == 0
    assert archive.last_capture("http://portal.example/unknown") is None


# What the crawler reads, through the archive's own methods

def test_validators_and_last_body_are_those_of_the_last_capture_with_a_body(archive, run, fetch):
    url = "http://portal.example/a.pdf"
    headers = {"etag": '"e1"', "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT", "content-type": "application/pdf"}
    archive.store(run, fetch(url, b"%PDF-1", headers=headers), None)
    archive.store(run, fetch(url, status=304), None)
    assert archive.validators(url) == ('"e1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert archive.last_body(url) == ("application/pdf", b"%PDF-1")
    assert archive.validators("http://portal.example/unknown") is None and archive.last_body("http://x/") is None


def test_a_read_only_archive_reads_what_the_writer_committed(archive, run, fetch, tmp_path):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1", headers={"etag": '"e1"'}), None)
    with Archive(tmp_path / "archive.db", readonly=True) as reader:
        assert reader.validators("http://portal.example/a.txt") == ('"e1"', None)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.start_run()


def test_a_batch_commits_every_size_documents_and_on_leaving(archive, run, fetch, tmp_path):
    with archive.batch(size=2) as batch:
        for number in range(3):
            with batch.document():
                archive.store(run, fetch(f"http://portal.example/{number}.txt", b"%d" % number), None)
            with Archive(tmp_path / "archive.db", readonly=True) as reader:
                seen = [reader.last_capture(f"http://portal.example/{n}.txt") is not None for n in range(3)]
            assert seen == [[False] * 3, [True, True, False], [True, True, False]][number]
    with Archive(tmp_path / "archive.db", readonly=True) as reader:
        assert reader.last_capture("http://portal.example/2.txt") is not None


def test_a_document_failing_mid_write_leaves_none_of_its_rows_and_its_group_commits(archive, run, fetch,
                                                                                   parsed):
    changed = filing_of(more_applications(parsed(SEED)), None)
    broken = replace(changed, digest=replace(changed.digest, checks=Rows("not JSON", [])))
    with archive.batch(size=10) as batch:
        with batch.document():
            archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
        with pytest.raises(sqlite3.OperationalError, match="JSON"), batch.document():
            archive.store(run, fetch("http://portal.example/b.txt", b"v2"), broken)
    assert [row["url"] for row in rows(archive, "SELECT url FROM captures")] == ["http://portal.example/a.txt"]
    assert count(archive, "versions") == 1 and count(archive, "blobs") == 1 and count(archive, "documents") == 1


def test_a_run_and_its_sites(archive, run):
    archive.record_site(run, "http://b.example", source_id=None, status="ok", pages=3, documents=2,
                        reports_found=1, errors=0)
    archive.record_site(run, "http://a.example", source_id=None, status="empty", pages=1, documents=0,
                        reports_found=0, errors=0)
    archive.finish_run(run, pages=4)
    assert [site["site"] for site in archive.run_sites(run)] == ["http://a.example", "http://b.example"]
    assert (archive.run(run)["status"], archive.run(run)["pages"], archive.run(run + 1)) == ("finished", 4, None)


def test_an_archive_that_must_exist_is_named_when_missing(tmp_path):
    with pytest.raises(ArchiveError, match="absent.db: no such archive"):
        Archive(tmp_path / "absent.db", create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_sqlite_is_named(tmp_path):
    (tmp_path / "notes.db").write_text("not a database " * 100)
    with pytest.raises(ArchiveError, match="notes.db: file is not a database"):
        Archive(tmp_path / "notes.db")


def test_leaving_the_with_block_closes_the_archive(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
        archive.start_run()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        archive.start_run()


def test_not_a_report_is_captured_and_nothing_more(archive, run, fetch):
    stored = archive.store(run, fetch("http://portal.example/notice.html", b"<p>notice</p>"),
                           NotAReport("not an annual report"))
    assert (stored.document, stored.report_id, stored.report) == ("new", None, None)
    assert count(archive, "captures") == 1 and count(archive, "reports") == 0


# Reports and versions

def test_same_report_two_formats_is_one_version(archive, run, fetch, parsed):
    page = parsed(SEED)
    attachment = parsed(SEED)
    attachment.format, attachment.file = "pdf", "report.pdf"
    attachment.sections.other += "\n第 3 页 共 3 页"  # the PDF's own page footer
    archive.store(run, fetch("http://portal.example/t20210110_1.html", b"<html>"), page)
    stored = archive.store(run, fetch("http://portal.example/P0.pdf", b"%PDF"), attachment)
    assert stored.report == "unchanged"
    assert count(archive, "report_versions") == 1
    assert count(archive, "report_sources", "report_id = ?", [stored.report_id]) == 2


def test_page_without_tables_beside_attachment_adds_source_only(archive, run, fetch, parsed):
    page = parsed(SEED)
    page.proactive, page.requests, page.appeals = {}, {}, {}
    archive.store(run, fetch("http://portal.example/P0.pdf", b"%PDF"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/t1.html", b"<html>"), page)
    assert stored.report == "unchanged"
    assert rows(archive, "SELECT version, url FROM reports") == [
        {"version": 1, "url": "http://portal.example/P0.pdf"}]


def test_changed_numbers_make_version_two_with_changes(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v2"), more_applications(parsed(SEED)))
    assert (stored.document, stored.report) == ("changed", "changed")
    version = rows(archive, "SELECT * FROM report_versions WHERE version = 2")[0]
    changes = json.loads(version["changes"])
    assert {"table": "requests", "row": "new", "column": "natural_person", "from": 0, "to": 2} in changes
    assert rows(archive, "SELECT version FROM reports") == [{"version": 2}]


def test_changed_bytes_same_content_is_unchanged(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1 with a new footer"), parsed(SEED))
    assert (stored.document, stored.report) == ("changed", "unchanged")
    assert count(archive, "report_versions") == 1


def test_other_url_with_different_numbers_is_a_new_version(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.html", b"v1"), parsed(SEED))
    stored = archive.store(run, fetch("http://portal.example/revised.pdf", b"v2"),
                           more_applications(parsed(SEED)))
    assert stored.report == "changed"
    assert count(archive, "report_versions") == 2


def test_previous_version_facts_stay_as_history(archive, run, fetch, parsed):
    first = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.store(run, fetch("http://portal.example/a.txt", b"v2"), more_applications(parsed(SEED)))
    for table in ("request_counts", "proactive_counts", "appeal_counts", "checks"):
        old = rows(archive, f"SELECT DISTINCT current FROM {table} WHERE version = 1")
        new = rows(archive, f"SELECT DISTINCT current FROM {table} WHERE version = 2")
        assert old == [{"current": 0}] and new == [{"current": 1}], table
    assert count(archive, "request_counts", "report_id = ? AND version = 1", [first.report_id]) > 0


def test_body_with_two_spellings_is_one_report(archive, run, fetch, parsed):
    long_name = parsed(HONGZE_2024)                 # 淮安市洪泽区人民政府
    short_name = parsed(HONGZE_2024)
    short_name.agency = "洪泽区人民政府"
    first = archive.store(run, fetch("http://portal.example/2024.pdf", b"pdf"), long_name)
    second = archive.store(run, fetch("http://portal.example/2024.html", b"html"), short_name)
    assert second.report_id == first.report_id and second.report == "unchanged"


def test_body_keeps_one_key_across_years_and_spellings(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/2023.pdf", b"2023"), parsed(HONGZE_2023))
    archive.store(run, fetch("http://portal.example/2024.pdf", b"2024"), parsed(HONGZE_2024))
    keys = rows(archive, "SELECT DISTINCT body_key, level FROM reports")
    assert keys == [{"body_key": "320813:人民政府", "level": "县级政府"}]


def test_registry_region_beats_parsed_region(archive, run, fetch, parsed):
    registry = {"province": "黑龙江省", "city": "绥化市", "county": "兰西县", "adcode": "231222"}
    report = parsed(SEED)
    report.region = Place()
    archive.store(run, fetch("http://portal.example/a.txt", b"v1", region=registry, source_id=None), report)
    assert rows(archive, "SELECT adcode, county, body_key FROM reports") == [
        {"adcode": "231222", "county": "兰西县", "body_key": "231222:兰河乡人民政府"}]


def test_facts_carry_chinese_labels_and_keep_empty_cells_null(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED_WITH_EMPTY_CELL))
    new = rows(archive, "SELECT row_label, column_label, year, adcode FROM request_counts "
                        "WHERE row = 'new' AND \"column\" = 'natural_person'")
    assert new == [{"row_label": "本年新收政府信息公开申请数量", "column_label": "自然人",
                    "year": 2022, "adcode": "220602"}]
    empty = rows(archive, "SELECT value FROM request_counts WHERE row = 'denied.state_secret' "
                          "AND \"column\" = 'commercial'")
    assert empty == [{"value": None}]
    issued = rows(archive, "SELECT item_label, metric_label FROM proactive_counts "
                           "WHERE item = 'regulations' AND metric = 'issued'")
    assert issued == [{"item_label": "规章", "metric_label": "本年制发件数"}]


def test_checks_are_stored_per_version(archive, run, fetch, parsed):
    report = parsed(SEED)
    stored = archive.store(run, fetch("http://portal.example/a.txt", b"v1"), report)
    checks = rows(archive, "SELECT rule, ok FROM checks WHERE report_id = ?", [stored.report_id])
    assert len(checks) == len(report.checks) and all(check["ok"] == 1 for check in checks)


def test_report_summary_gives_totals_of_current_version(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.store(run, fetch("http://portal.example/a.txt", b"v2"), more_applications(parsed(SEED), 5))
    summary = rows(archive, "SELECT * FROM report_summary")
    assert len(summary) == 1
    assert summary[0]["requests_new"] == parsed(SEED).requests["new"]["total"] + 5
    assert summary[0]["version"] == 2 and summary[0]["review_total"] == 0


# Gone documents

def test_gone_document_marks_report_gone(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    later = archive.start_run()
    assert archive.mark_gone(later, "http://portal.example", set()) == ["http://portal.example/a.txt"]
    assert rows(archive, "SELECT gone FROM documents") == [{"gone": 1}]
    assert rows(archive, "SELECT gone FROM reports") == [{"gone": 1}]


def test_report_with_a_live_source_is_not_gone(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.html", b"page"), parsed(SEED))
    archive.store(run, fetch("http://portal.example/a.pdf", b"pdf"), parsed(SEED))
    archive.mark_gone(archive.start_run(), "http://portal.example", {"http://portal.example/a.pdf"})
    assert rows(archive, "SELECT gone FROM reports") == [{"gone": 0}]


def test_gone_document_seen_again_is_not_gone(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.mark_gone(run, "http://portal.example", set())
    archive.store(archive.start_run(), fetch("http://portal.example/a.txt", b"v1"), None)
    assert rows(archive, "SELECT gone, gone_since FROM documents") == [{"gone": 0, "gone_since": None}]
    assert rows(archive, "SELECT gone FROM reports") == [{"gone": 0}]


def test_gone_report_found_at_a_new_url_is_not_gone(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.mark_gone(run, "http://portal.example", set())
    archive.store(archive.start_run(), fetch("http://portal.example/moved/a.txt", b"v1"), parsed(SEED))
    assert rows(archive, "SELECT gone FROM reports") == [{"gone": 0}]


def test_mark_gone_touches_only_that_site(archive, run, fetch):
    archive.store(run, fetch("http://other.example/a.txt", b"x", site="http://other.example"), None)
    assert archive.mark_gone(run, "http://portal.example", set()) == []


# Runs

def test_finish_run_counts_documents_and_reports(archive, run, fetch, parsed):
    archive.store(run, fetch("http://portal.example/a.txt", b"v1"), parsed(SEED))
    archive.store(run, fetch("http://portal.example/b.html", b"b"), NotAReport("index page"))
    archive.record_error(run, "http://portal.example/c.pdf", "http", "HTTP 404", status=404)
    archive.finish_run(run, pages=3)
    second = archive.start_run()
    archive.store(second, fetch("http://portal.example/a.txt", b"v2"), more_applications(parsed(SEED)))
    archive.store(second, fetch("http://portal.example/b.html", status=304), None)
    archive.finish_run(second, pages=2)
    runs = rows(archive, "SELECT * FROM crawl_runs ORDER BY id")
    assert [(r["documents_new"], r["reports_new"], r["errors"], r["documents_failed"], r["pages"])
            for r in runs] == [(2, 1, 1, 1, 3), (0, 0, 0, 0, 2)]
    assert (runs[1]["documents_changed"], runs[1]["documents_unchanged"], runs[1]["reports_changed"],
            runs[1]["reports_found"], runs[1]["status"]) == (1, 1, 1, 1, "finished")


def test_record_site_keeps_one_row_per_run_and_site(archive, run):
    archive.record_site(run, "http://portal.example", source_id=None, status="ok", pages=3,
                        documents=2, reports_found=2, errors=0)
    archive.record_site(run, "http://portal.example", source_id=None, status="blocked", pages=1,
                        documents=0, reports_found=0, errors=1)
    assert rows(archive, "SELECT status, reports_found FROM crawl_sites") == [
        {"status": "blocked", "reports_found": 0}]


def test_reopening_archive_applies_no_migration_twice(tmp_path, archive):
    from archive import Archive

    archive.close()
    again = Archive(tmp_path / "archive.db")
    names = [row["name"] for row in again.db.query("SELECT name FROM _sqlite_migrations")]
    again.close()
    assert len(names) == len(set(names)) and "m006_report_summary" in names


# A kill at any moment

_WRITER = """
import json, sys
from archive import Archive, Fetched
from parsers import Report
report = Report.from_json(json.load(open(sys.argv[2], encoding="utf-8")))
archive = Archive(sys.argv[1])
run = archive.start_run()
padding = bytes(range(256)) * 2000
for i in range(100000):
    report.requests["new"]["natural_person"] = i
    fetched = Fetched(url="http://portal.example/a.txt", status=200, body=b"%d" % i + padding,
                      headers={}, fetched_at="2026-11-30T11:20:00+00:00", site="http://portal.example")
    archive.store(run, fetched, report)
    if i == 2:
        print("storing", flush=True)
"""


def _kill_writer_midway(db: Path, report_file: Path, delay: float) -> None:
    child = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(report_file)], cwd=ROOT,
                             stdout=subprocess.PIPE, env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert child.stdout.readline() == b"storing\n"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL  # killed while storing, not finished


def test_kill_9_mid_store_leaves_valid_archive(tmp_path, parsed):
    db, report_file = tmp_path / "killed.db", tmp_path / "report.json"
    report_file.write_text(json.dumps(parsed(SEED).to_json(), ensure_ascii=False), encoding="utf-8")
    for delay in (0.05, 0.13, 0.31):
        _kill_writer_midway(db, report_file, delay)
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT count(*) FROM captures c LEFT JOIN blobs b "
                                "ON b.sha256 = c.sha256 WHERE b.sha256 IS NULL").fetchone() == (0,)
            # The bytes are committed before the rows that name them: every reference has its bytes.
            conn.execute("ATTACH ? AS raw", [str(db.with_name("killed.raw.db"))])
            assert conn.execute("SELECT count(*) FROM blobs b LEFT JOIN raw.raw r "
                                "ON r.sha256 = b.sha256 WHERE r.sha256 IS NULL").fetchone() == (0,)
            assert conn.execute("""SELECT count(*) FROM versions v WHERE NOT EXISTS
                                   (SELECT 1 FROM request_cells f WHERE f.report_id = v.report_id
                                    AND f.version = v.version)""").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] >= 3
        conn.close()
