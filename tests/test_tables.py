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


def _lines(text):
    return [line for line in text.split("\n") if line]


HEADER_LINES = "申请人情况\n自然人\n法人或其他组织\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n总计\n"


def test_one_cell_per_line_with_labels_broken_over_lines():
    text = HEADER_LINES + "一、本年新收政府信息公开申请数量\n2\n0\n0\n0\n0\n0\n2\n（三）\n不予\n1.\n属于国家秘密\n0\n公开\n0\n0\n0\n0\n0\n0\n"
    found = read_tables(_lines(text))
    assert found.requests["denied.state_secret"] == [0] * 7


def test_appeal_header_broken_one_character_a_line():
    text = "行政复议\n行政诉讼\n结\n果\n维\n持\n结\n果\n纠\n正\n" + "\n".join("1" if i in (0, 4) else "0" for i in range(15))
    assert read_tables(_lines(text)).appeals == [1, 0, 0, 0, 1] + [0] * 10


def test_metric_header_split_over_lines():
    text = "第二十条第（五）项\n信息内容\n上一年项目数量\n本年增\n/\n减\n处理决定数量\n行政许可\n12\n-3\n40\n"
    assert read_tables(_lines(text)).proactive == {"licensing": {"prev_items": 12, "change": -3, "decisions": 40}}


def test_table_split_in_pieces_with_its_header_repeated():
    first = Table.from_texts([["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
                              ["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"]])
    second = Table.from_texts([["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
                               ["（七）合计", "3", "0", "0", "0", "0", "0", "3"]])
    assert read_tables([first, second]).requests["total"] == [3, 0, 0, 0, 0, 0, 3]


def test_appeals_printed_as_two_tables_side_by_side():
    review = Table.from_texts([["行政复议", None, None, None, None], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                               ["1", "0", "0", "0", "1"]])
    litigation = Table.from_texts([["行政诉讼"] + [None] * 9, ["未经复议直接起诉"] + [None] * 4 + ["复议后起诉"] + [None] * 4,
                                   ["0", "0", "0", "0", "0", "2", "0", "0", "0", "2"]])
    assert read_tables([review, litigation]).appeals == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2]


def test_label_variants_name_their_rows():
    text = (HEADER_LINES + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n（一）予以公布\t1\t0\t0\t0\t0\t0\t1\n"
            "（六）其它处理\t0\t0\t0\t0\t0\t0\t0\n（七）合计\t1\t0\t0\t0\t0\t0\t1\n四、结转下一年度继续办理\t0\t0\t0\t0\t0\t0\t0\n")
    found = read_tables([Table.from_texts([line.split("\t") for line in text.strip().split("\n")])])
    assert sorted(found.requests) == ["carried_forward", "granted", "new", "other", "total"]


def test_run_together_row_split_several_ways_is_null_with_a_warning():
    found = read_tables(["第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件693665"])
    assert found.proactive["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert found.proactive["normative_documents"] == {"issued": None, "repealed": None, "in_force": None}
    assert any("proactive.normative_documents" in warning and "693665" in warning for warning in found.warnings)


def test_figures_in_prose_are_not_table_rows():
    found = read_tables(["2021年，全市本年新收政府信息公开申请162件，予以公开99件，部分公开5件。"])
    assert found.requests == {}
