"""Who reports, on which year, when: title, agency, year, publication date, the six sections."""

from __future__ import annotations

import re

SECTION_KEYS = ("overview", "proactive", "requests", "appeals", "problems", "other")
# Checked in this order: 因政府信息公开申请行政复议 names appeals, though it says 申请 too.
_SECTION_WORDS = (
    ("appeals", ("行政复议", "行政诉讼", "行政法复议")),
    ("requests", ("收到和处理", "依申请")),
    ("proactive", ("主动公开",)),
    ("overview", ("总体情况", "概述", "基本情况")),
    ("problems", ("主要问题", "改进情况", "改进措施")),
    ("other", ("其他需要报告", "其他事项")),
)
_NUMBERED_HEADING = re.compile(r"^[#*\s　]*([一二三四五六])\s*[、.．，,]\s*")
_BARE_HEADINGS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                  "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项")
_YEAR = r"((?:19|20)\d{2})\s*年"
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "○": 0}
_DATE = re.compile(r"([12二][0-9〇零一二三四五六七八九○O]{3})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*([0-9一二三四五六七八九十]{1,3})\s*日")
_REPORT_WORDS = re.compile(r"(?:政府|政务)?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告.*$")
_SIGNATURE = re.compile(r"(人民政府|政府|办公室|办事处|委员会|管委会|管理委员会|局|中心|厅|院|公司|站|所|队)$")
_BARE_PLACE = re.compile(r"(省|市|县|旗|镇|乡|街道)$")


_WHITESPACE = re.compile(r"\s+")
_FIELD_LABEL = re.compile(r"^(?:标题|题目|名称)[:：]")
_HEADING_END = re.compile(r"^[^。，,；;]{0,30}?(?:情况|事项|措施|概述)(?=\S)")


def clean(text: str) -> str:
    text = _WHITESPACE.sub("", text.replace("　", " ")).lstrip("#*").strip()
    return _FIELD_LABEL.sub("", text)


def find_title(paragraphs: list[str], given: str | None) -> str | None:
    if given and "报告" in given:
        return clean(given)
    head = [clean(p) for p in paragraphs[:8]]
    for index, text in enumerate(head):
        if "报告" in text and len(text) <= 60:
            if index and 0 < len(head[index - 1]) <= 40 and not re.search(r"[，。：；,]", head[index - 1]):
                return head[index - 1] + text
            return text
    return clean(given) if given else None


def agency_from_title(title: str) -> str | None:
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", title)
    name = re.sub(r"^关于", "", _REPORT_WORDS.sub("", name)).strip("：:")
    if not name or len(name) > 30:
        return None
    if _BARE_PLACE.search(name) or (name.endswith("区") and len(name) <= 4):
        return name + ("办事处" if name.endswith("街道") else "人民政府")
    return name


def agency_from_signature(paragraphs: list[str]) -> str | None:
    for text in reversed([clean(p) for p in paragraphs[-6:]]):
        text = _DATE.sub("", text)
        if 2 < len(text) <= 30 and _SIGNATURE.search(text) and not re.search(r"[，。；,]", text):
            return text
    return None


def find_year(title: str | None, paragraphs: list[str]) -> int | None:
    text = "\n".join(paragraphs[:40])
    patterns = (
        (title or "", _YEAR),
        (text, _YEAR + r"度?\s*(?:政府|政务)?\s*(?:信息公开|政务公开)\s*(?:工作)?\s*(?:年度)?\s*报告"),
        (text, r"统计(?:期限|时限|时间)[^。]{0,12}?" + _YEAR),
        (text, r"(?:截至|截止|截止至)\s*" + _YEAR + r"\s*12\s*月"),
        (text, _YEAR),
    )
    for source, pattern in patterns:
        match = re.search(pattern, source)
        if match:
            return int(match.group(1))
    return None


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4:
        return int("".join(str(_CN_DIGITS.get(c, 0)) for c in text))
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def find_published(paragraphs: list[str], given: str | None) -> str | None:
    """The date under the signature at the end, else what the format's metadata says."""
    for text in reversed([clean(p) for p in paragraphs[-5:]]):
        match = _DATE.search(text)
        if match and len(text) <= 40 and match.end() == len(text):
            year, month, day = (_cn_number(g) for g in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return given


def section_of(paragraph: str) -> tuple[str, str] | None:
    """(section key, text after the heading) when the paragraph opens one of the six sections."""
    numbered = _NUMBERED_HEADING.match(paragraph)
    if numbered:
        rest = paragraph[numbered.end():]
        opening = rest[:16]
        for key, words in _SECTION_WORDS:
            if any(word in opening for word in words):
                return key, _after_heading(rest)
        return None
    text = clean(paragraph)
    for key, bare in zip(SECTION_KEYS, _BARE_HEADINGS):
        if text.startswith(bare) and len(text) <= len(bare) + 2:
            return key, ""
    return None


def _after_heading(rest: str) -> str:
    """Text that shares the heading's paragraph (flattened pages run straight on)."""
    match = _HEADING_END.match(rest)
    return rest[match.end():].strip() if match and len(rest) > match.end() else ""


def split_sections(paragraphs: list[str]) -> dict[str, str]:
    sections: dict[str, list[str]] = {key: [] for key in SECTION_KEYS}
    current: str | None = None
    order = -1
    for paragraph in paragraphs:
        found = section_of(paragraph)
        if found and SECTION_KEYS.index(found[0]) > order:
            current, order = found[0], SECTION_KEYS.index(found[0])
            if found[1]:
                sections[current].append(found[1])
        elif current:
            sections[current].append(paragraph.strip().replace("\u3000", ""))
    return {key: "\n".join(p for p in parts if p) for key, parts in sections.items()}
