"""List-page adapters: TRS WCM, 大汉 Hanweb, 新点 Epoint and the generic pager."""
from __future__ import annotations

import pytest

from crawler.listpages import GENERIC, PLATFORMS, Follow, Link, detect, platform, read_list_page
from crawler.listpages import epoint, hanweb, pager, trs

# A county portal's chrome: a header menu, a 120-link column tree, breadcrumbs and a footer
# of other governments' sites. Every list page below sits inside it.
_MENU = "".join(f'<li><a href="/col{i}/index.html">栏目{i}</a></li>' for i in range(120))
HEADER = f"""
<div class="header"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a>
  <a href="/bsfw/">办事服务</a><a href="http://www.gov.cn/">中国政府网</a></div>
<div class="nav"><ul>{_MENU}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zfxxgk/">政府信息公开</a>
  &gt; <a href="/zfxxgk/zfxxgknb/">政府信息公开年报</a></div>
"""
FOOTER = """
<div class="footer"><ul>
  <li><a href="http://www.gov.cn/">中华人民共和国中央人民政府门户网站</a></li>
  <li><a href="http://www.jiangsu.gov.cn/">江苏省人民政府门户网站</a></li>
  <li><a href="http://www.huaian.gov.cn/">淮安市人民政府门户网站</a></li>
  <li><a href="/wzdt/">网站地图</a></li><li><a href="/lxwm/">联系我们</a></li></ul>
  <p>主办单位：某县人民政府办公室 备案号：苏ICP备00000000号</p></div>
"""


def page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{HEADER}{body}{FOOTER}</body></html>"


# ---------------------------------------------------------------- TRS WCM

TRS_URL = "http://www.example.gov.cn/zfxxgk/zfxxgknb/index.html"
TRS_LIST = page("""
<div class="list-box"><ul class="list">
  <li><a href="./202401/t20240125_101.html" title="某县2023年政府信息公开工作年度报告">某县2023年政府信息公开工作年度…</a>
      <span>2024-01-25</span></li>
  <li><a href="./202401/t20240120_99.html">县教育局2023年度政府信息公开工作年度报告</a><span>2024-01-20</span></li>
  <li><a href="./202301/t20230130_88.html">某县2022年政府信息公开工作年度报告</a><span>2023-01-30</span></li>
</ul></div>
<div class="page"><script type="text/javascript">
  createPageHTML(4, 0, "index", "html");
</script></div>
""")


def test_trs_reads_page_count_from_create_page_html() -> None:
    assert trs.read(TRS_URL, TRS_LIST).follows == [
        Follow("http://www.example.gov.cn/zfxxgk/zfxxgknb/index_1.html"),
        Follow("http://www.example.gov.cn/zfxxgk/zfxxgknb/index_2.html"),
        Follow("http://www.example.gov.cn/zfxxgk/zfxxgknb/index_3.html"),
    ]


def test_trs_entries_are_the_list_with_dates_and_full_titles() -> None:
    assert trs.read(TRS_URL, TRS_LIST).links == [
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240125_101.html",
             "某县2023年政府信息公开工作年度报告", "2024-01-25"),
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240120_99.html",
             "县教育局2023年度政府信息公开工作年度报告", "2024-01-20"),
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202301/t20230130_88.html",
             "某县2022年政府信息公开工作年度报告", "2023-01-30"),
    ]


def test_trs_later_page_still_lists_every_page() -> None:
    later = TRS_LIST.replace('createPageHTML(4, 0, "index", "html")', 'createPageHTML(4, 2, "index", "html")')
    url = "http://www.example.gov.cn/zfxxgk/zfxxgknb/index_2.html"
    assert [f.url for f in trs.read(url, later).follows] == [
        "http://www.example.gov.cn/zfxxgk/zfxxgknb/index.html",
        "http://www.example.gov.cn/zfxxgk/zfxxgknb/index_1.html",
        "http://www.example.gov.cn/zfxxgk/zfxxgknb/index_3.html",
    ]


def test_trs_page_div_variant_with_shtml_pages() -> None:
    text = page("""<ul><li><a href="./202305/t20230510_7.shtml">2022年度报告</a></li></ul>
      <div id="page_div"></div><script>createPageHTML('page_div', 3, 0, 'index', 'shtml', 41);</script>""")
    assert [f.url for f in trs.read("http://www.example.gov.cn/xxgk/gknb/", text).follows] == [
        "http://www.example.gov.cn/xxgk/gknb/index_1.shtml",
        "http://www.example.gov.cn/xxgk/gknb/index_2.shtml",
    ]


