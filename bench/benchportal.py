"""A big generated county portal (TRS style) and a fast server for it, for the crawl benchmark.

The portal: home page → 政府信息公开 landing page → the report column /zwgk/zfxxgknb/ with two
sub-columns (部门年报, 乡镇街道年报) in its tabs; each column is paged by
``createPageHTML(N, K, "index", "html")`` (index.html, index_1.html …), 20 entries a page, each
entry a report detail page ``./2024MM/t2024MMDD_N.html`` with the report in div.TRS_Editor.
About one report page in 25 also links its report as a .docx attachment.

Report pages come from tests/reportgen.py: 50 distinct reports, each reused with the agency
renamed (…第N局), so every page is a distinct report and a distinct body of bytes.

The server (aiohttp, one process) serves the files from memory with an ETag and a
Last-Modified, answers If-None-Match / If-Modified-Since with 304, and counts what it served:
GET /_bench/stats gives the counts as JSON, /_bench/stats?reset=1 gives them and starts again.

    python bench/benchportal.py build DIR --pages 10000
    python bench/benchportal.py serve DIR --port 8765
    python bench/benchportal.py load http://127.0.0.1:8765/ DIR     # requests/s of the server alone
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import html
import io
import json
import math
import os
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MANIFEST = "_manifest.json"
STATS_PATH = "/_bench/stats"
PER_PAGE = 20
ATTACHMENT_EVERY = 25
BASE_REPORTS = 50
SITE_NAME = "北林区人民政府"
COLUMNS = (  # (directory under /zwgk/zfxxgknb/, tab title)
    ("", "区政府年报"),
    ("bmnb/", "部门年报"),
    ("xzjdnb/", "乡镇街道年报"),
)
# One modification time for every file, so a rebuilt portal answers the same validators.
MTIME = 1_735_689_600  # 2025-01-01 00:00:00 UTC


# ---------------------------------------------------------------- page templates

def _shell(title: str, position: str, main: str, metas: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteIDCode" content="2312020001">
{metas}<title>{title}_{SITE_NAME}</title>
<link rel="stylesheet" href="/images/common.css">
<script src="/images/common.js"></script>
</head>
<body>
<div class="topbar"><span>欢迎访问{SITE_NAME}网站</span>
<a href="/index.html">首页</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="/sybz/index.html">无障碍浏览</a></div>
<div class="header"><a href="/index.html" class="logo"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<form action="/index.html" class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/index.html">首页</a></li><li><a href="/zjbl/index.html">走进北林</a></li><li><a href="/xwzx/index.html">新闻中心</a></li><li><a href="/zwgk/index.html">政府信息公开</a></li><li><a href="/bsfw/index.html">办事服务</a></li><li><a href="/hdjl/index.html">互动交流</a></li></ul></div>
<div class="position">当前位置：{position}</div>
<div class="main">
{main}
</div>
<div class="footer"><p><a href="/gywm/index.html">关于我们</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a></p>
<p>主办单位：绥化市北林区人民政府办公室</p><p>网站标识码：2312020001　黑ICP备05001234号</p></div>
</body>
</html>
"""


def _home() -> str:
    news = "".join(f'<li><a href="/xwzx/bldt/202504/t202504{day:02d}_{300 + day}.html" target="_blank">'
                   f"北林区召开第{day}次政务工作推进会</a><span>2025-04-{day:02d}</span></li>" for day in range(1, 9))
    main = (f'<div class="banner"><a href="/zwgk/index.html"><img src="/images/logo.png" alt="政府信息公开"></a></div>'
            f'<div class="news"><h3>北林要闻</h3><ul class="list">{news}</ul></div>')
    return _shell(SITE_NAME, '<a href="/index.html">首页</a>', main).replace(f"<title>{SITE_NAME}_", "<title>")


