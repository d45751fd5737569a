from parsers.document import Table
from parsers.text import document_from_text


def _grid(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def test_trafilatura_table_text_is_one_row_per_line():
    document = document_from_text("一、总体情况\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 1 |\n正文")
    assert _grid(document.tables[0]) == [["信息内容", "本年制发件数"], ["规章", "1"]]
    assert document.paragraphs == ["一、总体情况", "正文"]


def test_pipe_cells_start_a_new_row_at_a_label_after_values():
    document = document_from_text("规章 |\n0 |\n|\n行政规范性文件 |\n1 |\n||")
    assert _grid(document.tables[0]) == [["规章", "0"], ["行政规范性文件", "1"]]


def test_tab_rows_keep_blank_cells():
    document = document_from_text("规章\t\t0\t")
    assert _grid(document.tables[0]) == [["规章", "", "0", ""]]


def test_cell_lines_join_continuations_and_split_rows_at_blank_lines():
    document = document_from_text("\t信息内容\n\t本年新\n\n制作数量\n\n\t规章\n\t0\n\n\n二、主动公开政府信息情况")
    assert _grid(document.tables[0]) == [["信息内容", "本年新制作数量"], ["规章", "0"]]
    assert document.paragraphs == ["二、主动公开政府信息情况"]


def test_gbk_text_is_decoded():
    from parsers.text import extract
    assert extract("二、主动公开政府信息情况".encode("gbk")).paragraphs == ["二、主动公开政府信息情况"]
