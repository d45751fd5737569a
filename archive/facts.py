"""A report's tables as cells: each its key (row and column, with the printed Chinese labels)
and its value; and its checks.

The archive keeps a cell as (report, version, key, value), the key a number standing for a row
of ``cell_keys`` (archive/schema.py, m013); the views request_counts, proactive_counts and
appeal_counts show them as long rows, which let Datasette facet by row, column, year and region
without knowing the layout of either official template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .jsontext import compact
from .siblings import Report

REQUEST_ROWS = {
    "new": "本年新收政府信息公开申请数量",
    "carried_over": "上年结转政府信息公开申请数量",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied.state_secret": "不予公开：属于国家秘密",
    "denied.prohibited": "不予公开：其他法律行政法规禁止公开",
    "denied.security_stability": "不予公开：危及“三安全一稳定”",
    "denied.third_party": "不予公开：保护第三方合法权益",
    "denied.internal_affairs": "不予公开：属于三类内部事务信息",
    "denied.process_info": "不予公开：属于四类过程性信息",
    "denied.enforcement_files": "不予公开：属于行政执法案卷",
    "denied.query": "不予公开：属于行政查询事项",
    "unable.not_held": "无法提供：本机关不掌握相关政府信息",
    "unable.needs_creation": "无法提供：没有现成信息需要另行制作",
    "unable.unclear": "无法提供：补正后申请内容仍不明确",
    "rejected.petition": "不予处理：信访举报投诉类申请",
    "rejected.duplicate": "不予处理：重复申请",
    "rejected.publication": "不予处理：要求提供公开出版物",
    "rejected.excessive": "不予处理：无正当理由大量反复申请",
    "rejected.confirmation": "不予处理：要求行政机关确认或重新出具已获取信息",
    "other": "其他处理",
    "other.no_correction": "其他处理：申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.unpaid_fee": "其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "其他处理：其他",
    "total": "总计",
    "carried_forward": "结转下年度继续办理",
}
REQUEST_COLUMNS = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
    "nonprofit": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他", "total": "总计",
}
APPEAL_GROUPS = {
    "review": "行政复议", "litigation_direct": "行政诉讼：未经复议直接起诉",
    "litigation_after_review": "行政诉讼：复议后起诉",
}
APPEAL_RESULTS = {
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计",
}
PROACTIVE_ITEMS = {
    "regulations": "规章", "normative_documents": "规范性文件", "licensing": "行政许可",
    "other_services": "其他对外管理服务事项", "punishment": "行政处罚", "enforcement": "行政强制",
    "fees": "行政事业性收费", "procurement": "政府集中采购",
}
PROACTIVE_METRICS = {
    "new_made": "本年新制作数量", "new_published": "本年新公开数量", "total_published": "对外公开总数量",
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "prev_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额",
}
# The 2021 format renamed a few of the 2019 labels.
_PROACTIVE_2021 = {
    ("item", "normative_documents"): "行政规范性文件",
    ("metric", "decisions"): "本年处理决定数量",
}

# A cell's place in the table: (row, row_label, column, column_label).
CellKey = tuple[str, str, str, str]


def _number(value: object) -> float | int | None:
    # Empty cells stay NULL: "not printed" is not 0.
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _proactive_label(kind: str, key: str, item: str, template: str | None) -> str:
    if kind == "metric" and key == "amount":  # 2019 prints it for procurement, 2021 for fees
        return "采购总金额" if item == "procurement" else "本年收费金额（万元）"
    if template == "2021" and (kind, key) in _PROACTIVE_2021:
        return _PROACTIVE_2021[(kind, key)]
    labels = PROACTIVE_ITEMS if kind == "item" else PROACTIVE_METRICS
    return labels.get(key, key)


def _request_key(row: str, column: str, _template: str | None = None) -> CellKey:
    return row, REQUEST_ROWS.get(row, row), column, REQUEST_COLUMNS.get(column, column)


def _proactive_key(item: str, metric: str, template: str | None) -> CellKey:
    return (item, _proactive_label("item", item, item, template),
            metric, _proactive_label("metric", metric, item, template))


def _appeal_key(group: str, result: str, _template: str | None = None) -> CellKey:
    return group, APPEAL_GROUPS.get(group, group), result, APPEAL_RESULTS.get(result, result)


_KEYS = {"request_cells": ("requests", _request_key, REQUEST_ROWS, REQUEST_COLUMNS),
         "proactive_cells": ("proactive", _proactive_key, PROACTIVE_ITEMS, PROACTIVE_METRICS),
         "appeal_cells": ("appeals", _appeal_key, APPEAL_GROUPS, APPEAL_RESULTS)}


@dataclass(frozen=True)
class Rows:
    """Rows of a cell or check table for one version. Those whose key is one of the official
    formats' are JSON, ``[[position, *values], …]`` with the key's place in ``known_keys()`` or
    ``known_rules()``, so that SQLite inserts them all at once (json_each) without the writer's
    GIL; the others (hand-made variants) are ``(key, *values)`` tuples."""
    known: str
    other: list[tuple[Any, ...]]


def cells(report: Report) -> dict[str, Rows]:
    """Each cell table's cells of the report: its key and its value (None: not printed)."""
    return {table: _cell_rows(table, getattr(report, field), report.template)
            for table, (field, *_rest) in _KEYS.items()}