def test_trs_count_page_variables_feed_the_pager_call() -> None:
    text = page("""<ul><li><a href="./202305/t20230510_7.htm">2022年度报告</a></li></ul>
      <script>
        function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) { /* … */ }
        var countPage = 3//共多少页
        var currentPage = 0//当前页
        createPageHTML(countPage, currentPage, "index", "htm");
      </script>""")
    assert [f.url for f in trs.read("http://www.example.gov.cn/xxgk/gknb/index.htm", text).follows] == [
        "http://www.example.gov.cn/xxgk/gknb/index_1.htm",
        "http://www.example.gov.cn/xxgk/gknb/index_2.htm",
    ]


def test_trs_single_page_column_has_no_follows() -> None:
    text = TRS_LIST.replace('createPageHTML(4, 0, "index", "html")', 'createPageHTML(1, 0, "index", "html")')
    assert trs.read(TRS_URL, text).follows == []


def test_trs_table_rows_are_entries() -> None:
    text = page("""<table class="zwgk-list">
      <tr><th>序号</th><th>标题</th><th>发布日期</th></tr>
      <tr><td>1</td><td><a href="./202401/t20240131_5.html">某县人民政府2023年政府信息公开工作年度报告</a></td>
          <td>2024/01/31</td></tr>
      <tr><td>2</td><td><a href="./202301/t20230131_4.html">某县人民政府2022年政府信息公开工作年度报告</a></td>
          <td>2023/01/31</td></tr></table>
      <script>createPageHTML(1, 0, "index", "html");</script>""")
    assert trs.read(TRS_URL, text).links == [
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240131_5.html",
             "某县人民政府2023年政府信息公开工作年度报告", "2024-01-31"),
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/202301/t20230131_4.html",
             "某县人民政府2022年政府信息公开工作年度报告", "2023-01-31"),
    ]


def test_trs_xhtml_page_with_an_encoding_declaration() -> None:
    text = '<?xml version="1.0" encoding="gb2312"?>\n' + TRS_LIST
    assert len(read_list_page(TRS_URL, text).links) == 3


# ---------------------------------------------------------------- 大汉 Hanweb

HANWEB_URL = "http://www.example.gov.cn/col/col1234/index.html"


def _records(count: int, first: int = 1) -> str:
    return "".join(
        f"<record><![CDATA[<li><a href='/art/2024/1/{n % 28 + 1}/art_1234_{n}.html' title='部门{n}2023年度"
        f"政府信息公开工作年度报告' target='_blank'>部门{n}2023年度政府信息公开工作…</a>"
        f"<span>2024-01-{n % 28 + 1:02d}</span></li>]]></record>\n"
        for n in range(first, first + count))


HANWEB_COLUMN = page(f"""
<div class="bt-list">
<div id="5678"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=42&path=/&columnid=1234&unitid=5678&webname=%25E6%259F%2590%25E5%258E%25BF%25E4%25BA%25BA%25E6%25B0%2591%25E6%2594%25BF%25E5%25BA%259C&permissiontype=0"></a>]]></nextgroup>
<recordset>
{_records(45)}</recordset></datastore></script></div>
<script type="text/javascript">
$(document).ready(function(){{
 $('#5678').jpage({{themeName:'default',showMode:'full',totalRecord:100,openCookies:false,dataBefore:'<ul>',
   dataStore:dataStore5678,dataAfter:'</ul>',groupSize:3,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:15,
   barPosition:'bottom',ajaxParam:{{col:1,appid:1,webid:42,path:'/',columnid:1234,sourceContentType:1,
   unitid:'5678',webname:'某县人民政府',permissiontype:0}}}});
}});
</script></div>""")

HANWEB_FORM = ("col=1&appid=1&webid=42&path=/&columnid=1234&sourceContentType=1&unitid=5678"
               "&webname=%E6%9F%90%E5%8E%BF%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&permissiontype=0")
