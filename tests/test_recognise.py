"""Recognising reports, report columns, attachments and file names."""
from __future__ import annotations

import pytest

from crawler.listpages import Link
from crawler.recognise import (attachment_links, document_kind, filename_from_disposition, is_column_link, is_report_column,
                               is_report_title, is_subcolumn, may_link_files, report_year)

# Titles as portals list them (several from the project's corpus and seeds).
REPORT_TITLES = [
    "平潭综合实验区2020年度政府信息公开工作年度报告",
    "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
    "淮安市人民政府2024年政府信息公开工作年度报告",
    "莆田市统计局2023年政府信息公开工作年度报告",
    "浑江区红土崖镇2022年政府信息公开工作年度报告",
    "国务院办公厅2023年政府信息公开工作年度报告",
    "某县教育局2021年政府信息公开年度报告",
    "某县人民政府2019年政府信息公开年报",
    "某镇人民政府2022年度信息公开年报",
    "某县人民政府二〇二三年政府信息公开工作年度报告",
    "（2018年）政府信息公开工作年度报告",
    "2008年度政府信息公开工作年度报告",
    "某区2023年政府信息公开工作年度报告（更正版）",
    "某街道办事处 2022 年政府信息公开工作 年度报告",
    "《某县卫生健康局2020年政府信息公开工作年度报告》",
]
NOT_REPORT_TITLES = [
    "政府信息公开工作年度报告",
    "政府信息公开年报",
    "关于做好2023年政府信息公开工作年度报告编制和发布工作的通知",
    "某县人民政府关于公布2023年度政府信息公开工作年度报告的公告",
    "关于2021年政府信息公开工作年度报告的说明",
    "《某县2023年政府信息公开工作年度报告》解读",
    "一图读懂某县2023年政府信息公开工作年度报告",
    "关于报送2022年度政府信息公开工作年度报告的提醒",
    "某县人民政府政府信息公开指南（2023年版）",
    "2023年政府信息公开目录",
    "2023年政府信息公开工作年度报告统计表",
    "2023年政府信息公开申请情况报表",
    "2023年政务公开工作要点",
    "某县2023年法治政府建设年度报告",
    "2022年度部门决算公开",
]


@pytest.mark.parametrize("title", REPORT_TITLES)
def test_report_title_recognised(title: str) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize("title", NOT_REPORT_TITLES)
def test_notices_guides_indexes_and_tables_are_not_reports(title: str) -> None:
    assert not is_report_title(title)


@pytest.mark.parametrize("title, year", [
    ("平潭综合实验区2020年度政府信息公开工作年度报告", 2020),
    ("某县人民政府二〇二三年政府信息公开工作年度报告", 2023),
    ("某县人民政府二○一九年政府信息公开年报", 2019),
    ("2024年3月发布：某县2023年度政府信息公开工作年度报告", 2023),
    ("政府信息公开年报", None),
])
def test_report_year_from_western_and_chinese_numerals(title: str, year: int | None) -> None:
    assert report_year(title) == year


@pytest.mark.parametrize("title, url", [
    ("政府信息公开年报", "http://www.example.gov.cn/zfxxgk/zfxxgknb/"),
    ("政府信息公开工作年度报告", "http://www.example.gov.cn/col/col1234/index.html"),
    ("年度报告", "http://www.example.gov.cn/xxgk/list.html"),
    ("年报", "http://www.example.gov.cn/xxgk/list.html"),
    ("更多", "http://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/index.html"),
    ("", "http://www.example.gov.cn/xxgk/gknb/"),
    ("", "http://www.example.gov.cn/xxgk/xxgkndbg/index.shtml"),
])
def test_report_column_by_name_or_path(title: str, url: str) -> None:
    assert is_report_column(title, url)


@pytest.mark.parametrize("title, url", [
    ("某县2023年政府信息公开工作年度报告", "http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240125_1.html"),
    ("政府信息公开指南", "http://www.example.gov.cn/zfxxgk/zfxxgkzn/"),
    ("政府信息公开", "http://www.example.gov.cn/zfxxgk/"),
])
def test_report_articles_and_other_columns_are_not_the_report_column(title: str, url: str) -> None:
    assert not is_report_column(title, url)


