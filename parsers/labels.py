"""The official tables' keys and the few short keywords that name each printed label.

Labels arrive with spaces and line breaks inside, full- or half-width brackets, ``1、`` for
``1.``, and missing or mistyped characters, so each key is named by keywords rather than by
its exact printed label; grammar.py matches them in the order the formats print them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

REQUEST_COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_service", "other_org", "total")
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# Top-level rows of table 三, in printed order.
REQUEST_ROWS = {
    "new": ("本年新收", "新收政府信息"),
    "carried_over": ("上年结转",),
    "granted": ("予以公开",),
    "partial": ("部分公开",),
    "carried_forward": ("结转下年", "下年度继续"),
}

# Groups of result rows: the group's own label words, then its items in printed order.
REQUEST_GROUPS = {
    "denied": (("不予公开", "(三)"), {
        "state_secret": ("国家秘密",),
        "prohibited": ("禁止公开", "法律行政法规", "行政止公开", "法规禁止"),
        "security_stability": ("三安全", "一稳定", "危及"),
        "third_party": ("第三方",),
        "internal_affairs": ("内部事务",),
        "process_info": ("过程性",),
        "enforcement_files": ("执法案卷",),
        "query": ("行政查询", "查询事项"),
    }),
    "unable": (("无法提供", "(四)"), {
        "not_held": ("不掌握",),
        "needs_creation": ("另行制作", "现成信息"),
        "unclear": ("不明确", "补正后申请"),
    }),
    "rejected": (("不予处理", "(五)"), {
        "petition": ("信访", "举报投诉"),
        "duplicate": ("重复申请",),
        "publication": ("出版物",),
        "excessive": ("大量反复", "反复申请"),
        "confirmation": ("确认", "重新出具"),
    }),
    "other": (("其他处理", "(六)"), {
        "no_correction": ("不补正", "逾期不补"),
        "unpaid_fee": ("收费", "缴纳费用"),
        "other": ("其他",),
    }),
}

# Column headers of table 二; the first match wins, so the more specific come first.
PROACTIVE_METRICS = (
    ("new_made", ("新制作",)),
    ("new_published", ("新公开",)),
    ("total_published", ("公开总数",)),
    ("issued", ("制发",)),
    ("repealed", ("废止",)),
    ("in_force", ("现行有效",)),
    ("prev_items", ("上一年项目", "上年项目")),
    ("change", ("增/减", "增减", "增(减)")),
    ("decisions", ("处理决定",)),
    ("items", ("采购项目",)),
    ("amount", ("金额",)),
)
METRICS_2019 = frozenset({"new_made", "new_published", "total_published", "prev_items", "change", "items"})
METRICS_2021 = frozenset({"issued", "repealed", "in_force"})

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

_NUMBER_COMMA = re.compile(r"^(\d{1,2})[、,]")


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """One spelling for a label: NFKC brackets and digits, no whitespace, 、 after numbers as '.'."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())
    for wide, narrow in (("【", "("), ("】", ")"), ("〔", "("), ("〕", ")"), ("“", ""), ("”", ""), ('"', "")):
        text = text.replace(wide, narrow)
    return _NUMBER_COMMA.sub(r"\1.", text)
