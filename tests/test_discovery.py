"""Finding the annual-report column from a portal's home page or its disclosure landing page."""
from __future__ import annotations

from crawler.discovery import find_disclosure_pages, find_report_columns, is_column_page
from crawler.listpages import Link

HOME_URL = "http://www.example.gov.cn/"
_MENU = "".join(f'<li><a href="/col{i}/index.html">栏目{i}</a></li>' for i in range(100))
HOME = f"""<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>
<div class="header"><a href="/">首页</a><a href="/xwzx/">新闻中心</a>
  <a href="/zwgk/">政务公开</a><a href="/zfxxgk/index.html">政府信息公开</a><a href="/hdjl/">互动交流</a></div>
<div class="nav"><ul>{_MENU}</ul></div>
<div class="zwgk-box">
  <a href="/zfxxgk/zfxxgkzn/">政府信息公开指南</a>
  <a href="/zfxxgk/zfxxgkzd/">政府信息公开制度</a>
  <a href="/zfxxgk/fdzdgknr/">法定主动公开内容</a>
  <a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a>
  <a href="/zfxxgk/zfxxgknb/202401/t20240125_101.html">某县2023年政府信息公开工作年度报告</a>
  <a href="/xxgk/ndbg/index.html">年度报告</a>
  <a href="http://www.other.gov.cn/zfxxgk/zfxxgknb/">政府信息公开年报</a>
</div>
<div class="footer"><a href="http://www.gov.cn/">中国政府网</a><a href="/wzdt/">网站地图</a></div>
</body></html>"""


def test_report_columns_by_name_and_path_best_first() -> None:
    assert find_report_columns(HOME_URL, HOME) == [
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/", "政府信息公开年报"),
        Link("http://www.example.gov.cn/xxgk/ndbg/index.html", "年度报告"),
    ]


def test_report_column_found_by_path_alone() -> None:
    text = '<html><body><ul><li><a href="/xxgk/gknb/">更多&gt;&gt;</a></li></ul></body></html>'
    assert find_report_columns(HOME_URL, text) == [Link("http://www.example.gov.cn/xxgk/gknb/", "更多>>")]


def test_report_columns_on_other_hosts_are_left_out() -> None:
    text = '<html><body><a href="http://www.other.gov.cn/zfxxgk/zfxxgknb/">政府信息公开年报</a></body></html>'
    assert find_report_columns(HOME_URL, text) == []


def test_column_page_says_so_in_its_meta() -> None:
    head = '<html><head><meta name="ColumnName" content="年报"><meta name="ColumnType" content="政府信息公开年报">'
    assert is_column_page(head + "</head><body></body></html>")


def test_other_column_pages_are_not_the_report_column() -> None:
    assert not is_column_page('<html><head><meta name="ColumnType" content="政府信息公开指南"></head></html>')


def test_disclosure_pages_best_first() -> None:
    assert find_disclosure_pages(HOME_URL, HOME) == [
        Link("http://www.example.gov.cn/zfxxgk/index.html", "政府信息公开"),
        Link("http://www.example.gov.cn/zwgk/", "政务公开"),
    ]


def test_disclosure_page_found_by_path_when_its_name_differs() -> None:
    text = '<html><body><a href="/xxgk/">公开</a><a href="/xxgk/2024/t1.html">某通知</a></body></html>'
    assert find_disclosure_pages(HOME_URL, text) == [Link("http://www.example.gov.cn/xxgk/", "公开")]


def test_www_and_bare_host_are_one_site() -> None:
    text = '<html><body><a href="http://example.gov.cn/zfxxgk/zfxxgknb/">政府信息公开年报</a></body></html>'
    assert find_report_columns(HOME_URL, text) == [Link("http://example.gov.cn/zfxxgk/zfxxgknb/", "政府信息公开年报")]