@pytest.mark.parametrize("title, url", [
    ("部门年报", "http://www.example.gov.cn/zfxxgk/zfxxgknb/bmnb/"),
    ("乡镇（街道）年报", "http://www.example.gov.cn/zfxxgk/zfxxgknb/xzjdnb/index.html"),
    ("部门", "http://www.example.gov.cn/col/col2345/index.html"),
    ("乡镇", "http://www.example.gov.cn/zfxxgk/zfxxgknb/xz/"),
    ("街道", "http://www.example.gov.cn/zfxxgk/zfxxgknb/jd/"),
    ("2023年", "http://www.example.gov.cn/zfxxgk/zfxxgknb/2023/"),
    ("2023年度", "http://www.example.gov.cn/col/col3456/index.html"),
])
def test_subcolumns_of_the_report_column(title: str, url: str) -> None:
    assert is_subcolumn(title, url)


@pytest.mark.parametrize("title, url", [
    ("县教育局2023年政府信息公开工作年度报告", "http://www.example.gov.cn/art/2024/1/20/art_2345_9.html"),
    ("2023年", "http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240125_1.html"),
    ("部门预算", "http://www.example.gov.cn/zfxxgk/bmys/"),
])
def test_reports_and_unrelated_lists_are_not_subcolumns(title: str, url: str) -> None:
    assert not is_subcolumn(title, url)


DETAIL_URL = "http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240125_101.html"
DETAIL = """<html><body>
<div class="header"><a href="/">首页</a><a href="/images/logo.png">logo</a></div>
<div class="TRS_Editor"><p>某县2023年政府信息公开工作年度报告全文见附件。</p>
  <p><a href="./P020240125381234567890.pdf" OLDSRC="/protect/P0202401/P020240125381234567890.pdf">附件：某县2023年年报.pdf</a></p>
  <p><a href="./P020240125381234567891.docx">附件2：统计表.docx</a></p>
  <p><a href="javascript:void(0)" oldsrc="/upload/2024/P020240125.wps">附件3</a></p>
  <p><img src="./W020240125.png"/></p></div>
<div><a href="/module/download/downfile.jsp?classid=0&filename=abc123.pdf">下载</a>
  <a href="/attach/0/20240125/report.ofd">OFD版</a>
  <a href="/common/download?fileid=8848">附件4</a>
  <iframe src="/pdfjs/web/viewer.html?file=/upload/2024/report.pdf"></iframe>
  <a href="/zfxxgk/zfxxgknb/">返回列表</a></div>
</body></html>"""


def test_attachment_links_from_href_oldsrc_endpoints_and_viewers() -> None:
    assert attachment_links(DETAIL_URL, DETAIL) == [
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/P020240125381234567890.pdf", "附件：某县2023年年报.pdf"),
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/P020240125381234567891.docx", "附件2：统计表.docx"),
        Link("http://www.example.gov.cn/upload/2024/P020240125.wps", "附件3"),
        Link("http://www.example.gov.cn/module/download/downfile.jsp?classid=0&filename=abc123.pdf", "下载"),
        Link("http://www.example.gov.cn/attach/0/20240125/report.ofd", "OFD版"),
        Link("http://www.example.gov.cn/common/download?fileid=8848", "附件4"),
        Link("http://www.example.gov.cn/upload/2024/report.pdf", "report.pdf"),
    ]


NAME = "某县2023年政府信息公开工作年度报告.pdf"


def test_disposition_filename_rfc5987_utf8() -> None:
    value = b"attachment; filename*=UTF-8''%E6%9F%90%E5%8E%BF2023%E5%B9%B4%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF" \
            b"%E5%85%AC%E5%BC%80%E5%B7%A5%E4%BD%9C%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf"
    assert filename_from_disposition(value) == NAME


def test_disposition_filename_star_wins_over_plain_filename() -> None:
    value = "attachment; filename=\"report.pdf\"; filename*=utf-8''%E5%B9%B4%E6%8A%A5.pdf"
    assert filename_from_disposition(value) == "年报.pdf"


def test_disposition_filename_percent_encoded_utf8() -> None:
    value = "attachment;filename=%E5%B9%B4%E6%8A%A5.pdf"
    assert filename_from_disposition(value) == "年报.pdf"


