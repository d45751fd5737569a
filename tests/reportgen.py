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
    if blanks:
        for blank in rng.sample(BLANKERS, rng.randint(1, 2)):
            blank(spec, rng)
    if merged:
        spec.merged_runs = _merge_zero_runs(spec, rng)
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
