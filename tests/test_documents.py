"""One path from fetched bytes to a stored report: a re-parse stores what the crawl stores.

The captures of a real crawl of the sample portal (parsing off) are filed twice into fresh
archives: once as the crawl files them (read_document, then store), once stored unparsed and
then re-parsed. Every table a report lives in must come out the same.
"""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from archive import Archive, ErrorPage, Fetched, document_name, read_document, read_for_archive, reparse
from crawler.sampleportal.server import serve
from parsers import Report

from .conftest import SHARED

LANHE = SHARED / "seeds/003_a5add6b12b1138ca.txt"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_PARSE=False"]

# Each table where a parse leaves rows, keyed by what a report is (body and year), not by ids.
STORED = {
    "reports": "SELECT body_key, year, agency, level, template, title, province, city, county, adcode, "
               "published, url, format, consistent, version, first_seen, last_changed, gone, source_id "
               "FROM reports",
    "report_versions": "SELECT r.body_key, r.year, v.version, c.url, v.parser_version, v.content_hash, "
                       "v.consistent, v.changes, v.text, v.parsed FROM report_versions v "
                       "JOIN reports r ON r.id = v.report_id JOIN captures c ON c.id = v.capture",
    "report_sources": "SELECT r.body_key, r.year, s.url, s.format, s.first_seen, s.content_hash "
                      "FROM report_sources s JOIN reports r ON r.id = s.report_id",
    "documents": "SELECT d.url, d.sha256, d.gone, r.body_key, r.year FROM documents d "
                 "LEFT JOIN reports r ON r.id = d.report_id",
    "report_summary": "SELECT * FROM report_summary s JOIN reports r ON r.id = s.id",
    **{table: f"SELECT r.body_key, r.year, f.* FROM {table} f JOIN reports r ON r.id = f.report_id"
       for table in ("request_counts", "proactive_counts", "appeal_counts", "checks")},
}
IDS = frozenset({"id", "report_id"})


def stored(archive: Archive) -> dict[str, list[tuple]]:
    tables = {}
    for table, sql in STORED.items():
        rows = [tuple(value for key, value in row.items() if key not in IDS) for row in archive.db.query(sql)]
        tables[table] = sorted(rows, key=repr)
    return tables


@pytest.fixture(scope="module")
def captures(tmp_path_factory) -> list[Fetched]:
    """Every capture of one crawl of the sample portal, with two a portal might also serve: a
    report page at a directory URL, and the same page behind a link to a PDF."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    with serve("state1") as portal:
        subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--db", str(db), "--url", portal.url + "/",
                        *FAST], check=True, capture_output=True, timeout=300)
    with Archive(db) as archive:
        fetched = [_fetched(archive, row) for row in archive.db.query("SELECT * FROM captures ORDER BY url")]
    page = next(f for f in fetched if f.url.endswith(".html") and isinstance(read_document(f.url, f.body), Report))
    site = fetched[0].site
    fetched.append(Fetched(f"{site}/nb/2023/", 200, page.body, page.headers, page.fetched_at, site))
    fetched.append(Fetched(f"{site}/nb/2023/report.pdf", 200, page.body, page.headers, page.fetched_at, site))
    return sorted(fetched, key=lambda f: f.url)


def _fetched(archive: Archive, row: dict) -> Fetched:
    headers = {"content-type": row["content_type"], "etag": row["etag"], "last-modified": row["last_modified"]}
    return Fetched(url=row["url"], status=row["status"], body=archive.blob(row["sha256"]),
                   headers={k: v for k, v in headers.items() if v}, fetched_at=row["fetched_at"],
                   site=row["site"], filename=row["filename"], referer=row["referer"])


def test_a_reparse_stores_what_the_crawl_stores(captures, tmp_path):
    with Archive(tmp_path / "crawled.db") as crawled, Archive(tmp_path / "reparsed.db") as reparsed:
        crawl_run, reparse_run = crawled.start_run(), reparsed.start_run()
        for fetched in captures:
            crawled.store(crawl_run, fetched, read_document(fetched.url, fetched.body, fetched.filename))
            reparsed.store(reparse_run, fetched, None)
        counts = reparse(reparsed)
        assert counts["reparsed"] > 20 and stored(reparsed) == stored(crawled)


def test_what_a_parse_worker_sends_back_stores_what_the_whole_report_stores(captures, tmp_path):
    with Archive(tmp_path / "whole.db") as whole, Archive(tmp_path / "sent.db") as sent:
        for fetched in captures:
            whole.store(1, fetched, read_document(fetched.url, fetched.body, fetched.filename))
            reading = pickle.loads(pickle.dumps(read_for_archive(fetched.url, fetched.body, fetched.filename)))
            sent.store(1, fetched, reading.report, packed=reading.packed)
        assert stored(sent) == stored(whole)


def test_the_report_a_parse_worker_sent_back_is_rebuilt_whole_from_its_digest():
    reading = read_for_archive("http://portal.example/a.txt", LANHE.read_bytes())
    whole = read_document("http://portal.example/a.txt", LANHE.read_bytes())
    assert reading.report.whole().to_json() == whole.to_json()


def test_a_parse_worker_sends_back_no_report_objects(captures):
    page = next(f for f in captures if f.url.endswith("/nb/2023/"))
    reading = read_for_archive(page.url, page.body)
    assert reading.report.report is None and b"parsers" not in pickle.dumps(reading)


def test_the_crawl_and_a_reparse_refuse_a_web_page_behind_a_pdf_link(captures, tmp_path):
    with Archive(tmp_path / "crawled.db") as crawled, Archive(tmp_path / "reparsed.db") as reparsed:
        for fetched in captures:
            crawled.store(1, fetched, read_document(fetched.url, fetched.body, fetched.filename))
            reparsed.store(1, fetched, None)
        reparse(reparsed)
        for archive in (crawled, reparsed):
            [document] = archive.db.query("SELECT report_id FROM documents WHERE url LIKE '%/report.pdf'")
            assert document["report_id"] is None


def test_html_report_bytes_behind_a_pdf_link_are_an_error_page():
    refused = read_document("http://portal.example/nb/report.pdf", b"<html><body><p>" + LANHE.read_bytes())
    assert isinstance(refused, ErrorPage) and ".pdf link answered with a web page" in str(refused)


def test_a_directory_url_is_read_as_its_index_page():
    assert document_name("http://portal.example/nb/2023/") == "index.html"


def test_the_served_file_name_beats_the_url():
    assert document_name("http://portal.example/downfile.jsp?id=7", "兰河乡2020年报.doc") == "兰河乡2020年报.doc"


def test_a_parser_bug_is_a_parse_error_naming_it_not_an_exception():
    def broken(data: bytes, name: str) -> dict:
        raise KeyError("cell")

    failed = read_document("http://portal.example/a.txt", LANHE.read_bytes(), parse=broken)
    assert "internal parser error (KeyError" in str(failed)
