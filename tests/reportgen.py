"""Synthetic annual reports in the official formats, with the JSON the parser must give for them.

A ``ReportSpec`` (from ``make_spec``) holds one report's identity, its three tables and the
printed text of every value cell; ``expected`` gives the report contract's scored keys, and the
``render_*`` functions draw the same report as real portals and offices publish it: TRS and
大汉 HTML pages, a plain GBK page, DOCX, tab-separated text, and DOC/PDF through LibreOffice.

    python tests/reportgen.py OUTDIR --count N     # N reports in every format, plus expected JSON
"""

from __future__ import annotations

import argparse
import datetime
import html
import io
import json
import random
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Number = int | float
Table = dict[str, dict[str, Number | None]]

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org")
REQUEST_COLUMNS = (*APPLICANT_COLUMNS, "total")
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

DENIED = ("state_secret", "prohibited", "security_stability", "third_party", "internal_affairs",
          "process_info", "enforcement_files", "query")
UNABLE = ("not_held", "needs_creation", "unclear")
REJECTED = ("petition", "duplicate", "publication", "excessive", "confirmation")
OTHER_2021 = ("no_correction", "unpaid_fee", "other")

# How often each result is chosen when applications are handed out (a real office's mix).
RESULT_WEIGHTS = {
    "granted": 40, "partial": 6,
    "denied.state_secret": 0.3, "denied.prohibited": 0.5, "denied.security_stability": 0.3,
    "denied.third_party": 1.5, "denied.internal_affairs": 1, "denied.process_info": 1.5,
    "denied.enforcement_files": 0.5, "denied.query": 1,
    "unable.not_held": 22, "unable.needs_creation": 3, "unable.unclear": 2,
    "rejected.petition": 4, "rejected.duplicate": 3, "rejected.publication": 1,
    "rejected.excessive": 0.5, "rejected.confirmation": 1,
    "other": 4, "other.no_correction": 2.5, "other.unpaid_fee": 0.3, "other.other": 3,
}

# Written out from design.md again on purpose: the expected output must not come from the parser.
PROACTIVE_LAYOUT = {
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

# Section 二 as printed: (第二十条 part, items), per template.
PROACTIVE_PARTS = {
    "2019": (("一", ("regulations", "normative_documents")), ("五", ("licensing", "other_services")),
             ("六", ("punishment", "enforcement")), ("八", ("fees",)), ("九", ("procurement",))),
    "2021": (("一", ("regulations", "normative_documents")), ("五", ("licensing",)),
             ("六", ("punishment", "enforcement")), ("八", ("fees",))),
}
ITEM_LABELS = {
    "2019": {"regulations": "规章", "normative_documents": "规范性文件", "licensing": "行政许可",
             "other_services": "其他对外管理服务事项", "punishment": "行政处罚", "enforcement": "行政强制",
             "fees": "行政事业性收费", "procurement": "政府集中采购"},
    "2021": {"regulations": "规章", "normative_documents": "行政规范性文件", "licensing": "行政许可",
             "punishment": "行政处罚", "enforcement": "行政强制", "fees": "行政事业性收费"},
}
METRIC_LABELS = {
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额",
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
}
METRIC_LABELS_2021 = {"decisions": "本年处理决定数量", "amount": "本年收费金额（单位：万元）"}

REQUEST_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
ORGANISATION_LABELS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TOP_ROW_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "carried_forward": "四、结转下年度继续办理",
}
GROUP_LABELS = {"denied": "不予公开", "unable": "无法提供", "rejected": "不予处理", "other": "其他处理"}
ITEM_ROW_LABELS = {
    "denied": ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
               "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项"),
    "unable": ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    "rejected": ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                 "要求行政机关确认或重新出具已获取信息"),
    "other": ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"),
}
APPEAL_RESULT_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
SECTION_HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")

# (agency, short name used in the prose, kind): towns, county governments, departments.
AGENCIES = (
    ("白山市浑江区人民政府", "浑江区", "county"),
    ("临清市尚店镇人民政府", "尚店镇", "town"),
    ("莆田市统计局", "市统计局", "department"),
    ("淮安市洪泽区人民政府", "洪泽区", "county"),
    ("兰西县兰河乡人民政府", "兰河乡", "town"),
    ("平潭综合实验区管理委员会", "实验区", "county"),
    ("绥化市北林区人民政府", "北林区", "county"),
    ("临清市市场监督管理局", "市市场监管局", "department"),
    ("白山市浑江区红土崖镇人民政府", "红土崖镇", "town"),
    ("淮安市人力资源和社会保障局", "市人社局", "department"),
    ("兰西县自然资源局", "县自然资源局", "department"),
    ("淮安市洪泽区高良涧街道办事处", "高良涧街道", "town"),
)
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
LABEL_NUMBER = re.compile(r"[一二三四五六七]、|[（(][一二三四五六七][）)]")
LABEL_TYPOS = {"其他法律行政法规禁止公开": "其他法律行政止公开"}


