"""Content hash (what makes two parses the same report) and the diff between versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest

from archive.versions import content, content_hash, diff, same_report_elsewhere

SEED = "seeds/002_6e7f3865b96cf4e0.txt"  # 尚店镇人民政府 2020, 2019 format
# The hashes archives hold for the seeds, printed by json.dumps before orjson printed them:
# a hash that changed would make every re-crawl of a held report a new version.
HELD_HASHES = {
    "001_0fb663dc2de8e1ec": "0b52a106cba7998f86bd7cee916272c421b140d9e5ea506a7b3aceee5c57b464",
    "002_6e7f3865b96cf4e0": "3c277a4cf7921c0b7f81c498bbc6bf3355f07e874c4cd61e7eb1ec2aef348cf3",
    "003_a5add6b12b1138ca": "2118b0c2629ce3aa019a3b71ff5e88b7a4a0e4191d7553faeb9741f8d39cf2df",
    "004_6762482f42d905fe": "bbf8982346c78c6edb52f7e3a08f4abf54ba67861a9cb967d1509ce4be0785b9",
}


@pytest.mark.parametrize("seed", sorted(HELD_HASHES))
def test_seed_hash_is_the_one_archives_hold(parsed, seed):
    assert content_hash(parsed(f"seeds/{seed}.txt")) == HELD_HASHES[seed]


@pytest.mark.parametrize("figure", [1e-05, 6.5e-05, 3.3e-06, 0.0001, 12.5, 1e16, float("nan"),
                                    float("inf"), 2 ** 70, -0.0])
def test_hash_prints_every_figure_as_json_dumps_did(parsed, figure):
    report = parsed(SEED)
    report.proactive["procurement"]["amount"] = figure
    text = json.dumps(content(report), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content_hash(report) == hashlib.sha256(text.encode()).hexdigest()


def test_hash_of_bare_figures_is_taken_as_json_dumps_printed_it(parsed):
    report = replace(parsed(SEED), template="pre2019", requests={"new": 7, "granted": 2.5e-05}, proactive={})
    text = json.dumps(content(report), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content_hash(report) == hashlib.sha256(text.encode()).hexdigest()


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
