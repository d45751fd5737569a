"""A document as one stream of labels and values, whatever carried the table."""

from parsers.document import Cell, Table
from parsers.tokens import ROW_END, stream, text_tokens


def _shape(tokens):
    return [(t.text, t.is_value) for t in tokens]


def test_cells_run_together_are_cut_at_labels():
    tokens = text_tokens("一、本年新收政府信息公开申请数量21710000218二、上年结转")
    assert _shape(tokens) == [("一、本年新收政府信息公开申请数量", False), ("21710000218", True), ("二、上年结转", False)]


def test_item_number_run_into_the_values_before_it_stays_a_label():
    tokens = text_tokens("5.属于三类内部事务信息3200000326.属于四类过程性信息")
    assert _shape(tokens)[1:] == [("320000032", True), ("6.属于四类过程性信息", False)]


def test_dates_are_labels_not_values():
    assert _shape(text_tokens("2021年1月1日至12月31日")) == [("2021年1月1日至12月31日", False)]


def test_spaces_separate_values_in_running_text():
    assert [t.text for t in text_tokens("（六）其他处理4 0 0 0 0 0 4") if t.is_value] == ["4", "0", "0", "0", "0", "0", "4"]


def test_placeholder_between_values_is_a_value():
    tokens = text_tokens("行政许可0无0")
    assert [(t.text, t.is_value, t.blank) for t in tokens[1:]] == [("0", True, False), ("无", True, False), ("0", True, False)]


def test_a_line_holding_one_number_may_be_joined_or_repeated():
    assert [(t.text, t.source) for t in text_tokens("162")] == [("162", "line")]


def test_wu_broken_off_wufa_tigong_is_a_label():
    tokens = stream(["（四）", "无", "法提供", "1.本机关不掌握相关政府信息", "3"])
    assert [t.text for t in tokens if t.is_value] == ["3"]


def test_item_number_cut_from_its_label_is_a_label():
    tokens = stream(["3", ".其他", "0"])
    assert [t.text for t in tokens if t.is_value] == ["0"]


def test_grid_row_keeps_blank_cells_and_spans():
    table = Table([[Cell("（七）总计"), Cell(""), Cell("6"), Cell("0"), Cell("0", merged=True), Cell("6")]])
    values = [(t.text, t.blank, t.span) for t in stream([table]) if t.is_value]
    assert values == [("", True, 1), ("6", False, 1), ("0", False, 2), ("6", False, 1)]


def test_label_row_padded_with_blanks_ends_its_run():
    table = Table.from_texts([["（六）其他处理", "", ""], ["（七）总计", "1", "1"]])
    assert stream([table])[1] == ROW_END


def test_number_inside_a_label_cell_is_a_value():
    table = Table.from_texts([["1、属于国家秘密0", "0"]])
    assert [t.text for t in stream([table]) if t.is_value] == ["0", "0"]
