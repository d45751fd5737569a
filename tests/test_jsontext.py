"""The JSON text the archive stores of a report: what to_json() gives, key for key, in its order."""

from __future__ import annotations

import json
import math

import pytest

from archive.jsontext import compact, report_json

SEEDS = ["seeds/001_0fb663dc2de8e1ec.txt", "seeds/002_6e7f3865b96cf4e0.txt",
         "corpus/js_huaian_hongze_district_2023_gov.pdf"]


@pytest.mark.parametrize("source", SEEDS)
def test_report_json_reads_back_as_to_json_in_its_order(parsed, source):
    report = parsed(source)
    stored = json.loads(report_json(report), object_pairs_hook=list)
    assert stored == json.loads(json.dumps(report.to_json()), object_pairs_hook=list)


def test_report_json_keeps_the_parser_version_of_an_older_parse(parsed):
    report = parsed(SEEDS[0])
    report.parser_version = "0.9"
    assert json.loads(report_json(report))["parser_version"] == "0.9"


def test_report_json_keeps_a_figure_json_has_no_number_for(parsed):
    report = parsed(SEEDS[1])
    report.proactive["procurement"]["amount"] = math.inf
    assert json.loads(report_json(report))["proactive"]["procurement"]["amount"] == math.inf


def test_report_json_holds_only_the_contract_keys(parsed):
    report = parsed(SEEDS[0])
    report.scratch = "not part of the contract"
    assert json.loads(report_json(report)) == report.to_json()


def test_compact_prints_integers_wider_than_64_bits():
    assert compact([[1, 2 ** 70]]) == f"[[1,{2 ** 70}]]"