def _cell_rows(table: str, figures: dict | None, template: str | None) -> Rows:
    """One pass over the table's cells; a cell's key and place are looked up once a template."""
    places = _places(table, template)
    known, other = [], []
    for row, columns in (figures or {}).items():
        # A bare figure (pre-2019 tables) is a row with one unnamed column.
        for column, value in columns.items() if isinstance(columns, dict) else (("", columns),):
            key, position = places.get((row, column)) or _place(places, table, row, column, template)
            number = value if value.__class__ is int else _number(value)
            if position is None:
                other.append((key, number))
            else:
                known.append([position, number])
    return Rows(compact(known), other)


@lru_cache(maxsize=64)
def _places(_table: str, _template: str | None) -> dict[tuple[str, str], tuple[CellKey, int | None]]:
    """(row, column) -> (key, place) of the cells seen so far in a table of a template."""
    return {}


def _place(places: dict, table: str, row: str, column: str, template: str | None) -> tuple[CellKey, int | None]:
    key = _KEYS[table][1](row, column, template)
    placed = key, _key_positions().get(key)
    if len(places) < 4096:  # hand-made variants are endless; the official cells a few hundred
        places[(row, column)] = placed
    return placed


@lru_cache(maxsize=1)
def known_keys() -> tuple[CellKey, ...]:
    """Every cell key of the two official formats, so an archive starts with them all."""
    return tuple(dict.fromkeys(key_of(row, column, template)
                               for _field, key_of, rows, columns in _KEYS.values()
                               for template in ("2019", "2021") for row in rows for column in columns))


@lru_cache(maxsize=1)
def known_rules() -> tuple[str, ...]:
    """The rules parsers.checks applies to tables of the official formats."""
    return (tuple(f"requests.{rule}.{column}" for rule in ("balance", "results") for column in REQUEST_COLUMNS)
            + tuple(f"requests.row_total.{row}" for row in REQUEST_ROWS)
            + tuple(f"appeals.total.{group}" for group in APPEAL_GROUPS))


@lru_cache(maxsize=1)
def _key_positions() -> dict[CellKey, int]:
    return {key: position for position, key in enumerate(known_keys())}


@lru_cache(maxsize=1)
def _rule_positions() -> dict[str, int]:
    return {rule: position for position, rule in enumerate(known_rules())}


def check_results(report: Report) -> Rows:
    """(rule, ok, detail) of each check; ok is None for a check on a cell not read."""
    positions = _rule_positions()
    known, other = [], []
    for check in report.checks:
        position = positions.get(check.rule)
        if position is None:
            other.append((check.rule, _verdict(check.ok), check.detail))
        else:
            known.append([position, _verdict(check.ok), check.detail])
    return Rows(compact(known), other)


def _verdict(ok: object) -> int | None:
    return None if ok is None else int(bool(ok))
