"""The shapes generator draws what it claims (these test tests/shapes.py, not the parser)."""

from __future__ import annotations

import re

import io

import lxml.html
import pdfplumber

from tests import reportgen, shapes


def rendered(shape: str, seed: int = 7, template: str = "2019", **flags) -> tuple[reportgen.ReportSpec, str, bytes]:
    spec = reportgen.make_spec(seed, template, **flags)
    name, data = shapes.render(shape, spec)
    return spec, name, data


def test_cell_lines_puts_one_cell_a_line_and_breaks_labels() -> None:
    spec, _, data = rendered("cell_lines", template="2021")
    lines = data.decode("utf-8").splitlines()
    assert "\t" not in data.decode("utf-8")
    assert "本年增/减" not in lines and all(len(line) < 60 for line in lines[lines.index("二、主动公开政府信息情况"):][:40])
    assert shapes.number(lines[lines.index("规章") + 1]) is not None  # a value on the line after its label


def test_cell_lines_collapses_only_rows_that_expand_one_way() -> None:
    assert shapes.collapsed(["8", "0", "0", "0", "0", "0", "8"]) == ["8", "0", "8"]
    assert shapes.expansions(["8", "0", "8"], "requests") == [[8, 0, 0, 0, 0, 0, 8]]
    assert len(shapes.expansions(["3", "0", "6"], "requests")) == 1
    assert len(shapes.expansions(["1", "0", "1", "0", "2"], "requests")) == 3  # where do the zeros go?


def test_run_together_joins_a_rows_values_with_nothing_between() -> None:
    spec, _, data = rendered("run_together", seed=11, template="2021")
    body = data.decode("utf-8").splitlines()[-1]
    values = "".join(spec.text("requests", "new", column) for column in reportgen.REQUEST_COLUMNS)
    assert "一、本年新收政府信息公开申请数量" + values in body.replace(" ", "")


def test_run_together_truth_forgets_cells_two_splits_fit() -> None:
    spec = reportgen.make_spec(8, "2019")  # litigation_direct prints 无 5 58 无 63: 5,58 or 55,8
    found = shapes.truth("run_together", spec)
    assert found.expected["appeals"]["litigation_direct"]["corrected"] is None
    assert found.expected["appeals"]["litigation_direct"]["total"] == spec.appeals["litigation_direct"]["total"]
    assert "appeals.litigation_direct.corrected" in found.unknowable


def test_split_tables_cuts_tables_and_sets_appeals_side_by_side() -> None:
    _, _, data = rendered("split_tables")
    page = data.decode("utf-8")
    assert page.count("<table") > 3
    assert page.count("（本列数据的勾稽关系为") >= 2  # the header repeated over each piece
    assert re.search(r"行政复议.*</table>.*行政诉讼", page, re.S)


def test_quirks_writes_typos_and_numbers_as_people_do() -> None:
    pages = [rendered("quirks", seed=seed, template="2021")[2].decode("utf-8") for seed in range(12)]
    joined = "\n".join(pages)
    for quirk in ("予以公布", "结转下一年度", "合计", "其它", "行政法复议", "colspan"):
        assert quirk in joined


def test_exported_html_carries_word_or_writer_markup() -> None:
    spec = reportgen.make_spec(3, "2021")
    page = shapes.word_html(spec, shapes.random.Random(1)).decode("gb18030")
    assert "class=MsoNormal" in page and "<o:p>" in page and "mso-" in page and "lang=EN-US" in page
    header = lxml.html.fromstring(page).xpath("//tr[contains(., '申请人情况')]")[0]
    assert sum(int(td.get("colspan", 1)) for td in header.xpath("td")) == 11  # 10 columns and a phantom one


def test_exported_html_from_writer_is_libreoffice_output() -> None:
    page = shapes.writer_html(reportgen.make_spec(4, "2019")).decode("utf-8", errors="replace")
    assert "LibreOffice" in page and "<table" in page


def test_ruleless_pdf_has_no_ruling_lines_and_text_in_columns() -> None:
    _, _, data = rendered("ruleless_pdf", template="2021")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not any(page.lines or page.rects for page in pdf.pages)
        text = "\n".join(page.extract_text() for page in pdf.pages)
        assert not any(page.find_tables() for page in pdf.pages)
    assert "一、本年新收政府信息公开申请数量" in text


def test_every_shape_keeps_the_spec_truth_unless_it_says_why() -> None:
    for shape in shapes.SHAPES:
        for spec in shapes.shape_specs(shape, 4):
            found = shapes.truth(shape, spec)
            real = reportgen.expected(spec)
            for table in ("proactive", "requests", "appeals"):
                for row, values in found.expected[table].items():
                    for column, value in values.items():
                        if value != real[table][row][column]:
                            assert f"{table}.{row}.{column}" in found.unknowable or value == 0
