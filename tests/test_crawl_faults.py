"""The real `nianbao crawl` process against portals that fail: each failure is recorded with its
kind, the crawl goes on, and a blocked site is reported as blocked, not as empty."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlite_utils

from tests import faultsite

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1",
        "-s", "NIANBAO_RETRY_BACKOFF=0.1", "-s", "NIANBAO_PARSE_WORKERS=1"]


def nianbao_crawl(db, url: str, *settings: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "nianbao", "crawl", "--db", str(db), "--url", url, *FAST, *settings]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory):
    site = faultsite.serve()
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    try:
        result = nianbao_crawl(db, site.url + "/", "-s", "DOWNLOAD_TIMEOUT=1",
                               "-s", f"DOWNLOAD_MAXSIZE={faultsite.BIG_PDF_BYTES // 2}",
                               "-s", "NIANBAO_MAX_LIST_PAGES=6")
    finally:
        site.stop()
    return result, sqlite_utils.Database(db), site


def error_kinds(db) -> dict[str, str]:
    return {row["url"].split("/", 3)[3]: row["kind"] for row in db["crawl_errors"].rows}


def test_crawl_of_failing_portal_still_archives_the_good_report(fault_crawl):
    _, db, _ = fault_crawl
    reports = list(db["reports"].rows)
    assert [(r["agency"], r["year"]) for r in reports] == [(faultsite.GOOD_REPORT.agency, faultsite.GOOD_REPORT.year)]


@pytest.mark.parametrize("path, kind", [
    ("nb/missing.html", "not_found"),
    ("nb/broken.html", "server_error"),
    ("nb/slow.html", "timeout"),
    ("nb/loop.html", "redirect_loop"),
    ("nb/big.pdf", "too_large"),
    ("nb/fake.pdf", "error_page"),
    ("nb/xzjd/index.html", "empty_list"),
])
def test_each_failure_is_recorded_with_its_kind(fault_crawl, path, kind):
    _, db, _ = fault_crawl
    assert error_kinds(db).get(path) == kind


def test_endless_pagination_stops_at_the_limit(fault_crawl):
    _, db, site = fault_crawl
    list_pages = [path for path in site.paths if path.startswith("/nb/list")]
    assert len(list_pages) <= 6
    assert "pagination_limit" in error_kinds(db).values()


def test_failures_are_named_on_stderr_and_exit_nonzero_only_for_unhealthy_sites(fault_crawl):
    result, db, _ = fault_crawl
    site = next(db["crawl_sites"].rows)
    assert site["status"] == "ok" and site["reports_found"] == 1
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_robots_txt_is_obeyed(tmp_path):
    routes = dict(faultsite.FAULT_ROUTES)
    routes["/"] = lambda h: h.send(200, faultsite._page("首页", "<a href='/private/nb/'>政府信息公开年报</a>"))
    site = faultsite.serve(routes)
    try:
        nianbao_crawl(tmp_path / "a.db", site.url + "/")
    finally:
        site.stop()
    assert "/robots.txt" in site.paths
    assert not [path for path in site.paths if path.startswith("/private/")]


def test_blocked_site_is_reported_blocked_not_empty(tmp_path):
    site = faultsite.serve_blocked()
    try:
        result = nianbao_crawl(tmp_path / "a.db", site.url + "/")
    finally:
        site.stop()
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert [row["status"] for row in db["crawl_sites"].rows] == ["blocked"]
    assert {row["kind"] for row in db["crawl_errors"].rows} == {"blocked"}
    assert result.returncode == 1
    # The browser's visit (tests/test_crawl_browser.py) could not pass a challenge that never ends.
    assert ": blocked, blocked: HTTP 412 again with the cookie the browser's visit got" in result.stderr
    assert site.paths.count("/") == 3  # asked, visited in the browser, asked again with its cookie


def test_no_request_leaves_the_portal(tmp_path):
    elsewhere = faultsite.serve()
    routes = dict(faultsite.FAULT_ROUTES)
    routes["/"] = lambda h: h.send(200, faultsite._page("首页", (
        f"<a href='{elsewhere.url}/nb/index.html'>政府信息公开年报</a><a href='/nb/index.html'>年报</a>")))
    site = faultsite.serve(routes)
    try:
        nianbao_crawl(tmp_path / "a.db", site.url + "/", "-s", "NIANBAO_MAX_LIST_PAGES=2", "-s", "DOWNLOAD_TIMEOUT=1")
    finally:
        site.stop()
        elsewhere.stop()
    assert site.paths and elsewhere.paths == []


def test_at_most_two_requests_in_flight_per_site(tmp_path):
    def slow_list(handler):
        faultsite.time.sleep(0.2)
        faultsite._list(handler)

    routes = dict(faultsite.FAULT_ROUTES) | {"/nb/list": slow_list, "/nb/slow.html": slow_list}
    site = faultsite.serve(routes, fallback=slow_list)
    try:
        nianbao_crawl(tmp_path / "a.db", site.url + "/", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                      "-s", "NIANBAO_MAX_LIST_PAGES=4", "-s", "DOWNLOAD_TIMEOUT=2")
    finally:
        site.stop()
    assert len(site.paths) > 8
    assert site.most_in_flight == 2


def test_bad_url_is_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "nianbao", "crawl", "--db", str(tmp_path / "a.db"),
                             "--url", "ftp://example/"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: ftp://example/: not an http(s) URL"


def test_long_trs_column_is_read_to_its_last_page_without_hitting_the_limit(tmp_path):
    pages = 40

    def trs_page(handler):
        name = faultsite.urlsplit(handler.path).path.rsplit("/", 1)[1]
        current = 0 if name == "index.html" else int(name.removeprefix("index_").removesuffix(".html"))
        entries = faultsite._entry(f"/trs/item_{current}.html", f"第{current}页的工作动态")
        script = f"<script>createPageHTML({pages}, {current}, \"index\", \"html\");</script>"
        handler.send(200, faultsite._page("政府信息公开年报", f"<ul class='list'>{entries}</ul>{script}"))

    routes = {"/": lambda h: h.send(200, faultsite._page("首页", "<a href='/trs/index.html'>政府信息公开年报</a>")),
              "/trs/index.html": trs_page} | {f"/trs/index_{n}.html": trs_page for n in range(1, pages)}
    site = faultsite.serve(routes)
    try:
        nianbao_crawl(tmp_path / "a.db", site.url + "/", "-s", f"NIANBAO_MAX_LIST_PAGES={pages + 5}")
    finally:
        site.stop()
    assert len([path for path in site.paths if path.startswith("/trs/index")]) == pages
    assert "pagination_limit" not in error_kinds(sqlite_utils.Database(tmp_path / "a.db")).values()


def test_hanweb_column_is_read_through_every_dataproxy_range(tmp_path):
    total = 40

    def record(number: int) -> str:
        return (f"<record><![CDATA[<li><a href='/nb/good.html?record={number}' title='红土崖镇人民政府"
                f"{faultsite.GOOD_REPORT.year}年政府信息公开工作年度报告'>报告{number}</a></li>]]></record>")

    def column(handler):
        records = "".join(record(n) for n in range(1, 4))
        handler.send(200, faultsite._page("乡镇街道年报", (
            "<div id='12345'><script type='text/xml'><datastore><recordset>"
            f"{records}</recordset></datastore></script></div>"
            "<script src='/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=5678&unitid=12345"
            "&permissiontype=0'></script>"
            f"<script>var totalRecord = {total}; $('#12345').jpage({{perPage: 3, totalRecord: {total}, "
            "proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3}});</script>")))

    def dataproxy(handler):
        query = faultsite.parse_qs(faultsite.urlsplit(handler.path).query)
        start, end = int(query["startrecord"][0]), min(int(query["endrecord"][0]), total)
        records = "".join(record(n) for n in range(start, end + 1))
        handler.send(200, (f"<?xml version='1.0' encoding='utf-8'?><datastore><totalrecord>{total}</totalrecord>"
                           f"<recordset>{records}</recordset></datastore>").encode(), "text/xml; charset=utf-8")

    routes = dict(faultsite.FAULT_ROUTES) | {
        "/": lambda h: h.send(200, faultsite._page("首页", "<a href='/col/col5678/index.html'>政府信息公开年报</a>")),
        "/col/col5678/index.html": column, "/module/web/jpage/dataproxy.jsp": dataproxy}
    site = faultsite.serve(routes)
    try:
        result = nianbao_crawl(tmp_path / "a.db", site.url + "/")
    finally:
        site.stop()
    assert "Traceback" not in result.stderr and "Spider error" not in result.stderr
    assert len({path for path in site.paths if path.startswith("/nb/good.html?record=")}) == total


def test_hostile_documents_are_stopped_at_their_bounds_and_the_crawl_goes_on(tmp_path):
    from tests import hostile

    files = {"/nb/shared.pdf": hostile.shared_stream_pdf(pages=1000), "/nb/bomb.pdf": hostile.flate_bomb_pdf(1500)}
    entries = "".join(faultsite._entry(path, f"测试县第{n}局2021年政府信息公开工作年度报告.pdf")
                      for n, path in enumerate(files))
    column = faultsite._page("政府信息公开年报", f"<ul class='list'>{faultsite._entry('/nb/good.html', faultsite.GOOD_REPORT.title)}"
                                                f"{entries}</ul>")
    routes = {"/": faultsite.FAULT_ROUTES["/"], "/nb/index.html": lambda h: h.send(200, column),
              "/nb/good.html": faultsite.FAULT_ROUTES["/nb/good.html"]}
    routes |= {path: (lambda data: lambda h: h.send(200, data, "application/pdf"))(data) for path, data in files.items()}
    site = faultsite.serve(routes)
    try:
        result = nianbao_crawl(tmp_path / "a.db", site.url + "/", "-s", "NIANBAO_PARSE_SECONDS=10",
                               "-s", "NIANBAO_PARSE_MEMORY_MB=400", "-s", "DOWNLOAD_MAXSIZE=5000000")
    finally:
        site.stop()
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert error_kinds(db) == {"nb/shared.pdf": "parse_timeout", "nb/bomb.pdf": "parse_memory"}
    assert db["reports"].count == 1
    assert result.returncode == 0, result.stderr


def test_retry_waits_as_long_as_the_server_s_retry_after_asks(tmp_path):
    asked: list[float] = []

    def busy_then_good(handler):
        asked.append(faultsite.time.monotonic())
        if len(asked) == 1:
            handler.send(503, faultsite._page("503", "<p>稍后再试</p>"), headers={"Retry-After": "3"})
        else:
            handler.send(200, faultsite.render_html_trs(faultsite.GOOD_REPORT))

    routes = {path: faultsite.FAULT_ROUTES[path] for path in ("/", "/robots.txt", "/nb/index.html", "/nb/list")}
    site = faultsite.serve(routes | {"/nb/good.html": busy_then_good})
    try:
        nianbao_crawl(tmp_path / "a.db", site.url + "/", "-s", "NIANBAO_RETRY_BACKOFF=0.1")
    finally:
        site.stop()
    assert len(asked) == 2 and asked[1] - asked[0] >= 3.0
    assert [row["agency"] for row in sqlite_utils.Database(tmp_path / "a.db")["reports"].rows] == \
        [faultsite.GOOD_REPORT.agency]
