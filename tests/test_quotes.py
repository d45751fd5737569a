"""Figures quoted in the prose choose among the readings of a row whose digits ran together."""

from parsers.quotes import agreeing, quoted
from parsers.tables import read_tables

PROSE = "动态更新发布本年度制发行政规范性文件62件，并同步做好全真版上传等工作。"


def test_quoted_figure_is_found_for_its_cell():
    assert quoted(PROSE, "normative_documents", "issued") == {62}


def test_quoted_figure_keeps_the_readings_that_agree():
    choices = [(6, 233, 440), (62, 33, 440), (62, 334, 40)]
    assert agreeing(choices, ("issued", "repealed", "in_force"), PROSE, "normative_documents") == choices[1:]


def test_figure_matching_no_reading_is_ignored():
    choices = [(6, 233, 440), (623, 3, 440)]
    assert agreeing(choices, ("issued", "repealed", "in_force"), PROSE, "normative_documents") == choices


def test_run_together_row_takes_the_cell_its_prose_quotes():
    found = read_tables([PROSE, "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数行政规范性文件6233440"])
    assert found.proactive["normative_documents"]["issued"] == 62
