"""Write the sample portal (crawler/sampleportal/site/): 浑江区人民政府 in two states, and its manifest.

    .venv/bin/python tests/sampleportal_build.py

Run at development time; the output is committed. Every report file is parsed with
``parsers.parse_files`` before the manifest is written, and the build fails unless each one gives
the agency, year, template and totals the manifest states (and the non-reports are refused).

``site/state1`` holds every file of the first visit; ``site/state2`` only the files that differ or
are new at the second visit, its ``_portal.json`` (complete otherwise) naming ``"base": "state1"`` and
the paths withdrawn since (``"removed"``): the server looks a path up in state2, then in state1.

The portal (paths are the same in both states):

- ``/`` home (50+ links, external ones too), ``/zwgk/index.html`` 政府信息公开 landing page;
- TRS WCM: ``/zwgk/zfxxgknb/`` (政府信息公开年报, 3 pages by ``createPageHTML``) and its
  sub-column ``/zwgk/zfxxgknb/bmnb/`` (部门年报, 2 pages); details ``./YYYYMM/tYYYYMMDD_N.html``,
  attachments ``./P0….pdf|docx`` with ``OLDSRC``;
- 大汉 Hanweb: ``/col/col5678/index.html`` (乡镇街道年报; 3 records in the page, the rest from
  ``/module/web/jpage/dataproxy.jsp``), articles ``/art/Y/M/D/art_5678_N.html`` (gb2312),
  DOC attachments through ``/module/download/downfile.jsp?classid=0&filename=KEY``;
- GBK self-built list ``/bm/sjj/gknb/index.html`` → ``list_2.html`` (审计局), served with a wrong
  ``charset=utf-8`` header;
- 新点 Epoint ``/info/iList.jsp?cat_id=77&cur_page=N`` (共2页), details ``/info/iContent.jsp?infoid=…``;
- noise: a notice, the 指南, a 404 link, a robots-disallowed ``/private/`` link, a report listed twice.

Manifest (``site/manifest.json``)::

    {"portal": {name, adcode, province, city, county, home, report_column},
     "states": {"state1": {
         "visited": "YYYY-MM-DD",
         "reports": [{"id", "agency" (as the report names itself), "body" (normalised name), "level",
                      "year", "template", "published", "cms", "formats": [...], "page": URL,
                      "urls": [page and attachment URLs], "listed_on": [list URLs], "list_date",
                      "files": [{"url", "format", "path", "sha256"}],
                      "requests_new_total", "requests_total_total", "appeals_review_total"}],
         "noise": [{"url", "kind": notice|guide|broken|robots|attachment_page..., "status", "listed_on"}],
         "duplicates": [{"id", "url", "listed_on": [two lists]}],
         "lists": [{"url", "cms", "pages": [URLs]}],
         "withdrawn": [{"id", "urls"}], "changed": [{"id", "urls", "before": totals, "after": totals}],
         "added": [ids]}, "state2": {...}}}

URLs are paths on the portal ("/zwgk/…"); join them to the server's URL. A file's ``path`` is where
its bytes are stored, relative to ``site/`` ("state1/zwgk/…"): a state2 file unchanged since state1
is stored in state1.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import hashlib
import html
import itertools
import json
import shutil
import struct
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import reportgen as rg  # noqa: E402

SITE = ROOT / "crawler" / "sampleportal" / "site"
NAME, ADCODE = "浑江区人民政府", "220602"
VISITS = {"state1": "2025-04-10", "state2": "2026-02-10"}
ESC = html.escape


# ---------------------------------------------------------------- the reports

@dataclass
class Entry:
    """One report of the portal and where it is published."""

    id: str
    agency: str                 # as the report names itself
    body: str                   # the body's normalised name
    level: str                  # county, department, town
    year: int
    template: str               # 2019, 2021, pre2019
    published: datetime.date
    cms: str                    # trs, hanweb, gbk, epoint
    form: str                   # html, html+pdf, docx (page + attachment), doc (page + attachment)
    page: str                   # URL of its page
    seed: int = 0
    attachment: str | None = None           # URL of the attachment
    listed_on: tuple[str, ...] = ()
    spec: rg.ReportSpec | None = None
    files: dict[str, bytes] = field(default_factory=dict)   # state path -> bytes
    file_urls: dict[str, str] = field(default_factory=dict)  # state path -> URL


def find_spec(seed: int, template: str, agency: str, short_name: str, year: int,
              published: datetime.date) -> rg.ReportSpec:
    """The first spec from ``seed`` on with realistic figures, renamed to this body and year."""
    for candidate in itertools.count(seed):
        spec = rg.make_spec(candidate, template)
        new = spec.requests["new"]["total"]
        if 8 <= new <= 2500 and spec.requests["carried_forward"]["total"] is not None:
            return dataclasses.replace(spec, agency=agency, short_name=short_name, year=year, published=published)
    raise AssertionError("unreachable")


def revised(spec: rg.ReportSpec, extra: int = 3) -> rg.ReportSpec:
    """The same report re-published with corrected figures: ``extra`` more applications granted,
    one more review upheld; every printed identity still holds."""
    new = copy.deepcopy(spec)
    requests, appeals = new.requests, new.appeals
    for row in ("new", "granted"):
        requests[row]["natural_person"] += extra
        requests[row]["total"] += extra
    requests["total"]["natural_person"] += extra
    requests["total"]["total"] += extra
    appeals["review"]["upheld"] += 1
    appeals["review"]["total"] += 1
    for table, row, column in (("requests", "new", "natural_person"), ("requests", "new", "total"),
                               ("requests", "granted", "natural_person"), ("requests", "granted", "total"),
                               ("requests", "total", "natural_person"), ("requests", "total", "total"),
                               ("appeals", "review", "upheld"), ("appeals", "review", "total")):
        value = (requests if table == "requests" else appeals)[row][column]
        new.cell_texts[f"{table}/{row}/{column}"] = str(value)
    assert rg.failing_rules(new) == (), rg.failing_rules(new)
    return new


def totals(spec: rg.ReportSpec | None) -> dict[str, int | None]:
    if spec is None:
        return {"requests_new_total": None, "requests_total_total": None, "appeals_review_total": None}
    return {"requests_new_total": spec.requests["new"]["total"],
            "requests_total_total": spec.requests["total"]["total"],
            "appeals_review_total": spec.appeals["review"]["total"]}


D = datetime.date
MAIN, BMNB = "/zwgk/zfxxgknb/", "/zwgk/zfxxgknb/bmnb/"
HANWEB_COL = "/col/col5678/index.html"
SJJ = "/bm/sjj/gknb/"
EPOINT_LIST = "/info/iList.jsp?cat_id=77&cur_page=1"


def trs_page(column: str, day: D, number: int) -> str:
    return f"{column}{day:%Y%m}/t{day:%Y%m%d}_{number}.html"


def hanweb_page(day: D, number: int) -> str:
    return f"/art/{day.year}/{day.month}/{day.day}/art_5678_{number}.html"


def entries() -> list[Entry]:
    """Every report of state1 (state2 adds one), in no particular order."""
    def e(id, agency, body, level, year, template, published, cms, form, page, seed, attachment=None):
        return Entry(id, agency, body, level, year, template, published, cms, form, page, seed, attachment)

    gov = "浑江区人民政府"
    return [
        # TRS 政府信息公开年报: the district government
        e("gov-2017", gov, gov, "county", 2017, "pre2019", D(2018, 3, 30), "trs", "html",
          trs_page(MAIN, D(2018, 3, 30), 1001), 0),
        e("gov-2020", gov, gov, "county", 2020, "2019", D(2021, 3, 25), "trs", "html",
          trs_page(MAIN, D(2021, 3, 25), 1002), 2020),
        e("gov-2022", "白山市浑江区人民政府", gov, "county", 2022, "2021", D(2023, 3, 28), "trs", "html",
          trs_page(MAIN, D(2023, 3, 28), 1004), 2022),
        e("gov-2023", gov, gov, "county", 2023, "2021", D(2024, 3, 25), "trs", "html+pdf",
          trs_page(MAIN, D(2024, 3, 25), 1006), 2023, f"{MAIN}202403/P020240325536871420563.pdf"),
        e("gov-2024", gov, gov, "county", 2024, "2021", D(2025, 3, 20), "trs", "docx",
          trs_page(MAIN, D(2025, 3, 20), 1008), 2024, f"{MAIN}202503/P020250320385176420913.docx"),
        e("fgj-2023", "浑江区发展和改革局", "浑江区发展和改革局", "department", 2023, "2021", D(2024, 1, 18), "trs",
          "html", trs_page(MAIN, D(2024, 1, 18), 1005), 3023),
        # TRS 部门年报
        e("jyj-2023", "浑江区教育局", "浑江区教育局", "department", 2023, "2021", D(2024, 1, 22), "trs", "docx",
          trs_page(BMNB, D(2024, 1, 22), 2004), 4023, f"{BMNB}202401/P020240122612093845127.docx"),
        e("jyj-2024", "浑江区教育局", "浑江区教育局", "department", 2024, "2021", D(2025, 1, 15), "trs", "html",
          trs_page(BMNB, D(2025, 1, 15), 2007), 4024),
        e("czj-2023", "浑江区财政局", "浑江区财政局", "department", 2023, "2021", D(2024, 1, 19), "trs", "html",
          trs_page(BMNB, D(2024, 1, 19), 2005), 5023),
        e("czj-2024", "浑江区财政局", "浑江区财政局", "department", 2024, "2021", D(2025, 1, 16), "trs", "html",
          trs_page(BMNB, D(2025, 1, 16), 2008), 5024),
        e("wjj-2023", "浑江区卫生健康局", "浑江区卫生健康局", "department", 2023, "2021", D(2024, 1, 12), "trs", "html",
          trs_page(BMNB, D(2024, 1, 12), 2003), 6023),
        e("wjj-2024", "浑江区卫生健康局", "浑江区卫生健康局", "department", 2024, "2021", D(2025, 1, 10), "trs", "docx",
          trs_page(BMNB, D(2025, 1, 10), 2006), 6024, f"{BMNB}202501/P020250110739264018355.docx"),
        # 大汉 乡镇街道年报
        e("htyz-2024", "红土崖镇人民政府", "红土崖镇人民政府", "town", 2024, "2021", D(2025, 3, 10), "hanweb", "html",
          hanweb_page(D(2025, 3, 10), 9008), 7024),
        e("hkjd-2024", "河口街道办事处", "河口街道办事处", "town", 2024, "2021", D(2025, 3, 6), "hanweb", "html",
          hanweb_page(D(2025, 3, 6), 9007), 8024),
        e("ldjz-2024", "六道江镇人民政府", "六道江镇人民政府", "town", 2024, "2021", D(2025, 2, 26), "hanweb", "html",
          hanweb_page(D(2025, 2, 26), 9006), 9024),
        e("htyz-2023", "红土崖镇人民政府", "红土崖镇人民政府", "town", 2023, "2021", D(2024, 3, 12), "hanweb", "doc",
          hanweb_page(D(2024, 3, 12), 9005), 7023,
          "/module/download/downfile.jsp?classid=0&filename=2403121530271985.doc"),
        e("hkjd-2023", "河口街道办事处", "河口街道办事处", "town", 2023, "2021", D(2024, 3, 8), "hanweb", "doc",
          hanweb_page(D(2024, 3, 8), 9004), 8023,
          "/module/download/downfile.jsp?classid=0&filename=2403081011556702.doc"),
        e("ldjz-2023", "六道江镇人民政府", "六道江镇人民政府", "town", 2023, "2021", D(2024, 2, 28), "hanweb", "html",
          hanweb_page(D(2024, 2, 28), 9003), 9023),
        e("qdjz-2022", "七道江镇人民政府", "七道江镇人民政府", "town", 2022, "2021", D(2023, 3, 15), "hanweb", "html",
          hanweb_page(D(2023, 3, 15), 9002), 10022),
        # GBK 审计局
        e("sjj-2022", "浑江区审计局", "浑江区审计局", "department", 2022, "2021", D(2023, 1, 13), "gbk", "html",
          f"{SJJ}content_3021.html", 11022),
        e("sjj-2023", "浑江区审计局", "浑江区审计局", "department", 2023, "2021", D(2024, 1, 17), "gbk", "html",
          f"{SJJ}content_3187.html", 11023),
        e("sjj-2024", "浑江区审计局", "浑江区审计局", "department", 2024, "2021", D(2025, 1, 14), "gbk", "html",
          f"{SJJ}content_3342.html", 11024),
        # 新点 Epoint
        e("mzj-2024", "浑江区民政局", "浑江区民政局", "department", 2024, "2021", D(2025, 1, 21), "epoint", "html",
          "/info/iContent.jsp?infoid=7f3c9a2e-5b1d-4e8a-9c61-2d0b8e4f1a37", 12024),
        e("zjj-2024", "浑江区住房和城乡建设局", "浑江区住房和城乡建设局", "department", 2024, "2021", D(2025, 1, 24),
          "epoint", "html", "/info/iContent.jsp?infoid=b21e6d40-8f7c-4a93-a5e2-63c9f0d18b54", 13024),
    ]


ADDED = Entry("jyj-2025", "浑江区教育局", "浑江区教育局", "department", 2025, "2021", D(2026, 1, 20), "trs", "html",
              trs_page(BMNB, D(2026, 1, 20), 2011), 4025)
CHANGED_ID, CHANGED_LIST_DATE = "czj-2024", D(2025, 6, 18)
WITHDRAWN_ID = "ldjz-2023"
DUPLICATE_ID = "jyj-2024"
SHORT_NAMES = {"浑江区人民政府": "浑江区", "白山市浑江区人民政府": "浑江区"}


def short_name(agency: str) -> str:
    if agency in SHORT_NAMES:
        return SHORT_NAMES[agency]
    for suffix in ("人民政府", "办事处"):
        if agency.endswith(suffix):
            return agency[:-len(suffix)]
    return agency.replace("浑江区", "区")


def attach_specs(all_entries: list[Entry]) -> None:
    for entry in all_entries:
        if entry.template != "pre2019":
            entry.spec = find_spec(entry.seed * 10 + 7, entry.template, entry.agency, short_name(entry.agency),
                                   entry.year, entry.published)


# ---------------------------------------------------------------- the portal's chrome (UTF-8 pages)

NAV = (
    ("走进浑江", "/zjhj/", (("浑江概况", "hjgk"), ("历史沿革", "lsyg"), ("行政区划", "xzqh"), ("自然资源", "zrzy"),
                          ("旅游资源", "lyzy"))),
    ("新闻中心", "/xwzx/", (("浑江要闻", "hjyw"), ("部门动态", "bmdt"), ("乡镇动态", "xzdt"), ("通知公告", "tzgg"),
                          ("图片新闻", "tpxw"))),
    ("政务公开", "/zwgkzl/", (("领导之窗", "ldzc"), ("政策文件", "zcwj"), ("政策解读", "zcjd"), ("规划计划", "ghjh"),
                            ("财政预决算", "czyjs"), ("人事信息", "rsxx"), ("重点领域", "zdly"), ("建议提案办理", "jyta"))),
    ("政府信息公开", "/zwgk/", ()),
    ("办事服务", "/bsfw/", (("个人办事", "grbs"), ("法人办事", "frbs"), ("便民服务", "bmfw"), ("办事指南", "bszn"))),
    ("互动交流", "/hdjl/", (("区长信箱", "qzxx"), ("在线访谈", "zxft"), ("征集调查", "zjdc"), ("常见问题", "cjwt"))),
)
FOOTER_LINKS = (("关于我们", "/gywm/index.html"), ("网站地图", "/wzdt/index.html"), ("联系我们", "/lxwm/index.html"),
                ("隐私声明", "/yssm/index.html"), ("使用帮助", "/sybz/index.html"))
EXTERNAL_LINKS = (("中国政府网", "https://www.gov.cn/"), ("吉林省人民政府", "http://www.jl.gov.cn/"),
                  ("白山市人民政府", "http://www.cbs.gov.cn/"), ("政府网站找错", "https://zfwzzc.www.gov.cn/"))
NEWS = (("浑江区召开2025年政务公开工作推进会", "/xwzx/hjyw/202504/t20250408_301.html"),
        ("区政府常务会议研究部署一季度重点工作", "/xwzx/hjyw/202504/t20250402_298.html"),
        ("浑江区开展优化营商环境专项督查", "/xwzx/hjyw/202503/t20250327_294.html"),
        ("红土崖镇推进人居环境整治提升", "/xwzx/xzdt/202503/t20250321_290.html"),
        ("区卫生健康局开展义诊进社区活动", "/xwzx/bmdt/202503/t20250318_287.html"),
        ("关于做好2025年春季森林防火工作的通告", "/xwzx/tzgg/202503/t20250312_283.html"))
SPECIALS = (("学习贯彻党的二十届三中全会精神", "/ztzl/xxgc/index.html"), ("优化营商环境", "/ztzl/yhyshj/index.html"),
            ("乡村振兴", "/ztzl/xczx/index.html"), ("安全生产", "/ztzl/aqsc/index.html"))
ZWGK_LINKS = (("政府信息公开指南", "/zwgk/zfxxgkzn/index.html"), ("政府信息公开制度", "/zwgk/zfxxgkzd/index.html"),
              ("法定主动公开内容", "/zwgk/fdzdgknr/index.html"), ("政府信息公开年报", "/zwgk/zfxxgknb/index.html"),
              ("依申请公开", "/zwgk/ysqgk/index.html"))


def header() -> str:
    nav = "".join(f'<li><a href="{path}index.html">{name}</a></li>' for name, path, _ in NAV)
    return f"""<div class="topbar"><span>欢迎访问浑江区人民政府网站</span>