HANWEB_HEADERS = (("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
                  ("X-Requested-With", "XMLHttpRequest"), ("Referer", HANWEB_URL))
PROXY = "http://www.example.gov.cn/module/web/jpage/dataproxy.jsp"


def test_hanweb_reads_records_from_the_datastore() -> None:
    links = hanweb.read(HANWEB_URL, HANWEB_COLUMN).links
    assert len(links) == 45
    assert links[0] == Link("http://www.example.gov.cn/art/2024/1/2/art_1234_1.html",
                            "部门12023年度政府信息公开工作年度报告", "2024-01-02")


def test_hanweb_posts_dataproxy_ranges_for_remaining_records() -> None:
    assert hanweb.read(HANWEB_URL, HANWEB_COLUMN).follows == [
        Follow(f"{PROXY}?startrecord=46&endrecord=90&perpage=15", "POST", HANWEB_FORM, HANWEB_HEADERS),
        Follow(f"{PROXY}?startrecord=91&endrecord=100&perpage=15", "POST", HANWEB_FORM, HANWEB_HEADERS),
    ]


def test_hanweb_form_values_come_from_nextgroup_and_unit_div_without_js_object() -> None:
    bare = HANWEB_COLUMN.split('<script type="text/javascript">')[0] + "</div>"
    assert hanweb.read(HANWEB_URL, page(bare)).follows[0].body == HANWEB_FORM


def test_hanweb_unknown_total_follows_the_first_range() -> None:
    bare = page(f"""<div id="5678"><script type="text/xml"><datastore><recordset>{_records(3)}
      </recordset></datastore></script></div>""")
    assert hanweb.read(HANWEB_URL, bare).follows == [
        Follow(f"{PROXY}?startrecord=4&endrecord=48&perpage=15", "POST",
               "col=1&appid=1&path=/&columnid=1234&sourceContentType=1&unitid=5678&permissiontype=0",
               HANWEB_HEADERS),
    ]


def test_hanweb_all_records_on_the_page_means_no_follows() -> None:
    text = HANWEB_COLUMN.replace("totalRecord:100", "totalRecord:45")
    assert hanweb.read(HANWEB_URL, text).follows == []


DATAPROXY_ANSWER = f"""<?xml version="1.0" encoding="UTF-8"?>
<datastore><totalrecord>120</totalrecord><totalpage>8</totalpage><recordset>
{_records(45, first=46)}</recordset></datastore>"""


def test_hanweb_dataproxy_answer_gives_records_and_later_ranges() -> None:
    url = f"{PROXY}?startrecord=46&endrecord=90&perpage=15"
    result = hanweb.read_dataproxy(url, DATAPROXY_ANSWER, HANWEB_FORM)
    assert (len(result.links), result.links[0].url) == (45, "http://www.example.gov.cn/art/2024/1/19/art_1234_46.html")
    assert result.follows == [
        Follow(f"{PROXY}?startrecord=91&endrecord=120&perpage=15", "POST", HANWEB_FORM,
               HANWEB_HEADERS[:2]),
    ]


def test_hanweb_dataproxy_form_can_come_from_a_get_query() -> None:
    url = f"{PROXY}?startrecord=46&endrecord=90&perpage=15&col=1&webid=42&columnid=1234&unitid=5678"
    follows = read_list_page(url, DATAPROXY_ANSWER).follows
    assert [(f.url, f.body) for f in follows] == [
        (f"{PROXY}?startrecord=91&endrecord=120&perpage=15", "col=1&webid=42&columnid=1234&unitid=5678")]


def test_hanweb_short_dataproxy_answer_without_total_is_the_last() -> None:
    answer = f"<datastore><recordset>{_records(7, first=46)}</recordset></datastore>"
    url = f"{PROXY}?startrecord=46&endrecord=90&perpage=15"
    assert hanweb.read_dataproxy(url, answer, HANWEB_FORM).follows == []


def test_hanweb_proxy_url_of_older_sites_is_used() -> None:
    text = HANWEB_COLUMN.replace("proxyUrl:'/module/web/jpage/dataproxy.jsp'",
                                 "proxyUrl:'/module/jslib/jquery/jpage/dataproxy.jsp'")
    assert hanweb.read(HANWEB_URL, text).follows[0].url == (
        "http://www.example.gov.cn/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15")


def test_hanweb_widget_without_datastore_fetches_from_the_first_record() -> None:
    text = page("""<div id="5678"></div><script>$('#5678').jpage({totalRecord:20,perPage:10,groupSize:1,
      proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,webid:42,path:'/',columnid:1234,
      sourceContentType:1,unitid:'5678',permissiontype:0}});</script>""")
    assert [f.url for f in hanweb.read(HANWEB_URL, text).follows] == [
        f"{PROXY}?startrecord=1&endrecord=10&perpage=10", f"{PROXY}?startrecord=11&endrecord=20&perpage=10"]


# ---------------------------------------------------------------- 新点 Epoint

EPOINT_URL = "http://www.example.gov.cn/info/iList.jsp?cat_id=10086"
EPOINT_LIST = page("""
<table class="ewb-list">
  <tr><td><a href="/info/1234.jhtml">某县2023年政府信息公开工作年度报告</a></td><td>[2024-01-30]</td></tr>
  <tr><td><a href="/info/1200.jhtml">某县2022年政府信息公开工作年度报告</a></td><td>[2023-01-29]</td></tr>
</table>
<div class="ewb-page">
  <a href="/info/iList.jsp?cat_id=10086&cur_page=1">首页</a>
  <a href="/info/iList.jsp?cat_id=10086&cur_page=2">下页</a>
  <span>1/3</span>
  <a href="/info/iList.jsp?cat_id=10086&cur_page=3">尾页</a>
</div>""")


def test_epoint_follows_every_page_from_the_pager_count() -> None:
    assert epoint.read(EPOINT_URL, EPOINT_LIST).follows == [
        Follow("http://www.example.gov.cn/info/iList.jsp?cat_id=10086&cur_page=2"),
        Follow("http://www.example.gov.cn/info/iList.jsp?cat_id=10086&cur_page=3"),
    ]


def test_epoint_entries_with_bracketed_dates() -> None:
    assert epoint.read(EPOINT_URL, EPOINT_LIST).links == [
        Link("http://www.example.gov.cn/info/1234.jhtml", "某县2023年政府信息公开工作年度报告", "2024-01-30"),
        Link("http://www.example.gov.cn/info/1200.jhtml", "某县2022年政府信息公开工作年度报告", "2023-01-29"),
    ]


def test_epoint_page_count_from_the_last_page_link() -> None:
    text = EPOINT_LIST.replace("<span>1/3</span>", "").replace("cur_page=3", "cur_page=5")
    url = "http://www.example.gov.cn/info/iList.jsp?cat_id=10086&cur_page=2"
    assert [f.url[-10:] for f in epoint.read(url, text).follows] == [
        "cur_page=1", "cur_page=3", "cur_page=4", "cur_page=5"]


def test_epoint_paging_parameter_and_gong_n_ye() -> None:
    url = "http://www.example.gov.cn/xxgk/showinfo/moreinfo.aspx?categoryNum=001002&Paging=1"
    text = page("""<ul class="list"><li><a href="/xxgk/showinfo/a.aspx?infoid=1">2023年政府信息公开年报</a></li></ul>
      <div class="pager">共 3 页 <a href="moreinfo.aspx?categoryNum=001002&Paging=2">下一页</a></div>""")
    assert [f.url for f in read_list_page(url, text).follows] == [
        "http://www.example.gov.cn/xxgk/showinfo/moreinfo.aspx?categoryNum=001002&Paging=2",
        "http://www.example.gov.cn/xxgk/showinfo/moreinfo.aspx?categoryNum=001002&Paging=3",
    ]


# ---------------------------------------------------------------- generic pager

PAGER_URL = "http://www.example.gov.cn/news/list.jsp?catid=12"


def _plain_list(extra: str) -> str:
    return page(f"""<div class="main"><div class="sidebar-title">信息公开年报</div>
      <ul class="article">
        <li><a href="/news/show.jsp?id=301">某县2023年政府信息公开工作年度报告</a> 2024年1月28日</li>
        <li><a href="/news/show.jsp?id=302">某县2022年政府信息公开工作年度报告</a> 2023年1月30日</li>
        <li><a href="/news/show.jsp?id=303">某县2021年政府信息公开工作年度报告</a> 2022年1月27日</li>
      </ul>{extra}</div>""")


def test_pager_main_list_excludes_navigation_and_footer() -> None:
    assert pager.read(PAGER_URL, _plain_list("")).links == [
        Link("http://www.example.gov.cn/news/show.jsp?id=301", "某县2023年政府信息公开工作年度报告", "2024-01-28"),
        Link("http://www.example.gov.cn/news/show.jsp?id=302", "某县2022年政府信息公开工作年度报告", "2023-01-30"),
        Link("http://www.example.gov.cn/news/show.jsp?id=303", "某县2021年政府信息公开工作年度报告", "2022-01-27"),
    ]


def test_pager_follows_the_next_page_link() -> None:
    text = _plain_list('<div class="pages"><a href="list.jsp?catid=12&start=20">下一页</a></div>')
    assert pager.read(PAGER_URL, text).follows == [Follow("http://www.example.gov.cn/news/list.jsp?catid=12&start=20")]


def test_pager_all_pages_of_a_page_parameter_when_the_count_is_shown() -> None:
    text = _plain_list('<div class="pages">共3页 <a href="list.jsp?catid=12&page=2">后一页</a></div>')
    assert [f.url for f in pager.read(PAGER_URL, text).follows] == [
        "http://www.example.gov.cn/news/list.jsp?catid=12&page=2",
        "http://www.example.gov.cn/news/list.jsp?catid=12&page=3",
    ]


def test_pager_current_page_parameter_of_this_url() -> None:
    url = "http://www.example.gov.cn/news/list.jsp?catid=12&currentPage=2"
    text = _plain_list('<div class="pages">页次：2/3 <a href="javascript:void(0)">下页</a></div>')
    assert [f.url for f in pager.read(url, text).follows] == [
        "http://www.example.gov.cn/news/list.jsp?catid=12&currentPage=1",
        "http://www.example.gov.cn/news/list.jsp?catid=12&currentPage=3",
    ]


def test_pager_index_n_links_counted_from_two() -> None:
    url = "http://www.example.gov.cn/xwzx/list.html"
    text = _plain_list('<div class="pages"><a href="list_2.html">2</a><a href="list_3.html">3</a>'
                       '<a href="list_2.html">下一页</a></div>')
    assert pager.read(url, text).follows == [Follow("http://www.example.gov.cn/xwzx/list_2.html")]


def test_pager_page_one_is_the_shou_ye_link_when_this_page_is_numbered() -> None:
    url = "http://www.example.gov.cn/bm/sjj/gknb/list_3.html"
    text = _plain_list('<div class="pages">共3页 当前第3页 <a href="/index.html">网站首页</a> <a href="index.html">首页</a>'
                       ' <a href="list_2.html">上一页</a></div>')
    assert [f.url for f in pager.read(url, text).follows] == [
        "http://www.example.gov.cn/bm/sjj/gknb/index.html",
        "http://www.example.gov.cn/bm/sjj/gknb/list_2.html",
    ]


def test_pager_index_n_with_count_lists_all_pages() -> None:
    url = "http://www.example.gov.cn/xwzx/index.html"
    text = _plain_list('<div class="pages">共4页 <a href="index_1.html">2</a><a href="index_1.html">下一页</a></div>')
    assert [f.url for f in pager.read(url, text).follows] == [
        "http://www.example.gov.cn/xwzx/index_1.html",
        "http://www.example.gov.cn/xwzx/index_2.html",
        "http://www.example.gov.cn/xwzx/index_3.html",
    ]


def test_pager_javascript_next_uses_the_url_page_parameter() -> None:
    url = "http://www.example.gov.cn/news/list.jsp?catid=12&page=1"
    text = _plain_list('<div class="pages"><a href="javascript:next(2)">下一页</a></div>')
    assert pager.read(url, text).follows == [Follow("http://www.example.gov.cn/news/list.jsp?catid=12&page=2")]


def test_pager_javascript_next_without_a_pattern_gives_nothing() -> None:
    text = _plain_list('<div class="pages"><a href="javascript:next(2)">下一页</a></div>')
    assert pager.read(PAGER_URL, text).follows == []


_DEPARTMENTS = "".join(f'<td><a href="http://dept{i}.example.gov.cn/">某县发展和改革委员会第{i}科</a></td>'
                      for i in range(30))
UNCLASSED_CHROME = f"""
<table width="1000"><tr>{''.join(f'<td><a href="/lm{i}/">栏目{i}</a></td>' for i in range(120))}</tr></table>
<table width="1000"><tr>{_DEPARTMENTS}</tr></table>
<div class="box-r"><h3>热点新闻</h3><ul>
  {''.join(f'<li><a href="/xwzx/202401/t2024011{i}_{i}.html">县领导调研春耕备耕工作第{i}次</a>2024-01-1{i}</li>'
           for i in range(6))}</ul></div>"""


def test_pager_main_list_beats_unclassed_menus_and_dated_sidebar_news() -> None:
    text = f"""<html><body>{UNCLASSED_CHROME}<div class="con"><ul>
      <li><a href="./202401/t20240125_101.html">某县2023年政府信息公开工作年度报告</a>2024-01-25</li>
      <li><a href="./202301/t20230130_88.html">某县2022年政府信息公开工作年度报告</a>2023-01-30</li>
      </ul></div></body></html>"""
    assert [link.url for link in pager.read(TRS_URL, text).links] == [
        "http://www.example.gov.cn/zfxxgk/zfxxgknb/202401/t20240125_101.html",
        "http://www.example.gov.cn/zfxxgk/zfxxgknb/202301/t20230130_88.html",
    ]


def test_subcolumns_in_a_left_menu_are_entries() -> None:
    text = TRS_LIST.replace('<div class="list-box">', """<div class="left-nav"><ul>
      <li><a href="./bmnb/">部门年报</a></li><li><a href="./xzjdnb/index.html">乡镇（街道）年报</a></li>
      <li><a href="/zfxxgk/zfxxgkzn/">政府信息公开指南</a></li></ul></div><div class="list-box">""")
    assert trs.read(TRS_URL, text).links[3:] == [
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/bmnb/", "部门年报"),
        Link("http://www.example.gov.cn/zfxxgk/zfxxgknb/xzjdnb/index.html", "乡镇（街道）年报"),
    ]


def test_pager_javascript_void_next_link_is_not_a_page() -> None:
    url = "http://www.example.gov.cn/news/list.jsp?catid=12&page=3"
    text = _plain_list('<div class="pages"><a href="javascript:void(0)">下一页</a></div>')
    assert pager.read(url, text).follows == []


def test_pager_onclick_page_number_with_a_pattern() -> None:
    url = "http://www.example.gov.cn/news/list.jsp?catid=12&pageNo=3"
    text = _plain_list('<div class="pages"><a href="javascript:;" onclick="goPage(4)">下一页</a></div>')
    assert pager.read(url, text).follows == [Follow("http://www.example.gov.cn/news/list.jsp?catid=12&pageNo=4")]


# ---------------------------------------------------------------- dispatch


def test_read_list_page_picks_the_adapter_by_content() -> None:
    assert [read_list_page(u, t).cms for u, t in [
        (TRS_URL, TRS_LIST), (HANWEB_URL, HANWEB_COLUMN), (EPOINT_URL, EPOINT_LIST), (PAGER_URL, _plain_list(""))]
    ] == ["trs", "hanweb", "epoint", "pager"]


def test_the_registry_tries_three_platforms_then_the_generic_pager() -> None:
    assert [p.cms for p in (*PLATFORMS, GENERIC)] == ["trs", "hanweb", "epoint", "pager"]


def test_every_platform_module_declares_the_platform_it_reads() -> None:
    assert [module.PLATFORM for module in (trs, hanweb, epoint, pager)] == [*PLATFORMS, GENERIC]


@pytest.mark.parametrize("cms, expected", [("trs", "trs"), ("Hanweb", "hanweb"), (" epoint ", "epoint"),
                                           ("pager", "pager"), ("gkmlpt", None), ("", None), (None, None)])
def test_the_registrys_cms_names_a_platform_or_none(cms, expected) -> None:
    found = platform(cms)
    assert (found.cms if found else None) == expected


def test_a_page_no_platform_recognises_is_the_generic_pagers() -> None:
    assert detect(PAGER_URL, _plain_list("")) is GENERIC


def test_the_registrys_platform_is_not_taken_for_a_page_it_does_not_recognise() -> None:
    assert detect(TRS_URL, TRS_LIST, prefer="epoint").cms == "trs"


def test_preferred_adapter_is_tried_first():
    page = "<html><body><ul><li><a href='/a/1.html'>一</a></li></ul><a href='?page=2'>下一页</a>" \
           "<script>createPageHTML(3, 0, 'index', 'html');</script></body></html>"
    assert read_list_page("http://x.gov.cn/nb/index.html", page, prefer="pager").cms == "pager"
    assert read_list_page("http://x.gov.cn/nb/index.html", page).cms == "trs"
