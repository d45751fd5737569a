"""The published archive as a person sees it, in a real headless Chromium: `nianbao serve` on a
small archive of the seed reports, its facets, its search box and its dashboard's charts.

Chromium is Debian's (`make install` installs it as root); a missing browser fails, not skips."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from parsers import parse_file
from tests.publishing import served, store_reports

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")  # Debian's package; Playwright's own downloads are not used
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 30_000        # per step in the browser: charts render after fetching their data

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


def republished(report: dict) -> dict:
    """The report published again with one more application from a natural person."""
    again = copy.deepcopy(report)
    for row in ("new", "granted", "total"):
        again["requests"][row]["natural_person"] += 1
        again["requests"][row]["total"] += 1
    return again


@pytest.fixture(scope="module")
def parsed(shared: Path) -> dict[int, dict]:
    """Each report's current version in its JSON form, by report id: four townships (three of
    2020, one of 2022) and one county government (2021), republished once."""
    township = parse_file(shared / TOWNSHIP_2022).to_json()
    county = as_county_government(township)
    reports = [township, county, *(parse_file(shared / seed).to_json() for seed in SEEDS_2020)]
    return {number: report for number, report in enumerate([*reports[:1], republished(county), *reports[2:]], 1)}


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory, shared: Path, parsed: dict[int, dict]) -> Path:
    township = parse_file(shared / TOWNSHIP_2022).to_json()
    first = [township, as_county_government(township), *(parse_file(shared / seed).to_json() for seed in SEEDS_2020)]
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    filed = [(f"http://portal.example/report{number}.html", report, None) for number, report in enumerate(first)]
    return store_reports(path, [*filed, (filed[1][0], parsed[2], None)])


@pytest.fixture(scope="module")
def base_url(archive_path: Path) -> Iterator[str]:
    """`nianbao serve` on the archive, as a user starts it; its URL, ending in a slash."""
    with served(archive_path) as (url, _):
        yield url


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


def test_dashboard_opens_on_county_governments_and_counts_only_them(dashboard):
    page, _, _ = dashboard
    assert page.locator("select#level").input_value() == "县级政府"
    assert page.locator("#card-reports-count .dashboard-card-title").inner_text().startswith("报告数")
    metric = page.locator("#chart-reports-count p")
    metric.wait_for()
    assert metric.inner_text() == "县级政府 1 份"


def test_dashboard_with_the_level_emptied_asks_for_a_level_instead_of_a_sum(page, base_url):
    page.goto(base_url + "-/dashboards/nianbao?level=")
    metric = page.locator("#chart-reports-count p")
    metric.wait_for()
    assert metric.inner_text() == "选择一个层级 · choose a level"


def test_dashboard_loads_nothing_from_outside_the_archive(dashboard, base_url):
    page, requested, _ = dashboard
    page.wait_for_load_state("networkidle")
    assert requested and [url for url in requested if not url.startswith(base_url)] == []


# ---------------------------------------------------------------- a report as printed

TOWNSHIP, COUNTY, INCONSISTENT, FORMAT_2019 = 1, 2, 3, 4   # report ids, in the order filed


def shown_cells(page) -> dict[str, str]:
    """Every value cell of the printed tables: its table/row/column key and its text."""
    return page.eval_on_selector_all("td[data-key]", "cells => Object.fromEntries(cells.map(c => [c.dataset.key, c.innerText.trim()]))")


def marked(page, mark: str) -> set[str]:
    return set(page.eval_on_selector_all(f"td.{mark}[data-key]", "cells => cells.map(c => c.dataset.key)"))


def parsed_cells(report: dict) -> dict[str, str]:
    """The report's figures as the page should print them: an empty cell stays empty."""
    return {f"{table}/{row}/{column}": "" if value is None else str(value)
            for table in ("proactive", "requests", "appeals")
            for row, columns in report[table].items() for column, value in columns.items()}


