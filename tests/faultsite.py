"""A portal that fails in every way real portals do, served on 127.0.0.1 for the crawl tests.

Its report column lists one good report and, beside it, links that answer 404, 500, never
(a timeout), with a redirect loop, with a file over the size limit, and with an HTML error page
where a PDF should be; its pagination never ends, and a sub-column has no records.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.reportgen import make_spec, render_html_trs

GOOD_REPORT = make_spec(7, "2021")
SLOW_SECONDS = 3.0
BIG_PDF_BYTES = 300_000

Route = Callable[["Handler"], None]


def _page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><div class='nav'><a href='/'>首页</a></div>{body}</body></html>").encode()


def _entry(href: str, title: str) -> str:
    return f"<li><a href='{href}' title='{title}'>{title}</a><span>2024-01-20</span></li>"


def _list_page(number: int) -> bytes:
    entries = [_entry(f"/nb/item_{number}.html", f"第{number}页的工作动态")]
    if number == 1:
        year = GOOD_REPORT.year
        entries += [
            _entry("/nb/good.html", GOOD_REPORT.title),
            _entry("/nb/missing.html", f"测试县民政局{year}年政府信息公开工作年度报告"),
            _entry("/nb/broken.html", f"测试县财政局{year}年政府信息公开工作年度报告"),
            _entry("/nb/slow.html", f"测试县教育局{year}年政府信息公开工作年度报告"),
            _entry("/nb/loop.html", f"测试县水利局{year}年政府信息公开工作年度报告"),
            _entry("/nb/big.pdf", f"测试县交通局{year}年政府信息公开工作年度报告.pdf"),
            _entry("/nb/fake.pdf", f"测试县商务局{year}年政府信息公开工作年度报告.pdf"),
            _entry("/nb/xzjd/index.html", "乡镇街道年报"),
        ]
    pager = f"<div class='page'><a href='/nb/list?page={number + 1}'>下一页</a></div>"
    return _page("政府信息公开年报", f"<ul class='list'>{''.join(entries)}</ul>{pager}")


@dataclass
class FaultSite:
    """The server, and what it saw: request paths in order, and the most requests at once."""

    server: ThreadingHTTPServer
    paths: list[str] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)  # (path, Cookie header) of each request
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Handler(BaseHTTPRequestHandler):
    site: FaultSite
    routes: dict[str, Route]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.form = self.rfile.read(length).decode("utf-8", "replace")
        self.do_GET()

    def do_GET(self) -> None:
        with self.site.lock:
            self.site.paths.append(self.path)
            self.site.cookies.append((self.path, self.headers.get("Cookie") or ""))
            self.site.in_flight += 1
            self.site.most_in_flight = max(self.site.most_in_flight, self.site.in_flight)
        try:
            self.routes.get(urlsplit(self.path).path, _not_found)(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.site.lock:
                self.site.in_flight -= 1

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _not_found(handler: Handler) -> None:
    handler.send(404, _page("404", "<p>页面不存在</p>"))


def _list(handler: Handler) -> None:
    number = int(parse_qs(urlsplit(handler.path).query).get("page", ["1"])[0])
    handler.send(200, _list_page(number))


def _slow(handler: Handler) -> None:
    time.sleep(SLOW_SECONDS)
    handler.send(200, _page("慢", "<p>迟到的页面</p>"))


def _big_pdf(handler: Handler) -> None:
    handler.send(200, b"%PDF-1.4\n" + b"0" * BIG_PDF_BYTES, "application/pdf")


FAULT_ROUTES: dict[str, Route] = {
    "/": lambda h: h.send(200, _page("测试县人民政府", "<a href='/nb/index.html'>政府信息公开年报</a>")),
    "/robots.txt": lambda h: h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    "/nb/index.html": _list,
    "/nb/list": _list,
    "/nb/good.html": lambda h: h.send(200, render_html_trs(GOOD_REPORT)),
    "/nb/broken.html": lambda h: h.send(500, _page("500", "<p>服务器错误</p>")),
    "/nb/slow.html": _slow,
    "/nb/loop.html": lambda h: h.send(302, b"", headers={"Location": "/nb/loop.html"}),
    "/nb/big.pdf": _big_pdf,
    "/nb/fake.pdf": lambda h: h.send(200, _page("错误", "<p>文件不存在或已删除</p>")),
    "/nb/xzjd/index.html": lambda h: h.send(200, _page("乡镇街道年报", "<ul class='list'></ul>")),
}


def _blocked(handler: Handler) -> None:
    handler.send(412, b"<html><script>document.cookie='challenge=1';location.reload()</script></html>")


def serve(routes: dict[str, Route] | None = None, fallback: Route | None = None) -> FaultSite:
    """Serve `routes` (the fault portal by default); `fallback` answers every other path."""
    table = dict(FAULT_ROUTES if routes is None else routes)
    handler = type("BoundHandler", (Handler,), {"routes": _with_fallback(table, fallback)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site = FaultSite(server)
    handler.site = site
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site


def _with_fallback(table: dict[str, Route], fallback: Route | None) -> dict[str, Route]:
    if fallback is None:
        return table

    class Everything(dict):
        def get(self, key: str, default: Route | None = None) -> Route:
            return table.get(key, fallback)

    return Everything(table)


def serve_blocked() -> FaultSite:
    """A portal behind a web application firewall: 412 and a JavaScript challenge for everything."""
    return serve({}, fallback=_blocked)


# The cookie a challenge page's script sets, as web application firewalls do (acw_sc__v2,
# __jsl_clearance): only a client that runs the script gets it.
CHALLENGE_COOKIE = "nb_clearance"
_CHALLENGE_PAGE = (b"<html><head><script>document.cookie='" + CHALLENGE_COOKIE.encode()
                   + b"=' + (6 * 7) + '; path=/'; location.reload();</script></head><body></body></html>")
_BEHIND_CHALLENGE: dict[str, Route] = {
    "/": FAULT_ROUTES["/"],
    "/nb/index.html": lambda h: h.send(200, _page("政府信息公开年报", f"<ul class='list'>"
                                                  f"{_entry('/nb/good.html', GOOD_REPORT.title)}</ul>")),
    "/nb/good.html": FAULT_ROUTES["/nb/good.html"],
}


def _challenged(handler: Handler) -> None:
    """412 and the challenge page, unless the request carries the cookie its script sets."""
    if f"{CHALLENGE_COOKIE}=42" not in (handler.headers.get("Cookie") or ""):
        handler.send(412, _CHALLENGE_PAGE)
        return
    _BEHIND_CHALLENGE.get(urlsplit(handler.path).path, _not_found)(handler)


def serve_challenged() -> FaultSite:
    """A portal behind a JavaScript cookie challenge, with one good report behind it."""
    return serve({}, fallback=_challenged)