@dataclass(frozen=True)
class Style:
    """How one office writes its report; every renderer honours it, so all formats agree."""

    item_mark: str              # after item numbers: 1.属于国家秘密 / 1、属于国家秘密 / 1．
    wide_brackets: bool         # （一） or (一)
    units: bool                 # some count cells carry a unit: 20项, 3件
    zero_as_wu: bool            # some zero cells read 无
    fullwidth_digits: bool      # ０ １２ in value cells
    blank_mark: str             # what an empty cell holds: "", "/" or "—"
    preface: bool               # an introduction before 一、总体情况
    title_split: bool           # the title broken over two lines (DOCX, PDF, text)
    split_proactive: bool       # table 二 as one table per 第二十条 part
    vertical_group_labels: bool  # 三、本年度办理结果 and the group labels one character a line
    label_typo: bool            # 其他法律行政止公开 (洪泽区 2023)
    repeat_header_rows: bool    # DOCX: the header rows of tables 三 and 四 repeat after a page break

    def bracket(self, numeral: str) -> str:
        return f"（{numeral}）" if self.wide_brackets else f"({numeral})"


def _random_style(rng: random.Random, blanks: bool) -> Style:
    return Style(
        item_mark=rng.choices(".、．", weights=(6, 3, 1))[0], wide_brackets=rng.random() < 0.7,
        units=rng.random() < 0.35, zero_as_wu=rng.random() < 0.25, fullwidth_digits=rng.random() < 0.08,
        blank_mark=rng.choices(("", "/", "—"), weights=(6, 3, 1))[0] if blanks else "",
        preface=rng.random() < 0.5, title_split=rng.random() < 0.2, split_proactive=rng.random() < 0.4,
        vertical_group_labels=rng.random() < 0.3, label_typo=rng.random() < 0.1,
        repeat_header_rows=rng.random() < 0.5,
    )


@dataclass(frozen=True)
class MergedRun:
    """A run of zero cells in one row of table 三 printed as one merged cell: 6 | 0 (colspan 5) | 6,
    or a single 0 over all seven columns. The spec keeps the 0 in the first column and None in the
    covered ones (nothing is printed there); ``expected`` says what a reader makes of them."""

    row: str
    first: str
    span: int

    @property
    def covered(self) -> tuple[str, ...]:
        start = REQUEST_COLUMNS.index(self.first)
        return REQUEST_COLUMNS[start + 1:start + self.span]


@dataclass
class ReportSpec:
    seed: int
    template: str
    agency: str
    short_name: str
    year: int
    published: datetime.date
    style: Style
    proactive: Table
    requests: Table
    appeals: Table
    single_other: bool = False
    broken_rule: str | None = None
    merged_runs: tuple[MergedRun, ...] = ()
    cell_texts: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def request_rows(self) -> tuple[str, ...]:
        return request_rows(self.template, self.single_other)

    def text(self, table: str, row: str, column: str) -> str:
        """The printed text of one value cell."""
        return self.cell_texts[f"{table}/{row}/{column}"]


def request_rows(template: str, single_other: bool = False) -> tuple[str, ...]:
    other = ("other",) if template == "2019" or single_other else tuple(f"other.{k}" for k in OTHER_2021)
    return ("new", "carried_over", *result_rows(other), "total", "carried_forward")


def result_rows(other: tuple[str, ...]) -> tuple[str, ...]:
    return ("granted", "partial", *(f"denied.{k}" for k in DENIED), *(f"unable.{k}" for k in UNABLE),
            *(f"rejected.{k}" for k in REJECTED), *other)


# ---------------------------------------------------------------- the numbers

def make_spec(seed: int, template: str, broken: bool = False, blanks: bool = False,
              single_other: bool = False) -> ReportSpec:
    """One report, all of it drawn from ``random.Random(seed)``."""
    if template not in PROACTIVE_LAYOUT:
        raise ValueError(f"template must be 2019 or 2021, not {template!r}")
    if single_other and template != "2021":
        raise ValueError("single_other is a 2021 report printing the 2019 (六) row")
    rng = random.Random(seed)
    agency, short_name, kind = rng.choice(AGENCIES)
    year = rng.choice((2019, 2020) if template == "2019" else (2021, 2022, 2023, 2024))
    scale = rng.choices(("none", "small", "medium", "large"), weights=(3, 4, 3, 1 if kind == "town" else 2))[0]
    style = _random_style(rng, blanks)
    spec = ReportSpec(
        seed=seed, template=template, agency=agency, short_name=short_name, year=year,
        published=_publication_date(rng, year, kind), style=style,
        proactive=_proactive_table(rng, template, kind, scale),
        requests=_request_table(rng, request_rows(template, single_other), scale),
        appeals=_appeal_table(rng, scale), single_other=single_other,
    )
    if blanks:
        spec.merged_runs = _merge_zero_runs(rng, spec.requests)
        _blank_some_zero_cells(rng, spec.requests)
    if broken:
        spec.broken_rule = _break_one_appeal_total(rng, spec.appeals)
    spec.cell_texts = _cell_texts(rng, spec)
    wanted = (spec.broken_rule,) if broken else ()
    if failing_rules(spec) != wanted:
        raise AssertionError(f"seed {seed}: checks failing {failing_rules(spec)}, wanted {wanted}")
    return spec


