"""Figures a report quotes in its prose (本年度制发行政规范性文件62件), to choose among readings.

Section 一 often repeats the table's figures. Where a row's digits ran together and several
splits fit, a quoted figure keeps only the readings that agree with it; it never adds a number
the table does not print.
"""

from __future__ import annotations

import re

from .readings import Values

_METRIC_WORDS = {"issued": "制发", "repealed": "废止", "in_force": "现行有效", "new_made": "新制作",
                 "new_published": "新公开", "total_published": "公开总数"}
_ITEM_WORDS = {"regulations": "规章", "normative_documents": "规范性文件"}
_GAP = r"[^，。；,;\d]{0,12}"


def quoted(prose: str, item: str, metric: str) -> set[int]:
    """The figures the prose gives for one cell of table 二."""
    if item not in _ITEM_WORDS or metric not in _METRIC_WORDS:
        return set()
    first, second = _METRIC_WORDS[metric], _ITEM_WORDS[item]
    found = set()
    for a, b in ((first, second), (second, first)):
        found |= {int(m) for m in re.findall(f"{a}{_GAP}{b}{_GAP}?(\\d+)\\s*件", prose)}
    return found


def agreeing(choices: list[Values], metrics: tuple[str, ...], prose: str, item: str) -> list[Values]:
    """The readings that agree with every figure the prose quotes for this row."""
    for index, metric in enumerate(metrics):
        figures = quoted(prose, item, metric)
        kept = [choice for choice in choices if choice[index] in figures]
        choices = kept or choices
    return choices
