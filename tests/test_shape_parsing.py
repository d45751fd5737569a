"""Every generated shape parses to its truth: no wrong number, no wrong verdict, 99 % of cells.

The shapes (tests/shapes.py) are the ways real reports reach us besides clean grids: one cell
per line, cells run together, tables split with repeated headers, quirks, Word/Writer HTML and
PDFs without ruling lines. A cell may come out null where the shape lost it; never wrong.
"""

import lxml.html
import pytest

from parsers import parse_bytes

from . import reportgen, shapes

TABLES = ("proactive", "requests", "appeals")
REPORTS_PER_SHAPE = 10


def _cells(part: dict) -> dict[str, object]:
    return {f"{row}.{column}": value for row, values in part.items() for column, value in values.items()}


def _score(shape: str, spec) -> tuple[int, int, list[str], object]:
    name, data = shapes.render(shape, spec)
    report = parse_bytes(data, name).to_json()
    truth, real = shapes.truth(shape, spec), reportgen.expected(spec)
    right, total, wrong = 0, 0, []
    for table in TABLES:
        got, want, actual = _cells(report[table]), _cells(truth.expected[table]), _cells(real[table])
        for key, expected in want.items():
            value = got.get(key)
            total += 1
            right += key in got and (value == expected or value == actual[key])
            if value is not None and value != actual[key]:
                wrong.append(f"{table}.{key}: {value!r}, printed {actual[key]!r}")
    verdict_wrong = report["consistent"] is not None and report["consistent"] != real["consistent"]
    return right, total, wrong, verdict_wrong


@pytest.mark.parametrize("shape", [shape for shape in shapes.SHAPES])
def test_shape_parses_without_a_wrong_number(shape):
    right = total = 0
    for spec in shapes.shape_specs(shape, REPORTS_PER_SHAPE):
        cells_right, cells, wrong, verdict_wrong = _score(shape, spec)
        assert (wrong, verdict_wrong) == ([], False), spec.seed
        right, total = right + cells_right, total + cells
    assert right / total >= 0.99


@pytest.mark.parametrize("seed", range(7100, 7106))
def test_text_nodes_of_a_page_with_empty_cells_put_no_number_in_a_wrong_column(seed):
    """A dump of a page's text nodes loses its empty cells without a trace: a 0 may stand where
    the page had nothing, but no number may move to another column and no verdict may be wrong."""
    spec = reportgen.make_spec(seed, "2021" if seed % 2 else "2019", blanks=True)
    body = lxml.html.fromstring(reportgen.render_html_trs(spec)).body
    text = "\n".join(node.strip() for node in body.itertext() if node.strip())
    report = parse_bytes(text.encode("utf-8"), "page.txt").to_json()
    real = reportgen.expected(spec)
    moved = [f"{table}.{key}" for table in TABLES for key, value in _cells(report[table]).items()
             if value not in (None, 0) and value != _cells(real[table])[key]]
    assert moved == []
    assert report["consistent"] in (None, real["consistent"])
