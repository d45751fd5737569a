"""Per-site budgets, and "gone" only when gone: a site that would never end is stopped within
its budget and called incomplete; a list page Scrapy drops (robots.txt, an off-site redirect, a
decompression bomb, an over-long URL) is recorded and marks nothing gone."""

from __future__ import annotations

import gzip
import re

import pytest
import sqlite_utils

from tests import faultsite
from tests.reportgen import make_spec, render_html_trs
from tests.test_crawl_faults import error_kinds, nianbao_crawl

SECOND_REPORT = make_spec(8, "2021")


def _calendar_year(handler) -> None:
    """/nb/<year>/index.html?page=N: a column whose pager never ends and whose 下一年度 is
    another such column, for ever."""
    year = int(re.search(r"/nb/(\d+)/", handler.path).group(1))
    page = int(faultsite.parse_qs(faultsite.urlsplit(handler.path).query).get("page", ["1"])[0])
    entries = (faultsite._entry(f"/nb/{year}/item_{page}.html", f"{year}年第{page}期工作动态")
               + faultsite._entry(f"/nb/{year + 1}/index.html", f"{year + 1}年度"))
    pager = f"<div class='page'><a href='/nb/{year}/index.html?page={page + 1}'>下一页</a></div>"
    handler.send(200, faultsite._page(f"{year}年度", f"<ul class='list'>{entries}</ul>{pager}"))


@pytest.fixture
def calendar_trap():
    home = faultsite._page("首页", "<a href='/nb/2023/index.html'>政府信息公开年报</a>")
    site = faultsite.serve({"/": lambda h: h.send(200, home)},
                           fallback=lambda h: _calendar_year(h) if h.path.startswith("/nb/") else faultsite._not_found(h))
    yield site
    site.stop()


def test_calendar_trap_ends_within_the_site_page_budget_and_the_site_is_incomplete(calendar_trap, tmp_path):
    result = nianbao_crawl(tmp_path / "a.db", calendar_trap.url + "/", "-s", "NIANBAO_SITE_MAX_PAGES=200",
                           "-s", "NIANBAO_SITE_MAX_DEPTH=1000")
    db = sqlite_utils.Database(tmp_path / "a.db")
    pages = [path for path in calendar_trap.paths if path.startswith("/nb/")]
    assert len(pages) <= 200
    assert [row["status"] for row in db["crawl_sites"].rows] == ["incomplete"]
    assert "budget_pages" in error_kinds(db).values()
    assert result.returncode == 1 and "incomplete" in result.stderr


def test_calendar_trap_stops_at_the_depth_budget_across_sub_columns(calendar_trap, tmp_path):
    nianbao_crawl(tmp_path / "a.db", calendar_trap.url + "/", "-s", "NIANBAO_SITE_MAX_DEPTH=4",
                  "-s", "NIANBAO_MAX_LIST_PAGES=2")
    years = {int(re.search(r"/nb/(\d+)/", path).group(1)) for path in calendar_trap.paths if path.startswith("/nb/")}
    assert years == {2023, 2024, 2025, 2026}
    assert "budget_depth" in error_kinds(sqlite_utils.Database(tmp_path / "a.db")).values()


class TwoColumnPortal:
    """A report column with one report and a 部门年报 sub-column with another; ``fault`` set
    before the second visit makes the sub-column's list page unreadable in one way."""

    def __init__(self) -> None:
        self.fault: str | None = None
        self.elsewhere = faultsite.serve()
        self.site = faultsite.serve({
            "/": lambda h: h.send(200, faultsite._page("首页", "<a href='/nb/index.html'>政府信息公开年报</a>")),
            "/robots.txt": self._robots, "/nb/index.html": self._column, "/nb/bm/index.html": self._subcolumn,
            "/nb/good.html": lambda h: h.send(200, render_html_trs(faultsite.GOOD_REPORT)),
            "/nb/bm/second.html": lambda h: h.send(200, render_html_trs(SECOND_REPORT))})

    def _robots(self, handler) -> None:
        disallow = "Disallow: /nb/bm/\n" if self.fault == "robots" else ""
        handler.send(200, f"User-agent: *\n{disallow}".encode(), "text/plain")

    def _column(self, handler) -> None:
        sub = "/nb/bm/index.html" + ("?" + "x" * 2100 if self.fault == "url_too_long" else "")
        entries = faultsite._entry("/nb/good.html", faultsite.GOOD_REPORT.title) + faultsite._entry(sub, "部门年报")
        handler.send(200, faultsite._page("政府信息公开年报", f"<ul class='list'>{entries}</ul>"))

    def _subcolumn(self, handler) -> None:
        if self.fault == "offsite":
            handler.send(302, b"", headers={"Location": f"{self.elsewhere.url}/nb/bm/index.html"})
        elif self.fault == "too_large":
            handler.send(200, gzip.compress(b" " * 3_000_000), headers={"Content-Encoding": "gzip"})
        else:
            entries = faultsite._entry("/nb/bm/second.html", SECOND_REPORT.title)
            handler.send(200, faultsite._page("部门年报", f"<ul class='list'>{entries}</ul>"))

    def stop(self) -> None:
        self.site.stop()
        self.elsewhere.stop()


@pytest.mark.parametrize("fault", ["robots", "offsite", "too_large", "url_too_long"])
def test_a_dropped_list_page_is_recorded_and_marks_no_report_gone(tmp_path, fault):
    portal = TwoColumnPortal()
    db_path = tmp_path / "a.db"
    try:
        nianbao_crawl(db_path, portal.site.url + "/", "-s", "DOWNLOAD_MAXSIZE=1000000")
        portal.fault = fault
        nianbao_crawl(db_path, portal.site.url + "/", "-s", "DOWNLOAD_MAXSIZE=1000000")
    finally:
        portal.stop()
    db = sqlite_utils.Database(db_path)
    assert db["reports"].count == 2
    assert [row["gone"] for row in db["reports"].rows] == [0, 0]
    assert fault in {row["kind"] for row in db["crawl_errors"].rows_where("run = 2")}