<a href="/index.html">首页</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="/sybz/index.html">无障碍浏览</a></div>
<div class="header"><a href="/index.html" class="logo"><img src="/images/logo.png" alt="浑江区人民政府"></a>
<form action="/index.html" class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/index.html">首页</a></li>{nav}</ul></div>"""


def footer() -> str:
    internal = " | ".join(f'<a href="{path}">{name}</a>' for name, path in FOOTER_LINKS)
    external = "".join(f'<option value="{url}">{name}</option>' for name, url in EXTERNAL_LINKS)
    links = "".join(f'<a href="{url}" target="_blank">{name}</a> ' for name, url in EXTERNAL_LINKS)
    return f"""<div class="links"><span>相关链接：</span>{links}<select onchange="window.open(this.value)">{external}</select></div>
<div class="footer"><p>{internal}</p>
<p>主办单位：白山市浑江区人民政府办公室　承办单位：浑江区政务服务和数字化建设管理局</p>
<p>网站标识码：2206020001　吉ICP备05001234号　吉公网安备 22060202000123号</p></div>"""


def breadcrumb(crumbs: tuple[tuple[str, str], ...]) -> str:
    trail = "".join(f' &gt; <a href="{path}">{name}</a>' for name, path in crumbs)
    return f'<div class="position">当前位置：<a href="/index.html">首页</a>{trail}</div>'


