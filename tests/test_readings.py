"""A row's printed values fitted to the row's width, taking a reading only when it is the only one."""

from parsers.readings import agreed, read_row, solve
from parsers.tokens import Token


def _row_total(values):
    return sum(v or 0 for v in values[:-1]) == (values[-1] or 0)


def _lines(*texts):
    return [Token(text, True, "line") for text in texts]


def _run(*texts):
    return [Token(text, True, "run") for text in texts]


def test_row_as_printed_when_its_count_fits():
    assert read_row(_lines("5", "0", "0", "0", "0", "0", "5"), 7, _row_total).values == (5, 0, 0, 0, 0, 0, 5)


def test_number_split_over_two_lines_is_joined_by_the_row_total():
    tokens = _lines("160", "0", "0", "2", "0", "0", "1", "62")
    assert read_row(tokens, 7, _row_total).values == (160, 0, 0, 2, 0, 0, 162)


def test_identical_neighbours_collapsed_by_a_crawler_are_expanded():
    assert read_row(_lines("8", "0", "8"), 7, _row_total).values == (8, 0, 0, 0, 0, 0, 8)


def test_digits_run_together_split_the_only_way_the_total_allows():
    assert read_row(_run("21710000218"), 7, _row_total).values == (217, 1, 0, 0, 0, 0, 218)


def test_fifteen_appeal_values_with_nothing_between_them():
    def groups_hold(values):
        return all(_row_total(values[i:i + 5]) for i in (0, 5, 10))
    assert read_row(_run("000000000000000"), 15, groups_hold).values == (0,) * 15


def test_split_several_ways_is_left_to_the_table():
    reading = read_row(_run("1111"), 3, None)
    assert reading.values is None and len(reading.choices) == 3


def test_two_lines_are_not_joined_without_a_total_to_confirm_it():
    reading = read_row(_lines("2876", "123291"), 1, None, joins=False)
    assert reading.values is None


def test_printed_row_that_does_not_add_up_is_kept_as_printed():
    assert read_row(_lines("5", "0", "0", "0", "0", "0", "6"), 7, _row_total).values == (5, 0, 0, 0, 0, 0, 6)


def test_values_out_of_order_that_add_up_in_no_reading_are_not_kept():
    tokens = _lines("72", "64", "178", "37", "12", "1", "1", "6", "351", "13", "4", "8", "1", "26", "20")
    assert read_row(tokens, 15, lambda values: False, in_order=False).values is None


def test_zero_merged_across_columns_is_zero_in_each():
    tokens = [Token("6", True), Token("0", True, span=5), Token("6", True)]
    assert read_row(tokens, 7, _row_total).values == (6, 0, 0, 0, 0, 0, 6)


def test_phantom_grid_column_is_taken_off_a_merged_cell():
    tokens = [Token("1", True), Token("无", True, span=6), Token("1", True)]
    assert read_row(tokens, 7, _row_total).values == (1, 0, 0, 0, 0, 0, 1)


def test_cells_all_readings_agree_on_are_kept():
    assert agreed([(2648, -1, 8538), (2648, -18, 538)]) == (2648, None, None)


def test_table_identities_settle_a_row_with_two_readings():
    choices = {"a": [(1, 2), (2, 1)]}
    assert solve(choices, lambda picked: picked["a"][0] == 2) == {"a": (2, 1)}


def test_table_identities_that_allow_two_readings_settle_nothing():
    assert solve({"a": [(1, 2), (2, 1)]}, lambda picked: True) == {}


def test_row_printed_empty_is_read_empty():
    assert read_row([], 7, _row_total).values == (None,) * 7
