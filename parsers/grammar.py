"""The official tables' rows in printed order, and which row a run of label text names.

Both formats fix every row label, its order and the column order (国办公开办函〔2019〕60号 and
〔2021〕30号), so a label is matched against the rows expected next, by a few keywords and by
its item number, rather than by its exact printed text: labels arrive broken over lines, run
into their neighbours, mistyped, or numbered ``1、`` for ``1.``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from . import labels as L

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    key: str
    words: tuple[str, ...]
    group: str | None = None
    number: int | None = None


def _request_rows() -> tuple[Row, ...]:
    rows = [Row(key, words) for key, words in L.REQUEST_ROWS.items() if key != "carried_forward"]
    for group, (_, items) in L.REQUEST_GROUPS.items():
        if group == "other":
            rows.append(Row("other", ("其他处理",), None))
        rows += [Row(f"{group}.{item}", words, group, n) for n, (item, words) in enumerate(items.items(), 1)]
    return (*rows, Row("total", ()), Row("carried_forward", L.REQUEST_ROWS["carried_forward"]))


REQUEST_ROWS = _request_rows()
REQUEST_INDEX = {row.key: index for index, row in enumerate(REQUEST_ROWS)}
# Variants seen in real reports beside the official words.
_EXTRA_WORDS = {"granted": ("予以公布",), "carried_forward": ("下一年度", "结转下一年")}
_GROUP_WORDS = {group: words[0] for group, (words, _) in L.REQUEST_GROUPS.items()}
_GROUP_NUMBERS = {"denied": "三", "unable": "四", "rejected": "五", "other": "六"}
_TOTAL = re.compile(r"^(?:\(七\)|七[、.])?(?:总计|合计)$")
_NUMBERING = re.compile(r"\([一二三四五六七]\)|(?<![一二三四五六七八九十])[一二三四五六七][、.]|(?<![\d.])\d[.、]")
_ITEM_NUMBER = re.compile(r"^(\d)[.、]")
_TABLE_WORDS = ("申请人情况", "信息内容", "第二十条", "结果维持", "尚未审结")
_SENTENCE_END = re.compile(r"[。；！？，;!?,]")
# Asides in labels (区分处理的，只计这一情形…), also where a line break cut them open.
_ASIDE = re.compile(r"\([^()]{5,}(?:\)|$)|^[^()]{0,30}\)")
# Short fragments of labels that span many rows, printed between a row's values in text dumps.
_SPANNING_LABEL_CHARS = frozenset("三四五六七()、.本年度办理结果不予公开无法提供处理其他")


# Label runs recur row after row and report after report; prose runs do not, and are long.
_CACHED_RUN_CHARS = 64


def label_cache(function: Callable[[str], T]) -> Callable[[str], T]:
    """``function`` of a run, memoised for runs as short as labels (it must be pure and its
    answer immutable): the table walker asks the same questions of the same labels."""
    cached = functools.lru_cache(maxsize=8192)(function)

    @functools.wraps(function)
    def call(run: str) -> T:
        return cached(run) if len(run) <= _CACHED_RUN_CHARS else function(run)
    return call


@label_cache
def normalize(run: str) -> str:
    return _ASIDE.sub("", L.normalize(run)).replace("/", "").replace("其它", "其他")


def tail(run: str) -> str:
    """The last numbered segment of a run: the row's own label after the group's and header's."""
    starts = [m.start() for m in _NUMBERING.finditer(run)]
    return run[starts[-1]:] if starts else run


def _strip_number(text: str) -> str:
    return _NUMBERING.sub("", text, count=1) if _NUMBERING.match(text) else text


@functools.lru_cache(maxsize=8192)
def request_row(run: str, after: int) -> int | None:
    """The index of the row this run names, looking forward from row ``after`` first."""
    if len(tail(run)) > 48 or _SENTENCE_END.search(tail(run)):
        return None
    order = list(range(after + 1, len(REQUEST_ROWS))) + list(range(0, after + 1))
    for index in order:
        if _names(REQUEST_ROWS[index], run, after):
            return index
    return None


