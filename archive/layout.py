"""The three statistical tables as the official formats print them (国办公开办函〔2019〕60号 and
its 2021 revision): the merged header cells, the nested row labels, and which table key each
value cell holds.

A layout is only shape and labels; the report page fills the value cells. A row of the parsed
report that the printed form does not have (a pre-2019 table, an extra row a parser read) is
not dropped: ``extra_cells`` lists it, so every parsed figure shows somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from .facts import APPEAL_RESULTS, REQUEST_COLUMNS


@dataclass(frozen=True)
class Label:
    """A printed header or row-label cell."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Slot:
    """A value cell: the table, row and column keys of design.md it shows."""

    table: str
    row: str
    column: str
    colspan: int = 1

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row}/{self.column}"


Cell = Label | Slot


@dataclass
class Printed:
    """One printed table: its header rows and its body rows, cell by cell."""

    table: str
    title: str
    head: list[list[Label]]
    body: list[list[Cell]] = field(default_factory=list)

    def slots(self) -> Iterator[Slot]:
        for row in self.body:
            yield from (cell for cell in row if isinstance(cell, Slot))


# ---------------------------------------------------------------- 三、收到和处理政府信息公开申请情况

APPLICANTS = tuple(REQUEST_COLUMNS)  # natural_person … other_org, total
_REQUEST_HEAD = [
    [Label("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", colspan=3, rowspan=3),
     Label("申请人情况", colspan=7)],
    [Label("自然人", rowspan=2), Label("法人或其他组织", colspan=5), Label("总计", rowspan=2)],
    [Label(text) for text in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
]
# (printed label, [(row key, numbered sub-label)]): a group of one row has no sub-label.
_RESULTS_2019 = [
    ("（一）予以公开", [("granted", "")]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [("partial", "")]),
    ("（三）不予公开", [("denied.state_secret", "1．属于国家秘密"),
                   ("denied.prohibited", "2．其他法律行政法规禁止公开"),
                   ("denied.security_stability", "3．危及“三安全一稳定”"),
                   ("denied.third_party", "4．保护第三方合法权益"),
                   ("denied.internal_affairs", "5．属于三类内部事务信息"),
                   ("denied.process_info", "6．属于四类过程性信息"),
                   ("denied.enforcement_files", "7．属于行政执法案卷"),
                   ("denied.query", "8．属于行政查询事项")]),
    ("（四）无法提供", [("unable.not_held", "1．本机关不掌握相关政府信息"),
                   ("unable.needs_creation", "2．没有现成信息需要另行制作"),
                   ("unable.unclear", "3．补正后申请内容仍不明确")]),
    ("（五）不予处理", [("rejected.petition", "1．信访举报投诉类申请"),
                   ("rejected.duplicate", "2．重复申请"),
                   ("rejected.publication", "3．要求提供公开出版物"),
                   ("rejected.excessive", "4．无正当理由大量反复申请"),
                   ("rejected.confirmation", "5．要求行政机关确认或重新出具已获取信息")]),
    ("（六）其他处理", [("other", "")]),
    ("（七）总计", [("total", "")]),
]
_OTHER_2021 = ("（六）其他处理", [
    ("other.no_correction", "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.unpaid_fee", "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3．其他")])


def _result_groups(rows: Iterable[str], template: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 2019 form has one 其他处理 row, the 2021 form three: the rows read decide."""
    rows = set(rows)
    split_other = any(row.startswith("other.") for row in rows) or (template == "2021" and "other" not in rows)
    return [_OTHER_2021 if split_other and label == "（六）其他处理" else (label, members)
            for label, members in _RESULTS_2019]


def _values(table: str, row: str, columns: Iterable[str]) -> list[Slot]:
    return [Slot(table, row, column) for column in columns]


def requests_table(rows: Iterable[str], template: str | None) -> Printed:
    groups = _result_groups(rows, template)
    printed = Printed("requests", "三、收到和处理政府信息公开申请情况", _REQUEST_HEAD)
    printed.body.append([Label("一、本年新收政府信息公开申请数量", colspan=3), *_values("requests", "new", APPLICANTS)])
    printed.body.append([Label("二、上年结转政府信息公开申请数量", colspan=3),
                         *_values("requests", "carried_over", APPLICANTS)])
    result_rows = sum(len(members) for _, members in groups)
    for number, (label, members) in enumerate(groups):
        for position, (row, sublabel) in enumerate(members):
            labels: list[Cell] = [Label("三、本年度办理结果", rowspan=result_rows)] if number == position == 0 else []
            if not sublabel:
                labels.append(Label(label, colspan=2))
            else:
                labels += [Label(label, rowspan=len(members))] if position == 0 else []
                labels.append(Label(sublabel))
            printed.body.append([*labels, *_values("requests", row, APPLICANTS)])
    printed.body.append([Label("四、结转下年度继续办理", colspan=3), *_values("requests", "carried_forward", APPLICANTS)])
    return printed


# ---------------------------------------------------------------- 四、政府信息公开行政复议、行政诉讼情况

APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
_RESULTS = tuple(APPEAL_RESULTS)  # upheld, corrected, other, pending, total


def appeals_table() -> Printed:
    results = [Label(text) for text in APPEAL_RESULTS.values()]
    head = [
        [Label("行政复议", colspan=5), Label("行政诉讼", colspan=10)],
        [*(Label(text, rowspan=2) for text in APPEAL_RESULTS.values()),
         Label("未经复议直接起诉", colspan=5), Label("复议后起诉", colspan=5)],
        [*results, *results],
    ]
    printed = Printed("appeals", "四、政府信息公开行政复议、行政诉讼情况", head)
    printed.body.append([slot for group in APPEAL_GROUPS for slot in _values("appeals", group, _RESULTS)])
    return printed


# ---------------------------------------------------------------- 二、主动公开政府信息情况

# (article, metric labels, [(item key, printed label)], metric keys)
_PROACTIVE_2019 = [
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     [("regulations", "规章"), ("normative_documents", "规范性文件")], ("new_made", "new_published", "total_published")),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")], ("prev_items", "change", "decisions")),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     [("punishment", "行政处罚"), ("enforcement", "行政强制")], ("prev_items", "change", "decisions")),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), [("fees", "行政事业性收费")], ("prev_items", "change")),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), [("procurement", "政府集中采购")], ("items", "amount")),
]
_PROACTIVE_2021 = [
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     [("regulations", "规章"), ("normative_documents", "行政规范性文件")], ("issued", "repealed", "in_force")),
    ("第二十条第（五）项", ("本年处理决定数量",), [("licensing", "行政许可")], ("decisions",)),
    ("第二十条第（六）项", ("本年处理决定数量",), [("punishment", "行政处罚"), ("enforcement", "行政强制")], ("decisions",)),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), [("fees", "行政事业性收费")], ("amount",)),
]
_WIDTH = 3  # metric columns of the widest block


def _is_2021(proactive: dict, template: str | None) -> bool:
    metrics = {metric for row in proactive.values() if isinstance(row, dict) for metric in row}
    if metrics & {"issued", "repealed", "in_force"}:
        return True
    return template == "2021" and not metrics & {"new_made", "prev_items"}


def proactive_table(proactive: dict, template: str | None) -> Printed:
    blocks = _PROACTIVE_2021 if _is_2021(proactive, template) else _PROACTIVE_2019
    printed = Printed("proactive", "二、主动公开政府信息情况", [])
    for article, metric_labels, items, metrics in blocks:
        printed.body.append([Label(article, colspan=_WIDTH + 1)])
        printed.body.append([Label("信息内容"), *_spread(list(map(Label, metric_labels)))])
        for item, label in items:
            printed.body.append([Label(label), *_spread(_values("proactive", item, metrics))])
    return printed


def _spread(cells: list[Cell]) -> list[Cell]:
    """A block with fewer metrics than the widest one: its last cell spans the rest."""
    return [*cells[:-1], replace(cells[-1], colspan=_WIDTH - len(cells) + 1)]


# ---------------------------------------------------------------- what the form does not print

def extra_cells(printed: list[Printed], tables: dict[str, dict]) -> list[Slot]:
    """Parsed cells no printed table shows, in the report's order."""
    shown = {slot.key for table in printed for slot in table.slots()}
    extra = []
    for table, rows in tables.items():
        for row, columns in (rows or {}).items():
            for column in (columns if isinstance(columns, dict) else {"": columns}):
                slot = Slot(table, row, column)
                if slot.key not in shown:
                    extra.append(slot)
    return extra


def printed_tables(report_tables: dict[str, dict], template: str | None) -> list[Printed]:
    """The printed form of each table the report has, in the order of its sections; a table
    none of whose cells the form prints (a pre-2019 one) is left to ``extra_cells``."""
    tables = []
    if report_tables.get("proactive"):
        tables.append(proactive_table(report_tables["proactive"], template))
    if report_tables.get("requests"):
        tables.append(requests_table(report_tables["requests"], template))
    if report_tables.get("appeals"):
        tables.append(appeals_table())
    return [table for table in tables if any(_has(report_tables, slot) for slot in table.slots())]


def _has(tables: dict[str, dict], slot: Slot) -> bool:
    row = (tables.get(slot.table) or {}).get(slot.row)
    return isinstance(row, dict) and slot.column in row

