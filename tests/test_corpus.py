"""Real published reports: the PDFs give exactly their expected JSON; the blank template is refused."""

from __future__ import annotations

import pytest

from parsers import NotAReport, parse_file

from .conftest import SHARED, assert_parses_to_expected

PDFS = sorted((SHARED / "corpus").glob("*.pdf"))


@pytest.mark.parametrize("pdf", PDFS, ids=[pdf.stem for pdf in PDFS])
def test_real_pdf_gives_expected_report(pdf):
    assert_parses_to_expected(pdf, SHARED / "corpus" / "expected" / f"{pdf.stem}.json")


def test_real_pdfs_are_present():
    assert len(PDFS) == 3


def test_blank_template_is_not_a_report():
    with pytest.raises(NotAReport, match="template"):
        parse_file(SHARED / "corpus" / "template_2021format_blank.docx")


def test_mixed_template_report_warns_about_single_other_row():
    report = parse_file(SHARED / "corpus" / "js_huaian_hongze_district_2023_gov.pdf").to_json()
    assert "other" in report["requests"] and "other.other" not in report["requests"]
    assert any("(六)其他处理" in warning for warning in report["warnings"])


def test_inconsistent_appeals_show_their_numbers():
    report = parse_file(SHARED / "corpus" / "js_huaian_hongze_district_2023_gov.pdf").to_json()
    failing = {check["rule"]: check["detail"] for check in report["checks"] if not check["ok"]}
    assert failing["appeals.total.review"] == "10 + 1 + 0 + 0 ≠ 0 (11 ≠ 0)"