def failing_rules(spec: ReportSpec) -> tuple[str, ...]:
    """The checks of design.md that do not hold for the spec's tables (blank cells count as 0)."""
    def value(table: Table, row: str, column: str) -> Number:
        return table[row][column] or 0

    requests, rows = spec.requests, spec.request_rows
    results = rows[2:-2]
    holds = {}
    for column in REQUEST_COLUMNS:
        holds[f"requests.balance.{column}"] = (value(requests, "new", column) + value(requests, "carried_over", column)
                                               == value(requests, "total", column)
                                               + value(requests, "carried_forward", column))
        holds[f"requests.results.{column}"] = (sum(value(requests, row, column) for row in results)
                                               == value(requests, "total", column))
    for row in rows:
        holds[f"requests.row_total.{row}"] = (sum(value(requests, row, c) for c in APPLICANT_COLUMNS)
                                              == value(requests, row, "total"))
    for group in APPEAL_GROUPS:
        holds[f"appeals.total.{group}"] = (sum(value(spec.appeals, group, c) for c in APPEAL_COLUMNS[:-1])
                                           == value(spec.appeals, group, "total"))
    return tuple(rule for rule, ok in holds.items() if not ok)


def _publication_date(rng: random.Random, year: int, kind: str) -> datetime.date:
    """Departments publish by 31 January, governments by 31 March (Art. 49)."""
    last_month = 1 if kind == "department" else 3
    return datetime.date(year + 1, rng.randint(1, last_month), rng.randint(5, 28))


