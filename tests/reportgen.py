#!/usr/bin/env python3
"""Synthetic 政府信息公开工作年度报告 with known contents, rendered in every format the parser reads.

A ``ReportSpec`` holds what a report says: agency, year, template and the three statistical
tables under the keys of design.md ("Table keys"). ``expected(spec)`` is the part of the report
contract the parser must return for it. The renderers print a spec in the official table layout
(国办公开办函〔2019〕60号 and 〔2021〕30号) as a TRS, Hanweb or plain CMS page, as DOCX and as text;
DOC and PDF are the DOCX converted by LibreOffice. Each renderer draws its layout (label spacing,
brackets, units, blank markers, merged cells…) from its own ``rng``; no layout choice changes
the expected output.

    python tests/reportgen.py OUTDIR --count N      # N reports in every format, with expected JSON
"""

from __future__ import annotations

import argparse
import copy
import html
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

Number = int | float
Value = Number | None
Grid = dict[str, dict[str, Value]]  # row (or item, group) -> column (or metric) -> value

# --------------------------------------------------------------------------------------------
# Table keys (design.md)

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org")
REQUEST_COLUMNS = (*APPLICANT_COLUMNS, "total")
DENIED = ("state_secret", "prohibited", "security_stability", "third_party", "internal_affairs",
          "process_info", "enforcement_files", "query")
UNABLE = ("not_held", "needs_creation", "unclear")
REJECTED = ("petition", "duplicate", "publication", "excessive", "confirmation")
OTHER_2021 = ("no_correction", "unpaid_fee", "other")
BALANCE_ROWS = ("new", "carried_over", "carried_forward")
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

PROACTIVE_METRICS: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("prev_items", "change", "decisions"),
        "other_services": ("prev_items", "change", "decisions"),
        "punishment": ("prev_items", "change", "decisions"),
        "enforcement": ("prev_items", "change", "decisions"),
        "fees": ("prev_items", "change"),
        "procurement": ("items", "amount"),
    },
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("amount",),
    },
}


def result_rows(single_other_row: bool) -> list[str]:
    """The rows of 三、本年度办理结果 before （七）总计."""
    other = ["other"] if single_other_row else [f"other.{key}" for key in OTHER_2021]
    return ["granted", "partial", *(f"denied.{key}" for key in DENIED), *(f"unable.{key}" for key in UNABLE),
            *(f"rejected.{key}" for key in REJECTED), *other]


def request_rows(single_other_row: bool) -> list[str]:
    return ["new", "carried_over", *result_rows(single_other_row), "total", "carried_forward"]


# --------------------------------------------------------------------------------------------
# Official labels

REQUEST_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "1.属于国家秘密",
    "denied.prohibited": "2.其他法律行政法规禁止公开",
    "denied.security_stability": "3.危及“三安全一稳定”",
    "denied.third_party": "4.保护第三方合法权益",
    "denied.internal_affairs": "5.属于三类内部事务信息",
    "denied.process_info": "6.属于四类过程性信息",
    "denied.enforcement_files": "7.属于行政执法案卷",
    "denied.query": "8.属于行政查询事项",
    "unable.not_held": "1.本机关不掌握相关政府信息",
    "unable.needs_creation": "2.没有现成信息需要另行制作",
    "unable.unclear": "3.补正后申请内容仍不明确",
    "rejected.petition": "1.信访举报投诉类申请",
    "rejected.duplicate": "2.重复申请",
    "rejected.publication": "3.要求提供公开出版物",
    "rejected.excessive": "4.无正当理由大量反复申请",
    "rejected.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other.no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
REQUEST_GROUP_LABELS = {"denied": "（三）不予公开", "unable": "（四）无法提供", "rejected": "（五）不予处理",
                        "other": "（六）其他处理"}
RESULTS_LABEL = "三、本年度办理结果"
REQUESTS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPEAL_COLUMN_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
LABEL_TYPOS = {"2.其他法律行政法规禁止公开": "2.其他法律行政止公开"}

PROACTIVE_ITEM_LABELS = {
    "regulations": "规章", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚", "enforcement": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购",
}
PROACTIVE_METRIC_LABELS = {
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额",
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
}
# Each block of table 二: its 第二十条 clause and items.
PROACTIVE_BLOCKS = {
    "2019": (("（一）", ("regulations", "normative_documents")), ("（五）", ("licensing", "other_services")),
             ("（六）", ("punishment", "enforcement")), ("（八）", ("fees",)), ("（九）", ("procurement",))),
    "2021": (("（一）", ("regulations", "normative_documents")), ("（五）", ("licensing",)),
             ("（六）", ("punishment", "enforcement")), ("（八）", ("fees",))),
}
PROACTIVE_2021_SINGLE_HEADERS = {"licensing": "本年处理决定数量", "punishment": "本年处理决定数量",
                                 "enforcement": "本年处理决定数量", "fees": "本年收费金额（单位：万元）"}
METRIC_UNITS = {"prev_items": "项", "change": "项", "items": "项", "decisions": "件", "new_made": "件",
                "new_published": "件", "total_published": "件", "issued": "件", "repealed": "件", "in_force": "件"}

SECTION_HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")

# --------------------------------------------------------------------------------------------
# Agencies

REGIONS = (  # city, county, townships and streets (all real)
    ("白山市", "浑江区", ("红土崖镇", "六道江镇", "河口街道")),
    ("聊城市", "临清市", ("尚店镇", "烟店镇", "先锋街道")),
    ("绥化市", "兰西县", ("兰河乡", "榆林镇")),
    ("淮安市", "洪泽区", ("高良涧街道", "岔河镇", "老子山镇")),
    ("赣州市", "于都县", ("贡江镇", "岭背镇")),
    ("莆田市", "城厢区", ("华亭镇", "龙桥街道")),
)
DEPARTMENTS = ("统计局", "教育局", "财政局", "市场监督管理局", "自然资源局", "民政局", "卫生健康委员会", "人民政府办公室")
# How active a body is, as a multiplier of typical county-government figures.
ACTIVITY = {"county": 1.0, "department": 0.15, "township": 0.03}


@dataclass(frozen=True)
class Agency:
    name: str
    kind: str  # county | township | department
    self_reference: str  # how the body names itself in prose: 我区, 我镇, 我局…
    portal: str  # the website its reports appear on


@dataclass(frozen=True)
class MergedRun:
    """Requests cells ``row``/``first_column``… printed as one cell over ``span`` columns.

    Only the first cell keeps its value; the covered ones are blank (None) in the spec.
    """
    row: str
    first_column: str
    span: int

    def covered_columns(self) -> tuple[str, ...]:
        start = REQUEST_COLUMNS.index(self.first_column)
        return REQUEST_COLUMNS[start + 1:start + self.span]


