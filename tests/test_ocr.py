"""Scans and table images: generated reports, printed by LibreOffice, scanned (turned, sealed,
noisy, JPEG) or cut into table pictures, parse to the figures they were drawn from; bad images
are refused in one line."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from parsers import parse_file
from parsers.grid import find_tables
from parsers.ocr import read_page
from parsers.pageimage import prepare
from parsers.valuecells import misread

from . import reportgen, scans
from .conftest import expected_subset

SPECS = {"2019": (11, "2019"), "2021": (12, "2021")}


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> dict[str, tuple[Path, reportgen.ReportSpec]]:
    specs = {name: reportgen.make_spec(seed, template) for name, (seed, template) in SPECS.items()}
    paths = reportgen.write_reports([(name, spec, "pdf") for name, spec in specs.items()],
                                    tmp_path_factory.mktemp("printed"))
    return {name: (paths[name], specs[name]) for name in specs}


@pytest.fixture(scope="session")
def scanned(printed, tmp_path_factory) -> dict[str, tuple[Path, reportgen.ReportSpec]]:
    folder = tmp_path_factory.mktemp("scanned")
    return {name: (scans.scanned_pdf(spec, pdf, folder / f"{name}-scan.pdf"), spec)
            for name, (pdf, spec) in printed.items()}


def _scores(report: dict, spec: reportgen.ReportSpec) -> dict:
    want = reportgen.expected(spec)
    return want, expected_subset(want, report)


@pytest.mark.parametrize("template", SPECS)
def test_scan_with_seal_and_rotation_reads_every_cell(scanned, template):
    path, spec = scanned[template]
    want, got = _scores(parse_file(path).to_json(), spec)
    assert got == want


@pytest.mark.parametrize("angle", [3.0, -3.0])
def test_scan_turned_three_degrees_either_way_reads_every_cell(printed, tmp_path, angle):
    pdf, spec = printed["2021"]
    want, got = _scores(parse_file(scans.scanned_pdf(spec, pdf, tmp_path / "turned.pdf", angle=angle)).to_json(), spec)
    assert got == want


def test_seal_ring_over_a_column_rule_keeps_both_cells():
    rows = [["项目", "甲", "乙", "丙"]] + [[f"第{i}项", "0", "1", "2"] for i in range(6)]
    table = scans.drawn_table(rows, [160, 90, 90, 90], [30] * 7)
    page = prepare(scans.ring_over(table, (295, 140), 70))  # the ring crosses the 甲|乙 rule twice
    assert [len(found.cells) for found in find_tables(page.lines, page.seal)] == [7 * 4]


def test_tall_header_row_keeps_its_table_whole():
    rows = [["项目", "甲\n乙\n丙\n丁\n戊\n己"]] + [[f"第{i}项", "0"] for i in range(5)]
    page = prepare(scans.drawn_table(rows, [160, 90], [170] + [30] * 5))
    assert [len(found.ys) - 1 for found in find_tables(page.lines, page.seal)] == [6]


def test_letter_read_in_a_value_column_is_left_blank_with_a_warning():
    rows = [["项目", "数量"]] + [[f"第{i}项", "C" if i == 2 else str(i)] for i in range(1, 5)]
    warnings: list[str] = []
    [table] = read_page(scans.drawn_table(rows, [160, 90], [30] * 5), warnings=warnings)
    assert ([row[1].text for row in table.rows], len(warnings)) == (["数量", "1", "", "3", "4"], 1)


def test_heading_repeated_down_a_value_column_is_no_misread_figure():
    assert not misread("本年处理决定数量")


def test_figure_with_a_seal_stroke_beside_it_is_a_misread_figure():
    assert misread("0-") and misread("00") and misread("BU")


def test_scanned_report_says_it_was_read_by_ocr(scanned):
    path, _ = scanned["2021"]
    assert parse_file(path).warnings[0].startswith("ocr:")


def test_page_with_tables_as_images_reads_every_cell(tmp_path):
    spec = reportgen.make_spec(13, "2021")
    page = scans.table_image_page(spec, "report", tmp_path)
    report = parse_file(page).to_json()
    want, got = _scores(report, spec)
    assert got == want
    assert report["warnings"][0].startswith("ocr:")


def test_page_whose_table_images_are_elsewhere_names_them(tmp_path):
    spec = reportgen.make_spec(13, "2021")
    page = scans.table_image_page(spec, "report", tmp_path)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (moved / page.name).write_bytes(page.read_bytes())
    result = _cli(moved / page.name)
    assert "report-t1.png" in result.stdout + result.stderr


def test_page_image_file_reads_as_a_report(printed, tmp_path):
    pdf, spec = printed["2021"]
    pages = scans.scanned_pngs(spec, pdf, tmp_path)
    report = parse_file(pages[0]).to_json()
    assert (report["format"], report["year"], report["warnings"][0][:4]) == ("image", spec.year, "ocr:")


# ---------------------------------------------------------------- bad input, through the CLI


def _cli(path: Path) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[1]
    return subprocess.run([sys.executable, str(root / "nianbao.py"), "parse", str(path)], capture_output=True,
                          text=True, timeout=300, cwd=root)


def _refused(path: Path) -> str:
    result = _cli(path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def test_blank_scan_is_not_a_report(tmp_path):
    path = tmp_path / "blank.pdf"
    Image.new("RGB", (1240, 1754), "white").save(path, "PDF", resolution=150)
    assert "blank scan" in _refused(path)


def test_photo_is_not_a_report(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.effect_mandelbrot((1200, 900), (-2.0, -1.2, 0.8, 1.2), 60).convert("RGB").save(path)
    assert "not an annual report" in _refused(path) or "picture" in _refused(path)


def test_image_bomb_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(30_000, 30_000))
    assert "megapixel limit" in _refused(path)


def test_pdf_of_500_scanned_pages_is_refused_before_any_ocr(tmp_path):
    path = tmp_path / "long.pdf"
    page = Image.new("L", (100, 140), 255)
    page.save(path, "PDF", save_all=True, append_images=[page] * 499)
    assert "500 pages" in _refused(path)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds one row: only a header check can refuse it cheaply."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + chunk(b"IEND", b"")
