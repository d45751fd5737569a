"""Column headings a reader can read: the Chinese label over each ASCII column name, with the
unit a count is in, and report_summary's key figures first.

The ASCII names stay the columns' names (CSV, SQL and the export keep them); the page shows the
labels above them. A column without a heading here is labelled with the Chinese part of its
description in datasette_metadata.json.
"""

from __future__ import annotations

# report_summary, as a reader scans it: who and when, then the figures, then the rest.
SUMMARY_HEADINGS = {
    "id": "报告", "agency": "机关", "year": "年度", "level": "层级", "county": "区县",
    "requests_new": "新收申请（件）", "requests_handled": "办理总计（件）",
    "requests_granted": "予以公开（件）", "requests_partial": "部分公开（件）",
    "disclosure_rate": "公开率（予以+部分）/总计",
    "review_total": "行政复议（件）", "review_corrected": "复议纠正（件）",
    "litigation_total": "行政诉讼（件）", "litigation_corrected": "诉讼纠正（件）",
    "consistent": "勾稽一致（1是 0否）", "checks_failed": "不符的勾稽（条）",
    "requests_carried_over": "上年结转（件）", "requests_denied": "不予公开（件）",
    "requests_unable": "无法提供（件）", "requests_rejected": "不予处理（件）",
    "requests_other": "其他处理（件）", "requests_carried_forward": "结转下年度（件）",
    "litigation_direct_total": "直接起诉（件）", "litigation_after_review_total": "复议后起诉（件）",
    "regulations_issued": "规章制发（件）", "normative_documents_issued": "规范性文件制发（件）",
    "normative_documents_in_force": "规范性文件现行有效（件）", "licensing_decisions": "行政许可决定（个）",
    "punishment_decisions": "行政处罚决定（个）", "enforcement_decisions": "行政强制决定（个）",
    "province": "省份", "city": "城市", "adcode": "区划代码", "template": "表格格式", "format": "文件格式",
    "published": "发布日期", "version": "版本", "gone": "已撤下", "failed_rules": "不符的规则",
    "title": "标题", "url": "来源网址",
}
SUMMARY_FIRST = tuple(SUMMARY_HEADINGS)[:16]


def chinese_part(description: str) -> str:
    """"报告年度 · Year reported on" → "报告年度"."""
    return description.split(" · ", 1)[0].split("（", 1)[0].strip()


def headings(table: str, descriptions: dict[str, str]) -> dict[str, str]:
    """Each column's heading on the table's page."""
    labels = {column: chinese_part(text) for column, text in descriptions.items()}
    return labels | SUMMARY_HEADINGS if table == "report_summary" else labels


def first_columns(table: str) -> list[str]:
    return list(SUMMARY_FIRST) if table == "report_summary" else []