@dataclass
class ReportSpec:
    agency: Agency
    year: int
    template: str  # "2019" | "2021"
    single_other_row: bool  # a 2021 report printing the 2019 single （六）其他处理 row
    proactive: Grid
    requests: Grid
    appeals: Grid
    published: date
    merged_runs: tuple[MergedRun, ...] = ()
    broken_cell: tuple[str, str, str] | None = None  # (table, row, column) perturbed
    broken_rules: tuple[str, ...] = ()  # the checks the perturbation breaks

    @property
    def broken(self) -> bool:
        return self.broken_cell is not None

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"


def _random_agency(rng: random.Random) -> Agency:
    city, county, towns = rng.choice(REGIONS)
    portal = rng.choice((f"{county}人民政府门户网站", f"{city}{county}人民政府网站"))
    kind = rng.choice(("county", "township", "township", "department"))
    if kind == "county":
        name = rng.choice((f"{county}人民政府", f"{city}{county}人民政府"))
        return Agency(name, kind, f"我{county[-1]}", portal)
    if kind == "township":
        town = rng.choice(towns)
        suffix = "办事处" if town.endswith("街道") else "人民政府"
        name = rng.choice((f"{town}{suffix}", f"{county}{town}{suffix}"))
        return Agency(name, kind, "我街道" if town.endswith("街道") else f"我{town[-1]}", portal)
    department = rng.choice(DEPARTMENTS)
    if rng.random() < 0.4:
        name, portal = f"{city}{department}", f"{city}人民政府门户网站"
    else:
        name = f"{county}{department}"
    self_reference = {"委员会": "我委", "办公室": "我办"}.get(department[-3:], "我局")
    return Agency(name, kind, self_reference, portal)


# --------------------------------------------------------------------------------------------
# Table contents

def _count(rng: random.Random, typical: float, zero_chance: float = 0.3) -> int:
    """A count around ``typical``: mostly small, now and then several times larger, sometimes 0."""
    if typical <= 0 or rng.random() < zero_chance:
        return 0
    return round(rng.expovariate(1 / typical))


def _amount(rng: random.Random, decimals: int) -> float:
    return round(rng.uniform(0.5, 9000), decimals)