def _landing() -> str:
    items = [("zfxxgkzn", "政府信息公开指南"), ("zfxxgkzd", "政府信息公开制度"), ("fdzdgknr", "法定主动公开内容"),
             ("zfxxgknb", "政府信息公开年报"), ("ysqgk", "依申请公开")]
    links = "".join(f'<li><a href="/zwgk/{path}/index.html" target="_blank" title="{name}">{name}</a></li>'
                    for path, name in items)
    main = (f'<h2>政府信息公开</h2><ul class="xxgk-nav">{links}</ul><div class="xxgk-desc"><p>根据《中华人民共和国'
            "政府信息公开条例》，北林区人民政府建立政府信息公开平台，集中发布法定主动公开内容。</p></div>")
    return _shell("政府信息公开", '<a href="/index.html">首页</a> &gt; <a href="/zwgk/index.html">政府信息公开</a>', main)


def _list_page(column: int, page: int, count: int, entries: list[tuple[str, str, str]]) -> str:
    on = ' class="on"'
    tabs = " ".join(f'<a href="/zwgk/zfxxgknb/{path}index.html"{on if k == column else ""}>{name}</a>'
                    for k, (path, name) in enumerate(COLUMNS))
    side = "".join(f'<li><a href="/zwgk/zfxxgknb/{path}index.html">{name}</a></li>' for path, name in COLUMNS)
    items = "".join(f'<li><a href="{href}" target="_blank" title="{title}">{title}</a><span>{date}</span></li>'
                    for href, title, date in entries)
    pager = (f'<div class="page"><script language="JavaScript">\nvar currentPage = {page};//所在页从0开始\n'
             f"var countPage = {count}//共多少页\n"
             f'createPageHTML({count}, {page}, "index", "html");\n</script></div>')
    main = (f'<div class="side"><h3>政府信息公开年报</h3><ul>{side}</ul></div><div class="content">'
            f'<h2>{COLUMNS[column][1]}</h2><div class="column-tabs">{tabs}</div><ul class="list">{items}</ul>\n'
            f"{pager}</div>")
    metas = ('<meta name="ColumnName" content="政府信息公开年报">\n'
             '<meta name="ColumnType" content="政府信息公开年报">\n')
    position = ('<a href="/index.html">首页</a> &gt; <a href="/zwgk/index.html">政府信息公开</a> &gt; '
                '<a href="/zwgk/zfxxgknb/index.html">政府信息公开年报</a>')
    return _shell("政府信息公开年报", position, main, metas)


_ATTACHMENT_SLOT = '</div>\n</div>\n<div class="footer">'


# ---------------------------------------------------------------- the portal

@dataclass
class Portal:
    directory: Path
    paths: list[str]           # every URL path the crawl should fetch, home page first
    documents: list[str]       # report pages and attachments
    report_pages: int
    attachments: int
    list_pages: int

    @property
    def pages(self) -> int:
        return len(self.paths)

    def urls(self, root: str) -> list[str]:
        return [root.rstrip("/") + path for path in self.paths]


def _base_reports() -> list[tuple[object, str]]:
    from tests.reportgen import make_spec, render_html_trs

    specs = [make_spec(seed, "2021") for seed in range(BASE_REPORTS)]
    return [(spec, render_html_trs(spec).decode("utf-8")) for spec in specs]


def _renamed_docx(docx: bytes, old: str, new: str) -> bytes:
    """The .docx with the agency renamed in every XML part (the generator writes it in one run)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xml"):
                data = data.replace(old.encode("utf-8"), new.encode("utf-8"))
            target.writestr(info, data)
    return out.getvalue()


def _agency_of(spec: object, number: int) -> str:
    """A distinct body for every page: the base report's place, then 第N局."""
    agency: str = spec.agency  # type: ignore[attr-defined]
    place = agency.removesuffix("人民政府").removesuffix("政府")
    return f"{place}第{number}局"


