"""The published archive as a person sees it, in a real headless Chromium: `nianbao serve` on a
small archive of the seed reports, its facets, its search box and its dashboard's charts.

Chromium is Debian's (`make install` installs it as root); a missing browser fails, not skips."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from parsers import parse_file
from tests.publishing import free_port, store_reports

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")  # Debian's package; Playwright's own downloads are not used
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 30_000        # per step in the browser: charts render after fetching their data
SERVER_START_S = 60

TOWNSHIP_2022 = "seeds/001_0fb663dc2de8e1ec.txt"   # 红土崖镇人民政府 2022
SEEDS_2020 = ["seeds/002_6e7f3865b96cf4e0.txt",     # 尚店镇人民政府 2020
              "seeds/003_a5add6b12b1138ca.txt",     # 兰西县兰河乡人民政府 2020, the one that mentions 复议
              "seeds/004_6762482f42d905fe.txt"]     # 港门镇人民政府 2020
COUNTY_GOVERNMENT = "浑江区人民政府"
REPORTS = 5             # the four seeds and the county government's report
DASHBOARD = json.loads((ROOT / "datasette_metadata.json").read_text(encoding="utf-8"))[
    "plugins"]["datasette-dashboards"]["nianbao"]["charts"]


# ---------------------------------------------------------------- the archive and its server

def as_county_government(report: dict) -> dict:
    """A township's report re-filed as its county government's, for a second level and year."""
    county = copy.deepcopy(report)
    county.update(agency=COUNTY_GOVERNMENT, year=2021, title=f"{COUNTY_GOVERNMENT}2021年政府信息公开工作年度报告")
    return county


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory, shared: Path) -> Path:
    """Five reports: four townships (three of 2020, one of 2022) and one county government (2021)."""
    township = parse_file(shared / TOWNSHIP_2022).to_json()
    reports = [township, as_county_government(township), *(parse_file(shared / seed).to_json() for seed in SEEDS_2020)]
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    return store_reports(path, [(f"http://portal.example/report{number}.html", report, None)
                                for number, report in enumerate(reports)])


def wait_until_answering(url: str, server: subprocess.Popen, stderr: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"nianbao serve exited with {server.returncode}: {stderr.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nianbao serve did not answer {url} within {SERVER_START_S} s: {stderr.read_text()}")


@pytest.fixture(scope="module")
def base_url(archive_path: Path) -> Iterator[str]:
    """`nianbao serve` on the archive, as a user starts it; its URL, ending in a slash."""
    url = f"http://127.0.0.1:{free_port()}/"
    stderr = archive_path.with_suffix(".serve.log")
    with stderr.open("w") as log:
        server = subprocess.Popen([sys.executable, "-m", "nianbao", "serve", "--db", str(archive_path),
                                   "--port", url.rsplit(":", 1)[1].strip("/")],
                                  cwd=ROOT, stdout=log, stderr=log)
    try:
        wait_until_answering(url, server, stderr)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import Error, sync_playwright

    if CHROMIUM is None:
        pytest.fail("no chromium on PATH: install the Debian package chromium (make install does, as root)",
                    pytrace=False)
    playwright = sync_playwright().start()
    try:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Error as error:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error.message.splitlines()[0]}", pytrace=False)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(WAIT_MS)
    try:
        yield opened
    finally:
        context.close()


def facet(page, column: str) -> dict[str, int]:
    """A facet block as shown: each value's label and the count printed after it."""
    items = page.locator(f"#facet-{column} li").all_inner_texts()
    return {label: int(count) for label, count in (item.strip().rsplit(None, 1) for item in items)}


def rows_shown(page) -> int:
    """The row count in the heading above the table ("5 rows", "1 row where …")."""
    heading = page.locator("h3").filter(has_text=re.compile(r"^\s*[\d,]+ rows?\b")).first.inner_text()
    return int(re.match(r"\s*([\d,]+)", heading).group(1).replace(",", ""))


def agencies_listed(page) -> list[str]:
    return page.locator("table.rows-and-columns td.col-agency").all_inner_texts()


# ---------------------------------------------------------------- the reports table

def test_year_facet_shows_each_year_with_its_count(page, base_url):
    page.goto(base_url + "archive/reports")
    assert "year" in page.locator("#facet-year .facet-info-name").inner_text()
    assert facet(page, "year") == {"2020": 3, "2021": 1, "2022": 1}


def test_level_facet_shows_townships_and_the_county_government(page, base_url):
    page.goto(base_url + "archive/reports")
    assert facet(page, "level") == {"乡镇街道": 4, "县级政府": 1}


def test_clicking_a_facet_value_shows_only_its_rows(page, base_url):
    page.goto(base_url + "archive/reports")
    assert rows_shown(page) == REPORTS
    page.locator("#facet-level li a", has_text="县级政府").click()
    page.wait_for_url(re.compile(r"level="))
    assert rows_shown(page) == 1
    assert agencies_listed(page) == [COUNTY_GOVERNMENT]


def test_search_box_finds_a_two_character_word(page, base_url):
    page.goto(base_url + "archive/reports")
    page.locator("#_search").fill("复议")
    page.locator("#_search").press("Enter")
    page.wait_for_url(re.compile(r"_search="))
    assert rows_shown(page) == 1
    assert agencies_listed(page) == ["兰西县兰河乡人民政府"]


# ---------------------------------------------------------------- the dashboard

@pytest.fixture
def dashboard(page, base_url):
    """The dashboard page, with every request it made and every script error it raised."""
    requested, errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "-/dashboards/nianbao")
    return page, requested, errors


def charts(library: str) -> list[str]:
    return [slug for slug, chart in DASHBOARD.items() if chart["library"] == library]


def test_dashboard_draws_every_vega_chart(dashboard):
    page, _, errors = dashboard
    assert charts("vega-lite")
    for slug in charts("vega-lite"):
        drawn = page.locator(f"#chart-{slug}.vega-embed").locator("svg, canvas").first
        drawn.wait_for(state="visible")
        assert drawn.bounding_box()["height"] > 0, slug
    assert errors == []


def test_dashboard_metric_shows_the_number_of_reports(dashboard):
    page, _, _ = dashboard
    assert page.locator("#card-reports-count .dashboard-card-title").inner_text().startswith("报告数")
    metric = page.locator("#chart-reports-count p")
    metric.wait_for()
    assert metric.inner_text() == f"{REPORTS} 份"


def test_dashboard_loads_nothing_from_outside_the_archive(dashboard, base_url):
    page, requested, _ = dashboard
    page.wait_for_load_state("networkidle")
    assert requested and [url for url in requested if not url.startswith(base_url)] == []
