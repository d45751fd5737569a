"""Which row of the official tables a run of label text names, looking at the rows expected next."""

import pytest

from parsers import grammar as G


def _row(printed: str, after: str | None = None) -> str | None:
    index = G.request_row(G.normalize(printed), G.REQUEST_INDEX[after] if after else -1)
    return None if index is None else G.REQUEST_ROWS[index].key


@pytest.mark.parametrize("printed,key", [
    ("一、本年新收政府信息公 开申请数量", "new"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果（一）予以公布", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("（七）合计", "total"),
    ("四、结转下一年度继续办理", "carried_forward"),
])
def test_request_rows_match_mangled_labels(printed, key):
    assert _row(printed) == key


@pytest.mark.parametrize("printed,after,key", [
    ("2.其他法律行政止公开", "denied.state_secret", "denied.prohibited"),
    ("3. 危及 “三安 全一稳 定”", "denied.prohibited", "denied.security_stability"),
    ("（六）其他处理1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "rejected.confirmation",
     "other.no_correction"),
    ("3、其它", "other.unpaid_fee", "other.other"),
    ("5.", "denied.third_party", "denied.internal_affairs"),
])
def test_group_items_match_by_keyword_or_number_in_order(printed, after, key):
    assert _row(printed, after) == key


def test_other_processing_with_its_own_values_is_the_2019_row():
    assert _row("（六）其他处理", "rejected.confirmation") == "other"


def test_group_label_split_over_lines_names_its_first_item():
    assert _row("（三）不\n予\n公\n开1.属于国家秘密", "partial") == "denied.state_secret"


def test_total_column_header_is_not_the_total_row():
    assert _row("自然人法人或其他组织总计") is None


def test_prose_is_no_row():
    assert _row("全年共收到政府信息公开申请，其中予以公开") is None


@pytest.mark.parametrize("printed,item", [
    ("规章", "regulations"), ("行政规范性文件", "normative_documents"), ("信息内容本年制发件数规范性文件", "normative_documents"),
    ("行政事业性收费", "fees"), ("政府集中采购", "procurement"),
])
def test_proactive_items_end_their_run(printed, item):
    assert G.proactive_item(G.normalize(printed)) == item


def test_long_sentence_mentioning_an_item_is_not_a_row():
    assert G.proactive_item("本机关本年度未作出行政许可决定，无相关数据需要报告") is None


@pytest.mark.parametrize("printed,metrics", [
    ("信息内容本年新\n制作数量本年新公开数量对外公开总数量", ("new_made", "new_published", "total_published")),
    ("信息内容上一年项目数量本年增\n/\n减处理决定数量", ("prev_items", "change", "decisions")),
    ("信息内容本年收费金额（单位：万元）", ("amount",)),
    ("信息内容2019年项目数量处理决定数量", (G.UNNAMED, "decisions")),
])
def test_header_names_its_columns_in_printed_order(printed, metrics):
    assert G.metrics(G.normalize(printed)) == metrics


@pytest.mark.parametrize("run,header", [
    ("行政复议行政诉讼", True), ("结果维持结果纠正其他结果尚未审结总计", True),
    ("四、政府信息公开行政法复议、行政诉讼情况行政复议", True),
    ("本年度因政府信息公开申请引发行政复议", False),
])
def test_appeals_header(run, header):
    assert G.is_appeal_header(G.normalize(run)) is header