def _items_with_change(rng: random.Random, typical: float) -> dict[str, Value]:
    previous = _count(rng, typical)
    return {"prev_items": previous, "change": rng.randint(-(previous // 4), previous // 5 + 2)}


def _proactive_2019(rng: random.Random, activity: float) -> Grid:
    new_normative = _count(rng, 8 * activity)
    procurement_items = _count(rng, 40 * activity, 0.4)
    if rng.random() < 0.5:  # 采购总金额 in 万元 with decimals, or in 元
        amount: Number = _amount(rng, 2)
    else:
        amount = rng.randint(5_000, 900_000)
    return {
        "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
        "normative_documents": {"new_made": new_normative, "new_published": new_normative,
                                "total_published": new_normative + _count(rng, 80 * activity)},
        "licensing": {**_items_with_change(rng, 150 * activity), "decisions": _count(rng, 900 * activity)},
        "other_services": {**_items_with_change(rng, 40 * activity), "decisions": _count(rng, 200 * activity)},
        "punishment": {**_items_with_change(rng, 200 * activity), "decisions": _count(rng, 400 * activity)},
        "enforcement": {**_items_with_change(rng, 20 * activity), "decisions": _count(rng, 30 * activity)},
        "fees": _items_with_change(rng, 12 * activity),
        "procurement": {"items": procurement_items, "amount": amount if procurement_items else 0},
    }


def _proactive_2021(rng: random.Random, activity: float) -> Grid:
    issued = _count(rng, 8 * activity)
    repealed = _count(rng, 3 * activity, 0.5)
    fees = _amount(rng, rng.choice((2, 4))) if rng.random() < min(0.9, activity + 0.1) else 0
    return {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": issued, "repealed": repealed,
                                "in_force": issued + _count(rng, 90 * activity)},
        "licensing": {"decisions": _count(rng, 1200 * activity)},
        "punishment": {"decisions": _count(rng, 400 * activity)},
        "enforcement": {"decisions": _count(rng, 30 * activity)},
        "fees": {"amount": fees},
    }


# Typical new applications per applicant column for a county government.
APPLICANT_TYPICAL = {"natural_person": 60, "commercial": 6, "research": 0.6, "nonprofit": 0.6,
                     "legal_service": 3, "other_org": 2}
# How often an application ends in each result row.
RESULT_WEIGHTS = {
    "granted": 5, "partial": 0.8,
    "denied.state_secret": 0.02, "denied.prohibited": 0.05, "denied.security_stability": 0.03,
    "denied.third_party": 0.3, "denied.internal_affairs": 0.15, "denied.process_info": 0.3,
    "denied.enforcement_files": 0.1, "denied.query": 0.25,
    "unable.not_held": 2, "unable.needs_creation": 0.3, "unable.unclear": 0.3,
    "rejected.petition": 0.6, "rejected.duplicate": 0.4, "rejected.publication": 0.1,
    "rejected.excessive": 0.1, "rejected.confirmation": 0.2,
    "other": 0.6, "other.no_correction": 0.3, "other.unpaid_fee": 0.02, "other.other": 0.4,
}


def _requests(rng: random.Random, activity: float, single_other_row: bool) -> Grid:
    grid: Grid = {row: dict.fromkeys(REQUEST_COLUMNS, 0) for row in request_rows(single_other_row)}
    results = result_rows(single_other_row)
    for column, typical in APPLICANT_TYPICAL.items():
        _fill_applicant_column(grid, column, _count(rng, typical * activity), results, rng)
    for cells in grid.values():
        cells["total"] = sum(cells[column] for column in APPLICANT_COLUMNS)
    return grid


def _fill_applicant_column(grid: Grid, column: str, new: int, results: list[str], rng: random.Random) -> None:
    carried_over = _count(rng, new / 8, 0.5)
    carried_forward = rng.randint(0, (new + carried_over) // 7)
    handled = new + carried_over - carried_forward
    outcomes = Counter(rng.choices(results, weights=[RESULT_WEIGHTS[row] for row in results], k=handled))
    grid["new"][column], grid["carried_over"][column] = new, carried_over
    grid["carried_forward"][column], grid["total"][column] = carried_forward, handled
    for row in results:
        grid[row][column] = outcomes[row]


def _appeals(rng: random.Random, activity: float) -> Grid:
    grid: Grid = {}
    for group, typical in zip(APPEAL_GROUPS, (2.0, 1.0, 0.5)):
        cells: dict[str, Value] = {column: _count(rng, typical * activity * weight, 0.5)
                                   for column, weight in zip(APPEAL_COLUMNS[:4], (1.0, 0.3, 0.3, 0.4))}
        cells["total"] = sum(cells.values())
        grid[group] = cells
    return grid


# --------------------------------------------------------------------------------------------
# Blank cells, merged runs, and the one perturbed cell of a broken report

def _zero_cells(grid: Grid) -> list[tuple[str, str]]:
    return [(row, column) for row, cells in grid.items() for column, value in cells.items() if value == 0]


def _blank_scattered_zeros(spec: ReportSpec, rng: random.Random) -> None:
    zeros = _zero_cells(spec.requests)
    for row, column in rng.sample(zeros, min(len(zeros), rng.randint(1, 6))):
        spec.requests[row][column] = None


def _blank_zero_request_rows(spec: ReportSpec, rng: random.Random) -> None:
    """Rows all zero left empty, as a body with no applications prints its whole table (seed 002)."""
    for cells in spec.requests.values():
        if not any(cells.values()):
            cells.update(dict.fromkeys(cells))


def _blank_appeal_components(spec: ReportSpec, rng: random.Random) -> None:
    """Only the 总计 cells filled in (seed 002)."""
    for cells in spec.appeals.values():
        for column in APPEAL_COLUMNS[:4]:
            if cells[column] == 0:
                cells[column] = None


def _blank_proactive_zeros(spec: ReportSpec, rng: random.Random) -> None:
    zeros = _zero_cells(spec.proactive)
    for item, metric in rng.sample(zeros, min(len(zeros), rng.randint(1, 3))):
        spec.proactive[item][metric] = None


BLANKERS: tuple[Callable[[ReportSpec, random.Random], None], ...] = (
    _blank_scattered_zeros, _blank_zero_request_rows, _blank_appeal_components, _blank_proactive_zeros)


def _merge_zero_runs(spec: ReportSpec, rng: random.Random) -> tuple[MergedRun, ...]:
    """Pick requests rows whose organisation columns are all 0 and print them as one merged 0:
    ``6 | 0 (colspan 5) | 6``, or a single 0 across all seven columns when the whole row is 0."""
    organisations = APPLICANT_COLUMNS[1:]
    candidates = [row for row, cells in spec.requests.items() if all(cells[c] == 0 for c in organisations)]
    runs = []
    for row in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        whole_row = all(value == 0 for value in spec.requests[row].values())
        run = MergedRun(row, "natural_person", 7) if whole_row else MergedRun(row, "commercial", 5)
        for column in run.covered_columns():
            spec.requests[row][column] = None
        runs.append(run)
    return tuple(runs)


def _perturbation_candidates(spec: ReportSpec) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Cells whose change breaks the fewest checks, with the rules each one breaks.

    Only an appeals 总计 breaks one rule alone: the requests checks are linearly dependent
    (the six column balances minus the 总计 balance equal a sum of row totals), so any one
    requests cell breaks at least two rules.
    """
    merged = {(run.row, column) for run in spec.merged_runs for column in run.covered_columns()}
    candidates = [("appeals", group, "total", (f"appeals.total.{group}",)) for group in APPEAL_GROUPS]
    candidates += [("requests", row, "total", ("requests.balance.total", f"requests.row_total.{row}"))
                   for row in BALANCE_ROWS]
    candidates += [("requests", row, column, (f"requests.results.{column}", f"requests.row_total.{row}"))
                   for row in result_rows(spec.single_other_row)[:4] for column in APPLICANT_COLUMNS[:2]]
    return [(table, row, column, rules) for table, row, column, rules in candidates
            if getattr(spec, table)[row][column] is not None and (row, column) not in merged]


def _perturb(spec: ReportSpec, rng: random.Random) -> None:
    table, row, column, rules = rng.choice(_perturbation_candidates(spec))
    cells = getattr(spec, table)[row]
    value = cells[column]
    assert isinstance(value, int)
    cells[column] = value + rng.choice((1, 2, 3)) if value == 0 or rng.random() < 0.6 else value - 1
    spec.broken_cell, spec.broken_rules = (table, row, column), rules
    if failing_rules(spec) != rules:
        raise AssertionError(f"perturbing {spec.broken_cell} broke {failing_rules(spec)}, not {rules}")


def make_spec(rng: random.Random, *, template: str | None = None, broken: bool = False, blanks: bool = False,
              merged: bool = False, single_other_row: bool | None = None) -> ReportSpec:
    """A report with realistic figures that pass every check (design.md "Checks"), unless ``broken``:
    then one cell is off and ``broken_rules`` names the checks that fail. ``blanks`` empties some
    zero cells; ``merged`` prints some zero runs of table 三 as one merged cell."""
    year = rng.randint(*{"2019": (2019, 2020), "2021": (2021, 2024), None: (2019, 2024)}[template])
    template = "2019" if year <= 2020 else "2021"
    if single_other_row is None:
        single_other_row = template == "2021" and rng.random() < 0.15
    agency = _random_agency(rng)
    activity = ACTIVITY[agency.kind] * (15 if agency.kind == "county" and rng.random() < 0.15 else 1)
    proactive = (_proactive_2019 if template == "2019" else _proactive_2021)(rng, activity)
    deadline = 31 if agency.kind == "department" else 90
    spec = ReportSpec(agency=agency, year=year, template=template, single_other_row=single_other_row,
                      proactive=proactive, requests=_requests(rng, activity, single_other_row),
                      appeals=_appeals(rng, activity),
                      published=date(year + 1, 1, 1) + timedelta(days=rng.randint(3, deadline - 1)))
    if merged:
        spec.merged_runs = _merge_zero_runs(spec, rng)
    if blanks:
        for blank in rng.sample(BLANKERS, rng.randint(1, 2)):
            blank(spec, rng)
    if broken:
        _perturb(spec, rng)
    return spec


# --------------------------------------------------------------------------------------------
# Checks (design.md) and the expected report

def check_outcomes(spec: ReportSpec) -> dict[str, bool]:
    """Every check of design.md for the spec's tables, rule -> holds; blank cells count as 0."""
    def cell(row: str, column: str) -> Number:
        return spec.requests[row][column] or 0

    results = result_rows(spec.single_other_row)
    outcomes = {}
    for column in REQUEST_COLUMNS:
        outcomes[f"requests.balance.{column}"] = (cell("new", column) + cell("carried_over", column)
                                                  == cell("total", column) + cell("carried_forward", column))
    for column in REQUEST_COLUMNS:
        outcomes[f"requests.results.{column}"] = sum(cell(row, column) for row in results) == cell("total", column)
    for row in request_rows(spec.single_other_row):
        outcomes[f"requests.row_total.{row}"] = (sum(cell(row, column) for column in APPLICANT_COLUMNS)
                                                 == cell(row, "total"))
    for group, cells in spec.appeals.items():
        parts = sum(cells[column] or 0 for column in APPEAL_COLUMNS[:4])
        outcomes[f"appeals.total.{group}"] = parts == (cells["total"] or 0)
    return outcomes


def failing_rules(spec: ReportSpec) -> tuple[str, ...]:
    return tuple(rule for rule, holds in check_outcomes(spec).items() if not holds)


def expected(spec: ReportSpec) -> dict[str, object]:
    """The keys of the report contract the parser must give for ``spec`` (as in seeds/expected)."""
    return {
        "agency": spec.agency.name,
        "year": spec.year,
        "template": spec.template,
        "proactive": copy.deepcopy(spec.proactive),
        "requests": copy.deepcopy(spec.requests),
        "appeals": copy.deepcopy(spec.appeals),
        "consistent": not spec.broken,
    }


# --------------------------------------------------------------------------------------------
# Layout: how one rendering prints labels and values

FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
HALFWIDTH_PUNCTUATION = str.maketrans({"（": "(", "）": ")", "：": ":"})


@dataclass(frozen=True)
class Style:
    halfwidth_brackets: bool  # (一) instead of （一）
    item_separator: str  # 1. / 1、 / 1．
    spaced_headers: bool  # 自 然 人
    vertical_group_labels: bool  # 三、本年度办理结果 one character per line
    units: bool  # 20项, 61355元, 1.8533万元
    wu_for_zero: bool  # 无 for 0 in tables 二 and 四
    blank_text: str  # how an empty cell prints: "", "/" or "—"
    fullwidth_digits: bool
    split_proactive: bool  # table 二 as one table per 第二十条 clause
    merge_runs: bool  # print the spec's merged runs with colspan (else as blank cells)
    label_typo: bool  # 其他法律行政止公开
    repeat_header_rows: bool  # DOCX: header rows repeat after a page break
    title_split: bool  # the title over two lines
    indent: str  # prose indent, "" or two ideographic spaces
    section_intros: bool  # a sentence before tables 三 and 四

    @classmethod
    def random(cls, rng: random.Random, **overrides: object) -> Style:
        style = cls(
            halfwidth_brackets=rng.random() < 0.3,
            item_separator=rng.choices((".", "、", "．"), weights=(6, 3, 1))[0],
            spaced_headers=rng.random() < 0.3,
            vertical_group_labels=rng.random() < 0.3,
            units=rng.random() < 0.3,
            wu_for_zero=rng.random() < 0.15,
            blank_text=rng.choices(("", "/", "—"), weights=(7, 2, 1))[0],
            fullwidth_digits=rng.random() < 0.1,
            split_proactive=rng.random() < 0.4,
            merge_runs=rng.random() < 0.8,
            label_typo=rng.random() < 0.1,
            repeat_header_rows=rng.random() < 0.5,
            title_split=rng.random() < 0.2,
            indent=rng.choice(("", "　　")),
            section_intros=rng.random() < 0.5,
        )
        return replace(style, **overrides)

    def text(self, text: str) -> str:
        return text.translate(HALFWIDTH_PUNCTUATION) if self.halfwidth_brackets else text

    def row_label(self, text: str) -> str:
        if self.label_typo:
            text = LABEL_TYPOS.get(text, text)
        return self.text(re.sub(r"^(\d)\.", rf"\g<1>{self.item_separator}", text))

    def header(self, text: str) -> str:
        return " ".join(text) if self.spaced_headers and len(text) <= 6 else self.text(text)

    def group_label(self, text: str) -> str:
        """Labels of cells spanning many rows; printed narrow, one character per line, in many reports."""
        text = self.text(text)
        if not self.vertical_group_labels:
            return text
        head = re.match(r"^(?:[一二三四五六七]、|[（(][一二三四五六七][）)])", text)
        cut = head.end() + 1 if head else 1
        return "\n".join([text[:cut], *text[cut:]])


def format_value(value: Value, style: Style, unit: str = "", zero_as_wu: bool = False) -> str:
    if value is None:
        return style.blank_text
    if value == 0 and zero_as_wu:
        return "无"
    text = str(value) if isinstance(value, int) else repr(value)
    if style.fullwidth_digits:
        text = text.translate(FULLWIDTH_DIGITS)
    return text + unit


# --------------------------------------------------------------------------------------------
# The tables, as rows of cells with HTML-like spans

@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    is_label: bool = True


@dataclass(frozen=True)
class TableModel:
    rows: list[list[Cell]]
    widths: tuple[float, ...]  # relative column widths
    header_rows: int = 0

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class Slot:
    """One grid position of an expanded table: the cell covering it, and whether it is its corner."""
    cell: Cell
    top: bool
    left: bool

    @property
    def corner(self) -> bool:
        return self.top and self.left


def place_cells(table: TableModel) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, spans placed as a browser places them."""
    occupied: set[tuple[int, int]] = set()
    placed = []
    for row_index, row in enumerate(table.rows):
        column = 0
        for cell in row:
            while (row_index, column) in occupied:
                column += 1
            placed.append((row_index, column, cell))
            occupied.update((row_index + dr, column + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            column += cell.colspan
    return placed


def expand(table: TableModel) -> list[list[Slot]]:
    """The full grid; raises if the rows do not tile it exactly."""
    grid: list[list[Slot | None]] = [[None] * table.columns for _ in table.rows]
    for top, left, cell in place_cells(table):
        for row in range(top, top + cell.rowspan):
            for column in range(left, left + cell.colspan):
                if grid[row][column] is not None:
                    raise ValueError(f"cells overlap at {row},{column}")
                grid[row][column] = Slot(cell, row == top, column == left)
    holes = [(r, c) for r, row in enumerate(grid) for c, slot in enumerate(row) if slot is None]
    if holes:
        raise ValueError(f"table has holes at {holes[:3]}")
    return grid  # type: ignore[return-value]


def _value(value: Value, style: Style, rng: random.Random, unit: str = "", colspan: int = 1,
           zero_as_wu: bool = False) -> Cell:
    unit = unit if style.units and rng.random() < 0.6 else ""
    return Cell(format_value(value, style, unit, zero_as_wu), colspan=colspan, is_label=False)


def _proactive_unit(item: str, metric: str, value: Value) -> str:
    if metric == "amount":
        return "万元" if item == "fees" or isinstance(value, float) else "元"
    return METRIC_UNITS.get(metric, "")


def _proactive_item_label(item: str, template: str) -> str:
    if item == "normative_documents":
        return "行政规范性文件" if template == "2021" else "规范性文件"
    return PROACTIVE_ITEM_LABELS[item]


def _proactive_metric_header(item: str, metric: str, template: str) -> str:
    if template == "2021" and len(PROACTIVE_METRICS["2021"][item]) == 1:
        return PROACTIVE_2021_SINGLE_HEADERS[item]
    return PROACTIVE_METRIC_LABELS[metric]


def _proactive_block(spec: ReportSpec, clause: str, items: Sequence[str], style: Style,
                     rng: random.Random) -> list[list[Cell]]:
    """One 第二十条 clause of table 二: four columns, the last metric spanning what is left."""
    metrics = PROACTIVE_METRICS[spec.template][items[0]]
    last_span = 4 - len(metrics)
    headers = [Cell(style.text(_proactive_metric_header(items[0], metric, spec.template))) for metric in metrics]
    headers[-1] = replace(headers[-1], colspan=last_span)
    rows = [[Cell(style.text(f"第二十条第{clause}项"), colspan=4)], [Cell("信息内容"), *headers]]
    for item in items:
        values = spec.proactive[item]
        cells = [_value(values[metric], style, rng, _proactive_unit(item, metric, values[metric]),
                        zero_as_wu=style.wu_for_zero) for metric in metrics]
        cells[-1] = replace(cells[-1], colspan=last_span)
        rows.append([Cell(_proactive_item_label(item, spec.template)), *cells])
    return rows


def proactive_tables(spec: ReportSpec, style: Style, rng: random.Random) -> list[TableModel]:
    blocks = [_proactive_block(spec, clause, items, style, rng) for clause, items in PROACTIVE_BLOCKS[spec.template]]
    widths = (4.6, 3.8, 3.8, 3.8)
    if style.split_proactive:
        return [TableModel(block, widths) for block in blocks]
    return [TableModel([row for block in blocks for row in block], widths)]


def _request_value_cells(spec: ReportSpec, row: str, style: Style, rng: random.Random) -> list[Cell]:
    runs = {run.first_column: run for run in spec.merged_runs if run.row == row} if style.merge_runs else {}
    cells: list[Cell] = []
    skip = 0
    for column in REQUEST_COLUMNS:
        if skip:
            skip -= 1
            continue
        run = runs.get(column)
        cells.append(_value(spec.requests[row][column], style, rng, colspan=run.span if run else 1))
        skip = run.span - 1 if run else 0
    return cells


def _request_groups(single_other_row: bool) -> list[tuple[str | None, list[str]]]:
    """The result rows grouped under their rowspan labels (None: a row labelled over two columns)."""
    groups: list[tuple[str | None, list[str]]] = []
    for row in [*result_rows(single_other_row), "total"]:
        group = row.split(".")[0] if "." in row else None
        if group and groups and groups[-1][0] == group:
            groups[-1][1].append(row)
        else:
            groups.append((group, [row]))
    return groups


def requests_table(spec: ReportSpec, style: Style, rng: random.Random) -> TableModel:
    rows = [
        [Cell(style.text(REQUESTS_NOTE), rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell(style.header("自然人"), rowspan=2), Cell("法人或其他组织", colspan=5), Cell(style.header("总计"), rowspan=2)],
        [Cell(style.header(label)) for label in APPLICANT_LABELS],
    ]
    for row in ("new", "carried_over"):
        rows.append([Cell(style.row_label(REQUEST_LABELS[row]), colspan=3), *_request_value_cells(spec, row, style, rng)])
    results_height = len(result_rows(spec.single_other_row)) + 1
    for group, members in _request_groups(spec.single_other_row):
        for index, row in enumerate(members):
            cells = []
            if row == "granted":
                cells.append(Cell(style.group_label(RESULTS_LABEL), rowspan=results_height))
            if group is None:
                cells.append(Cell(style.row_label(REQUEST_LABELS[row]), colspan=2))
            else:
                if index == 0:
                    cells.append(Cell(style.group_label(REQUEST_GROUP_LABELS[group]), rowspan=len(members)))
                cells.append(Cell(style.row_label(REQUEST_LABELS[row])))
            rows.append(cells + _request_value_cells(spec, row, style, rng))
    rows.append([Cell(style.row_label(REQUEST_LABELS["carried_forward"]), colspan=3),
                 *_request_value_cells(spec, "carried_forward", style, rng)])
    return TableModel(rows, (1.3, 1.5, 3.6) + (1.35,) * 7, header_rows=3)


def appeals_table(spec: ReportSpec, style: Style, rng: random.Random) -> TableModel:
    column_headers = [Cell(style.header(label)) for label in APPEAL_COLUMN_LABELS]
    rows = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(replace(header, rowspan=2) for header in column_headers),
         Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        column_headers * 2,
        [_value(spec.appeals[group][column], style, rng, zero_as_wu=style.wu_for_zero)
         for group in APPEAL_GROUPS for column in APPEAL_COLUMNS],
    ]
    return TableModel(rows, (1.0,) * 15, header_rows=3)


# --------------------------------------------------------------------------------------------
# The document: title, six sections of prose and tables, signature

@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "body"  # title | heading | body | signature


Block = Paragraph | TableModel

INTRO = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室"
         "关于政府信息公开工作年度报告格式的要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开"
         "申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的"
         "统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency}办公室联系（电话：{phone}）。")
OVERVIEW_OPENINGS = (
    "{year}年，{self}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的决策部署，坚持以公开为"
    "常态、不公开为例外，持续深化政务公开，不断提升政府信息公开工作质量，切实保障人民群众的知情权、参与权、表达权和监督权。",
    "{year}年，{self}高度重视政府信息公开工作，严格按照《中华人民共和国政府信息公开条例》的要求，进一步健全工作机制、"
    "规范公开流程、拓展公开渠道，政府信息公开工作取得了新的进展。",
)
OVERVIEW_POINTS = (
    "（一）主动公开。{year}年，{self}通过{portal}主动公开政府信息{published}条，其中政策文件{policies}条、工作动态"
    "{news}条，及时公开财政预决算、重大建设项目、公共资源配置等重点领域信息。",
    "（二）依申请公开。{requests_sentence}严格按照《条例》规定的程序和时限办理，做到依法受理、按时答复。",
    "（三）政府信息管理。严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生"
    "泄密事件。动态调整主动公开基本目录，及时清理不再适用的信息。",
    "（四）政府信息公开平台建设。进一步加强{portal}建设与管理，规范栏目设置，及时更新内容，同时利用政务新媒体、"
    "公开栏等多种渠道发布信息，方便群众获取。",
    "（五）监督保障。成立由主要负责同志任组长的政务公开工作领导小组，明确专人负责政府信息公开工作，将政务公开纳入"
    "年度绩效考核，全年组织开展业务培训{trainings}次。",
)
PROBLEMS = (
    "{year}年，{self}政府信息公开工作取得了一定成效，但仍存在一些不足：一是公开内容的深度和广度有待进一步拓展；"
    "二是政策解读的形式还不够丰富；三是工作人员业务水平有待提高。",
    "{next_year}年，{self}将着力做好以下工作：一是进一步加强组织领导，压实工作责任；二是加大重点领域信息公开力度，"
    "提升公开质量；三是加强业务培训，提高工作人员的政策水平和业务能力。",
)
FEE_STATEMENTS = (
    "根据《政府信息公开信息处理费管理办法》，{self}{year}年度未收取信息处理费。",
    "{year}年度，{self}未发出收费通知，未收取信息处理费。",
)
NOTHING_ELSE = ("{self}无其他需要报告的事项。", "{year}年，{self}没有其他需要报告的政府信息公开事项。")


def _requests_sentence(spec: ReportSpec) -> str:
    new, carried = spec.requests["new"]["total"], spec.requests["carried_over"]["total"]
    if not new and not carried:
        return f"{spec.year}年，{spec.agency.self_reference}未收到政府信息公开申请。"
    return f"{spec.year}年，{spec.agency.self_reference}共收到政府信息公开申请{new or 0}件，上年结转{carried or 0}件，"


def _facts(spec: ReportSpec, rng: random.Random) -> dict[str, object]:
    policies, news = rng.randint(0, 40), rng.randint(5, 300)
    return {"year": spec.year, "next_year": spec.year + 1, "self": spec.agency.self_reference,
            "agency": spec.agency.name, "portal": spec.agency.portal, "published": policies + news,
            "policies": policies, "news": news, "trainings": rng.randint(1, 6),
            "phone": f"0{rng.randint(310, 998)}-{rng.randint(2000000, 8999999)}",
            "requests_sentence": _requests_sentence(spec)}


def _body(texts: Sequence[str], style: Style, facts: dict[str, object]) -> list[Block]:
    return [Paragraph(style.indent + style.text(text.format(**facts))) for text in texts]


def _title_blocks(spec: ReportSpec, style: Style) -> list[Block]:
    if style.title_split:
        head, tail = spec.title.split("政府信息公开工作")
        return [Paragraph(f"{head}政府信息", "title"), Paragraph(f"公开{tail}", "title")]
    return [Paragraph(spec.title, "title")]


def _requests_intro(spec: ReportSpec) -> str:
    new = spec.requests["new"]["total"]
    if not new:
        return f"{spec.year}年度{spec.agency.self_reference}未收到政府信息公开申请。"
    return f"{spec.year}年度，{spec.agency.self_reference}共收到政府信息公开申请{new}件。"


def _appeals_intro(spec: ReportSpec) -> list[str]:
    if any(cells["total"] for cells in spec.appeals.values()):
        return []
    return [f"{spec.year}年度无因政府信息公开申请行政复议、提起行政诉讼的情况。"]


def _other_matters(spec: ReportSpec, rng: random.Random) -> list[str]:
    texts = [rng.choice(FEE_STATEMENTS)] if spec.template == "2021" else []
    return [*texts, rng.choice(NOTHING_ELSE)]


def build_blocks(spec: ReportSpec, style: Style, rng: random.Random, with_title: bool = True) -> list[Block]:
    facts = _facts(spec, rng)
    blocks: list[Block] = _title_blocks(spec, style) if with_title else []
    if rng.random() < 0.5:
        blocks += _body([INTRO], style, facts)
    heading = [Paragraph(style.indent + style.text(text), "heading") for text in SECTION_HEADINGS]
    blocks += [heading[0], *_body([rng.choice(OVERVIEW_OPENINGS), *OVERVIEW_POINTS], style, facts)]
    blocks += [heading[1], *proactive_tables(spec, style, rng)]
    blocks += [heading[2], *_body([_requests_intro(spec)] if style.section_intros else [], style, facts),
               requests_table(spec, style, rng)]
    blocks += [heading[3], *_body(_appeals_intro(spec) if style.section_intros else [], style, facts),
               appeals_table(spec, style, rng)]
    blocks += [heading[4], *_body(PROBLEMS, style, facts)]
    blocks += [heading[5], *_body(_other_matters(spec, rng), style, facts)]
    published = spec.published
    blocks += [Paragraph(spec.agency.name, "signature"),
               Paragraph(f"{published.year}年{published.month}月{published.day}日", "signature")]
    return blocks


# --------------------------------------------------------------------------------------------
# HTML: TRS WCM, 大汉 Hanweb, and a plain CMS page

def _html_lines(text: str) -> list[str]:
    return [html.escape(line) for line in text.split("\n")]


def _html_table(table: TableModel, cell_markup: Callable[[Cell], str], table_attributes: str) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            cells.append(f"<td{spans}{cell_markup(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table {table_attributes}><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


def _html_article(blocks: list[Block], paragraph_markup: Callable[[Paragraph], str],
                  table_markup: Callable[[TableModel], str]) -> str:
    return "\n".join(table_markup(block) if isinstance(block, TableModel) else paragraph_markup(block)
                     for block in blocks)


def _trs_paragraph(paragraph: Paragraph) -> str:
    text = html.escape(paragraph.text)
    if paragraph.role == "heading":
        return f'<p style="text-indent:2em;"><strong>{text}</strong></p>'
    if paragraph.role == "signature":
        return f'<p style="text-align:right;">{text}</p>'
    return f'<p style="text-indent:2em;">{text}</p>'


def _trs_cell(cell: Cell) -> str:
    return ' style="border:1px solid #000;text-align:center;">' + "<br/>".join(_html_lines(cell.text))


def render_html_trs(spec: ReportSpec, rng: random.Random) -> bytes:
    """A TRS WCM detail page: navigation, the article in div.TRS_Editor, UTF-8."""
    style = Style.random(rng)
    published = spec.published.isoformat()
    article = _html_article(build_blocks(spec, style, rng, with_title=False), _trs_paragraph, lambda table: _html_table(
        table, _trs_cell, 'border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;"'))
    title = html.escape(spec.title)
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{title}_政府信息公开年报_{html.escape(spec.agency.portal)}</title>
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{published} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ColumnType" content="政府信息公开年报">
<link rel="stylesheet" href="../../images/style.css">
</head>
<body>
<div class="header"><div class="logo"><img src="../../images/logo.png" alt="{html.escape(spec.agency.portal)}"></div>
<ul class="nav"><li><a href="../../">首页</a></li><li><a href="../../zwgk/">政务公开</a></li><li><a href="../../zwfw/">政务服务</a></li><li><a href="../../hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="../../">首页</a> &gt; <a href="../">政府信息公开</a> &gt; <a href="./">政府信息公开年报</a></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{published}　来源：{html.escape(spec.agency.name)}　浏览次数：<span id="count"></span></div>
<div class="TRS_Editor"><div class="TRS_Editor">
{article}
</div></div>
<div class="share">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
<div class="footer">主办单位：{html.escape(spec.agency.name)}　网站标识码：{rng.randint(2200000000, 2299999999)}<br>ICP备案号：吉ICP备{rng.randint(10000000, 99999999)}号</div>
<script>var countPage = 1; createPageHTML(1, 0, "index", "html");</script>
</body>
</html>
"""
    return page.encode("utf-8")


def _word_paragraph(lines: list[str], font: str, size: float, align: str = "") -> str:
    aligned = f' align="{align}" style="text-align:{align}"' if align else ""
    return "".join(f'<p class="MsoNormal"{aligned}><span style="font-size:{size}pt;font-family:{font}">'
                   f"{line or '&nbsp;'}</span></p>" for line in lines)


def _hanweb_paragraph(paragraph: Paragraph) -> str:
    lines = [html.escape(paragraph.text)]
    if paragraph.role == "heading":
        return _word_paragraph(lines, "黑体", 16)
    if paragraph.role == "signature":
        return _word_paragraph(lines, "仿宋_GB2312", 16, "right")
    return _word_paragraph(lines, "仿宋_GB2312", 16).replace('class="MsoNormal"',
                                                              'class="MsoNormal" style="text-indent:32.0pt"', 1)


def _hanweb_cell(cell: Cell) -> str:
    width = 48 * cell.colspan
    return (f' width="{width}" valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt">'
            + _word_paragraph(_html_lines(cell.text), "宋体", 10.5, "center"))


def render_html_hanweb(spec: ReportSpec, rng: random.Random) -> bytes:
    """A 大汉 Hanweb (JCMS) article page: body in #zoom, Word-exported table markup, GBK bytes
    labelled gb2312, and a navigation with 繁體版 (outside GB2312)."""
    style = Style.random(rng, spaced_headers=rng.random() < 0.6, vertical_group_labels=rng.random() < 0.6)
    article = _html_article(build_blocks(spec, style, rng, with_title=False), _hanweb_paragraph, lambda table: _html_table(
        table, _hanweb_cell, 'class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="623" '
                             'style="border-collapse:collapse;border:none"'))
    title = html.escape(spec.title)
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}</title>
<meta name="SiteName" content="{html.escape(spec.agency.portal)}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="PubDate" content="{spec.published.isoformat()}">
<script type="text/javascript" src="/script/jquery.min.js"></script>
</head>
<body>
<div class="top"><a href="/">网站首页</a> | <a href="javascript:void(0)" id="ft">繁體版</a> | <a href="/col/col{rng.randint(1000, 9999)}/index.html">无障碍浏览</a></div>
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td>
<table width="100%"><tr><td class="bt_title" align="center">{title}</td></tr>
<tr><td align="center">发布日期：{spec.published.isoformat()}　信息来源：{html.escape(spec.agency.name)}　【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</td></tr></table>
<div id="zoom">
{article}
</div>
</td></tr></table>
<div class="foot">版权所有：{html.escape(spec.agency.name)}　技术支持：南京大汉网络有限公司</div>
</body>
</html>
"""
    return page.encode("gbk")


def _plain_paragraph(paragraph: Paragraph) -> str:
    text = html.escape(paragraph.text)
    if paragraph.role == "signature":
        return f'<div align="right">{text}</div>'
    if paragraph.role == "heading":
        return f"<p><b>{text}</b></p>"
    return f"<p>{text}</p>"


def _plain_cell(cell: Cell) -> str:
    return ">" + "<br>".join(_html_lines(cell.text))


def render_html_plain(spec: ReportSpec, rng: random.Random) -> bytes:
    """Another CMS: the article in div.article-content or in a layout table; no charset declared, GBK bytes."""
    style = Style.random(rng)
    article = _html_article(build_blocks(spec, style, rng, with_title=False), _plain_paragraph,
                            lambda table: _html_table(table, _plain_cell, 'border="1" cellspacing="0" width="98%"'))
    title = html.escape(spec.title)
    if rng.random() < 0.5:
        body = f'<div class="article"><h2>{title}</h2><div class="article-content">\n{article}\n</div></div>'
    else:
        body = (f'<table width="960" border="0" align="center"><tr><td class="wz_title" align="center">{title}</td></tr>'
                f'<tr><td class="wz_content">\n{article}\n</td></tr></table>')
    page = f"""<html>
<head>
<title>{title}</title>
</head>
<body>
<div id="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a> <a href="/xxgk/gknb/">政府信息公开年报</a></div>
{body}
<div id="footer">{html.escape(spec.agency.portal)} 版权所有</div>
</body>
</html>
"""
    return page.encode("gbk")


# --------------------------------------------------------------------------------------------
# DOCX (and DOC, PDF through LibreOffice)

def _docx_east_asian_font(run_properties: object, font: str) -> None:
    from docx.oxml.ns import qn

    fonts = run_properties.get_or_add_rFonts()  # type: ignore[attr-defined]
    fonts.set(qn("w:eastAsia"), font)


def _docx_paragraph(document: object, paragraph: Paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    written = document.add_paragraph()  # type: ignore[attr-defined]
    run = written.add_run(paragraph.text)
    if paragraph.role == "title":
        written.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold, run.font.size = True, Pt(18)
    elif paragraph.role == "heading":
        run.bold = True
        _docx_east_asian_font(run._element.get_or_add_rPr(), "黑体")
    elif paragraph.role == "signature":
        written.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        written.paragraph_format.first_line_indent = Pt(28)


def _docx_cell_text(cell: object, text: str, bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for index, line in enumerate(text.split("\n")):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()  # type: ignore[attr-defined]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        run = paragraph.add_run(line)
        run.font.size, run.bold = Pt(9), bold


def _docx_repeat_as_header(row: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)  # type: ignore[attr-defined]


def _docx_table(document: object, table: TableModel, style: Style) -> None:
    from docx.shared import Cm

    written = document.add_table(rows=len(table.rows), cols=table.columns)  # type: ignore[attr-defined]
    written.style, written.autofit = "Table Grid", False
    scale = 16.0 / sum(table.widths)
    for row in written.rows:
        for cell, width in zip(row.cells, table.widths):
            cell.width = Cm(width * scale)
    for top, left, cell in place_cells(table):
        target = written.cell(top, left)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(written.cell(top + cell.rowspan - 1, left + cell.colspan - 1))
        _docx_cell_text(target, cell.text, bold=cell.is_label and top < table.header_rows)
    if style.repeat_header_rows:
        for row in written.rows[:table.header_rows]:
            _docx_repeat_as_header(row)
    document.add_paragraph()  # type: ignore[attr-defined]


def render_docx(spec: ReportSpec, rng: random.Random) -> bytes:
    """A Word document: paragraphs, and tables with real merged cells (gridSpan, vMerge)."""
    import docx
    from docx.shared import Cm, Pt

    style = Style.random(rng)
    document = docx.Document()
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    _docx_east_asian_font(normal.element.get_or_add_rPr(), rng.choice(("仿宋_GB2312", "宋体", "仿宋")))
    for block in build_blocks(spec, style, rng):
        if isinstance(block, TableModel):
            _docx_table(document, block, style)
        else:
            _docx_paragraph(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def convert_with_libreoffice(paths: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert many files in one soffice run (target "doc" or "pdf"); the outputs, in order."""
    if not paths:
        return []
    if len({path.stem for path in paths}) < len(paths):
        raise ValueError("two inputs share a name: their outputs would collide")
    outdir.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
                   "--convert-to", target, "--outdir", str(outdir), *map(str, paths)]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=120 + 10 * len(paths))
    outputs = [outdir / f"{path.stem}.{target}" for path in paths]
    missing = [output.name for output in outputs if not output.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {', '.join(missing)} (exit {completed.returncode}): "
                           f"{completed.stderr.strip()[-500:]}")
    return outputs