def portal_page(title: str, body: str, crumbs: tuple[tuple[str, str], ...] = (), meta: str = "") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="浑江区人民政府">
<meta name="SiteIDCode" content="2206020001">
{meta}<title>{ESC(title)}_浑江区人民政府</title>
<link rel="stylesheet" href="/images/common.css">
<script src="/images/common.js"></script>
</head>
<body>
{header()}
{breadcrumb(crumbs)}
<div class="main">
{body}
</div>
{footer()}
</body>
</html>
""".encode("utf-8")


def link_list(items: list[tuple[str, str, D | None]], css: str = "list") -> str:
    rows = "".join(f'<li><a href="{ESC(url)}" target="_blank" title="{ESC(title)}">{ESC(title)}</a>'
                   f'{f"<span>{day.isoformat()}</span>" if day else ""}</li>' for title, url, day in items)
    return f'<ul class="{css}">{rows}</ul>'


COMMON_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",sans-serif;color:#333}
a{color:#333;text-decoration:none}.nav{background:#b7141e}.nav li{display:inline-block;padding:0 18px}
.nav a{color:#fff}.list li{border-bottom:1px dashed #ddd}.list span{float:right;color:#999}
.TRS_Editor,#zoom{font-size:16px}.footer{background:#f3f3f3;text-align:center}
"""
# TRS WCM's pager, as the templates include it.
COMMON_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span> ");
  else document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a> ");
  if(nCurrIndex > 0) document.write("<a href=\\"" + (nCurrIndex == 1 ? _sPageName : _sPageName + "_" + (nCurrIndex - 1)) + "." + _sPageExt + "\\">上一页</a> ");
  if(nCurrIndex + 1 < _nPageCount) document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\\">下一页</a> ");
  document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
}
"""


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xb7\x14\x1e")) + chunk(b"IEND", b""))


def chrome_files() -> dict[str, bytes]:
    """Home, landing page, stubs behind every navigation link, robots.txt, the private page."""
    files: dict[str, bytes] = {
        "robots.txt": b"User-agent: *\nDisallow: /private/\n",
        "images/common.css": COMMON_CSS.encode(), "images/common.js": COMMON_JS.encode(),
        "images/logo.png": tiny_png(),
    }
    files["index.html"] = home_page()
    files["zwgk/index.html"] = landing_page()
    for name, path, subs in NAV:
        if path == "/zwgk/":
            continue
        sub_links = [(sub, f"{path}{slug}/index.html", None) for sub, slug in subs]
        files[f"{path[1:]}index.html"] = portal_page(name, f"<h2>{name}</h2>{link_list(sub_links)}", ((name, f"{path}index.html"),))
        for sub, slug in subs:
            text = f"<h2>{sub}</h2><p>本栏目发布{sub}相关信息。</p>{link_list(sub_links, 'side')}"
            files[f"{path[1:]}{slug}/index.html"] = portal_page(sub, text, ((name, f"{path}index.html"),
                                                                             (sub, f"{path}{slug}/index.html")))
    for title, path in (*FOOTER_LINKS, *SPECIALS, *ZWGK_LINKS[1:3], ZWGK_LINKS[4]):
        files[path[1:]] = portal_page(title, f"<h2>{ESC(title)}</h2><p>{ESC(title)}栏目内容正在建设中。</p>", ((title, path),))
    for title, path in NEWS:
        body = (f'<h1>{ESC(title)}</h1><div class="TRS_Editor"><p style="text-indent:2em;">近日，{ESC(title)}。'
                "会议强调，要坚持以人民为中心，扎实做好各项工作。</p></div>")
        files[path[1:]] = portal_page(title, body, (("新闻中心", "/xwzx/index.html"),))
    files["zwgk/zfxxgkzn/index.html"] = guide_page()
    files["private/2024/nbcg.html"] = portal_page(
        "浑江区2024年政府信息公开工作年度报告（内部审核稿）", "<h1>内部审核稿</h1><p>本页面仅供内部审核使用。</p>")
    return files


def news_date(url: str) -> D:
    stamp = url.rsplit("/t", 1)[1]
    return D(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))


def home_page() -> bytes:
    blocks = []
    for name, path, subs in NAV:
        links = [(sub, f"{path}{slug}/index.html", None) for sub, slug in subs]
        if path == "/zwgk/":
            links = [(title, url, None) for title, url in ZWGK_LINKS]
        blocks.append(f'<div class="block"><h3><a href="{path}index.html">{name}</a></h3>{link_list(links)}</div>')
    news = link_list([(title, url, news_date(url)) for title, url in NEWS])
    specials = link_list([(title, url, None) for title, url in SPECIALS], "special")
    body = (f'<div class="banner"><a href="/zwgk/index.html"><img src="/images/logo.png" alt="政府信息公开"></a></div>'
            f'<div class="news"><h3>浑江要闻</h3>{news}</div><div class="ztzl"><h3>专题专栏</h3>{specials}</div>'
            f'<div class="xxgk"><a href="/zwgk/index.html" class="xxgk-entry">政府信息公开</a></div>'
            + "".join(blocks))
    return portal_page("首页", body).replace("<title>首页_浑江区人民政府</title>".encode(), "<title>浑江区人民政府</title>".encode())


def landing_page() -> bytes:
    links = link_list([(title, url, None) for title, url in ZWGK_LINKS], "xxgk-nav")
    departments = link_list([("浑江区教育局", "/zwgk/zfxxgknb/bmnb/index.html", None),
                             ("浑江区审计局", "/bm/sjj/gknb/index.html", None),
                             ("乡镇（街道）", HANWEB_COL, None)], "dept")
    body = (f"<h2>政府信息公开</h2>{links}<div class=\"xxgk-desc\"><p>根据《中华人民共和国政府信息公开条例》，"
            f"浑江区人民政府建立政府信息公开平台，集中发布法定主动公开内容。</p></div><h3>部门和乡镇信息公开</h3>{departments}")
    return portal_page("政府信息公开", body, (("政府信息公开", "/zwgk/index.html"),))


def guide_page() -> bytes:
    text = ("<h1>浑江区人民政府信息公开指南</h1><div class=\"TRS_Editor\">"
            "<p>为更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>"
            "<p><strong>一、公开机构</strong></p><p>浑江区人民政府办公室是本机关政府信息公开工作机构，"
            "办公地址：白山市浑江区浑江大街，办公时间：工作日上午8:30-11:30，下午13:30-17:00。</p>"
            "<p><strong>二、公开的主要内容</strong></p><p>本机关依照《条例》第十九条、第二十条规定的范围公开政府信息。</p>"
            "<p><strong>三、公开方式和程序</strong></p><p>通过政府网站、政府公报、新闻发布会等方式公开。</p>"
            "<p><strong>四、监督保障</strong></p><p>公民、法人或者其他组织认为本机关未依法履行政府信息公开义务的，"
            "可以向上一级行政机关反映。</p></div>")
    return portal_page("浑江区人民政府信息公开指南", text, (("政府信息公开", "/zwgk/index.html"),
                                                      ("政府信息公开指南", "/zwgk/zfxxgkzn/index.html")))


# ---------------------------------------------------------------- report bodies

def trs_body(spec: rg.ReportSpec) -> str:
    page = rg.render_html_trs(spec).decode("utf-8")
    start = page.index('<div class="TRS_Editor">\n') + len('<div class="TRS_Editor">\n')
    return page[start:page.index('\n</div>\n</div>\n<div class="footer">')]


def hanweb_body(spec: rg.ReportSpec) -> str:
    page = rg.render_html_hanweb(spec).decode("gb18030")
    start = page.index('<div id="zoom">\n') + len('<div id="zoom">\n')
    return page[start:page.index('\n</div>\n<div class="bt-print">')]


def pre2019_body() -> str:
    rows = (("一、主动公开情况", "", "", ""), ("（一）主动公开政府信息数", "条", "1286", "9653"),
            ("其中：主动公开规范性文件数", "条", "14", "187"), ("（二）通过不同渠道和方式公开政府信息的情况", "", "", ""),
            ("1.政府公报公开政府信息数", "条", "36", "412"), ("2.政府网站公开政府信息数", "条", "1286", "9653"),
            ("二、依申请公开情况", "", "", ""), ("（一）收到申请数", "件", "17", "126"),
            ("1.当面申请数", "件", "9", "71"), ("2.网络申请数", "件", "8", "55"),
            ("（二）申请办结数", "件", "17", "126"), ("1.按时办结数", "件", "17", "126"),
            ("三、行政复议数量", "件", "1", "6"), ("四、行政诉讼数量", "件", "0", "2"),
            ("五、依申请公开信息收取的费用", "万元", "0", "0"))
    cell = lambda text: f"<td>{ESC(text) or '&nbsp;'}</td>"  # noqa: E731
    table = "".join(f"<tr>{''.join(map(cell, row))}</tr>" for row in rows)
    return ("<p style=\"text-indent: 2em;\">本报告根据《中华人民共和国政府信息公开条例》要求，由浑江区人民政府办公室编制。"
            "本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。</p>"
            "<p><strong>一、概述</strong></p><p style=\"text-indent: 2em;\">2017年，浑江区认真贯彻落实《条例》，"
            "不断完善政府信息公开工作机制，全年主动公开政府信息1286条。</p>"
            "<p><strong>二、主动公开政府信息情况</strong></p><p style=\"text-indent: 2em;\">全年通过政府网站主动公开政府信息1286条，"
            "通过政府公报公开36条。</p>"
            "<p><strong>三、依申请公开政府信息情况</strong></p><p style=\"text-indent: 2em;\">全年共受理政府信息公开申请17件，"
            "均已按时办结。</p>"
            "<p><strong>四、政府信息公开的收费及减免情况</strong></p><p style=\"text-indent: 2em;\">本年度未收取任何费用。</p>"
            "<p><strong>五、因政府信息公开申请提起行政复议、行政诉讼的情况</strong></p>"
            "<p style=\"text-indent: 2em;\">本年度因政府信息公开申请提起行政复议1件，无行政诉讼。</p>"
            "<p><strong>六、政府信息公开工作存在的主要问题及改进情况</strong></p>"
            "<p style=\"text-indent: 2em;\">公开内容还不够全面，下一步将进一步加强培训。</p>"
            "<p><strong>附表：2017年政府信息公开情况统计表</strong></p>"
            '<table border="1" cellspacing="0" width="100%"><tbody><tr><td>指标名称</td><td>计量单位</td>'
            f"<td>本年度</td><td>历年累计</td></tr>{table}</tbody></table>"
            '<p style="text-align: right;">浑江区人民政府</p><p style="text-align: right;">2018年3月30日</p>')


def see_attachment(entry: Entry) -> str:
    return (f'<p style="text-indent: 2em;">{ESC(entry.agency)}{entry.year}年政府信息公开工作年度报告详见附件。</p>')


def trs_detail(entry: Entry, body: str, column_name: str, column_url: str) -> bytes:
    title = f"{entry.agency}{entry.year}年政府信息公开工作年度报告"
    attachment = ""
    if entry.attachment:
        name = entry.attachment.rsplit("/", 1)[1]
        attachment = (f'<div class="fj"><p>附件：<a href="./{name}" OLDSRC="/protect/{name}">'
                      f'{ESC(title)}.{name.rsplit(".", 1)[1]}</a></p></div>')
    meta = (f'<meta name="ColumnName" content="{column_name}">\n<meta name="ColumnType" content="政府信息公开年报">\n'
            f'<meta name="ArticleTitle" content="{ESC(title)}">\n<meta name="PubDate" content="{entry.published} 09:30">\n'
            f'<meta name="ContentSource" content="{ESC(entry.agency)}">\n')
    content = (f'<div class="article"><h1 class="article-title">{ESC(title)}</h1>'
               f'<div class="article-info"><span>发布时间：{entry.published.isoformat()}</span>'
               f'<span>来源：{ESC(entry.agency)}</span></div>\n<div class="TRS_Editor">\n{body}\n</div>\n{attachment}</div>')
    crumbs = (("政府信息公开", "/zwgk/index.html"), ("政府信息公开年报", f"{MAIN}index.html"))
    if column_url != f"{MAIN}index.html":
        crumbs += ((column_name, column_url),)
    return portal_page(title, content, crumbs, meta)


def report_body(entry: Entry, spec: rg.ReportSpec | None) -> str:
    if entry.template == "pre2019":
        return pre2019_body()
    if entry.form in ("docx", "doc"):
        return see_attachment(entry)
    return trs_body(spec)


# ---------------------------------------------------------------- TRS columns

def trs_list_page(column_name: str, column_path: str, items: list[tuple[str, str, D]], page: int, pages: int,
                  side: str, count_page: bool, tabs: str) -> bytes:
    script = f'createPageHTML({pages}, {page}, "index", "html");'
    if count_page:
        script = (f"var currentPage = {page};//所在页从0开始\nvar prevPage = currentPage-1//上一页\n"
                  f"var nextPage = currentPage+1//下一页\nvar countPage = {pages}//共多少页\n{script}")
    meta = (f'<meta name="ColumnName" content="{column_name}">\n<meta name="ColumnType" content="政府信息公开年报">\n'
            f'<meta name="ColumnKeywords" content="政府信息公开年报,年度报告">\n')
    body = (f'<div class="side"><h3>{column_name}</h3>{side}</div><div class="content"><h2>{column_name}</h2>'
            f'<div class="column-tabs">{tabs}</div>'
            f"{link_list(items)}\n<div class=\"page\"><script language=\"JavaScript\">\n{script}\n</script></div></div>")
    crumbs = (("政府信息公开", "/zwgk/index.html"), ("政府信息公开年报", f"{MAIN}index.html"))
    if column_path != MAIN:
        crumbs += ((column_name, f"{column_path}index.html"),)
    return portal_page(column_name, body, crumbs, meta)


def paginate(items: list, per_page: int) -> list[list]:
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]


def relative(column_path: str, url: str) -> str:
    return "./" + url[len(column_path):] if url.startswith(column_path) else url


def trs_column(column_name: str, column_path: str, items: list[tuple[str, str, D]], per_page: int, side: str,
               count_page: bool, tabs: str) -> tuple[dict[str, bytes], list[str]]:
    """The list pages of a TRS column (items newest first): files and page URLs."""
    items = sorted(items, key=lambda item: item[2], reverse=True)
    pages = paginate([(title, relative(column_path, url), day) for title, url, day in items], per_page)
    files, urls = {}, []
    for number, chunk in enumerate(pages):
        name = "index.html" if number == 0 else f"index_{number}.html"
        files[f"{column_path[1:]}{name}"] = trs_list_page(column_name, column_path, chunk, number, len(pages), side,
                                                          count_page, tabs)
        urls.append(f"{column_path}{name}")
    return files, urls


def title_of(entry: Entry) -> str:
    return f"{entry.agency}{entry.year}年政府信息公开工作年度报告"


# ---------------------------------------------------------------- Hanweb

HANWEB_MARKER = ("/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=5678&unitid=12345"
                 "&webname=%E6%B5%91%E6%B1%9F%E5%8C%BA&permissiontype=0")


def hanweb_record(title: str, url: str, day: D) -> str:
    return f'<li><a href="{url}" title="{ESC(title)}" target="_blank">{ESC(title)}</a><span>{day.isoformat()}</span></li>'


def hanweb_column(records: list[str], in_page: int, perpage: int) -> bytes:
    first = "".join(f"<record><![CDATA[{record}]]></record>" for record in records[:in_page])
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="SiteName" content="浑江区人民政府">
<meta name="ColumnName" content="乡镇街道年报">
<meta name="ColumnType" content="政府信息公开年报">
<title>乡镇街道年报_浑江区人民政府</title>
<script type="text/javascript" src="/images/common.js"></script>
</head>
<body>
{header()}
{breadcrumb((("政府信息公开", "/zwgk/index.html"), ("政府信息公开年报", MAIN + "index.html"), ("乡镇街道年报", HANWEB_COL)))}
<div class="main"><div class="side"><h3>政府信息公开年报</h3><ul><li><a href="{MAIN}index.html">区政府年报</a></li>
<li><a href="{BMNB}index.html">部门年报</a></li><li><a href="{HANWEB_COL}">乡镇街道年报</a></li></ul></div>
<div class="content"><h2>乡镇街道年报</h2>
<div id="12345"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{HANWEB_MARKER}"></a>]]></nextgroup><recordset>{first}</recordset></datastore></script>
<script language="javascript" src="{HANWEB_MARKER}"></script>
</div>
<script type="text/javascript">
var totalRecord = {len(records)};
$(function(){{ $('#12345').jpage({{ dataStore: null, perPage: {perpage}, totalRecord: {len(records)}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3, barPosition: 'bottom', showMode: 'full' }}); }});
</script>
</div></div>
{footer()}
</body>
</html>
"""
    return page.encode("utf-8")


