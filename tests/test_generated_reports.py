"""Generated reports in every format parse to exactly the figures they were drawn from.

A session fixture renders three reports per format (a 2019, a 2021 and an unusual one: a
broken table, blank cells, or a 2021 report with the 2019 （六）其他处理 row); DOC and PDF come
from one LibreOffice run each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from parsers import ParseError, parse_file, parse_files

from . import reportgen
from .conftest import expected_subset

UNUSUAL = ({"broken": True}, {"blanks": True}, {"single_other": True})


@dataclass(frozen=True)
class Case:
    form: str
    seed: int
    template: str
    flags: tuple[tuple[str, bool], ...] = ()

    @property
    def name(self) -> str:
        variant = "-".join(flag for flag, _ in self.flags) or "plain"
        return f"{self.form}-{self.template}-{variant}-{self.seed}"

    def spec(self) -> reportgen.ReportSpec:
        return reportgen.make_spec(self.seed, self.template, **dict(self.flags))


def _cases() -> list[Case]:
    cases = []
    for index, form in enumerate(reportgen.FORMATS):
        seed = 100 * (index + 1)
        unusual = UNUSUAL[index % len(UNUSUAL)]
        template = "2021" if "single_other" in unusual or index % 2 else "2019"
        cases += [Case(form, seed, "2019"), Case(form, seed + 1, "2021"),
                  Case(form, seed + 2, template, tuple(unusual.items()))]
    return cases


CASES = _cases()
BROKEN = [case for case in CASES if dict(case.flags).get("broken")]


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, tuple[Path, reportgen.ReportSpec]]:
    started = time.perf_counter()
    specs = {case.name: case.spec() for case in CASES}
    paths = reportgen.write_reports([(case.name, specs[case.name], case.form) for case in CASES],
                                    tmp_path_factory.mktemp("generated"))
    print(f"\n{len(CASES)} generated reports in {time.perf_counter() - started:.1f} s")
    return {name: (paths[name], specs[name]) for name in specs}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_generated_report_parses_to_its_figures(generated, case):
    path, spec = generated[case.name]
    want = reportgen.expected(spec, spans_shown=case.form != "txt")
    report = parse_file(path).to_json()
    assert expected_subset(want, report) == want


@pytest.mark.parametrize("case", BROKEN, ids=[case.name for case in BROKEN])
def test_broken_report_fails_exactly_its_broken_rule(generated, case):
    path, spec = generated[case.name]
    report = parse_file(path).to_json()
    failing = [check["rule"] for check in report["checks"] if not check["ok"]]
    assert (report["consistent"], failing) == (False, [spec.broken_rule])


def test_doc_files_parse_in_one_batch(generated):
    docs = [(path, spec) for path, spec in generated.values() if path.suffix == ".doc"]
    results = parse_files([str(path) for path, _ in docs])
    assert [type(result).__name__ for result in results] == ["Report"] * len(docs)
    assert not any(isinstance(result, ParseError) for result in results)
    assert [result.agency for result in results] == [spec.agency for _, spec in docs]
