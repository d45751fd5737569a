import pytest

from parsers.numbers import is_value_like, parse_value


@pytest.mark.parametrize("cell,expected", [
    ("0", 0), ("１２", 12), ("20项", 20), ("61355元", 61355), ("1.8533万元", 1.8533),
    ("12.5", 12.5), ("3,119", 3119), ("-3", -3), ("－3", -3), ("　　0 ", 0), ("无", 0), ("7730.28", 7730.28),
])
def test_number_cells_parse(cell, expected):
    assert parse_value(cell) == (expected, None)


def test_blank_cell_is_null_without_warning():
    assert parse_value("  ") == (None, None)


@pytest.mark.parametrize("cell", ["/", "—", "约10", "不适用"])
def test_unreadable_cell_is_null_with_warning_quoting_it(cell):
    value, warning = parse_value(cell)
    assert value is None and repr(cell) in warning


def test_item_numbering_is_a_label_not_a_value():
    assert not is_value_like("5.") and not is_value_like("1、")
    assert is_value_like("5") and is_value_like("") and is_value_like("—")