def test_disposition_filename_percent_encoded_gbk() -> None:
    assert filename_from_disposition('attachment; filename="%C4%EA%B1%A8.pdf"') == "年报.pdf"


def test_disposition_filename_gbk_bytes() -> None:
    assert filename_from_disposition(b'attachment; filename="' + NAME.encode("gbk") + b'"') == NAME


def test_disposition_filename_gbk_bytes_decoded_as_latin1() -> None:
    header = ('attachment; filename="' + NAME + '"').encode("gbk").decode("latin-1")
    assert filename_from_disposition(header) == NAME


def test_disposition_filename_raw_utf8_bytes_unquoted() -> None:
    assert filename_from_disposition(b"attachment; filename=" + NAME.encode("utf-8")) == NAME


def test_disposition_filename_rfc5987_gbk() -> None:
    assert filename_from_disposition("attachment; filename*=GBK''%C4%EA%B1%A8.docx") == "年报.docx"


def test_disposition_filename_drops_a_client_path() -> None:
    assert filename_from_disposition('attachment; filename="D:\\upload\\2024\\年报.wps"') == "年报.wps"


def test_disposition_without_filename_is_none() -> None:
    assert (filename_from_disposition("inline"), filename_from_disposition(None)) == (None, None)


@pytest.mark.parametrize("url, content_type, filename, kind", [
    ("http://x.gov.cn/a/P0202401.pdf", "application/pdf", None, "pdf"),
    ("http://x.gov.cn/module/download/downfile.jsp?id=1", "application/octet-stream", "年报.docx", "docx"),
    ("http://x.gov.cn/module/download/downfile.jsp?id=1", "application/msword", None, "doc"),
    ("http://x.gov.cn/a/b.wps", "application/octet-stream", None, "wps"),
    ("http://x.gov.cn/a/b", "application/ofd", None, "ofd"),
    ("http://x.gov.cn/a/b.xls", None, None, "xls"),
    ("http://x.gov.cn/a/b", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None, "xlsx"),
    ("http://x.gov.cn/a/t20240125_1.html", "text/html; charset=utf-8", None, "page"),
    ("http://x.gov.cn/col/col1234/", None, None, "page"),
    ("http://x.gov.cn/a/b.zip", "application/zip", None, "other"),
    ("http://x.gov.cn/common/download?fileid=8848", "application/octet-stream", None, "other"),
])
def test_document_kind_from_name_type_and_url(url: str, content_type: str | None, filename: str | None,
                                              kind: str) -> None:
    assert document_kind(url, content_type, filename) == kind


def test_title_cut_short_by_the_list_counts_as_a_candidate():
    assert is_report_title("浑江区人民政府2024年政府信息公开工作年...")
    assert is_report_title("浑江区2024年政府信息公开工作…")


def test_title_cut_short_without_disclosure_words_does_not_count():
    assert not is_report_title("浑江区人民政府2024年工作报告...")
    assert not is_report_title("2024年政府信息公开指南...")


def test_page_linking_a_download_may_link_files():
    assert may_link_files(b"<a href='/module/download/downfile.jsp?classid=0&filename=a'>")
    assert may_link_files(b"<a href='./P020240325.PDF'>")


def test_page_with_no_file_link_may_not():
    assert not may_link_files("<p>本年度未收到申请。</p><a href='/index.html'>首页</a>".encode())


@pytest.mark.parametrize("title, url", [
    ("其他部门年报", "http://x.gov.cn/info/iList.jsp?cat_id=77&cur_page=1"),
    ("浑江区审计局", "http://x.gov.cn/bm/sjj/gknb/index.html"),
    ("乡镇街道年报", "http://x.gov.cn/col/col5678/index.html"),
])
def test_links_to_report_lists_are_column_links(title, url):
    assert is_column_link(title, url)


@pytest.mark.parametrize("title, url", [
    ("浑江区2024年政府信息公开工作年度报告", "http://x.gov.cn/zwgk/202501/t20250120_1.html"),
    ("新闻中心", "http://x.gov.cn/xwzx/index.html"),
])
def test_reports_and_navigation_are_not_column_links(title, url):
    assert not is_column_link(title, url)
