"""Whole documents into the contract: formats of tables, refusals, pre-2019 reports."""

import pytest

from parsers import NotAReport, parse
from parsers.text import document_from_text

from .conftest import SHARED

PRE2019 = """某某县人民政府2017年政府信息公开工作年度报告
一、概述
2017年，我县认真贯彻《条例》。
二、主动公开政府信息情况
全年主动公开政府信息1200条。
三、依申请公开政府信息情况
全年收到申请3件。
四、因政府信息公开申请行政复议、提起行政诉讼的情况
无。
五、存在的主要问题及改进措施
公开内容还不够丰富。
六、其他需要报告的事项
无。
指标名称\t计量单位\t本年度\t历年累计
主动公开政府信息数\t条\t1200\t8000
收到申请数\t件\t3\t40
"""


def test_pre2019_report_keeps_sections_and_year_but_no_tables():
    report = parse(document_from_text(PRE2019)).to_json()
    assert (report["template"], report["year"], report["agency"]) == ("pre2019", 2017, "某某县人民政府")
    assert (report["proactive"], report["requests"], report["appeals"], report["consistent"]) == ({}, {}, {}, None)
    assert report["sections"]["proactive"] == "全年主动公开政府信息1200条。"


def test_flattened_page_keeps_sections_and_reads_cells_run_together():
    report = parse(document_from_text((SHARED / "corpus/flattened/fj_pingtan_2021_gov_2021format.page.txt").read_text())).to_json()
    assert (report["agency"], report["year"]) == ("平潭综合实验区", 2021)
    assert report["sections"]["problems"].startswith("（一）")
    assert report["requests"]["new"] == {"natural_person": 64, "commercial": 0, "research": 0, "nonprofit": 2,
                                         "legal_service": 0, "other_org": 4, "total": 70}


def test_index_page_is_not_a_report():
    with pytest.raises(NotAReport, match="no report sections"):
        parse(document_from_text("首页\n政府信息公开年报\n2023年度报告\n2022年度报告\n下一页"))


def test_notice_about_reports_is_not_a_report():
    notice = "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知\n一、总体情况\n二、主动公开\n三、收到和处理申请"
    with pytest.raises(NotAReport, match="notice"):
        parse(document_from_text(notice))


def test_json_of_a_report_is_its_own_copy(parsed):
    report = parsed("seeds/001_0fb663dc2de8e1ec.txt")
    data = report.to_json()
    data["requests"]["new"]["total"] = -1
    data["checks"][0]["ok"] = None
    data["region"]["province"] = "改"
    assert report.requests["new"]["total"] != -1 and report.checks[0].ok is not None
    assert report.region.province != "改"
    assert list(data) == ["schema", "file", "format", "title", "agency", "year", "template", "published", "region",
                          "sections", "proactive", "requests", "appeals", "checks", "consistent", "warnings"]