def _names(row: Row, run: str, after: int) -> bool:
    last = tail(run)
    bare = _strip_number(last)
    if row.key == "total":
        return bool(_TOTAL.match(last))
    if row.key == "other":
        return "其他处理" in last
    if row.group is None:
        words = row.words + _EXTRA_WORDS.get(row.key, ())
        return any(w in bare for w in words) and not (row.key == "granted" and "不予" in bare)
    if bare in ("其他", "其它"):
        return row.key == "other.other"
    if row.key != "other.other" and any(w in bare for w in row.words):
        return True
    return _numbered_in_group(row, run, last, after)


def _numbered_in_group(row: Row, run: str, last: str, after: int) -> bool:
    """An item known only by its number: the group comes from the run or from the row before."""
    number = _ITEM_NUMBER.match(last)
    if not number or int(number.group(1)) != row.number:
        return False
    named = f"({_GROUP_NUMBERS[row.group]})" in run or _GROUP_WORDS[row.group] in run
    previous = REQUEST_ROWS[after] if 0 <= after < len(REQUEST_ROWS) else None
    return named or (previous is not None and previous.group == row.group)


@label_cache
def is_spanning_fragment(run: str) -> bool:
    """A piece of a label spanning rows (公开 of （三）不予公开) that a dump printed mid-row."""
    return 0 < len(run) <= 8 and set(run) <= _SPANNING_LABEL_CHARS and not _TOTAL.match(run)


# Table 二
_ITEM_AT_END = tuple(
    (item, re.compile(f"(?:{'|'.join(words)})[^\\d]{{0,4}}$"))
    for item, words in (
        ("normative_documents", ("规范性文件",)),
        ("regulations", ("规章",)),
        ("other_services", ("对外管理服务事项", "对外管理服务")),
        ("licensing", ("行政许可",)),
        ("punishment", ("行政处罚",)),
        ("enforcement", ("行政强制",)),
        ("fees", ("事业性收费",)),
        ("procurement", ("集中采购",)),
    )
)
_PROACTIVE_HEADER = ("第二十条", "信息内容", "新制作数量", "制发件数", "现行有效件数", "上一年项目数量")
SUBTABLES = (("regulations", "normative_documents"), ("licensing", "other_services"),
             ("punishment", "enforcement"), ("fees",), ("procurement",))


@label_cache
def proactive_item(run: str) -> str | None:
    last = run[-24:]
    for item, pattern in _ITEM_AT_END:
        if pattern.search(last) and not _SENTENCE_END.search(last):
            return item
    return None


@label_cache
def is_proactive_header(run: str) -> bool:
    return any(word in run for word in _PROACTIVE_HEADER)


# A column the formats do not have (2019年项目数量 printed for 上一年项目数量 and 本年增/减).
UNNAMED = "unnamed"


@label_cache
def metrics(header: str) -> tuple[str, ...]:
    """The metric columns a header names, in printed order."""
    found: list[tuple[int, str]] = []
    for key, words in L.PROACTIVE_METRICS:
        positions = [header.find(w) for w in words if w in header]
        if positions and key not in [k for _, k in found]:
            found.append((min(positions), key))
    unnamed = re.search(r"(?<!上一年)(?<!上年)(?<!采购)项目数量", header)
    if unnamed and not any(position == unnamed.start() for position, _ in found):
        found.append((unnamed.start(), UNNAMED))
    return tuple(key for _, key in sorted(found))


# Table 四
_APPEAL_WORDS = ("行政复议", "行政法复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "合计",
                 "未经复议直接起诉", "复议后起诉", "直接起诉")
_APPEAL_CHARS = frozenset("".join(_APPEAL_WORDS) + "四、.()政府信息公开情况")


@label_cache
def is_appeal_header(run: str) -> bool:
    columns = sum(word in run for word in ("维持", "纠正", "审结", "直接起诉", "复议后起诉"))
    return columns >= 2 or "复议" in run and "诉讼" in run and is_appeal_fragment(run)


@label_cache
def is_prose(run: str) -> bool:
    return bool(_SENTENCE_END.search(run)) or len(run) > 120


@label_cache
def after_prose(run: str) -> str:
    """The labels after the last sentence of a run: a table's header follows the prose before it,
    or a numbered row label does; anything else after a sentence is still prose."""
    rest = _SENTENCE_END.split(run)[-1]
    tabular = _NUMBERING.match(rest) or any(word in rest for word in _TABLE_WORDS)
    return rest if tabular else ""


@label_cache
def is_appeal_fragment(run: str) -> bool:
    return set(run) <= _APPEAL_CHARS
