"""Content hash (what makes two parses the same report) and the diff between versions."""

from __future__ import annotations

from dataclasses import replace

from archive.versions import content_hash, diff, same_report_elsewhere

SEED = "seeds/002_6e7f3865b96cf4e0.txt"  # 尚店镇人民政府 2020, 2019 format


def test_whitespace_in_sections_does_not_change_hash(parsed):
    spaced = parsed(SEED)
    spaced.sections.overview = " \n".join(spaced.sections.overview)
    assert content_hash(spaced) == content_hash(parsed(SEED))


def test_source_properties_do_not_change_hash(parsed):
    other = parsed(SEED)
    other = replace(other, file="elsewhere.pdf", format="pdf", warnings=["x"])
    assert content_hash(other) == content_hash(parsed(SEED))


def test_changed_cell_changes_hash(parsed):
    other = parsed(SEED)
    other.appeals["review"]["upheld"] = 99
    assert content_hash(other) != content_hash(parsed(SEED))


def test_changed_prose_changes_hash(parsed):
    other = parsed(SEED)
    other.sections.problems += "整改"
    assert content_hash(other) != content_hash(parsed(SEED))


def test_identical_parses_have_no_diff(parsed):
    assert diff(parsed(SEED), parsed(SEED)) == []


def test_diff_lists_changed_cells_old_to_new(parsed):
    old, new = parsed(SEED), parsed(SEED)
    # Seed 002 prints its table 三 empty: the cells are None, not 0.
    new.requests["new"]["total"] = 3
    assert diff(old, new) == [{"table": "requests", "row": "new", "column": "total",
                               "from": None, "to": 3}]


def test_diff_names_metadata_and_changed_sections(parsed):
    old, new = parsed(SEED), parsed(SEED)
    new.published, new.sections.other = "2021-01-20", "无"
    assert diff(old, new) == [{"field": "published", "from": old.published, "to": "2021-01-20"},
                              {"section": "other", "changed": True}]


def test_attachment_with_same_tables_is_the_same_report(parsed):
    pdf = parsed(SEED)
    pdf.sections.overview = "（PDF 版）" + pdf.sections.overview
    assert same_report_elsewhere(pdf, parsed(SEED))


def test_page_without_tables_is_the_same_report_as_one_with_tables(parsed):
    page = parsed(SEED)
    page = replace(page, proactive={}, requests={}, appeals={})
    assert same_report_elsewhere(page, parsed(SEED))
    assert not same_report_elsewhere(parsed(SEED), page)