def hanweb_article(entry: Entry, spec: rg.ReportSpec | None, title: str | None = None) -> bytes:
    title = title or title_of(entry)
    if entry.form == "doc":
        body = see_attachment(entry) + (f'<p>附件：<a href="{entry.attachment}" target="_blank">点击下载</a></p>')
    elif spec is None:
        body = ('<p style="text-indent:2em;">为进一步做好政府信息公开工作，方便公民、法人和其他组织获取政府信息，'
                "特编制本指南。</p><p>一、公开机构：镇党政综合办公室。</p><p>二、公开方式：政府网站、公开栏。</p>")
    else:
        body = hanweb_body(spec)
    page = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{ESC(title)}</title>
<meta name="ColumnName" content="乡镇街道年报">
<meta name="ColumnType" content="政府信息公开年报">
<meta name="ArticleTitle" content="{ESC(title)}">
<meta name="PubDate" content="{entry.published.isoformat()} 10:12">
</head>
<body>
<div class="top-bar"><a href="/index.html">网站首页</a> | <a href="{HANWEB_COL}">乡镇街道年报</a></div>
<table class="xxgk-info" width="100%">
<tr><td>索引号：</td><td>11220602MB1{entry.seed:05d}/{entry.published.year}-00{entry.seed % 90 + 10}</td><td>分类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>{ESC(entry.agency)}</td><td>发文日期：</td><td>{entry.published.isoformat()}</td></tr>
</table>
<table width="100%" cellspacing="0" cellpadding="0"><tr><td class="title" align="center">{ESC(title)}</td></tr></table>
<div id="zoom">
{body}
</div>
<div class="bt-print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</body>
</html>
"""
    return page.encode("gb18030")


# ---------------------------------------------------------------- GBK self-built list (审计局)

def gbk_list_page(items: list[tuple[str, str, D]], page: int, pages: int) -> bytes:
    rows = "".join(f'<tr><td class="t"><a href="{url.rsplit("/", 1)[1]}" target="_blank">{ESC(title)}</a></td>'
                   f'<td class="d">[{day.isoformat()}]</td></tr>' for title, url, day in items)
    name = lambda number: "index.html" if number == 1 else f"list_{number}.html"  # noqa: E731
    pager = f"共{pages}页 当前第{page}页 <a href=\"index.html\">首页</a> "
    if page > 1:
        pager += f'<a href="{name(page - 1)}">上一页</a> '
    if page < pages:
        pager += f'<a href="{name(page + 1)}">下一页</a> '
    pager += f'<a href="{name(pages)}">尾页</a>'
    text = f"""<html>