# --------------------------------------------------------------------------------------------
# Text: tab-separated tables (seeds 002-004) and trafilatura-style markdown

def _text_paragraph(paragraph: Paragraph, markdown: bool) -> str:
    if markdown and paragraph.role in ("title", "heading"):
        return f"## {paragraph.text.strip()}" if paragraph.role == "title" else f"**{paragraph.text.strip()}**"
    return paragraph.text


def _tab_rows(table: TableModel) -> list[str]:
    """One line per row, the cells between tabs, spanned positions as empty fields (seed 002)."""
    return ["\t".join(slot.cell.text.replace("\n", "") if slot.corner else "" for slot in row)
            for row in expand(table)]


def _cell_per_line_rows(table: TableModel, indent: str) -> list[str]:
    """Each cell on its own tab-led line and a blank line between rows, as Word saves text (seeds 003, 004):
    a cell spanning rows repeats as an empty cell below its first row, a cell spanning columns is one cell."""
    rows = []
    for row in expand(table):
        cells = [slot.cell.text if slot.top else "" for slot in row if slot.left]
        rows.append("\n".join("\t" + indent + text.replace("\n", "\n" + indent) if text else "\t" for text in cells))
    return ["\n\n".join(rows)]


def render_text_tabs(spec: ReportSpec, rng: random.Random) -> bytes:
    """Plain text, tables as tab-separated fields with blank cells kept as empty fields."""
    style = Style.random(rng)
    cell_per_line = rng.random() < 0.5
    lines: list[str] = []
    for block in build_blocks(spec, style, rng):
        if isinstance(block, TableModel):
            lines += _cell_per_line_rows(block, style.indent) if cell_per_line else _tab_rows(block)
        else:
            lines.append(block.text)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _markdown_rows(table: TableModel) -> list[str]:
    """trafilatura 2.3's table lines: ``| a | b | `` per row, spanned positions as empty cells."""
    return ["| " + " | ".join(slot.cell.text.replace("\n", "") if slot.corner else "" for slot in row) + " | "
            for row in expand(table)]