def plan(pages: int) -> tuple[int, int, int]:
    """(report pages, list pages, attachments) for ``pages`` URLs in all, about one attachment
    for every ATTACHMENT_EVERY report pages."""
    reports = max(len(COLUMNS), int((pages - 2) / (1 + 1 / PER_PAGE + 1 / ATTACHMENT_EVERY)))
    while True:
        lists = sum(max(1, math.ceil(n / PER_PAGE)) for n in _split(reports))
        attachments = pages - 2 - lists - reports
        if attachments >= 0 or reports <= len(COLUMNS):
            return reports, lists, min(max(attachments, 0), reports)
        reports -= 1


def _split(reports: int) -> list[int]:
    share, extra = divmod(reports, len(COLUMNS))
    return [share + (1 if k < extra else 0) for k in range(len(COLUMNS))]


def build(directory: Path, pages: int) -> Portal:
    """Write the portal (and its manifest) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    from tests.reportgen import render_docx

    base = _base_reports()
    docx_of: dict[int, bytes] = {}  # python-docx takes about a second a report: only those attached
    reports, _, wanted_attachments = plan(pages)
    written: list[str] = []
    documents: list[str] = []

    def write(path: str, data: str | bytes) -> None:
        file = directory / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.utime(file, (MTIME, MTIME))
        written.append(path)

    write("/index.html", _home())
    write("/zwgk/index.html", _landing())
    number = 0
    list_pages = attachments = 0
    for column, count in enumerate(_split(reports)):
        prefix = "/zwgk/zfxxgknb/" + COLUMNS[column][0]
        entries: list[tuple[str, str, str]] = []
        for k in range(count):
            number += 1
            attached = number * wanted_attachments // reports > (number - 1) * wanted_attachments // reports
            # Pages with an attachment reuse two base reports only: python-docx is slow.
            spec, page = base[(number % 2) * (len(base) // 2) if attached else number % len(base)]
            agency = _agency_of(spec, number)
            month, day = 1 + number % 12, 1 + number % 28
            published = f"2024-{month:02d}-{day:02d}"
            href = f"./2024{month:02d}/t2024{month:02d}{day:02d}_{number}.html"
            page = page.replace(spec.agency, agency)  # type: ignore[attr-defined]
            if attached:
                name = f"P02024{month:02d}{day:02d}{number:08d}.docx"
                title = spec.title.replace(spec.agency, agency)  # type: ignore[attr-defined]
                link = f'<div class="fj"><p>附件：<a href="./{name}">{html.escape(title)}.docx</a></p></div>'
                page = page.replace(_ATTACHMENT_SLOT, link + _ATTACHMENT_SLOT, 1)
                attachment = f"{prefix}2024{month:02d}/{name}"
                if spec.seed not in docx_of:  # type: ignore[attr-defined]
                    docx_of[spec.seed] = render_docx(spec)  # type: ignore[arg-type,attr-defined]
                write(attachment, _renamed_docx(docx_of[spec.seed], spec.agency, agency))  # type: ignore[attr-defined]  # type: ignore[attr-defined]
                attachments += 1
            detail = prefix + href[2:]
            write(detail, page)
            documents.append(detail)
            if attached:
                documents.append(attachment)
            entries.append((href, html.escape(spec.title.replace(spec.agency, agency)), published))  # type: ignore[attr-defined]
        entries.reverse()  # newest first, as portals list them
        count_pages = max(1, math.ceil(len(entries) / PER_PAGE))
        for p in range(count_pages):
            name = "index.html" if p == 0 else f"index_{p}.html"
            write(prefix + name, _list_page(column, p, count_pages, entries[p * PER_PAGE:(p + 1) * PER_PAGE]))
            list_pages += 1
    # Crawl order does not matter; the home page first is what the crawl starts from.
    portal = Portal(directory, written, documents, reports, attachments, list_pages)
    manifest = {"paths": portal.paths, "documents": documents, "report_pages": reports,
                "attachments": attachments, "list_pages": list_pages}
    (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return portal


def load(directory: Path) -> Portal:
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return Portal(directory, manifest["paths"], manifest["documents"], manifest["report_pages"],
                  manifest["attachments"], manifest["list_pages"])


# ---------------------------------------------------------------- the server

_TYPES = {".html": "text/html; charset=utf-8",
          ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def serve(directory: Path, port: int, host: str = "127.0.0.1") -> None:
    from aiohttp import web

    portal = load(directory)
    documents = set(portal.documents)
    files: dict[str, tuple[bytes, str, str, float, str]] = {}
    for path in portal.paths:
        body = (directory / path.lstrip("/")).read_bytes()
        stat = (directory / path.lstrip("/")).stat()
        etag = f'"{stat.st_size:x}-{int(stat.st_mtime):x}"'
        files[path] = (body, etag, email.utils.formatdate(stat.st_mtime, usegmt=True), stat.st_mtime,
                       _TYPES.get(os.path.splitext(path)[1], "application/octet-stream"))
    stats: dict[str, float] = {}

    def reset() -> None:
        stats.clear()
        stats.update(requests=0, ok=0, not_modified=0, not_found=0, bytes=0,
                     document_bodies=0, document_not_modified=0, first=0.0, last=0.0)

    reset()
    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        if path == STATS_PATH:
            answer = web.json_response(dict(stats))
            if "reset" in request.query:
                reset()
            return answer
        now = time.time()
        stats["requests"] += 1
        stats["first"] = stats["first"] or now
        stats["last"] = now
        found = files.get(path if not path.endswith("/") else path + "index.html")
        if found is None:
            stats["not_found"] += 1
            return web.Response(status=404, text="<h1>404 页面不存在</h1>", content_type="text/html")
        body, etag, modified, mtime, content_type = found
        headers = {"ETag": etag, "Last-Modified": modified}
        if _not_modified(request.headers, etag, mtime):
            stats["not_modified"] += 1
            stats["document_not_modified"] += path in documents
            return web.Response(status=304, headers=headers)
        stats["ok"] += 1
        stats["bytes"] += len(body)
        stats["document_bodies"] += path in documents
        headers["Content-Type"] = content_type
        return web.Response(body=body, headers=headers)

    async def main() -> None:
        server = web.Server(handle)
        runner = web.ServerRunner(server, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port, backlog=1024)
        await site.start()
        print(f"serving {len(files)} files on http://{host}:{port}/", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def _not_modified(headers, etag: str, mtime: float) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return email.utils.parsedate_to_datetime(since).timestamp() >= int(mtime)
        except (TypeError, ValueError):
            return False
    return False


def load_test(root: str, directory: Path, requests: int = 4000, concurrency: int = 16) -> float:
    """Requests per second the server answers alone (keep-alive, ``concurrency`` at a time)."""
    import aiohttp

    paths = load(directory).paths
    urls = [root.rstrip("/") + paths[i % len(paths)] for i in range(requests)]

    async def run() -> float:
        queue = iter(urls)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
            async def worker() -> None:
                for url in queue:
                    async with session.get(url) as response:
                        await response.read()
            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return requests / (time.perf_counter() - start)

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write the portal into DIR")
    build_command.add_argument("directory", type=Path)
    build_command.add_argument("--pages", type=int, default=10_000, help="URLs in all (default 10000)")
    serve_command = commands.add_parser("serve", help="serve a built portal")
    serve_command.add_argument("directory", type=Path)
    serve_command.add_argument("--port", type=int, default=8765)
    load_command = commands.add_parser("load", help="requests/s of a running server alone")
    load_command.add_argument("root")
    load_command.add_argument("directory", type=Path)
    load_command.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args(argv)
    if args.command == "build":
        start = time.perf_counter()
        portal = build(args.directory, args.pages)
        print(f"{portal.pages} URLs ({portal.list_pages} list pages, {portal.report_pages} report pages, "
              f"{portal.attachments} attachments) in {time.perf_counter() - start:.1f} s")
    elif args.command == "serve":
        serve(args.directory, args.port)
    else:
        print(f"{load_test(args.root, args.directory, args.requests):.0f} requests/s")


if __name__ == "__main__":
    main()
