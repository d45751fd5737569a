"""Portals behind a JavaScript cookie challenge (HTTP 412 until a cookie set by script is sent):
the site is visited once in Debian's chromium, whose cookie lets the crawl through; a site the
browser cannot pass, or a machine without a browser, is reported blocked with the reason."""

from __future__ import annotations

import sqlite_utils

from tests import faultsite
from tests.portals import PROJECT, nianbao  # noqa: F401
from tests.test_crawl_faults import nianbao_crawl

HEADER = "adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked"


def crawl_challenged(db, *settings: str) -> tuple[object, faultsite.FaultSite]:
    site = faultsite.serve_challenged()
    try:
        result = nianbao_crawl(db, site.url + "/", *settings)
    finally:
        site.stop()
    return result, site


def without_cookie(site: faultsite.FaultSite) -> list[str]:
    return [path for path, cookie in site.cookies if faultsite.CHALLENGE_COOKIE not in cookie]


def test_report_behind_a_javascript_challenge_is_crawled_and_stored(tmp_path):
    result, site = crawl_challenged(tmp_path / "a.db")
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert result.returncode == 0, result.stderr
    assert [(row["agency"], row["year"]) for row in db["reports"].rows] == [
        (faultsite.GOOD_REPORT.agency, faultsite.GOOD_REPORT.year)]
    assert [(row["status"], row["reports_found"]) for row in db["crawl_sites"].rows] == [("ok", 1)]
    assert "blocked" not in {row["kind"] for row in db["crawl_errors"].rows}


def test_without_a_browser_the_challenged_site_is_blocked_and_says_why(tmp_path):
    result, _ = crawl_challenged(tmp_path / "a.db", "-s", "NIANBAO_BROWSER=false")
    db = sqlite_utils.Database(tmp_path / "a.db")
    assert result.returncode == 1
    assert [row["status"] for row in db["crawl_sites"].rows] == ["blocked"]
    assert ": blocked, blocked: HTTP 412: a JavaScript challenge, and no browser to pass it" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_portal_the_registry_marks_browser_goes_through_the_browser_first(tmp_path):
    site = faultsite.serve_challenged()
    db = tmp_path / "a.db"
    portals = tmp_path / "portals.csv"
    portals.write_text(f"{HEADER}\n220602,吉林省/白山市/浑江区,县级,浑江区人民政府,{site.url}/,browser,浏览器,,\n",
                       encoding="utf-8")
    try:
        nianbao("sources", "import", portals, "--db", db)
        result = nianbao("crawl", "--region", "浑江区", "--db", db, "-s", "DOWNLOAD_DELAY=0", check=False)
    finally:
        site.stop()
    assert result.returncode == 0, result.stderr
    assert sqlite_utils.Database(db)["reports"].count == 1
    assert without_cookie(site).count("/") == 1  # the browser's visit, never a plain request first
