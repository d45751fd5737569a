"""Re-parse: stored bytes, the current parser, a version only where the content changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import parsers
from archive import reparse
from parsers import NotAReport, ParseError

from .conftest import SHARED

LANHE = SHARED / "seeds/003_a5add6b12b1138ca.txt"
HONGTUYA = SHARED / "seeds/001_0fb663dc2de8e1ec.txt"
GANGMEN = SHARED / "seeds/004_6762482f42d905fe.txt"  # its text names no region


def store_file(archive, run, fetch, path: Path, url: str, **fields) -> int:
    body = path.read_bytes()
    return archive.store(run, fetch(url, body, **fields), parsers.parse_bytes(body, path.name)).report_id


def fixed_parser(fix_name: str):
    """The current parser, with a 'fix' that changes one cell of the file named fix_name."""
    def parse(data: bytes, name: str) -> dict:
        report = parsers.parse_bytes(data, name)
        if name == fix_name:
            report.proactive["regulations"]["new_made"] = 1
        return report
    return parse


def versions(archive, report_id: int) -> list[dict]:
    return list(archive.db.query("SELECT version, parser_version FROM report_versions "
                                 "WHERE report_id = ? ORDER BY version", [report_id]))


def test_reparse_records_version_only_when_changed(archive, run, fetch):
    fixed = store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    same = store_file(archive, run, fetch, HONGTUYA, "http://portal.example/hongtuya.txt")
    counts = reparse(archive, fixed_parser("lanhe.txt"))
    assert counts == {"documents": 2, "reparsed": 2, "changed": 1, "failed": 0}
    assert [v["version"] for v in versions(archive, fixed)] == [1, 2]
    assert [v["version"] for v in versions(archive, same)] == [1]


def test_reparse_twice_with_same_parser_changes_nothing(archive, run, fetch):
    store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    reparse(archive, fixed_parser("lanhe.txt"))
    assert reparse(archive, fixed_parser("lanhe.txt"))["changed"] == 0


def test_reparse_stamps_the_parser_version_that_made_it(archive, run, fetch):
    report_id = store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")

    def newer(data: bytes, name: str) -> dict:
        return replace(fixed_parser(name)(data, name), parser_version="9.9.9")

    reparse(archive, newer)
    assert versions(archive, report_id) == [{"version": 1, "parser_version": parsers.PARSER_VERSION},
                                            {"version": 2, "parser_version": "9.9.9"}]


def test_reparse_fetches_nothing_and_adds_no_capture(archive, run, fetch):
    store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    reparse(archive, fixed_parser("lanhe.txt"))
    assert archive.db["captures"].count == 1 and archive.db["blobs"].count == 1


def test_reparse_names_bytes_by_served_file_name_or_url(archive, run, fetch):
    body = LANHE.read_bytes()
    archive.store(run, fetch("http://portal.example/module/download/downfile.jsp?id=7", body,
                             filename="兰河乡2020年报.txt"), None)
    archive.store(run, fetch("http://portal.example/2021/t20210110_1.txt", body), None)
    names: list[str] = []

    def parse(data: bytes, name: str) -> dict:
        names.append(name)
        return parsers.parse_bytes(data, name)

    reparse(archive, parse)
    assert sorted(names) == ["t20210110_1.txt", "兰河乡2020年报.txt"]


def test_reparse_files_report_under_registry_region(archive, run, fetch):
    registry = {"province": "广东省", "city": "江门市", "county": "台山市", "adcode": "440781"}
    report_id = store_file(archive, run, fetch, GANGMEN, "http://portal.example/gangmen.txt", region=registry)
    reparse(archive, fixed_parser("gangmen.txt"))
    assert list(archive.db.query("SELECT id, adcode, version FROM reports")) == [
        {"id": report_id, "adcode": "440781", "version": 2}]


def test_reparse_counts_report_that_no_longer_parses_as_failed(archive, run, fetch):
    store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")

    def broken(data: bytes, name: str) -> dict:
        raise ParseError("garbled")

    assert reparse(archive, broken) == {"documents": 1, "reparsed": 0, "changed": 0, "failed": 1}


def test_reparse_does_not_count_page_that_never_was_a_report_as_failed(archive, run, fetch):
    store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    archive.store(run, fetch("http://portal.example/notice.html", b"<p>notice</p>"), NotAReport("notice"))
    assert reparse(archive) == {"documents": 2, "reparsed": 1, "changed": 0, "failed": 0}


def test_reparse_of_report_with_two_sources_adds_one_version(archive, run, fetch):
    # The same report as a page and as an attachment; a parser fix reaches both files.
    report_id = store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    store_file(archive, run, fetch, LANHE, "http://portal.example/files/lanhe-copy.txt")

    def fixed(data: bytes, name: str) -> dict:
        report = parsers.parse_bytes(data, name)
        report.proactive["regulations"]["new_made"] = 1
        report.sections.other += name  # each file's own prose differs a little
        return report

    assert reparse(archive, fixed)["changed"] == 1
    assert [v["version"] for v in versions(archive, report_id)] == [1, 2]


def test_reparse_keeps_gone_report_gone(archive, run, fetch):
    store_file(archive, run, fetch, LANHE, "http://portal.example/lanhe.txt")
    archive.mark_gone(run, "http://portal.example", set())
    reparse(archive, fixed_parser("lanhe.txt"))
    assert list(archive.db.query("SELECT gone, version FROM reports")) == [{"gone": 1, "version": 2}]