def render_text_markdown(spec: ReportSpec, rng: random.Random) -> bytes:
    """Text as trafilatura extracts it from a page: paragraphs between blank lines, `| a | b |` tables."""
    style = Style.random(rng, indent="")
    parts = ["\n".join(_markdown_rows(block)) if isinstance(block, TableModel) else _text_paragraph(block, True)
             for block in build_blocks(spec, style, rng)]
    return ("\n\n".join(parts) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# Fixture sets: many reports in many formats, LibreOffice batched

RENDERERS: dict[str, Callable[[ReportSpec, random.Random], bytes]] = {
    "html_trs": render_html_trs, "html_hanweb": render_html_hanweb, "html_plain": render_html_plain,
    "docx": render_docx, "text_tabs": render_text_tabs, "text_markdown": render_text_markdown,
}
CONVERTED = ("doc", "pdf")  # from a DOCX, by LibreOffice
EXTENSIONS = {"html_trs": "html", "html_hanweb": "html", "html_plain": "html", "docx": "docx", "doc": "doc",
              "pdf": "pdf", "text_tabs": "txt", "text_markdown": "txt"}
FORMATS = tuple(EXTENSIONS)
FIXTURE_KINDS: dict[str, dict[str, object]] = {
    "2019": {"template": "2019"},
    "2021": {"template": "2021", "single_other_row": False},
    "2021-single-other": {"template": "2021", "single_other_row": True},
    "broken": {"broken": True},
    "blanks": {"blanks": True, "merged": True},
}


@dataclass(frozen=True)
class Case:
    name: str  # unique in a set: the file's stem
    format: str
    spec: ReportSpec = field(repr=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.{EXTENSIONS[self.format]}"


def fixture_spec(kind: str, seed: str) -> ReportSpec:
    """The spec of one fixture kind (FIXTURE_KINDS), the same for the same seed."""
    return make_spec(random.Random(f"{seed}:{kind}"), **FIXTURE_KINDS[kind])  # type: ignore[arg-type]


def write_reports(cases: Sequence[Case], outdir: Path) -> list[Path]:
    """Render every case into ``outdir``; DOC and PDF go through one LibreOffice run per target."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-docx-") as staging:
        to_convert: dict[str, list[Path]] = {target: [] for target in CONVERTED}
        for case in cases:
            layout = random.Random(f"layout:{case.name}")
            if case.format in CONVERTED:
                source = Path(staging) / f"{case.name}.docx"
                source.write_bytes(render_docx(case.spec, layout))
                to_convert[case.format].append(source)
            else:
                (outdir / case.filename).write_bytes(RENDERERS[case.format](case.spec, layout))
        for target, sources in to_convert.items():
            convert_with_libreoffice(sources, target, outdir)
    return [outdir / case.filename for case in cases]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write generated annual reports in every format, "
                                                 "with the expected parse of each (NAME.expected.json).")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=10, help="reports; each is written in every format")
    parser.add_argument("--seed", default="bench")
    args = parser.parse_args(argv)
    kinds = list(FIXTURE_KINDS)
    specs = [fixture_spec(kinds[index % len(kinds)], f"{args.seed}-{index}") for index in range(args.count)]
    cases = [Case(f"r{index:04d}-{form}", form, spec) for index, spec in enumerate(specs) for form in FORMATS]
    paths = write_reports(cases, args.outdir)
    manifest = {}
    for index, spec in enumerate(specs):
        expected_name = f"r{index:04d}.expected.json"
        (args.outdir / expected_name).write_text(json.dumps(expected(spec), ensure_ascii=False, indent=1), "utf-8")
        manifest.update({path.name: expected_name for path, case in zip(paths, cases) if case.spec is spec})
    (args.outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(paths)} files ({args.count} reports x {len(FORMATS)} formats) in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
