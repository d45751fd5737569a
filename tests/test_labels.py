import pytest

from parsers import labels


@pytest.mark.parametrize("printed,key", [
    ("一、本年新收政府信息公 开申请数量", "new"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("(一)予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("（七）总计", "total"),
    ("四、结转下年度继续办理", "carried_forward"),
])
def test_request_rows_match_mangled_labels(printed, key):
    assert labels.request_row(labels.normalize(printed)) == key


@pytest.mark.parametrize("printed,group,key", [
    ("2.其他法律行政止公开", "denied", "prohibited"),
    ("3. 危及 “三安 全一稳 定”", "denied", "security_stability"),
    ("1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other", "no_correction"),
    ("2、申请人逾期未按收费通知要求缴纳费用", "other", "unpaid_fee"),
    ("3、其他", "other", "other"),
    ("4.无正当理由大量反复申请", "rejected", "excessive"),
    ("5.", "denied", "internal_affairs"),
])
def test_group_items_match_by_keyword_or_number(printed, group, key):
    assert labels.request_item(labels.normalize(printed), group) == key


def test_group_label_split_over_lines_is_recognised():
    assert labels.request_group(labels.normalize("（三）不\n予\n公\n开")) == "denied"


def test_total_column_header_is_not_the_total_row():
    assert labels.request_row(labels.normalize("自然人法人或其他组织总计")) is None


@pytest.mark.parametrize("printed,item", [
    ("规章", "regulations"), ("行政规范性文件", "normative_documents"), ("规范性文件", "normative_documents"),
    ("行政事业性收费", "fees"), ("政府集中采购", "procurement"),
])
def test_proactive_items(printed, item):
    assert labels.proactive_item(labels.normalize(printed)) == item


def test_long_sentence_mentioning_an_item_is_not_a_row():
    assert labels.proactive_item("本机关本年度未作出行政许可决定且无相关数据需要报告") is None


@pytest.mark.parametrize("printed,metric", [
    ("本年新\n制作数量", "new_made"), ("本年制发件数", "issued"), ("本年增/减", "change"),
    ("本年收费金额（单位：万元）", "amount"), ("采购项目数量", "items"),
])
def test_proactive_metrics(printed, metric):
    assert labels.proactive_metric(labels.normalize(printed)) == metric
