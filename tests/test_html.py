"""HTML pages: encodings, the report body, tables as full grids, deep nesting."""

from __future__ import annotations

import pytest

from parsers import html
from parsers.document import Cell, Table
from parsers.errors import ParseError

TITLE = "某某县人民政府2023年政府信息公开工作年度报告"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
# Table 三's head: the note cell is rowspan 3 x colspan 3, and one value cell spans five columns.
REQUEST_TABLE = (
    "<table border=1>"
    f'<tr><td rowspan="3" colspan="3">{NOTE}</td><td colspan="8">申请人情况</td></tr>'
    '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">其他</td>'
    '<td rowspan="2">总计</td></tr>'
    "<tr><td>商业<br>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>6</td><td colspan="5">0</td><td>0</td>'
    "<td>6</td></tr></table>"
)
# "=text" is a position covered by the span whose origin holds text.
REQUEST_GRID = [
    [NOTE, "=" + NOTE, "=" + NOTE, "申请人情况"] + ["=申请人情况"] * 7,
    ["=" + NOTE] * 3 + ["自然人", "法人或其他组织"] + ["=法人或其他组织"] * 4 + ["其他", "总计"],
    ["=" + NOTE] * 3 + ["=自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "=其他", "=总计"],
    ["一、本年新收政府信息公开申请数量"] + ["=一、本年新收政府信息公开申请数量"] * 2 + ["6", "0"] + ["=0"] * 4
    + ["0", "6"],
]
BODY = (
    f'<p style="text-align:center"><strong>{TITLE}</strong></p>'
    "<p>一、总体情况</p><p>　　本年度，<span>我县</span>认真贯彻落实《条例》。</p>"
    "<p>二、主动公开政府信息情况</p>"
    "<p>三、收到和处理政府信息公开申请情况</p>"
    f"{REQUEST_TABLE}"
    "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>"
)
PARAGRAPHS = [TITLE, "一、总体情况", "本年度，我县认真贯彻落实《条例》。", "二、主动公开政府信息情况",
              "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
              "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def trs_page(head: str = '<meta charset="utf-8">', body: str = BODY, container: str = 'class="TRS_Editor"') -> str:
    return (f"<html><head>{head}<title>{TITLE}_某某县人民政府</title>"
            '<meta name="PubDate" content="2024-01-20 09:30"></head>'
            '<body><div class="nav"><a href="/">首页</a> | <a href="/fanti/">繁體版</a></div>'
            f'<div class="main"><div {container}>{body}</div></div>'
            '<div class="footer">版权所有：某某县人民政府</div></body></html>')


def grid(table: Table) -> list[list[str]]:
    return [["=" + cell.text if cell.merged else cell.text for cell in row] for row in table.rows]


def test_trs_page_gives_paragraphs_table_title_and_date():
    document = html.extract(trs_page().encode("utf-8"))
    assert document.paragraphs == PARAGRAPHS
    assert [type(block).__name__ for block in document.blocks].index("Table") == 5  # after heading 三
    assert grid(document.tables[0]) == REQUEST_GRID
    assert (document.title, document.published, document.warnings) == (TITLE, "2024-01-20", [])


def test_merged_flags_mark_every_covered_position():
    rows = html.extract(trs_page().encode("utf-8")).tables[0].rows
    assert rows[0][:4] == [Cell(NOTE), Cell(NOTE, True), Cell(NOTE, True), Cell("申请人情况")]
    assert rows[3][3:10] == [Cell("6"), Cell("0")] + [Cell("0", True)] * 4 + [Cell("0")]
    assert all(len(row) == 11 for row in rows)


@pytest.mark.parametrize("head", ["<meta charset=gb2312>",
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'])
def test_gb2312_label_with_a_character_outside_gb2312_before_the_body(head):
    data = trs_page(head=head).encode("gbk")
    assert "體".encode("gbk") in data  # 繁體版 in the navigation: outside GB2312, inside GBK
    document = html.extract(data)
    assert document.paragraphs == PARAGRAPHS and grid(document.tables[0]) == REQUEST_GRID


@pytest.mark.parametrize("head", ["", '<meta charset="utf-8">'], ids=["no label", "lying utf-8 label"])
def test_gbk_page_without_a_true_label_is_detected(head):
    document = html.extract(trs_page(head=head).encode("gbk"))
    assert document.paragraphs == PARAGRAPHS and grid(document.tables[0]) == REQUEST_GRID


def test_big5_page_without_a_label_is_detected_as_big5():
    # Big5 bytes read as GBK too (into other characters): only detection tells the two apart.
    line = "本機關認真貫徹落實《條例》，依法處理政府資訊公開申請。"
    page = f"<html><head><title>年度報告</title></head><body><div class=TRS_Editor>{('<p>' + line + '</p>') * 8}</div></body></html>"
    assert html.extract(page.encode("big5")).paragraphs[0] == line


def test_utf8_page_with_a_stale_gb2312_label_reads_as_utf8():
    document = html.extract(trs_page(head="<meta charset=gb2312>").encode("utf-8"))
    assert document.paragraphs == PARAGRAPHS


def test_hanweb_zoom_page_with_spans_inside_cells():
    table = ('<table><tr><td colspan="2"><p><span>信息内容</span></p></td><td><p>本年制发件数</p></td></tr>'
             "<tr><td><p><span>自 然 人</span></p></td><td><p>法人或其他<br>组织</p></td><td><p>12</p></td></tr>"
             "</table>")
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>某某镇</title>'
            '</head><body><div class="top-bar"><a href="/fanti/">繁體版</a></div>'
            '<table><tr><td>发文日期：</td><td>2023年1月18日</td></tr></table>'
            f'<table><tr><td class="title">{TITLE}</td></tr></table>'
            f'<div id="zoom"><p>一、总体情况</p><p>二、主动公开政府信息情况</p>{table}</div></body></html>')
    document = html.extract(page.encode("gbk"))
    assert document.paragraphs == ["一、总体情况", "二、主动公开政府信息情况"]
    assert grid(document.tables[0]) == [["信息内容", "=信息内容", "本年制发件数"], ["自 然 人", "法人或其他组织", "12"]]
    assert (document.title, document.published) == (TITLE, "2023-01-18")


def test_body_found_by_its_headings_without_a_known_container():
    document = html.extract(trs_page(container='class="unknown-cms"').encode())
    assert document.paragraphs == PARAGRAPHS and len(document.tables) == 1


def test_container_that_only_links_to_a_report_loses_to_the_headings():
    page = trs_page(container='class="unknown-cms"').replace(
        '<div class="nav">', '<div class="content"><a href="/2022.html">2022年度报告</a></div><div class="nav">')
    assert html.extract(page.encode()).paragraphs == PARAGRAPHS


def test_pre_2019_report_is_found_by_its_container_naming_the_report():
    body = "<p>某某县2015年政府信息公开工作年度报告</p><p>一、概述</p><p>二、主动公开情况</p>"
    document = html.extract(trs_page(body=body).encode())
    assert document.paragraphs == ["某某县2015年政府信息公开工作年度报告", "一、概述", "二、主动公开情况"]


def test_headings_with_other_punctuation_and_spaces_inside():
    body = BODY.replace("一、总体情况", "一． 总 体 情 况").replace("二、", "二．")
    document = html.extract(trs_page(body=body, container='class="x"').encode())
    assert document.paragraphs[1] == "一． 总 体 情 况" and "版权所有：某某县人民政府" not in document.paragraphs


def test_layout_table_around_the_article_does_not_swallow_the_report_table():
    body = f"<table><tr><td>{BODY}</td><td>侧栏</td></tr></table>"
    document = html.extract(trs_page(body=body).encode())
    assert grid(document.tables[0]) == REQUEST_GRID and len(document.tables) == 1
    assert document.paragraphs == PARAGRAPHS + ["侧栏"]


def test_empty_table_inside_a_report_table_does_not_hide_it():
    table = REQUEST_TABLE.replace("<td>6</td>", "<td>6<table><tr><td> </td></tr></table></td>", 1)
    document = html.extract(trs_page(body=BODY.replace(REQUEST_TABLE, table)).encode())
    assert grid(document.tables[0]) == REQUEST_GRID


def test_cell_lines_join_without_spaces_only_between_chinese():
    table = ("<table><tr><td><p>本年新</p><p>制作数量</p></td><td>第二十条第<br>（一）项</td>"
             "<td>合计<br>12</td><td>1<br>2</td></tr></table>")
    document = html.extract(trs_page(body=f"<p>年度报告</p>{table}").encode())
    assert grid(document.tables[0]) == [["本年新制作数量", "第二十条第（一）项", "合计 12", "1 2"]]


def test_cell_of_one_styled_paragraph_reads_as_its_line():
    table = ('<table><tr><td>\n<p style="text-align:center"><span style="font-size:12px">本年新</span>收</p>\n</td>'
             '<td><p><span>本年制<br>发件数</span></p></td><td>合计<p>12</p></td><td><p>1</p><p>2</p></td></tr></table>')
    document = html.extract(trs_page(body=f"<p>年度报告</p>{table}").encode())
    assert grid(document.tables[0]) == [["本年新收", "本年制发件数", "合计 12", "1 2"]]


@pytest.mark.parametrize("style", ["DISPLAY : None", "visibility:HIDDEN", "visıbılıty: hidden"])
def test_style_hides_whatever_the_case(style):
    table = f'<table><tr><td>收到申请</td><td><span style="{style}">9</span>3</td></tr></table>'
    body = f'<p>年度报告</p><p style="{style}">隐藏段落</p><p style="display:block;color:red">可见</p>{table}'
    document = html.extract(trs_page(body=body).encode())
    assert document.paragraphs == ["年度报告", "可见"] and grid(document.tables[0]) == [["收到申请", "3"]]


def test_text_after_comments_hidden_and_script_elements():
    body = ('<p>年度报告</p><p>本年度<!-- 编辑注释 -->收到申请<script>var x = "脚本";</script>12件'
            '<span style="display: none">隐藏</span>。</p>\n<p>第一行\n第二行 and\nmore</p>')
    assert html.extract(trs_page(body=body).encode()).paragraphs == ["年度报告", "本年度收到申请12件。",
                                                                      "第一行第二行 and more"]


def test_hidden_attribute_hides_a_paragraph_a_cell_and_text_inside_a_cell():
    table = "<table><tr><td>收到申请</td><td><span hidden>9</span>3</td><td hidden>7</td></tr></table>"
    document = html.extract(trs_page(body=f"<p>年度报告</p><p hidden>隐藏段落</p>{table}").encode())
    assert document.paragraphs == ["年度报告"] and grid(document.tables[0]) == [["收到申请", "3", ""]]


def test_absurd_spans_are_clamped():
    table = '<table><tr><td rowspan="100000" colspan="100000">大</td><td>x</td></tr><tr><td>y</td></tr></table>'
    rows = html.extract(trs_page(body=f"<p>年度报告</p>{table}").encode()).tables[0].rows
    assert len(rows) == 2 and len(rows[0]) == 101
    assert rows[1][:2] == [Cell("大", True), Cell("大", True)] and rows[1][100] == Cell("y")


def test_spans_covering_millions_of_cells_skip_the_table_with_a_warning():
    table = "<table>" + '<tr><td colspan="100" rowspan="5000">0</td></tr>' * 5000 + "</table>"
    document = html.extract(trs_page(body=f"<p>年度报告</p>{table}<p>完</p>").encode())
    assert document.tables == [] and document.paragraphs == ["年度报告", "完"]
    assert document.warnings[0].startswith("table skipped")


def test_page_without_a_body_keeps_trafilatura_prose_and_the_report_table_in_place():
    prose = "".join(f"<p>第{i}段：本机关严格按照条例要求，认真做好政府信息公开工作，保障群众知情权。</p>" for i in range(6))
    page = ("<html><head><title>某某局信息公开</title></head><body>"
            '<table class="menu"><tr><td><a href="/">首页</a></td><td><a href="/a">机构概况</a></td></tr></table>'
            f"<div class='x'><h1>{TITLE}</h1>{prose}"
            "<table><tr><td>收到申请</td><td>3</td></tr></table><p>以上为本年度申请情况，均已按时答复并依法送达当事人。</p>"
            "</div></body></html>")
    document = html.extract(page.encode())
    table_at = next(i for i, block in enumerate(document.blocks) if isinstance(block, Table))
    assert grid(document.blocks[table_at]) == [["收到申请", "3"]] and len(document.tables) == 1
    assert document.blocks[table_at - 1].startswith("第5段") and document.blocks[table_at + 1].startswith("以上为")
    assert document.title == TITLE and "首页" not in document.paragraphs


def test_page_nested_100000_levels_deep_returns_quickly():
    data = b"<html><body>" + b"<div>" * 100_000 + "年度报告".encode() + b"</div>" * 100_000 + b"</body></html>"
    try:
        document = html.extract(data)
    except ParseError:
        return
    assert document.tables == [] and html.DEPTH_WARNING in document.warnings


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02"])
def test_empty_or_binary_input_is_a_parse_error_or_empty(data):
    try:
        document = html.extract(data)
    except ParseError as error:
        assert "\n" not in str(error)
    else:
        assert document.tables == []


def test_page_over_the_html_limit_is_refused_before_parsing():
    with pytest.raises(ParseError, match="too large for a report page"):
        html.extract(b"<html>" + b" " * html.MAX_PAGE_BYTES + b"</html>")

