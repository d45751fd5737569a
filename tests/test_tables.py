"""Table grids into keys: spans, splits over pages, and rows that text dumps ran together."""

from parsers import labels
from parsers.document import Cell, Table
from parsers.tables import read_tables

HEADER = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]


def _request_rows(*rows):
    return Table.from_texts([list(row) for row in rows])


def test_zero_merged_across_columns_is_zero_in_each():
    table = Table([[Cell("一、本年新收政府信息公开申请数量"), Cell("6"), Cell("0")]
                   + [Cell("0", merged=True)] * 4 + [Cell("6")]])
    assert read_tables([table]).requests["new"] == [6, 0, 0, 0, 0, 0, 6]


def test_value_merged_across_columns_is_not_copied():
    table = Table([[Cell("一、本年新收政府信息公开申请数量"), Cell("6")]
                   + [Cell("6", merged=True)] * 5 + [Cell("6")]])
    found = read_tables([table])
    assert found.requests["new"] == [6, None, None, None, None, None, 6]
    assert any("merged" in warning for warning in found.warnings)


def test_label_spanning_columns_is_not_read_as_values():
    table = _request_rows(["一、本年新收政府信息公开申请数量", None, None, "0", "0", "0", "0", "0", "0", "0"],
                          ["二、上年结转政府信息公开申请数量", None, None, "34", "0", "0", "0", "0", "0", "34"])
    assert read_tables([table]).requests["carried_over"] == [34, 0, 0, 0, 0, 0, 34]


def test_group_context_carries_over_a_page_break():
    first = _request_rows(["一、本年新收政府信息公开申请数量", "", "3", "0", "0", "0", "0", "0", "3"],
                          ["（四）无", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1"])
    second = _request_rows(["", "法提供", "2.没有现成信息需要另行制作", "2", "0", "0", "0", "0", "0", "2"])
    found = read_tables([first, second])
    assert found.requests["unable.needs_creation"] == [2, 0, 0, 0, 0, 0, 2]


def test_rows_run_together_are_split_at_row_labels():
    row = [Cell(text) for text in HEADER + ["规章", "1", "0", "11"]]
    assert read_tables([Table([row])]).proactive == {"regulations": {"issued": 1, "repealed": 0, "in_force": 11}}


def test_proactive_values_follow_their_header_columns():
    table = Table.from_texts([HEADER, ["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"]])
    found = read_tables([table])
    assert found.proactive == {"regulations": {"issued": 1, "repealed": 0, "in_force": 11},
                               "normative_documents": {"issued": 8, "repealed": 26, "in_force": 66}}
    assert found.proactive_template == "2021"


def test_appeals_are_the_fifteen_numbers_under_the_header():
    table = Table.from_texts([["行政复议", None, None, None, None, "行政诉讼"] + [None] * 9,
                              [str(n) for n in range(15)]])
    assert read_tables([table]).appeals == list(range(15))


def test_single_other_row_of_2019_format():
    table = _request_rows(["（六）其他处理", "1", "0", "0", "0", "0", "0", "1"], ["（七）总计", "1", "0", "0", "0", "0", "0", "1"])
    table.rows.insert(0, [Cell("一、本年新收政府信息公开申请数量")] + [Cell("1")] * 7)
    found = read_tables([table])
    assert found.requests["other"] == [1, 0, 0, 0, 0, 0, 1]
    assert found.requests["total"] == [1, 0, 0, 0, 0, 0, 1]
    assert labels.REQUEST_COLUMNS[-1] == "total"


def test_blank_cell_between_label_and_values_is_padding():
    table = _request_rows(["（七）总计", "", "95", "0", "0", "0", "0", "0", "95"])
    table.rows.insert(0, [Cell("一、本年新收政府信息公开申请数量")] + [Cell("95")] * 7)
    assert read_tables([table]).requests["total"] == [95, 0, 0, 0, 0, 0, 95]


def test_values_align_right_after_a_label_spanning_blank_columns():
    table = _request_rows(["一、本年新收政府信息公开申请数量", "", "", "0", "0", "0", "0", "0", "0", "0"],
                          ["二、上年结转政府信息公开申请数量", "", "", "0", "", "", "", "", "", ""])
    assert read_tables([table]).requests["carried_over"] == [0, None, None, None, None, None, None]