@pytest.mark.parametrize("report_id", [TOWNSHIP, FORMAT_2019, INCONSISTENT], ids=["2021", "2019", "inconsistent"])
def test_report_page_cells_equal_the_parsed_report(page, base_url, parsed, report_id):
    page.goto(f"{base_url}-/report/{report_id}")
    shown = shown_cells(page)
    expected = parsed_cells(parsed[report_id])
    assert {key: shown.get(key) for key in expected} == expected
    assert {key: text for key, text in shown.items() if key not in expected} == dict.fromkeys(
        marked(page, "unread"), "")


def test_report_page_prints_the_2019_form_with_its_merged_headers(page, base_url):
    page.goto(f"{base_url}-/report/{FORMAT_2019}")
    head = page.locator("#table-requests thead th")
    assert head.first.get_attribute("rowspan") == "3" and head.first.get_attribute("colspan") == "3"
    assert page.locator("#table-requests th", has_text="法人或其他组织").get_attribute("colspan") == "5"
    assert page.locator("#table-proactive th", has_text="本年新制作数量").count() == 1
    assert page.locator("#table-appeals th", has_text="复议后起诉").get_attribute("colspan") == "5"


def test_report_page_prints_the_2021_form_of_other_handling_in_three_rows(page, base_url):
    page.goto(f"{base_url}-/report/{TOWNSHIP}")
    assert page.locator("#table-requests th", has_text="（六）其他处理").get_attribute("rowspan") == "3"
    assert page.locator("#table-proactive th", has_text="本年制发件数").count() == 1


def test_report_page_marks_the_cells_of_each_failing_check(page, base_url, parsed):
    page.goto(f"{base_url}-/report/{INCONSISTENT}")
    failing = {check["rule"] for check in parsed[INCONSISTENT]["checks"] if not check["ok"]}
    assert failing == {"requests.results.natural_person", "requests.row_total.unable.not_held"}
    fails = marked(page, "fails")
    assert {f"requests/unable.not_held/{column}" for column in parsed[INCONSISTENT]["requests"]["new"]} <= fails
    assert {"requests/granted/natural_person", "requests/total/natural_person"} <= fails
    assert not {key for key in fails if key.startswith(("requests/new/", "appeals/", "proactive/"))}
    assert page.locator("#checks li").count() == 2


def test_consistent_report_page_marks_no_cell(page, base_url):
    page.goto(f"{base_url}-/report/{FORMAT_2019}")
    assert marked(page, "fails") == set()
    assert "全部相符" in page.locator(".verdict").inner_text()


def test_report_page_shows_each_sections_prose(page, base_url, parsed):
    page.goto(f"{base_url}-/report/{FORMAT_2019}")
    for section, prose in parsed[FORMAT_2019]["sections"].items():
        if prose:
            assert page.locator(f"#section-{section} .prose").inner_text().strip() == prose.strip()


def test_report_page_highlights_the_cells_that_changed_since_the_last_version(page, base_url):
    page.goto(f"{base_url}-/report/{COUNTY}")
    assert marked(page, "changed") == {f"requests/{row}/{column}" for row in ("new", "granted", "total")
                                       for column in ("natural_person", "total")}
    assert page.locator("#versions tbody tr").count() == 2
    page.locator("#versions a", has_text="1").first.click()
    page.wait_for_url(re.compile(r"version=1"))
    assert marked(page, "changed") == set()
    assert "旧版本" in page.locator(".report-facts").inner_text()


def test_report_page_gives_the_original_document_as_a_download(page, base_url, archive_path):
    page.goto(f"{base_url}-/report/{FORMAT_2019}")
    with page.expect_download() as download:
        page.locator("#original").click()
    saved = download.value.path()
    assert Path(saved).read_bytes().startswith(b"http://portal.example/report3.html")
    assert download.value.suggested_filename == "report3.html"


def test_report_title_in_the_reports_table_opens_its_page(page, base_url):
    page.goto(base_url + "archive/reports?id=4")
    page.locator("td.col-title a.report-link").click()
    page.wait_for_url(re.compile(r"/-/report/4$"))
    assert page.locator("h1").inner_text().startswith("兰西县兰河乡人民政府")