def _proactive_table(rng: random.Random, template: str, kind: str, scale: str) -> Table:
    busy = {"none": 0.2, "small": 0.6, "medium": 1.0, "large": 1.0}[scale]
    def count(top: int) -> int:
        return rng.randint(0, top) if rng.random() < busy else 0

    makes_rules = kind == "county" and rng.random() < 0.3
    table: Table = {}
    for item in ("regulations", "normative_documents"):
        top = 3 if item == "regulations" else 25
        made = count(top) if item == "normative_documents" or makes_rules else 0
        if template == "2019":
            table[item] = {"new_made": made, "new_published": made, "total_published": made + count(top * 6)}
        else:
            repealed = count(top // 3)
            table[item] = {"issued": made, "repealed": repealed, "in_force": made + repealed + count(top * 6)}
    big = rng.random() < 0.3
    for item in PROACTIVE_LAYOUT[template]:
        if item in table:
            continue
        if item == "procurement":
            table[item] = _procurement(rng, count)
        elif item == "fees" and template == "2019":
            prev = count(40)
            table[item] = {"prev_items": prev, "change": rng.randint(-min(prev, 3), 3) if prev else 0}
        elif item == "fees":
            table[item] = {"amount": round(rng.uniform(0.5, 9000), 2) if rng.random() < busy * 0.5 else 0}
        elif template == "2019":
            prev = count(300)
            table[item] = {"prev_items": prev, "change": rng.randint(-min(prev, 20), 20) if prev else 0,
                           "decisions": count(3500 if big else 200)}
        else:
            table[item] = {"decisions": count(3500 if big else 200)}
    return table


def _procurement(rng: random.Random, count: Callable[[int], int]) -> dict[str, Number | None]:
    items = count(30)
    if not items:
        return {"items": 0, "amount": 0}
    in_wan_yuan = rng.random() < 0.5
    amount: Number = round(rng.uniform(0.5, 900), 4) if in_wan_yuan else rng.randint(3000, 900000)
    return {"items": items, "amount": amount}


def _request_table(rng: random.Random, rows: tuple[str, ...], scale: str) -> Table:
    table: Table = {row: dict.fromkeys(APPLICANT_COLUMNS, 0) for row in rows}
    results = [row for row in rows if row not in ("new", "carried_over", "total", "carried_forward")]
    for column in APPLICANT_COLUMNS:
        new = _applications(rng, column, scale)
        carried_over = rng.choice((0, 0, 0, 1, 2, max(1, new // 20))) if new else 0
        carried_forward = rng.randint(0, min(new + carried_over, max(1, new // 15))) if new else 0
        table["new"][column] = new
        table["carried_over"][column] = carried_over
        table["carried_forward"][column] = carried_forward
        weights = [RESULT_WEIGHTS[row] for row in results]
        for row in rng.choices(results, weights=weights, k=new + carried_over - carried_forward):
            table[row][column] += 1
        table["total"][column] = sum(table[row][column] for row in results)
    for row in table.values():
        row["total"] = sum(row[column] for column in APPLICANT_COLUMNS)
    return table


def _applications(rng: random.Random, column: str, scale: str) -> int:
    if scale == "none":
        return 0
    top = {"small": 8, "medium": 90, "large": 3200}[scale]
    if column == "natural_person":
        return rng.randint(1 if scale != "small" else 0, top)
    share = {"commercial": 0.12, "research": 0.01, "nonprofit": 0.01, "legal_service": 0.04, "other_org": 0.03}[column]
    return rng.randint(0, int(top * share)) if rng.random() < 0.5 else 0


def _appeal_table(rng: random.Random, scale: str) -> Table:
    top = {"none": 0, "small": 1, "medium": 4, "large": 60}[scale]
    table: Table = {}
    for group in APPEAL_GROUPS:
        row = {column: (rng.randint(0, top) if rng.random() < 0.5 else 0) for column in APPEAL_COLUMNS[:-1]}
        row["total"] = sum(row.values())
        table[group] = row
    return table


def _merge_zero_runs(rng: random.Random, requests: Table) -> tuple[MergedRun, ...]:
    """Rows whose organisation columns are all 0, printed with one merged 0 (field notes)."""
    candidates = [row for row, values in requests.items() if not any(values[c] for c in APPLICANT_COLUMNS[1:])]
    runs = []
    for row in rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3))):
        whole_row = not any(requests[row].values())
        run = MergedRun(row, "natural_person", 7) if whole_row else MergedRun(row, "commercial", 5)
        for column in run.covered:
            requests[row][column] = None
        runs.append(run)
    return tuple(runs)


def _blank_some_zero_cells(rng: random.Random, requests: Table) -> None:
    """Leave a few zero cells empty, as offices do; the checks count them as 0 and still hold."""
    zeros = [(row, column) for row, values in requests.items() for column in APPLICANT_COLUMNS[1:]
             if values[column] == 0]
    for row, column in rng.sample(zeros, k=min(len(zeros), rng.randint(4, 10))):
        requests[row][column] = None


def _break_one_appeal_total(rng: random.Random, appeals: Table) -> str:
    """Misprint one group's 总计 (off by one): exactly appeals.total.<group> fails."""
    group = rng.choice(APPEAL_GROUPS)
    appeals[group]["total"] += 1
    return f"appeals.total.{group}"


# ---------------------------------------------------------------- the printed value cells

def _cell_texts(rng: random.Random, spec: ReportSpec) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, table in (("proactive", spec.proactive), ("requests", spec.requests), ("appeals", spec.appeals)):
        for row, values in table.items():
            for column, value in values.items():
                texts[f"{name}/{row}/{column}"] = _value_text(rng, spec, name, row, column, value)
    return texts


def _value_text(rng: random.Random, spec: ReportSpec, table: str, row: str, column: str,
                value: Number | None) -> str:
    if value is None:
        return spec.style.blank_mark
    if value == 0 and spec.style.zero_as_wu and rng.random() < _wu_rate(table):
        return "无"
    text = _number_text(rng, spec, table, row, column, value)
    return text.translate(FULLWIDTH_DIGITS) if spec.style.fullwidth_digits else text


def _number_text(rng: random.Random, spec: ReportSpec, table: str, row: str, column: str, value: Number) -> str:
    if isinstance(value, float):
        decimals = 2 if table == "proactive" and row == "fees" else 4
        text = f"{value:.{decimals}f}"
        return text + "万元" if row == "procurement" and spec.style.units else text
    if table == "proactive" and row == "procurement" and column == "amount" and value:
        return f"{value}元" if spec.style.units else str(value)
    if spec.style.units and value and column != "change" and rng.random() < _unit_rate(table):
        return f"{value}{'件' if table == 'requests' else rng.choice('项件')}"
    return str(value)


def _unit_rate(table: str) -> float:
    return {"proactive": 0.4, "requests": 0.08, "appeals": 0.0}[table]


def _wu_rate(table: str) -> float:
    return {"proactive": 0.3, "requests": 0.05, "appeals": 0.3}[table]


# ---------------------------------------------------------------- the expected report

def expected(spec: ReportSpec, spans_shown: bool = True) -> dict[str, object]:
    """The report contract's scored keys for this spec (as in the seeds' expected JSON).

    A 0 merged across columns is 0 in each column it covers, where the rendering shows the span;
    text that prints it once and leaves the covered cells blank reads them as empty (null).
    """
    requests = _copy(spec.requests)
    for run in spec.merged_runs if spans_shown else ():
        requests[run.row].update(dict.fromkeys(run.covered, 0))
    return {
        "agency": spec.agency,
        "year": spec.year,
        "template": spec.template,
        "published": spec.published.isoformat(),
        "proactive": _copy(spec.proactive),
        "requests": requests,
        "appeals": _copy(spec.appeals),
        "consistent": spec.broken_rule is None,
    }


def _copy(table: Table) -> Table:
    return {row: dict(values) for row, values in table.items()}


# ---------------------------------------------------------------- the document, format-free

@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    label: bool = False


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = "body"      # title, heading, body, signature


Grid = list[list[Cell]]


@dataclass(frozen=True)
class TableBlock:
    rows: Grid
    header_rows: int = 0    # rows a word processor repeats after a page break


Block = Paragraph | TableBlock


def document_blocks(spec: ReportSpec, title: bool = True) -> list[Block]:
    """The report in reading order: title, prose, the three tables, signature.

    ``title=False`` leaves the title out, for pages that print it above the article body."""
    prose = _section_prose(spec)
    tables = {1: proactive_tables(spec), 2: [TableBlock(request_grid(spec), 3)],
              3: [TableBlock(appeal_grid(spec), 3)]}
    blocks: list[Block] = _title_paragraphs(spec) if title else []
    if spec.style.preface:
        blocks.extend(Paragraph(text) for text in _preface(spec))
    for index, heading in enumerate(SECTION_HEADINGS):
        blocks.append(Paragraph(heading, "heading"))
        blocks.extend(Paragraph(text) for text in prose[index])
        blocks.extend(tables.get(index, []))
    blocks.append(Paragraph(spec.agency, "signature"))
    blocks.append(Paragraph(_chinese_date(spec.published), "signature"))
    return blocks


def _title_paragraphs(spec: ReportSpec) -> list[Paragraph]:
    if not spec.style.title_split:
        return [Paragraph(spec.title, "title")]
    cut = spec.title.index("年政府信息公开") + len("年政府信息")
    return [Paragraph(spec.title[:cut], "title"), Paragraph(spec.title[cut:], "title")]


def _label(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, label=True)


def proactive_tables(spec: ReportSpec) -> list[TableBlock]:
    """Table 二, as one table or as one table per 第二十条 part."""
    parts = [_proactive_part(spec, numeral, items) for numeral, items in PROACTIVE_PARTS[spec.template]]
    if spec.style.split_proactive:
        return [TableBlock(part) for part in parts]
    return [TableBlock([row for part in parts for row in part])]


def _proactive_part(spec: ReportSpec, numeral: str, items: tuple[str, ...]) -> Grid:
    """Four columns: the part's heading row, a header row, one row per item."""
    metrics = PROACTIVE_LAYOUT[spec.template][items[0]]
    spans = _metric_spans(len(metrics))
    rows = [[_label(f"第二十条第{spec.style.bracket(numeral)}项", colspan=4)],
            [_label("信息内容")] + [_label(_metric_label(spec.template, m), colspan=s) for m, s in zip(metrics, spans)]]
    for item in items:
        rows.append([_label(ITEM_LABELS[spec.template][item])] + [
            Cell(spec.text("proactive", item, m), colspan=s) for m, s in zip(metrics, spans)])
    return rows


def _metric_spans(count: int) -> list[int]:
    """Metrics share three value columns; the last one takes what is left."""
    return [1] * (count - 1) + [4 - count]


def _metric_label(template: str, metric: str) -> str:
    if template == "2021":
        return METRIC_LABELS_2021.get(metric, METRIC_LABELS[metric])
    return METRIC_LABELS[metric]


def request_grid(spec: ReportSpec) -> Grid:
    """Table 三: 3-row header, three label columns, seven value columns."""
    rows: Grid = [
        [_label(REQUEST_HEADER_NOTE, rowspan=3, colspan=3), _label("申请人情况", colspan=7)],
        [_label("自然人", rowspan=2), _label("法人或其他组织", colspan=5), _label("总计", rowspan=2)],
        [_label(text) for text in ORGANISATION_LABELS],
    ]
    keys = spec.request_rows
    results = keys[2:-1]
    for key in keys:
        rows.append(_request_labels(spec, key, results) + _request_values(spec, key))
    return rows


def _request_values(spec: ReportSpec, key: str) -> list[Cell]:
    runs = {run.first: run for run in spec.merged_runs if run.row == key}
    covered = {column for run in runs.values() for column in run.covered}
    return [Cell(spec.text("requests", key, column), colspan=runs[column].span if column in runs else 1)
            for column in REQUEST_COLUMNS if column not in covered]


def _request_labels(spec: ReportSpec, key: str, results: tuple[str, ...]) -> list[Cell]:
    bracket = spec.style.bracket
    if key in TOP_ROW_LABELS:
        return [_label(TOP_ROW_LABELS[key], colspan=3)]
    labels = [_label(_stacked(spec, "三、本年度办理结果"), rowspan=len(results))] if key == results[0] else []
    if key in ("granted", "partial", "total", "other"):
        text = {"granted": f"{bracket('一')}予以公开",
                "partial": f"{bracket('二')}部分公开{bracket('区分处理的，只计这一情形，不计其他情形')}",
                "total": f"{bracket('七')}总计", "other": f"{bracket('六')}其他处理"}[key]
        return labels + [_label(text, colspan=2)]
    group, _ = key.split(".")
    group_rows = [row for row in results if row.startswith(group + ".")]
    position = group_rows.index(key)
    if position == 0:
        numeral = "三四五六"["denied unable rejected other".split().index(group)]
        labels.append(_label(_stacked(spec, f"{bracket(numeral)}{GROUP_LABELS[group]}"), rowspan=len(group_rows)))
    item = ITEM_ROW_LABELS[group][position]
    if spec.style.label_typo:
        item = LABEL_TYPOS.get(item, item)
    return labels + [_label(f"{position + 1}{spec.style.item_mark}{item}")]


def _stacked(spec: ReportSpec, label: str) -> str:
    """A label of a tall, narrow cell typed one character a line (after its number), if the office does."""
    if not spec.style.vertical_group_labels:
        return label
    head = LABEL_NUMBER.match(label).end()
    return "\n".join([label[:head], *label[head:]])


def appeal_grid(spec: ReportSpec) -> Grid:
    """Table 四: 15 numbers under a 3-row header."""
    return [
        [_label("行政复议", colspan=5), _label("行政诉讼", colspan=10)],
        [_label(text, rowspan=2) for text in APPEAL_RESULT_LABELS]
        + [_label("未经复议直接起诉", colspan=5), _label("复议后起诉", colspan=5)],
        [_label(text) for text in APPEAL_RESULT_LABELS * 2],
        [Cell(spec.text("appeals", group, column)) for group in APPEAL_GROUPS for column in APPEAL_COLUMNS],
    ]


def place(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of each cell's top-left corner, as a browser lays out the spans."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return placed


def grid_width(grid: Grid) -> int:
    return sum(cell.colspan for cell in grid[0])


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- the prose

def _preface(spec: ReportSpec) -> list[str]:
    return [
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{spec.short_name}{spec.year}年"
        "政府信息公开工作年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
        "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分组成。",
        f"本报告中所列数据的统计期限自{spec.year}年1月1日起至{spec.year}年12月31日止。如对本报告有任何疑问，"
        f"请与{spec.short_name}办公室联系。",
    ]


def _section_prose(spec: ReportSpec) -> list[list[str]]:
    rng = random.Random(spec.seed * 7919 + 1)
    name, year = spec.short_name, spec.year
    received = _printed_total(spec.requests["new"]["total"])
    reviews = _printed_total(spec.appeals["review"]["total"])
    lawsuits = sum(_printed_total(spec.appeals[g]["total"]) for g in APPEAL_GROUPS[1:])
    return [
        [f"{year}年，{name}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持“公开为常态、不公开为例外”，"
         "围绕中心工作，不断深化政务公开，切实保障人民群众的知情权、参与权、表达权和监督权。",
         f"{spec.style.bracket('一')}主动公开。全年通过政府网站主动公开政府信息{rng.randint(15, 1800)}条，"
         f"其中政策文件{rng.randint(0, 60)}条、政策解读{rng.randint(0, 30)}条。",
         f"{spec.style.bracket('二')}依申请公开。全年共收到政府信息公开申请{received}件，均已按期答复。",
         f"{spec.style.bracket('三')}政府信息管理。严格落实保密审查制度，坚持“先审查、后公开”和“一事一审”。"],
        ["依据《条例》第二十条，本年度主动公开政府信息情况如下。"],
        ["本年度收到和处理政府信息公开申请情况如下。"],
        [f"本年度因政府信息公开申请引发行政复议{reviews}件，行政诉讼{lawsuits}件。"],
        ["主要问题：一是公开内容的深度和广度还需拓展；二是政策解读形式较为单一；三是工作人员业务能力有待提升。",
         "改进措施：一是加大重点领域信息公开力度；二是丰富政策解读形式，提高解读质量；三是加强业务培训。"],
        [_fee_sentence(rng, spec), f"{name}无其他需要报告的事项。"],
    ]


def _printed_total(value: Number | None) -> int:
    return int(value or 0)


def _fee_sentence(rng: random.Random, spec: ReportSpec) -> str:
    if spec.template == "2019":
        return "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。"
    fee = rng.choice((0, 0, 0, 200, 1350))
    if fee:
        return f"依据《政府信息公开信息处理费管理办法》，本年度共收取信息处理费{fee}元。"
    return "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。"


# ---------------------------------------------------------------- plain text

def render_text_tabs(spec: ReportSpec) -> bytes:
    """The text a table-aware extractor gives: one table row a line, cells tab-separated."""
    lines: list[str] = []
    for block in document_blocks(spec):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend("\t".join(text.replace("\n", "") for text in row) for row in expand(block.rows))
    return ("\n".join(lines) + "\n").encode("utf-8")


def expand(grid: Grid) -> list[list[str]]:
    """Full grid of texts: each cell's text at its corner, the positions it spans left empty."""
    texts = [[""] * grid_width(grid) for _ in grid]
    for r, c, cell in place(grid):
        texts[r][c] = cell.text
    return texts


# ---------------------------------------------------------------- HTML

def _html_table(grid: Grid, cell_html: Callable[[Cell], str], table_attrs: str) -> str:
    rows = []
    for row in grid:
        cells = "".join(f"<td{_span_attrs(cell)}>{cell_html(cell)}</td>" for cell in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table {table_attrs}><tbody>{''.join(rows)}</tbody></table>"


def _span_attrs(cell: Cell) -> str:
    attrs = ' valign="middle" align="center"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return attrs


def _cell_lines_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def _body_html(spec: ReportSpec, cell_html: Callable[[Cell], str], table_attrs: str,
               heading_html: Callable[[str], str]) -> str:
    parts = []
    for block in document_blocks(spec, title=False):
        if isinstance(block, Paragraph):
            if block.role == "heading":
                parts.append(heading_html(block.text))
            elif block.role == "signature":
                parts.append(f'<p style="text-align: right;">{html.escape(block.text)}</p>')
            else:
                parts.append(f'<p style="text-indent: 2em;">{html.escape(block.text)}</p>')
        else:
            parts.append(_html_table(block.rows, cell_html, table_attrs))
    return "\n".join(parts)


def render_html_trs(spec: ReportSpec) -> bytes:
    """A TRS WCM detail page: UTF-8, body in div.TRS_Editor, plain cells."""
    def cell_html(cell: Cell) -> str:
        return _cell_lines_html(cell.text) if cell.text else "&nbsp;"

    body = _body_html(spec, cell_html, 'border="1" cellspacing="0" cellpadding="0" width="100%" '
                      'style="border-collapse: collapse;"',
                      lambda text: f"<p><strong>{html.escape(text)}</strong></p>")
    title = html.escape(spec.title)
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="ColumnType" content="政府信息公开年报">
<meta name="ArticleTitle" content="{title}">
<title>{title}_{html.escape(spec.agency)}</title>
<link rel="stylesheet" href="../../images/common.css">
</head>
<body>
<div class="header"><div class="logo"><img src="../../images/logo.png" alt="{html.escape(spec.agency)}"></div>
<ul class="nav"><li><a href="../../">首页</a></li><li><a href="../../zwgk/">政务公开</a></li>
<li><a href="../../zwfw/">政务服务</a></li><li><a href="../../hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="../../">首页</a> &gt; <a href="../">政府信息公开</a> &gt; <a href="./">政府信息公开年报</a></div>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="article-info"><span>发布时间：{spec.published.isoformat()}</span><span>来源：{html.escape(spec.agency)}</span>
<span>【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】</span></div>
<div class="TRS_Editor">
{body}
</div>
</div>
<div class="footer"><p>主办单位：{html.escape(spec.agency)}</p><p>网站标识码：2206020001</p></div>
<script>var currentChannel = "zfxxgknb";</script>
</body>
</html>
"""
    return page.encode("utf-8")


def render_html_hanweb(spec: ReportSpec) -> bytes:
    """A 大汉 JCMS article: gb2312 declared (bytes in gb18030), body in #zoom, spaced labels."""
    rng = random.Random(spec.seed * 31 + 7)

    def cell_html(cell: Cell) -> str:
        text = _hanweb_label(rng, cell.text) if cell.label else _cell_lines_html(cell.text)
        inner = text or "&nbsp;"
        return f'<p style="text-align:center;"><span style="font-family:宋体;font-size:12px;">{inner}</span></p>'

    body = _body_html(spec, cell_html, 'border="1" cellspacing="0" cellpadding="0" align="center" '
                      'style="width:100%;border-collapse:collapse;"',
                      lambda text: f'<p style="text-indent:2em;"><span style="font-family:黑体;">'
                                   f"{html.escape(text)}</span></p>")
    title = html.escape(spec.title)
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}</title>
<meta name="ColumnName" content="政府信息公开年报">
<script type="text/javascript" src="/script/jquery.min.js"></script>
</head>
<body>
<div class="top-bar"><a href="/">网站首页</a> | <a href="/fanti/">繁體版</a> | <a href="/wza/">无障碍浏览</a> | <a href="/col/col1/index.html">手机版</a></div>
<table class="xxgk-info" width="100%">
<tr><td>索引号：</td><td>11220602MB1{spec.seed % 100000:05d}/{spec.published.year}-00{spec.seed % 90 + 10}</td><td>分类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>{html.escape(spec.agency)}</td><td>发文日期：</td><td>{spec.published.isoformat()}</td></tr>
</table>
<table width="100%" cellspacing="0" cellpadding="0"><tr><td class="title" align="center">{title}</td></tr></table>
<div id="zoom">
{body}
</div>
<div class="bt-print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</body>
</html>
"""
    return page.encode("gb18030")


def _hanweb_label(rng: random.Random, text: str) -> str:
    """Short header labels typed with spaces or a line break inside, as pasted from Word."""
    escaped = _cell_lines_html(text)
    if "\n" in text:
        return escaped
    if 2 <= len(text) <= 6 and rng.random() < 0.4:
        return " ".join(escaped)
    if 4 <= len(text) <= 8 and rng.random() < 0.3:
        middle = len(text) // 2
        return f"{html.escape(text[:middle])}<br>{html.escape(text[middle:])}"
    return escaped


def render_html_plain(spec: ReportSpec) -> bytes:
    """An older self-built site: layout tables, div.article-content, GBK, no charset anywhere."""
    def cell_html(cell: Cell) -> str:
        return _cell_lines_html(cell.text)

    body = _body_html(spec, cell_html, 'border="1" cellspacing="0" cellpadding="2" width="96%"',
                      lambda text: f"<p><b>{html.escape(text)}</b></p>")
    title = html.escape(spec.title)
    page = f"""<html>
<head>
<title>{title}</title>
<style>td {{ font-size: 14px; }}</style>
</head>
<body topmargin="0">
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="120" background="/images/banner.jpg">&nbsp;</td></tr>
<tr><td class="menu"><a href="/">首页</a>&nbsp;|&nbsp;<a href="/xxgk/">信息公开</a>&nbsp;|&nbsp;<a href="/xxgk/gknb/">公开年报</a></td></tr>
<tr><td>
<div class="article-title"><h2>{title}</h2></div>
<div class="article-content">
{body}
</div>
</td></tr>
<tr><td class="copyright" align="center">版权所有：{html.escape(spec.agency)}</td></tr>
</table>
</body>
</html>
"""
    return page.encode("gb18030")


# ---------------------------------------------------------------- DOCX

BODY_FONT, TABLE_FONT, TITLE_FONT = "仿宋_GB2312", "宋体", "方正小标宋简体"
# Column widths (cm) for the three tables, label columns wide, value columns narrow.
COLUMN_WIDTHS = {4: (4.6, 3.7, 3.7, 3.7), 10: (1.5, 1.7, 4.4, 1.3, 1.2, 1.2, 1.3, 1.3, 1.2, 1.2),
                 15: (1.05,) * 15}


def render_docx(spec: ReportSpec) -> bytes:
    """A Word document as offices write it: real merged cells, 仿宋 body, 宋体 tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.4)
    _set_font(document.styles["Normal"], BODY_FONT, Pt(12))
    for block in document_blocks(spec):
        if isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            run = paragraph.add_run(block.text)
            if block.role == "title":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(run, TITLE_FONT, Pt(18))
            elif block.role == "heading":
                _set_run_font(run, "黑体", Pt(12))
            elif block.role == "signature":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                paragraph.paragraph_format.first_line_indent = Pt(24)
        else:
            _add_docx_table(document, block, spec.style.repeat_header_rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_docx_table(document, block: TableBlock, repeat_header_rows: bool) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    grid = block.rows
    width = grid_width(grid)
    table = document.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(cm) for cm in COLUMN_WIDTHS[width]]
    for column, column_width in zip(table.columns, widths):
        column.width = column_width
    for row in table.rows:
        for cell, column_width in zip(row.cells, widths):
            cell.width = column_width
    for r, c, spec_cell in place(grid):
        cell = table.cell(r, c)
        if spec_cell.rowspan > 1 or spec_cell.colspan > 1:
            cell = cell.merge(table.cell(r + spec_cell.rowspan - 1, c + spec_cell.colspan - 1))
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(paragraph.add_run(spec_cell.text), TABLE_FONT, Pt(9))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if repeat_header_rows:
        for row in table.rows[:block.header_rows]:
            _mark_header_row(row)
    document.add_paragraph()


def _mark_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _set_font(style, name: str, size) -> None:
    from docx.oxml.ns import qn

    style.font.name = name
    style.font.size = size
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_run_font(run, name: str, size) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


# ---------------------------------------------------------------- DOC and PDF through LibreOffice

def convert_with_libreoffice(paths: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert many files in one soffice run; the converted paths, in the order given."""
    if not paths:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        command = ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                   "--convert-to", target, "--outdir", str(outdir), *map(str, paths)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120 + 10 * len(paths))
    converted = [outdir / f"{Path(path).stem}.{target}" for path in paths]
    missing = [path.name for path in converted if not path.exists()]
    if missing:
        raise RuntimeError(f"soffice did not write {missing}: {result.stderr.strip() or result.stdout.strip()}")
    return converted


# ---------------------------------------------------------------- writing sets of files

RENDERERS = {
    "txt": render_text_tabs,
    "html_trs": render_html_trs,
    "html_hanweb": render_html_hanweb,
    "html_plain": render_html_plain,
    "docx": render_docx,
}
CONVERTED = ("doc", "pdf")  # from the DOCX, by LibreOffice
FORMATS = (*RENDERERS, *CONVERTED)
EXTENSIONS = {"txt": "txt", "html_trs": "html", "html_hanweb": "html", "html_plain": "html",
              "docx": "docx", "doc": "doc", "pdf": "pdf"}


def write_reports(jobs: list[tuple[str, ReportSpec, str]], outdir: Path) -> dict[str, Path]:
    """Write each (name, spec, format) job as outdir/name.ext; name -> path.

    DOC and PDF are rendered as DOCX and converted by one soffice run per target format."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="reportgen-docx-") as staging:
        to_convert: dict[str, list[tuple[str, Path]]] = {target: [] for target in CONVERTED}
        for name, spec, form in jobs:
            if form in RENDERERS:
                written[name] = outdir / f"{name}.{EXTENSIONS[form]}"
                written[name].write_bytes(RENDERERS[form](spec))
            else:
                source = Path(staging) / form / f"{name}.docx"
                source.parent.mkdir(exist_ok=True)
                source.write_bytes(render_docx(spec))
                to_convert[form].append((name, source))
        for target, sources in to_convert.items():
            paths = convert_with_libreoffice([source for _, source in sources], target, outdir)
            written.update((name, path) for (name, _), path in zip(sources, paths))
    return written


BENCHMARK_VARIANTS = ({}, {"blanks": True}, {"broken": True}, {"single_other": True})


def benchmark_specs(count: int) -> list[tuple[str, ReportSpec]]:
    """``count`` specs, (name, spec), cycling through the templates and the unusual kinds of report."""
    specs = []
    for seed in range(count):
        flags = BENCHMARK_VARIANTS[seed % len(BENCHMARK_VARIANTS)]
        template = "2021" if flags.get("single_other") or (seed // len(BENCHMARK_VARIANTS)) % 2 else "2019"
        variant = "-".join(flags) or "plain"
        specs.append((f"r{seed:04d}-{template}-{variant}", make_spec(seed, template, **flags)))
    return specs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write synthetic annual reports in every format, with "
                                                 "NAME.expected.json and manifest.json (file -> expected file).")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=10, help="reports; each is written in every format")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    specs = benchmark_specs(args.count)
    jobs = [(f"{name}-{form}", spec, form) for name, spec in specs for form in FORMATS]
    paths = write_reports(jobs, args.outdir)
    manifest = {}
    for name, spec in specs:
        expected_file = f"{name}.expected.json"
        (args.outdir / expected_file).write_text(json.dumps(expected(spec), ensure_ascii=False, indent=1), "utf-8")
        manifest.update((paths[f"{name}-{form}"].name, expected_file) for form in FORMATS)
    (args.outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(jobs)} files ({len(specs)} reports x {len(FORMATS)} formats) in "
          f"{time.perf_counter() - started:.1f} s: {args.outdir}")


if __name__ == "__main__":
    main()