<head>
<meta charset="gb2312">
<title>浑江区审计局--政府信息公开年报</title>
</head>
<body>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="top"><a href="/index.html">浑江区人民政府</a> | <a href="javascript:void(0)">繁體版</a> | 浑江区审计局</td></tr>
<tr><td class="menu"><a href="/index.html">首页</a>&nbsp;|&nbsp;<a href="/zwgk/index.html">信息公开</a>&nbsp;|&nbsp;<a href="index.html">公开年报</a></td></tr>
<tr><td><table class="list" width="100%">{rows}</table></td></tr>
<tr><td class="pager" align="center">{pager}</td></tr>
<tr><td class="copyright" align="center">版权所有：浑江区审计局</td></tr>
</table>
</body>
</html>
"""
    return text.encode("gb18030")


def gbk_detail(spec: rg.ReportSpec) -> bytes:
    text = rg.render_html_plain(spec).decode("gb18030")
    text = text.replace('href="/xxgk/gknb/"', f'href="{SJJ}index.html"').replace('href="/xxgk/"', 'href="/zwgk/index.html"')
    return text.encode("gb18030")


# ---------------------------------------------------------------- 新点 Epoint

def epoint_list(items: list[tuple[str, str, D]], page: int, pages: int) -> bytes:
    rows = "".join(f'<li class="ewb-list-node clearfix"><a href="{ESC(url)}" target="_blank" class="ewb-list-name">'
                   f'{ESC(title)}</a><span class="ewb-list-date">{day.isoformat()}</span></li>' for title, url, day in items)
    pager = f'<div class="ewb-page">共{pages}页 第{page}页 '
    if page > 1:
        pager += f'<a href="iList.jsp?cat_id=77&amp;cur_page={page - 1}">上一页</a> '
    if page < pages:
        pager += f'<a href="iList.jsp?cat_id=77&amp;cur_page={page + 1}">下一页</a> '
    pager += "</div>"
    body = f'<div class="ewb-container"><h2>其他部门年报</h2><ul class="ewb-list">{rows}</ul>{pager}</div>'
    return portal_page("其他部门年报", body, (("政府信息公开年报", f"{MAIN}index.html"), ("部门年报", f"{BMNB}index.html")),
                       '<meta name="ColumnType" content="政府信息公开年报">\n')


def epoint_detail(entry: Entry, spec: rg.ReportSpec) -> bytes:
    title = title_of(entry)
    body = (f'<div class="ewb-article"><h2 class="ewb-article-tt">{ESC(title)}</h2>'
            f'<div class="ewb-article-sources">信息来源：{ESC(entry.agency)}　发布时间：{entry.published.isoformat()}</div>'
            f'<div class="ewb-article-info" id="mainContent">\n{trs_body(spec)}\n</div></div>')
    return portal_page(title, body, (("政府信息公开年报", f"{MAIN}index.html"), ("部门年报", f"{BMNB}index.html")))


# ---------------------------------------------------------------- attachments (made once, shared by both states)

RENDER_CACHE = SITE / "render_cache.json"   # entry id -> digest of the spec its attachment was rendered from


def spec_digest(entry: Entry) -> str:
    return hashlib.sha256(f"{entry.form}|{entry.spec!r}".encode()).hexdigest()


def cached_attachment(entry: Entry, cache: dict[str, dict]) -> bytes | None:
    """The committed attachment of an unchanged spec, so that a rebuild does not rewrite binaries."""
    known = cache.get(entry.id)
    if not known or known["digest"] != spec_digest(entry):
        return None
    path = SITE / known["path"]
    return path.read_bytes() if path.is_file() else None


def render_attachments(all_entries: list[Entry]) -> dict[str, bytes]:
    """entry id -> bytes of its attachment (DOCX rendered here, PDF and DOC by one LibreOffice run each)."""
    cache = json.loads(RENDER_CACHE.read_text("utf-8")) if RENDER_CACHE.exists() else {}
    out: dict[str, bytes] = {}
    jobs = []
    for entry in all_entries:
        if entry.form in ("docx", "doc", "html+pdf") and (data := cached_attachment(entry, cache)) is not None:
            out[entry.id] = data
        elif entry.form == "docx":
            out[entry.id] = rg.render_docx(entry.spec)
        elif entry.form in ("doc", "html+pdf"):
            jobs.append((entry.id, entry.spec, "doc" if entry.form == "doc" else "pdf"))
    with tempfile.TemporaryDirectory(prefix="sampleportal-") as tmp:
        for name, path in rg.write_reports(jobs, Path(tmp)).items():
            out[name] = path.read_bytes()
    return out


def downfile_key(entry: Entry) -> str:
    return entry.attachment.rsplit("filename=", 1)[1]


# ---------------------------------------------------------------- a state

@dataclass
class State:
    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    reports: list[dict] = field(default_factory=list)
    noise: list[dict] = field(default_factory=list)
    lists: list[dict] = field(default_factory=list)
    stored: dict[str, bytes] = field(default_factory=dict)   # the files written to its directory


def build_state(name: str, all_entries: list[Entry], attachments: dict[str, bytes]) -> State:
    state = State(name)
    later = name == "state2"
    live = [entry for entry in all_entries if not (later and entry.id == WITHDRAWN_ID)
            and (later or entry.id != ADDED.id)]
    specs = {entry.id: entry.spec for entry in live}
    list_dates = {entry.id: entry.published for entry in live}
    if later:
        specs[CHANGED_ID] = revised(specs[CHANGED_ID])
        list_dates[CHANGED_ID] = CHANGED_LIST_DATE
    state.files.update(chrome_files())
    listed: dict[str, list[str]] = {}
    urls: dict[str, list[tuple[str, str, str]]] = {}   # id -> (url, format, state path) of report files

    def put(url: str, data: bytes) -> str:
        path = url.lstrip("/")
        state.files[path] = data
        return path

    # report pages and attachments
    downloads: dict[str, dict] = {}
    for entry in live:
        spec = specs[entry.id]
        files: list[tuple[str, str, str]] = []
        if entry.cms == "trs":
            column = ("政府信息公开年报", f"{MAIN}index.html") if entry.page.startswith(MAIN) and not entry.page.startswith(BMNB) \
                else ("部门年报", f"{BMNB}index.html")
            page = trs_detail(entry, report_body(entry, spec), *column)
            path = put(entry.page, page)
            if entry.form in ("html", "html+pdf"):
                files.append((entry.page, "html", path))
            if entry.attachment:
                files.append((entry.attachment, entry.attachment.rsplit(".", 1)[1], put(entry.attachment, attachments[entry.id])))
        elif entry.cms == "hanweb":
            path = put(entry.page, hanweb_article(entry, spec))
            if entry.form == "doc":
                key = downfile_key(entry)
                stored = put(f"/_files/downfile/{key}", attachments[entry.id])
                downloads[key] = {"file": stored, "name": f"{title_of(entry)}.doc",
                                  "name_encoding": "gbk" if entry.id.startswith("hkjd") else "percent"}
                files.append((entry.attachment, "doc", stored))
            else:
                files.append((entry.page, "html", path))
        elif entry.cms == "gbk":
            files.append((entry.page, "html", put(entry.page, gbk_detail(spec))))
        elif entry.cms == "epoint":
            infoid = entry.page.rsplit("=", 1)[1]
            files.append((entry.page, "html", put(f"/_files/epoint/iContent_{infoid}.html", epoint_detail(entry, spec))))
        urls[entry.id] = files

    # TRS main column
    by_id = {entry.id: entry for entry in live}
    item = lambda id: (title_of(by_id[id]), by_id[id].page, list_dates[id])  # noqa: E731
    notice_url = trs_page(MAIN, D(2025, 4, 1), 1010)
    broken_url = trs_page(MAIN, D(2025, 1, 20), 1009)
    state.files[notice_url[1:]] = trs_detail_notice()
    main_items = [item(id) for id in ("gov-2017", "gov-2020", "gov-2022", "gov-2023", "gov-2024", "fgj-2023",
                                      DUPLICATE_ID)]
    main_items += [("关于2024年政府信息公开工作年度报告的公告", notice_url, D(2025, 4, 1)),
                   ("浑江区应急管理局2024年政府信息公开工作年度报告", broken_url, D(2025, 1, 20)),
                   ("浑江区2024年政府信息公开工作年度报告（内部审核稿）", "/private/2024/nbcg.html", D(2025, 3, 18)),
                   ("浑江区人民政府信息公开指南", "/zwgk/zfxxgkzn/index.html", D(2022, 6, 10))]
    main_side = (f'<ul><li><a href="{MAIN}index.html">区政府年报</a></li><li><a href="{BMNB}index.html">部门年报</a></li>'
                 f'<li><a href="{HANWEB_COL}">乡镇街道年报</a></li></ul>')
    main_tabs = (f'<a href="{MAIN}index.html" class="on">区政府年报</a> <a href="./bmnb/index.html">部门年报</a> '
                 f'<a href="{HANWEB_COL}">乡镇街道年报</a>')
    files, main_pages = trs_column("政府信息公开年报", MAIN, main_items, 5, main_side, True, main_tabs)
    state.files.update(files)
    state.lists.append({"url": f"{MAIN}index.html", "cms": "trs", "pages": main_pages})

    # TRS 部门年报
    bmnb_ids = [id for id in by_id if by_id[id].page.startswith(BMNB)]
    bmnb_side = (f'<ul><li><a href="{MAIN}index.html">区政府年报</a></li><li><a href="{BMNB}index.html">部门年报</a></li>'
                 f'<li><a href="{SJJ}index.html">浑江区审计局</a></li><li><a href="{EPOINT_LIST}">其他部门年报</a></li>'
                 f'<li><a href="{HANWEB_COL}">乡镇街道年报</a></li></ul>')
    bmnb_tabs = (f'<a href="./index.html" class="on">区直部门</a> <a href="{SJJ}index.html">浑江区审计局</a> '
                 f'<a href="/info/iList.jsp?cat_id=77&amp;cur_page=1">其他部门</a>')
    files, bmnb_pages = trs_column("部门年报", BMNB, [item(id) for id in bmnb_ids], 4, bmnb_side, False, bmnb_tabs)
    state.files.update(files)
    state.lists.append({"url": f"{BMNB}index.html", "cms": "trs", "pages": bmnb_pages})

    # Hanweb 乡镇街道年报
    hanweb_ids = sorted((id for id in by_id if by_id[id].cms == "hanweb"), key=lambda id: list_dates[id], reverse=True)
    guide = Entry("htyz-guide", "红土崖镇人民政府", "", "town", 0, "", D(2022, 6, 1), "hanweb", "html",
                  hanweb_page(D(2022, 6, 1), 9001), 9001)
    put(guide.page, hanweb_article(guide, None, "红土崖镇人民政府信息公开指南"))
    records = [hanweb_record(*item(id)) for id in hanweb_ids]
    records.append(hanweb_record("红土崖镇人民政府信息公开指南", guide.page, guide.published))
    put(HANWEB_COL, hanweb_column(records, 3, 3))
    state.lists.append({"url": HANWEB_COL, "cms": "hanweb", "pages": [HANWEB_COL]})
    state.config["hanweb"] = {"columns": {"5678": {"perpage": 3, "records": records}}}
    state.config["downloads"] = downloads

    # GBK 审计局
    sjj_items = sorted((item(id) for id in by_id if by_id[id].cms == "gbk"), key=lambda it: it[2], reverse=True)
    sjj_pages = paginate(sjj_items, 2)
    for number, chunk in enumerate(sjj_pages, 1):
        put(f"{SJJ}{'index.html' if number == 1 else f'list_{number}.html'}", gbk_list_page(chunk, number, len(sjj_pages)))
    state.lists.append({"url": f"{SJJ}index.html", "cms": "gbk",
                        "pages": [f"{SJJ}{'index.html' if n == 1 else f'list_{n}.html'}" for n in range(1, len(sjj_pages) + 1)]})
    state.config["header_overrides"] = [{"prefix": "/bm/sjj/", "content_type": "text/html; charset=utf-8"}]

    # Epoint
    epoint_items = sorted((item(id) for id in by_id if by_id[id].cms == "epoint"), key=lambda it: it[2], reverse=True)
    epoint_pages = paginate(epoint_items, 1)
    for number, chunk in enumerate(epoint_pages, 1):
        put(f"/_files/epoint/iList_77_{number}.html", epoint_list(chunk, number, len(epoint_pages)))
    state.lists.append({"url": EPOINT_LIST, "cms": "epoint",
                        "pages": [f"/info/iList.jsp?cat_id=77&cur_page={n}" for n in range(1, len(epoint_pages) + 1)]})
    state.config["query_routes"] = [
        {"path": "/info/iList.jsp", "file": "_files/epoint/iList_{cat_id}_{cur_page}.html", "defaults": {"cur_page": "1"}},
        {"path": "/info/iContent.jsp", "file": "_files/epoint/iContent_{infoid}.html"},
    ]

    # where each report is listed
    for lst in state.lists:
        for id, entry in by_id.items():
            if lst["cms"] == "trs":
                hit = any(in_list(state, page, entry.page, lst["url"]) for page in lst["pages"])
            else:
                hit = entry.cms == lst["cms"]
            if hit:
                listed.setdefault(id, []).append(lst["url"])

    for entry in live:
        spec = specs[entry.id]
        report = {"id": entry.id, "agency": entry.agency, "body": entry.body, "level": entry.level,
                  "year": entry.year, "template": entry.template, "published": entry.published.isoformat(),
                  "list_date": list_dates[entry.id].isoformat(), "cms": entry.cms,
                  "formats": [form for _, form, _ in urls[entry.id]], "page": entry.page,
                  "urls": [entry.page] + ([entry.attachment] if entry.attachment else []),
                  "listed_on": listed.get(entry.id, []),
                  "files": [{"url": url, "format": form, "path": path,
                             "sha256": hashlib.sha256(state.files[path]).hexdigest()} for url, form, path in urls[entry.id]],
                  **totals(spec)}
        state.reports.append(report)
    state.noise = [
        {"url": notice_url, "kind": "notice", "status": 200, "listed_on": [f"{MAIN}index.html"]},
        {"url": "/zwgk/zfxxgkzn/index.html", "kind": "guide", "status": 200, "listed_on": [f"{MAIN}index.html"]},
        {"url": broken_url, "kind": "broken", "status": 404, "listed_on": [f"{MAIN}index.html"]},
        {"url": "/private/2024/nbcg.html", "kind": "robots", "status": 200, "listed_on": [f"{MAIN}index.html"]},
        {"url": guide.page, "kind": "guide", "status": 200, "listed_on": [HANWEB_COL]},
    ] + [{"url": entry.page, "kind": "attachment_page", "status": 200, "listed_on": listed.get(entry.id, [])}
         for entry in live if entry.form in ("docx", "doc")]
    return state


def in_list(state: State, list_page: str, report_url: str, column_url: str) -> bool:
    column = column_url.rsplit("/", 1)[0] + "/"
    text = state.files[list_page.lstrip("/")].decode("utf-8")
    return f'href="{relative(column, report_url)}"' in text


def trs_detail_notice() -> bytes:
    title = "关于2024年政府信息公开工作年度报告的公告"
    body = (f'<div class="article"><h1 class="article-title">{title}</h1>'
            '<div class="article-info"><span>发布时间：2025-04-01</span><span>来源：浑江区人民政府办公室</span></div>\n'
            '<div class="TRS_Editor">\n<p style="text-indent: 2em;">根据《中华人民共和国政府信息公开条例》规定，'
            "现将浑江区人民政府及区政府各部门、各乡镇（街道）2024年政府信息公开工作年度报告予以公布，"
            "请登录浑江区人民政府门户网站“政府信息公开年报”栏目查阅。</p>"
            '<p style="text-indent: 2em;">联系电话：0439-3222000</p>'
            '<p style="text-align: right;">浑江区人民政府办公室</p><p style="text-align: right;">2025年4月1日</p>\n</div></div>')
    return portal_page(title, body, (("政府信息公开", "/zwgk/index.html"), ("政府信息公开年报", f"{MAIN}index.html")),
                       '<meta name="ColumnType" content="政府信息公开年报">\n')


# ---------------------------------------------------------------- checking and writing

def check_parses(states: list[State]) -> int:
    """Every report file parses to what the manifest says; the non-reports are refused."""
    from parsers import NotAReport, parse_files

    wanted: dict[str, tuple[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="sampleportal-check-") as tmp:
        paths: list[str] = []
        for state in states:
            for report in state.reports:
                for item in report["files"]:
                    if item["sha256"] in wanted:
                        continue
                    path = Path(tmp) / f"{len(paths):03d}-{report['id']}.{item['format']}"
                    path.write_bytes(state.files[item["path"]])
                    wanted[item["sha256"]] = (str(path), report)
                    paths.append(str(path))
            for noise in state.noise:
                if noise["status"] == 200 and noise["kind"] != "robots":
                    path = Path(tmp) / f"{len(paths):03d}-noise.html"
                    data = state.files.get(noise["url"].lstrip("/")) or state.files[noise["url"].lstrip("/") + "index.html"]
                    path.write_bytes(data)
                    wanted[f"noise-{len(paths)}"] = (str(path), {"id": None, "url": noise["url"]})
                    paths.append(str(path))
        results = dict(zip(paths, parse_files(paths, workers=2)))
    problems = []
    for path, report in wanted.values():
        got = results[path]
        if report["id"] is None:
            if not isinstance(got, NotAReport):
                problems.append(f"{report['url']}: a non-report parsed as {got!r:.200}")
            continue
        if isinstance(got, Exception):
            problems.append(f"{report['id']} {path}: {got}")
            continue
        got = got.to_json()
        requests, appeals = got["requests"], got["appeals"]
        parsed = {"agency": got["agency"], "year": got["year"], "template": got["template"],
                  "requests_new_total": requests.get("new", {}).get("total"),
                  "requests_total_total": requests.get("total", {}).get("total"),
                  "appeals_review_total": appeals.get("review", {}).get("total")}
        expected = {key: report[key] for key in parsed}
        if parsed != expected:
            problems.append(f"{report['id']} {Path(path).name}: parsed {parsed}, manifest {expected}")
        if report["template"] != "pre2019" and got["consistent"] is not True:
            problems.append(f"{report['id']} {Path(path).name}: checks fail {[c for c in got['checks'] if not c['ok']]}")
    if problems:
        raise AssertionError("the parser disagrees with the manifest:\n" + "\n".join(problems))
    return len(paths)


def last_modified(states: list[State], entries_by_page: dict[str, D]) -> None:
    """Per-file dates: a report's page and attachment on its publication, the rest on the visit;
    in state2 a file that differs from state1 (or is new) on the state2 visit."""
    first = states[0]
    for state in states:
        paths = {}
        for path, data in state.files.items():
            day = entries_by_page.get("/" + path)
            stamp = f"{day.isoformat()}T09:30:00+08:00" if day else None
            if state is not first and first.files.get(path) != data:
                stamp = f"{VISITS[state.name]}T08:00:00+08:00"
            if stamp:
                paths["/" + path] = stamp
        state.config["last_modified"] = {"default": "2025-04-01T08:00:00+08:00", "paths": paths}


def overlay(states: list[State]) -> None:
    """The first state is stored whole; a later one as an overlay of it: only the files that differ or
    are new, its config naming the base and the paths withdrawn since. Report files' ``path`` becomes
    where their bytes are stored, relative to ``site/``."""
    base = states[0]
    for state in states:
        if state is base:
            state.stored = dict(state.files)
        else:
            state.stored = {path: data for path, data in state.files.items() if base.files.get(path) != data}
            removed = sorted("/" + path for path in base.files if path not in state.files)
            state.config = {"base": base.name, "removed": removed, **state.config}
        for report in state.reports:
            for item in report["files"]:
                item["path"] = f"{state.name if item['path'] in state.stored else base.name}/{item['path']}"


def check_served(states: list[State]) -> None:
    """What the server makes of the written directories is each state, byte for byte."""
    from crawler.sampleportal.server import load_state

    for state in states:
        served = load_state(SITE / state.name)
        assert served.files.keys() == state.files.keys(), (state.name, served.files.keys() ^ state.files.keys())
        assert all(served.files[path].read_bytes() == data for path, data in state.files.items()), state.name


def write(states: list[State], manifest: dict) -> None:
    for state in states:
        directory = SITE / state.name
        if directory.exists():
            shutil.rmtree(directory)
        for path, data in state.stored.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (directory / "_portal.json").write_text(json.dumps(state.config, ensure_ascii=False, indent=1), "utf-8")
    (SITE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")


def write_render_cache(all_entries: list[Entry], manifest: dict) -> None:
    cache = {}
    for name, state in manifest["states"].items():
        for report in state["reports"]:
            entry = next(entry for entry in all_entries if entry.id == report["id"])
            attachment = [item for item in report["files"] if item["format"] in ("pdf", "doc", "docx")]
            if attachment and entry.id not in cache:
                cache[entry.id] = {"digest": spec_digest(entry), "path": attachment[0]["path"]}
    RENDER_CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n", "utf-8")


def manifest_of(states: list[State]) -> dict:
    out = {"portal": {"name": NAME, "adcode": ADCODE, "province": "吉林省", "city": "白山市", "county": "浑江区",
                      "home": "/", "landing": "/zwgk/index.html", "report_column": f"{MAIN}index.html",
                      "robots_disallow": ["/private/"], "external_links": [url for _, url in EXTERNAL_LINKS]},
           "states": {}}
    first = {report["id"]: report for report in states[0].reports}
    for state in states:
        now = {report["id"]: report for report in state.reports}
        keys = ("requests_new_total", "requests_total_total", "appeals_review_total")
        duplicates = [{"id": id, "url": report["page"], "listed_on": report["listed_on"]}
                      for id, report in now.items() if len(report["listed_on"]) > 1]
        out["states"][state.name] = {
            "visited": VISITS[state.name], "reports": state.reports, "noise": state.noise,
            "duplicates": duplicates, "lists": state.lists,
            "withdrawn": [{"id": id, "urls": first[id]["urls"]} for id in first if id not in now],
            "changed": [{"id": id, "urls": now[id]["urls"], "before": {k: first[id][k] for k in keys},
                         "after": {k: now[id][k] for k in keys}}
                        for id in now if id in first and now[id]["files"] != first[id]["files"]],
            "added": [id for id in now if id not in first],
        }
    return out


def main() -> None:
    all_entries = entries() + [ADDED]
    attach_specs(all_entries)
    attachments = render_attachments(all_entries)
    states = [build_state(name, all_entries, attachments) for name in VISITS]
    checked = check_parses(states)
    last_modified(states, {url: entry.published for entry in all_entries
                           for url in (entry.page, entry.attachment) if url})
    overlay(states)
    manifest = manifest_of(states)
    home_links = states[0].files["index.html"].decode().count("<a href=")
    assert home_links >= 50, home_links
    write(states, manifest)
    check_served(states)
    write_render_cache(all_entries, manifest)
    size = sum(path.stat().st_size for path in SITE.rglob("*") if path.is_file())
    for state in states:
        reports = manifest["states"][state.name]["reports"]
        print(f"{state.name}: {len(reports)} reports, {sum(len(r['files']) for r in reports)} report files, "
              f"{len(state.stored)} of its {len(state.files)} files stored in {state.name}/, "
              f"{len(state.config.get('removed', []))} removed")
    print(f"files parsed and checked: {checked}; home page links: {home_links}; site: {size / 1e6:.2f} MB in {SITE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
