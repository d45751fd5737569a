"""The report_summary figures worked out from a parsed report."""

from __future__ import annotations

from archive.totals import COLUMNS, disclosure_rate, totals
from parsers import Report

SEED_2019 = "seeds/003_a5add6b12b1138ca.txt"  # 兰西县兰河乡 2020, 2019 format, all zeros
SEED_2021 = "seeds/001_0fb663dc2de8e1ec.txt"  # 红土崖镇 2022, 2021 format


def test_every_column_has_a_figure(parsed):
    assert list(totals(parsed(SEED_2021))) == list(COLUMNS)


def test_denied_adds_up_its_eight_reasons(parsed):
    report = parsed(SEED_2021)
    report.requests["denied.state_secret"]["total"] = 2
    report.requests["denied.query"]["total"] = 3
    assert totals(report)["requests_denied"] == 5


def test_other_handling_adds_up_the_2021_rows(parsed):
    report = parsed(SEED_2021)
    report.requests["other.unpaid_fee"]["total"] = 1
    report.requests["other.other"]["total"] = 4
    assert totals(report)["requests_other"] == 5


def test_all_empty_cells_stay_empty(parsed):
    report = parsed(SEED_2021)
    for row in [row for row in report.requests if row.startswith("unable.")]:
        report.requests[row]["total"] = None
    assert totals(report)["requests_unable"] is None


def test_litigation_adds_both_kinds_of_suit(parsed):
    report = parsed(SEED_2021)
    report.appeals["litigation_direct"].update(total=2, corrected=1)
    report.appeals["litigation_after_review"].update(total=3, corrected=0)
    figures = totals(report)
    assert (figures["litigation_total"], figures["litigation_corrected"]) == (5, 1)


def test_2019_format_counts_new_made_as_issued(parsed):
    report = parsed(SEED_2019)
    report.proactive["normative_documents"]["new_made"] = 7
    figures = totals(report)
    assert figures["normative_documents_issued"] == 7 and figures["normative_documents_in_force"] is None


def test_disclosure_rate_is_granted_and_partial_over_handled():
    assert disclosure_rate(6, 2, 9) == 0.8889


def test_disclosure_rate_of_nothing_handled_is_empty():
    assert disclosure_rate(0, 0, 0) is None


def test_report_without_tables_has_no_figures():
    assert set(totals(Report()).values()) == {None}
