"""DOC and WPS through LibreOffice: one call for a batch, merged cells kept, bad files refused alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

import docx as python_docx
import pytest

from parsers import office, parse
from parsers.document import Cell, Table
from parsers.errors import ParseError

from .conftest import expected_subset
from .reportgen import benchmark_specs, convert_with_libreoffice, expected, render_docx

BODIES = ("城关镇", "新安镇", "高良涧街道")
# Passes the Word-header check (OLE magic, stream name, FIB magic on a boundary), yet is no Word file.
FAKE_WORD = office._OLE_MAGIC + bytes(56) + "WordDocument".encode("utf-16-le") + bytes(40) + b"\xec\xa5" + bytes(900)


def _word_file(body: str, path: Path) -> None:
    document = python_docx.Document()
    document.core_properties.title = f"{body}2022年政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况")
    document.add_paragraph(f"{body}认真贯彻落实《中华人民共和国政府信息公开条例》。")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "第二十条第（一）项"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "规章"
    for row, values in ((1, ("1", "2")), (2, ("3", "4"))):
        table.cell(row, 1).text, table.cell(row, 2).text = values
    document.add_paragraph("二、主动公开政府信息情况")
    document.save(path)


REPORT_SPEC = benchmark_specs(1)[0][1]


@pytest.fixture(scope="module")
def word97_files(tmp_path_factory) -> list[bytes]:
    """.doc files written by LibreOffice itself in one soffice call: three small ones from
    python-docx, then a whole generated report."""
    folder = tmp_path_factory.mktemp("word97")
    sources = [folder / f"report{i}.docx" for i in range(len(BODIES))]
    for body, source in zip(BODIES, sources):
        _word_file(body, source)
    sources.append(folder / "generated.docx")
    sources[-1].write_bytes(render_docx(REPORT_SPEC))
    return [path.read_bytes() for path in convert_with_libreoffice(sources, "doc", folder / "doc")]


def _damaged(data: bytes) -> bytes:
    """A real Word-97 file whose OLE header points its directory past the end: it passes the
    header check (magic, stream name, Word header), and LibreOffice cannot load it."""
    return data[:48] + (0x7FFFFFFF).to_bytes(4, "little") + data[52:]


def _grid(table) -> list[list[tuple[str, bool]]]:
    return [[(cell.text, cell.merged) for cell in row] for row in table.rows]


def test_batch_keeps_spans_and_refuses_bad_files_alone(word97_files):
    # One name for all three: the batch must not let files overwrite each other.
    items = [("报告.doc", data) for data in word97_files[:3]]
    items += [("garbage.doc", b"<<not a word file>>" * 50), ("damaged.doc", _damaged(word97_files[0]))]
    results = office.extract_many(items)
    for body, document in zip(BODIES, results):
        assert document.format == "doc" and document.title == f"{body}2022年政府信息公开工作年度报告"
        assert document.paragraphs == ["一、总体情况", f"{body}认真贯彻落实《中华人民共和国政府信息公开条例》。",
                                       "二、主动公开政府信息情况"]
        assert isinstance(document.blocks[2], Table) and _grid(document.blocks[2]) == [
            [("第二十条第（一）项", False), ("第二十条第（一）项", True), ("第二十条第（一）项", True)],
            [("规章", False), ("1", False), ("2", False)],
            [("规章", True), ("3", False), ("4", False)],
        ]
    garbage, damaged = results[3:]
    assert isinstance(garbage, ParseError) and "not a Word-97 document" in str(garbage)
    assert isinstance(damaged, ParseError)
    assert str(damaged) == f"{office.NO_OUTPUT} (source file could not be loaded)"


def test_sliver_columns_from_misaligned_cell_edges_are_dropped(word97_files):
    # LibreOffice gives the appeals table a 16th grid column: 总计 spans two columns in every
    # row but one, where 行政诉讼 starts in the second. The report has 15 columns.
    document = office.extract(word97_files[3])
    assert {len(row) for row in document.tables[-1].rows} == {15}
    report = parse(document, file="generated.doc").to_json()
    assert expected_subset(expected(REPORT_SPEC), report) == expected(REPORT_SPEC)


def test_sliver_column_keeps_a_cell_that_starts_in_it():
    table = Table([[Cell("甲"), Cell("甲", True), Cell("乙"), Cell("乙", True)],
                   [Cell("1"), Cell("2"), Cell("2", True), Cell("3")]])
    rows = table.without_phantom_columns().rows
    assert [[(c.text, c.merged) for c in row] for row in rows] == [
        [("甲", False), ("乙", False), ("乙", True)], [("1", False), ("2", False), ("3", False)]]


def test_wps_file_reads_like_the_doc_it_is(word97_files):
    document = office.extract(word97_files[1], "wps")
    assert document.format == "wps"
    assert _grid(document.tables[0])[1] == [("规章", False), ("1", False), ("2", False)]
    assert office.extract_many([("report.wps", word97_files[1])])[0].format == "wps"


def test_extract_raises_the_error_of_its_file():
    with pytest.raises(ParseError, match="no OLE header"):
        office.extract(b"PK\x03\x04 a zip, not a Word file" * 20)


def test_without_libreoffice_antiword_gives_paragraphs_and_says_so(word97_files):
    first, garbage = office.extract_many([("a.doc", word97_files[0]),
                                           ("b.doc", office._OLE_MAGIC + bytes(2000))], soffice=None)
    assert first.warnings == [office.NO_TABLES] and first.tables == []
    assert first.paragraphs[:2] == ["一、总体情况", f"{BODIES[0]}认真贯彻落实《中华人民共和国政府信息公开条例》。"]
    assert "二、主动公开政府信息情况" in first.paragraphs
    assert isinstance(garbage, ParseError)


def test_antiword_failure_is_a_parse_error():
    [result] = office.extract_many([("fake.doc", FAKE_WORD)], soffice=None)
    assert isinstance(result, ParseError) and "\n" not in str(result)


def test_hanging_soffice_is_killed_with_its_children(tmp_path, monkeypatch):
    # The real LibreOffice cannot be made to hang on demand: this script stands in for one that
    # does, leaving a child behind as oosplash leaves soffice.bin.
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\nwait\n")
    script.chmod(0o755)
    monkeypatch.setattr(office, "BATCH_TIMEOUT", 1.0)
    monkeypatch.setattr(office, "TIMEOUT_PER_FILE", 0.0)
    started = time.monotonic()
    results = office.extract_many([("a.doc", FAKE_WORD), ("b.doc", FAKE_WORD)], soffice=str(script))
    assert time.monotonic() - started < 10
    assert [str(r) for r in results] == ["LibreOffice hung: killed after 1 s for 2 files"] * 2
    assert not _alive(int(pid_file.read_text()))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_missing_soffice_binary_is_one_error_for_the_batch():
    results = office.extract_many([("a.doc", FAKE_WORD)], soffice="/nonexistent/soffice")
    assert isinstance(results[0], ParseError) and "LibreOffice could not start" in str(results[0])


def test_profile_planted_by_someone_else_is_not_used(tmp_path, monkeypatch):
    planted = tmp_path / "nianbao-lo-profile-0"
    planted.symlink_to(tmp_path)
    monkeypatch.setattr(office, "_shared_profile_dir", lambda: planted)
    with office._profile(tmp_path / "private") as profile:
        assert profile == tmp_path / "private"


def test_batches_reuse_one_profile_of_our_own(word97_files):
    office.extract_many([("a.doc", word97_files[0])])
    profile = office._shared_profile_dir()
    assert (profile / "user" / "registrymodifications.xcu").is_file()
    assert profile.stat().st_uid == os.getuid() and profile.stat().st_mode & 0o077 == 0


def test_libreoffice_and_antiword_are_installed():
    # `make install` puts both there; without them DOC and WPS lose their tables or all text.
    assert office.SOFFICE is not None and office.ANTIWORD is not None
