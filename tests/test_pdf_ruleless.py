"""PDFs whose tables have no ruling lines: columns come from where the numbers sit."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from parsers import parse_bytes
from tests import reportgen, shapes


def parsed_and_truth(seed: int, template: str, **flags) -> tuple[dict, dict]:
    spec = reportgen.make_spec(seed, template, **flags)
    name, data = shapes.render("ruleless_pdf", spec)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not any(page.lines or page.rects for page in pdf.pages)  # not one ruling line
    return parse_bytes(data, name).to_json(), shapes.truth("ruleless_pdf", spec).expected


@pytest.mark.parametrize(("seed", "template", "flags"), [(6000, "2019", {}), (6005, "2021", {"blanks": True})])
def test_ruleless_pdf_reads_every_cell(seed: int, template: str, flags: dict) -> None:
    report, expected = parsed_and_truth(seed, template, **flags)
    assert {key: report[key] for key in ("proactive", "requests", "appeals")} == \
        {key: expected[key] for key in ("proactive", "requests", "appeals")}
    assert report["consistent"] is True


def test_ruleless_pdf_keeps_the_prose_around_its_tables() -> None:
    report, _ = parsed_and_truth(6000, "2019")
    assert "本年度收到和处理政府信息公开申请情况如下" in report["sections"]["requests"]
    assert "自然人" not in report["sections"]["requests"]