# ---------------------------------------------------------------- report_summary, readable

def headers_shown(page) -> list[tuple[str, str]]:
    """Each column header as (Chinese heading, ASCII column name), left to right."""
    return [(th.locator(".zh").inner_text(), th.get_attribute("data-column"))
            for th in page.locator("table.rows-and-columns thead th").all()]


def test_report_summary_shows_the_key_figures_first_under_chinese_headings(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "archive/report_summary")
    shown = headers_shown(page)
    assert [column for _, column in shown[:7]] == ["id", "agency", "year", "level", "county", "requests_new",
                                                   "requests_handled"]
    assert shown[5] == ("新收申请（件）", "requests_new")
    box = page.locator("th[data-column=requests_new]").bounding_box()
    assert box["x"] + box["width"] < 1280


def test_report_summary_rows_are_one_line_each(page, base_url):
    page.goto(base_url + "archive/report_summary")
    heights = [row.bounding_box()["height"] for row in page.locator("table.rows-and-columns tbody tr").all()]
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.rows-and-columns td')).lineHeight)")
    assert len(heights) == REPORTS and max(heights) < 2 * line


def test_report_summary_cells_stay_under_their_headings(page, base_url):
    page.goto(base_url + "archive/report_summary?id=1")
    cells = {td.get_attribute("class").split()[0]: td.inner_text()
             for td in page.locator("table.rows-and-columns tbody tr td").all()}
    assert cells["col-agency"] == "红土崖镇人民政府" and cells["col-year"] == "2022"
    columns = [column for _, column in headers_shown(page)]
    classes = [td.get_attribute("class").split()[0] for td in page.locator("table.rows-and-columns tbody td").all()]
    assert classes == [f"col-{column}" for column in columns]


# ---------------------------------------------------------------- the map

@pytest.fixture(scope="module")
def counties_url(tmp_path_factory, shared: Path) -> Iterator[str]:
    """`nianbao serve` on the publishing archive: 浑江区 (220602) and 兰西县 (231222), 2021 and 2022."""
    from tests import publishing

    path = publishing.build(tmp_path_factory.mktemp("map") / "archive.db", shared)
    with served(path) as (url, _):
        yield url


def county(page, adcode: str):
    return page.locator(f"#county-map path[data-adcode='{adcode}']")


def test_map_draws_every_county_with_no_request_leaving_the_server(page, counties_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(counties_url + "-/map")
    page.wait_for_load_state("networkidle")
    assert page.locator("#county-map path").count() > 2800
    assert page.locator("#county-map").bounding_box()["height"] > 300
    assert requested and [url for url in requested if not url.startswith(counties_url)] == []


def test_map_colours_the_counties_that_have_reports(page, counties_url):
    page.goto(counties_url + "-/map?figure=coverage&year=2022&level=")
    assert county(page, "220602").get_attribute("data-value") == "3"    # 浑江区: government, 教育局, 红土崖镇
    assert county(page, "231222").get_attribute("data-value") == "1"
    assert "outside" in county(page, "110101").get_attribute("class")


def test_clicking_a_county_opens_its_reports(page, counties_url):
    page.goto(counties_url + "-/map?figure=coverage&year=2022&level=县级政府")
    county(page, "220602").dispatch_event("click")
    page.wait_for_url(re.compile(r"/archive/reports\?adcode=220602"))
    assert agencies_listed(page) == ["白山市浑江区人民政府"]


def test_map_rates_only_counties_with_enough_applications(page, counties_url):
    page.goto(counties_url + "-/map?figure=disclosure&year=2022")
    hunjiang, lanxi = county(page, "220602"), county(page, "231222")
    assert (hunjiang.get_attribute("data-value"), hunjiang.get_attribute("data-n")) == ("0.8571", "21")
    assert "c3" in hunjiang.get_attribute("class")
    assert (lanxi.get_attribute("data-value"), lanxi.get_attribute("data-n")) == ("", "4")
    assert "c-1" in lanxi.get_attribute("class")
