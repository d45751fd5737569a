"""HTML pages: encodings, the report body, tables as full grids, deep nesting."""

from parsers import html
from parsers.document import Cell

TABLE = ('<table><tr><td rowspan="2" colspan="2">申请人情况</td><td>自然人</td></tr>'
         '<tr><td colspan="3">0</td></tr></table>')
BODY = ("<p>某某县人民政府2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>正文<b>加粗</b>继续</p>"
        f"<p>二、主动公开政府信息情况</p>{TABLE}<p>三、收到和处理政府信息公开申请情况</p>")


def page(body: str, head: str = '<meta charset="utf-8">', container: str = 'class="TRS_Editor"') -> str:
    return (f"<html><head>{head}<title>某某县人民政府</title></head><body><div class=nav>繁體版 首页 导航</div>"
            f"<div {container}>{body}</div><div class=footer>版权所有</div></body></html>")


def test_trs_body_gives_paragraphs_in_order_without_navigation():
    document = html.extract(page(BODY).encode())
    assert document.paragraphs == ["某某县人民政府2023年政府信息公开工作年度报告", "一、总体情况", "正文加粗继续",
                                   "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def test_spans_expand_into_a_full_grid_with_merged_copies():
    grid = html.extract(page(BODY).encode()).tables[0].rows
    assert grid == [
        [Cell("申请人情况"), Cell("申请人情况", True), Cell("自然人"), Cell(""), Cell("")],
        [Cell("申请人情况", True), Cell("申请人情况", True), Cell("0"), Cell("0", True), Cell("0", True)],
    ]


def test_gb2312_label_with_characters_outside_gb2312_still_reads():
    data = page(BODY, head='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gb18030")
    assert html.extract(data).tables[0].rows[0][2] == Cell("自然人")


def test_gbk_page_without_meta_is_detected():
    data = page(BODY, head="").encode("gbk", errors="ignore")
    assert "一、总体情况" in html.extract(data).paragraphs


def test_hanweb_zoom_container():
    document = html.extract(page(BODY, container='id="zoom"').encode())
    assert document.paragraphs[0].endswith("年度报告") and len(document.tables) == 1


def test_body_found_by_headings_without_a_known_container():
    document = html.extract(page(BODY, container='class="unknown-cms"').encode())
    assert "版权所有" not in document.paragraphs and len(document.tables) == 1


def test_layout_table_around_the_article_is_not_the_report_table():
    document = html.extract(page(f"<table><tr><td>{BODY}</td></tr></table>").encode())
    assert len(document.tables) == 1 and document.tables[0].rows[0][2].text == "自然人"


def test_cell_lines_join_without_spaces_between_chinese():
    document = html.extract(page("<table><tr><td><p>本年新</p><p>制作数量</p></td><td>1 <br> 2</td></tr></table>"
                                 "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>").encode())
    assert [c.text for c in document.tables[0].rows[0]] == ["本年新制作数量", "1 2"]


def test_title_from_the_page_and_date_from_meta():
    head = '<meta charset="utf-8"><meta name="PubDate" content="2024-01-20 09:30">'
    document = html.extract(page(BODY, head=head).replace("<title>某某县人民政府</title>",
                                                          "<title>某某县人民政府2023年政府信息公开工作年度报告</title>").encode())
    assert (document.title, document.published) == ("某某县人民政府2023年政府信息公开工作年度报告", "2024-01-20")


def test_deeply_nested_page_returns_quickly():
    data = b"<html><body>" + b"<div>" * 200_000 + "年度报告".encode() + b"</div>" * 200_000 + b"</body></html>"
    assert html.extract(data).tables == []
