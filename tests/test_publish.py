"""The archive in Datasette, through its in-process client: facets, canned queries, Chinese search,
CSV, the dashboard, and serving read-only."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
import sqlite3

import pytest

from archive.downloads import csv_path, whole_table_query
from archive.publish import SETTINGS, PublishError, datasette, metadata
from tests import publishing

EMPTY = "year=&level=&province=&rule=&report_id=&agency=&q="


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory, shared):
    return publishing.build(tmp_path_factory.mktemp("published") / "archive.db", shared)


@pytest.fixture(scope="module")
def ds(archive_path):
    return datasette(archive_path)


def get(ds, path: str):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, (path, response.text[:500])
    return response


def rows(ds, path: str) -> list[dict]:
    return get(ds, path + ("&" if "?" in path else "?") + "_shape=array").json()


def facet_values(ds, path: str, facet: str) -> dict:
    results = get(ds, path).json()["facet_results"]
    return {value["value"]: value["count"] for value in results[facet]["results"]}


# Facets

def test_reports_have_the_default_facets(ds):
    facets = get(ds, "/archive/reports.json").json()["facet_results"]
    assert set(facets) == {"year", "province", "city", "level", "format", "consistent"}


def test_level_facet_counts_bodies_of_each_level(ds):
    assert facet_values(ds, "/archive/reports.json", "level") == {"县级政府": 4, "部门": 1, "乡镇街道": 1}


def test_year_facet_counts_reports_per_year(ds):
    assert facet_values(ds, "/archive/reports.json", "year") == {2022: 4, 2021: 2}


def test_consistency_facet_finds_the_report_whose_tables_do_not_add_up(ds):
    assert facet_values(ds, "/archive/reports.json", "consistent") == {1: 5, 0: 1}


def test_facets_follow_a_filter(ds):
    assert facet_values(ds, "/archive/reports.json?province=黑龙江省", "year") == {2022: 1, 2021: 1}


def test_reports_are_sorted_newest_first(ds):
    assert [row["id"] for row in rows(ds, "/archive/reports.json")] == [6, 5, 4, 3, 2, 1]


def test_default_sorts_are_on_unique_keys(ds):
    # Datasette 0.65 orders the first page of a sorted table without the primary key as
    # tie-breaker and the next pages with it: a sort with ties loses rows between pages.
    tables = metadata()["databases"]["archive"]["tables"]
    sorted_by = {table: options["sort_desc"] for table, options in tables.items() if "sort_desc" in options}
    assert sorted_by and set(sorted_by.values()) == {"id"}


def test_linked_rows_read_as_body_names(ds):
    page = get(ds, "/archive/request_counts?report_id=3").text
    assert "白山市浑江区教育局" in page


# Canned queries

APPLICATIONS_BY_YEAR_PROVINCE = [
    {"年度": 2022, "省份": "吉林省", "报告数": 3, "新收申请": 30, "上年结转": 1, "予以公开": 20, "部分公开": 3,
     "不予公开": 0, "无法提供": 4, "不予处理": 0, "其他处理": 0, "办理总计": 28, "结转下年度": 3, "公开率": 0.8214},
    {"年度": 2022, "省份": "黑龙江省", "报告数": 1, "新收申请": 4, "上年结转": 0, "予以公开": 2, "部分公开": 2,
     "不予公开": 0, "无法提供": 0, "不予处理": 0, "其他处理": 0, "办理总计": 4, "结转下年度": 0, "公开率": 1.0},
    {"年度": 2021, "省份": "黑龙江省", "报告数": 1, "新收申请": 12, "上年结转": 0, "予以公开": 8, "部分公开": 0,
     "不予公开": 0, "无法提供": 0, "不予处理": 0, "其他处理": 0, "办理总计": 8, "结转下年度": 4, "公开率": 1.0},
    {"年度": 2021, "省份": "吉林省", "报告数": 1, "新收申请": 10, "上年结转": 0, "予以公开": 6, "部分公开": 2,
     "不予公开": 0, "无法提供": 1, "不予处理": 0, "其他处理": 0, "办理总计": 9, "结转下年度": 1, "公开率": 0.8889},
]


def test_applications_by_year_and_province_count_the_current_versions(ds):
    assert rows(ds, f"/archive/applications_by_year_province.json?{EMPTY}") == APPLICATIONS_BY_YEAR_PROVINCE


def test_applications_by_year_and_province_filter_by_level(ds):
    found = rows(ds, f"/archive/applications_by_year_province.json?{EMPTY}".replace("level=", "level=部门"))
    assert [(row["年度"], row["省份"], row["新收申请"]) for row in found] == [(2022, "吉林省", 5)]


def test_disclosure_rate_per_county_and_year(ds):
    found = rows(ds, f"/archive/disclosure_rate_by_county.json?{EMPTY}")
    assert [(row["区县"], row["区划代码"], row["年度"], row["公开率"]) for row in found] == [
        ("兰西县", "231222", 2022, 1.0), ("浑江区", "220602", 2022, 0.8214),
        ("兰西县", "231222", 2021, 1.0), ("浑江区", "220602", 2021, 0.8889)]


def test_failing_checks_name_the_rule_and_the_numbers(ds):
    found = rows(ds, f"/archive/failing_checks.json?{EMPTY}")
    assert {(row["机关"], row["规则"]) for row in found} == {
        ("红土崖镇人民政府", "requests.results.total"), ("红土崖镇人民政府", "requests.results.natural_person")}
    assert all(row["数字"].endswith("(1 ≠ 2)") for row in found)


def test_version_history_lists_the_cells_that_changed(ds):
    found = rows(ds, f"/archive/version_history.json?{EMPTY}".replace("report_id=", "report_id=2"))
    assert [row["版本"] for row in found] == [1, 2, 2, 2, 2, 2, 2]
    changed = {(row["行名"], row["列"], row["原值"], row["新值"]) for row in found if row["版本"] == 2}
    assert ("本年新收政府信息公开申请数量", "total", 20, 23) in changed
    assert ("予以公开", "total", 12, 15) in changed


def test_version_history_without_a_report_shows_reports_that_changed(ds):
    found = rows(ds, f"/archive/version_history.json?{EMPTY}")
    assert {row["机关"] for row in found} == {"白山市浑江区人民政府"}


def test_carried_over_check_puts_the_mismatch_first(ds):
    found = rows(ds, f"/archive/carried_over_check.json?{EMPTY}")
    assert [(row["机关"], row["年度"], row["本年上年结转"], row["上年结转下年度"], row["核对"]) for row in found] == [
        ("兰西县人民政府", 2022, 0, 4, "不一致"), ("白山市浑江区人民政府", 2022, 1, 1, "一致")]


def test_every_canned_query_answers_with_its_parameters_empty(ds):
    for name in metadata()["databases"]["archive"]["queries"]:
        assert get(ds, f"/archive/{name}.json?{EMPTY}").json()["ok"] is True, name


# Chinese search

def test_search_box_finds_a_two_character_word(ds):
    found = rows(ds, "/archive/reports.json?_search=复议")
    assert [row["agency"] for row in found] == ["白山市浑江区教育局"]


def test_search_box_finds_a_longer_phrase(ds):
    found = rows(ds, "/archive/reports.json?_search=行政复议案件")
    assert [row["agency"] for row in found] == ["白山市浑江区教育局"]


def test_search_does_not_match_characters_apart(ds):
    assert rows(ds, "/archive/reports.json?_search=复案") == []


def test_search_finds_words_in_titles(ds):
    assert len(rows(ds, "/archive/reports.json?_search=浑江区教育局")) == 1


def test_short_word_query_finds_reports_by_word(ds):
    found = rows(ds, f"/archive/search_words.json?{EMPTY}".replace("q=", "q=复议"))
    assert [(row["机关"], row["年度"]) for row in found] == [("白山市浑江区教育局", 2022)]


def test_search_follows_the_current_version(tmp_path, shared):
    from archive import Archive, Fetched
    from parsers import Report, parse_file

    archive = Archive(tmp_path / "archive.db")
    run = archive.start_run()
    report = Report.from_json(publishing.rewrite(parse_file(shared / publishing.SEED_2021).to_json(), "甲镇人民政府",
                                                 2022, publishing.Figures(prose="本年度收到行政复议申请。")))
    for body, prose in ((b"v1", "本年度收到行政复议申请。"), (b"v2", "本年度未收到任何申请。")):
        report.sections.overview = prose
        archive.store(run, Fetched("http://a.example/r.html", 200, body, {}, "2026-11-30T00:00:00", "http://a.example"), report)
    archive.close()
    assert rows(datasette(tmp_path / "archive.db"), "/archive/reports.json?_search=复议") == []


# CSV

@pytest.mark.parametrize("table", ["report_summary", "reports"])
def test_csv_streams_every_row_across_pages(ds, archive_path, table):
    text = get(ds, f"/archive/{table}.csv?_stream=on&_size=2").text
    ids = [row["id"] for row in csv.DictReader(io.StringIO(text))]
    assert sorted(ids) == [str(number) for number in range(1, 7)]
    assert len(ids) == sqlite3.connect(archive_path).execute("SELECT count(*) FROM reports").fetchone()[0]


def test_report_summary_csv_has_the_columns_researchers_ask_for(ds):
    header = next(csv.reader(io.StringIO(get(ds, "/archive/report_summary.csv").text)))
    for column in ("agency", "level", "province", "city", "county", "adcode", "year", "format", "published",
                   "url", "requests_new", "requests_handled", "disclosure_rate", "review_total",
                   "litigation_total", "licensing_decisions", "consistent", "failed_rules"):
        assert column in header


def test_report_summary_holds_the_current_versions_figures(ds):
    found = rows(ds, "/archive/report_summary.json?id=2")
    assert [(row["version"], row["requests_new"], row["requests_handled"], row["disclosure_rate"])
            for row in found] == [(2, 23, 21, 0.8571)]


# The dashboard and the front page

DASHBOARD = metadata()["plugins"]["datasette-dashboards"]["nianbao"]


def chart(ds, slug: str, **options: str) -> list[dict]:
    """A dashboard chart's rows, as its page asks for them with the filters ``options``."""
    from urllib.parse import urlencode

    from datasette_dashboards import replace_opts_in_query

    sql = replace_opts_in_query(DASHBOARD["charts"][slug]["query"], options)
    return rows(ds, "/archive.json?" + urlencode({"sql": sql, **options}))


def test_dashboard_opens_on_county_governments_only(ds):
    response = asyncio.run(ds.client.get("/-/dashboards/nianbao"))
    assert response.status_code == 302
    assert response.headers["location"].endswith("?level=%E5%8E%BF%E7%BA%A7%E6%94%BF%E5%BA%9C")  # 县级政府


def test_dashboard_totals_are_of_the_chosen_level(ds):
    assert chart(ds, "reports-count", level="县级政府") == [{"reports": "县级政府 4 份"}]
    assert chart(ds, "applications-count", level="部门") == [{"applications": "5 件，来自 1 份报告"}]


def test_dashboard_totals_refuse_to_add_levels_together(ds):
    assert chart(ds, "reports-count", level="") == [{"reports": "选择一个层级 · choose a level"}]


def test_reports_per_year_are_stacked_by_level_never_summed(ds):
    assert chart(ds, "reports-per-year", level="") == [
        {"年度": 2021, "层级": "县级政府", "报告数": 2}, {"年度": 2022, "层级": "乡镇街道", "报告数": 1},
        {"年度": 2022, "层级": "县级政府", "报告数": 2}, {"年度": 2022, "层级": "部门", "报告数": 1}]


def test_rates_of_fewer_than_the_minimum_cases_are_not_shown(ds):
    # 浑江区人民政府: 4 reviews in 2021 and 5 in 2022, too few for a rate.
    assert chart(ds, "correction-rates", level="县级政府") == []


def test_applications_per_report_need_enough_reports(ds):
    assert chart(ds, "applications-per-report", level="县级政府") == []


COUNTIES = [("220602", "浑江区"), ("220605", "江源区"), ("220621", "抚松县"), ("220622", "靖宇县"),
            ("220623", "长白朝鲜族自治县"), ("220681", "临江市")]


@pytest.fixture(scope="module")
def five_counties(tmp_path_factory, shared):
    """Five county governments of 白山市 with 2022 reports (3 reviews each, 1 corrected), and a
    sixth county in the registry with none."""
    from archive import Archive

    seed = publishing.parse_file(shared / publishing.SEED_2021).to_json()
    path = tmp_path_factory.mktemp("counties") / "archive.db"
    regions = [{"province": "吉林省", "city": "白山市", "county": county, "adcode": code} for code, county in COUNTIES]
    publishing.store_reports(path, [
        (f"http://{code}.example/2022.html",
         publishing.rewrite(seed, f"{region['county']}人民政府", 2022,
                            publishing.Figures(new=10 * number, granted=10 * number, review=(1, 3))), region)
        for number, (region, (code, _)) in enumerate(zip(regions[:5], COUNTIES), 1)])
    with Archive(path) as archive:
        archive.import_sources([region | {"level": "县级", "name": f"{region['county']}人民政府",
                                          "portal_url": f"http://{region['adcode']}.example/", "access_method": None}
                                for region in regions])
    return datasette(path)


def test_rate_with_enough_cases_is_shown_with_its_n(five_counties):
    assert chart(five_counties, "correction-rates", level="县级政府") == [
        {"年度": 2022, "层级": "县级政府", "类别": "行政复议", "纠错率": 0.3333, "纠正": 5, "n": 15}]


def test_applications_per_report_are_a_mean_with_its_n(five_counties):
    assert chart(five_counties, "applications-per-report", level="县级政府") == [
        {"年度": 2022, "层级": "县级政府", "每份报告新收申请": 30.0, "n": 5}]


def test_coverage_counts_counties_with_a_report_against_the_registry(five_counties):
    assert chart(five_counties, "coverage", level="县级政府") == [
        {"年度": 2022, "有报告的区县": 5, "登记的区县": 6, "覆盖率": 0.8333}]


def _query(sql: str) -> str:
    from urllib.parse import urlencode
    return urlencode({"sql": sql})


def test_home_page_lists_only_the_archive(ds):
    assert "_memory" not in get(ds, "/").text


def test_front_page_links_to_the_dashboard(ds):
    assert 'href="/-/dashboards/nianbao"' in get(ds, "/").text


# Serving read-only

def test_served_archive_refuses_writes_even_with_sql_on(ds, archive_path):
    response = asyncio.run(datasette(archive_path, sql=True).client.get("/archive.json?" + _query("DELETE FROM reports")))
    assert response.status_code == 400
    assert rows(ds, "/archive/reports.json?_size=100") != []


def test_immutable_archive_is_served_from_the_main_file(archive_path):
    immutable = datasette(archive_path, immutable=True)
    assert len(rows(immutable, "/archive/reports.json")) == 6


def test_missing_archive_is_refused_naming_the_file(tmp_path):
    with pytest.raises(PublishError, match="nothing.db: no such archive"):
        datasette(tmp_path / "nothing.db")


def test_sqlite_file_that_is_not_an_archive_is_refused(tmp_path):
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)")
    with pytest.raises(PublishError, match="other.db: not a nianbao archive"):
        datasette(tmp_path / "other.db")
    assert [row[0] for row in sqlite3.connect(tmp_path / "other.db").execute(
        "SELECT name FROM sqlite_master")] == ["t"]


def test_immutable_archive_includes_writes_still_in_the_log(tmp_path, shared):
    from archive import Archive, Fetched
    from parsers import Report, parse_file

    writer = Archive(tmp_path / "archive.db")
    writer.db.execute("PRAGMA wal_autocheckpoint = 0")
    report = publishing.rewrite(parse_file(shared / publishing.SEED_2021).to_json(), "甲镇人民政府", 2022, publishing.Figures())
    writer.store(writer.start_run(), Fetched("http://a.example/r.html", 200, b"v1", {}, "2026-11-30T00:00:00",
                                             "http://a.example"), Report.from_json(report))
    assert (tmp_path / "archive.db-wal").stat().st_size > 0
    try:
        assert [row["agency"] for row in rows(datasette(tmp_path / "archive.db", immutable=True),
                                              "/archive/reports.json")] == ["甲镇人民政府"]
    finally:
        writer.close()


# Metadata

def test_every_public_table_and_column_is_described(archive_path):
    from archive import compression
    from archive.schema import PUBLIC_TABLES

    tables = metadata()["databases"]["archive"]["tables"]
    db = sqlite3.connect(archive_path)
    compression.define(db)  # report_versions shows its compressed text through it
    for table in PUBLIC_TABLES:
        assert tables[table]["description"], table
        columns = [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]
        undescribed = [column for column in columns if column != "id" and column not in tables[table]["columns"]]
        assert undescribed == [], table


def test_key_columns_give_the_chinese_label_of_every_key():
    from archive import facts

    tables = metadata()["databases"]["archive"]["tables"]
    for table, column, labels in (("request_counts", "row", facts.REQUEST_ROWS),
                                  ("request_counts", "column", facts.REQUEST_COLUMNS),
                                  ("proactive_counts", "item", facts.PROACTIVE_ITEMS),
                                  ("proactive_counts", "metric", facts.PROACTIVE_METRICS),
                                  ("appeal_counts", "group", facts.APPEAL_GROUPS),
                                  ("appeal_counts", "result", facts.APPEAL_RESULTS)):
        description = tables[table]["columns"][column]
        assert [key for key, label in labels.items() if f"{key} {label}" not in description] == [], column


def test_metadata_has_a_chinese_title_with_english_beside_it():
    title = metadata()["title"]
    assert "政府信息公开工作年度报告" in title and "open government information" in title


def test_pages_link_the_stylesheet_that_folds_column_descriptions(ds):
    assert 'href="/-/nianbao.css"' in get(ds, "/archive/reports").text
    assert "dl.column-descriptions" in get(ds, "/-/nianbao.css").text


def csv_link(ds, page: str) -> str:
    """The href of the page's own "CSV" link."""
    return html.unescape(re.search(r'<a href="([^"]+)">CSV</a>', get(ds, page).text).group(1))


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_table_csv_link_gives_every_row_not_one_page(ds, archive_path):
    cells = sqlite3.connect(archive_path).execute("SELECT count(*) FROM request_counts").fetchone()[0]
    assert cells > SETTINGS["max_returned_rows"]
    assert len(csv_rows(get(ds, csv_link(ds, "/archive/request_counts")))) == cells


def test_table_csv_link_downloads_a_file_named_after_the_table(ds):
    response = get(ds, csv_link(ds, "/archive/report_summary?province=吉林省"))
    assert response.headers["content-disposition"] == 'attachment; filename="report_summary.csv"'
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert {row["province"] for row in csv_rows(response)} == {"吉林省"}


@pytest.fixture(scope="module")
def two_row_pages(archive_path):
    return datasette(archive_path, settings={"max_returned_rows": 2})


def test_canned_query_csv_link_gives_every_row_not_one_page(two_row_pages):
    page = f"/archive/version_history?{EMPTY}".replace("report_id=", "report_id=2")
    assert len(rows(two_row_pages, page.replace("version_history?", "version_history.json?"))) == 2
    response = get(two_row_pages, csv_link(two_row_pages, page))
    assert [row["版本"] for row in csv_rows(response)] == ["1", "2", "2", "2", "2", "2", "2"]
    assert response.headers["content-disposition"] == 'attachment; filename="version_history.csv"'


def test_canned_query_csv_reads_its_parameters(ds):
    response = get(ds, f"/archive/search_words.csv?{EMPTY}".replace("q=", "q=复议"))
    assert [row["机关"] for row in csv_rows(response)] == ["白山市浑江区教育局"]


def test_csv_asked_as_one_page_stays_one_page(ds):
    assert len(csv_rows(get(ds, "/archive/reports.csv?_stream=off&_size=2"))) == 2


def test_streamed_csv_asks_for_pages_of_the_largest_size():
    assert whole_table_query(b"_stream=on") == b"_stream=on&_size=max&_dl=on"
    assert whole_table_query(b"") == b"_stream=on&_size=max&_dl=on"


def test_csv_page_keeps_the_size_asked_for():
    assert whole_table_query(b"_size=2&_stream=on&_dl=on") == b"_size=2&_dl=on&_stream=on"


# Another database in the same Datasette (the plugin is installed for every one)

@pytest.fixture(scope="module")
def beside(archive_path, tmp_path_factory):
    """Our archive and an unrelated database with its own search index, in one Datasette."""
    import sqlite_utils
    from datasette.database import Database

    path = tmp_path_factory.mktemp("other") / "other.db"
    other = sqlite_utils.Database(path)
    other["notes"].insert_all([{"id": 1, "body": "行政复议 决定书"}, {"id": 2, "body": "行政 诉讼"}], pk="id")
    other["notes"].enable_fts(["body"])
    other.close()
    ds = datasette(archive_path)
    ds.add_database(Database(ds, path=str(path)), name="other")
    return ds


def test_another_database_keeps_datasettes_own_search(beside):
    assert [row["id"] for row in rows(beside, "/other/notes.json?_search=行政复议")] == [1]
    assert [row["agency"] for row in rows(beside, "/archive/reports.json?_search=复议")] == ["白山市浑江区教育局"]


def test_another_databases_pages_do_not_get_the_stylesheet(beside):
    assert 'href="/-/nianbao.css"' not in get(beside, "/other/notes").text


def test_another_databases_csv_keeps_datasettes_page_size(beside):
    assert csv_path("/other/notes.csv") is None
    assert "content-disposition" not in get(beside, "/other/notes.csv").headers


def test_every_count_in_report_summary_is_headed_with_its_unit():
    from archive.headings import SUMMARY_HEADINGS
    from archive.totals import COLUMNS

    counts = [column for column in COLUMNS if column != "disclosure_rate"]
    assert [column for column in counts if not SUMMARY_HEADINGS[column].endswith(("（件）", "（个）"))] == []


def test_table_pages_carry_the_chinese_headings(ds):
    page = get(ds, "/archive/request_counts").text
    assert 'src="/-/nianbao.js"' in page
    assert '"row_label": "行"' in page


def test_map_marks_registry_counties_without_a_report(five_counties):
    page = get(five_counties, "/-/map?figure=coverage&year=2022&level=").text
    assert 'class="county unreported" data-adcode="220681"' in page
    assert 'data-adcode="220602" data-value="1" data-n="1"' in page


def test_front_page_links_to_the_map(ds):
    assert 'href="/-/map"' in get(ds, "/").text


def test_canned_query_tab_is_titled_by_its_title_not_its_sql(ds):
    page = get(ds, f"/archive/failing_checks?{EMPTY}").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()
    assert title == metadata()["databases"]["archive"]["queries"]["failing_checks"]["title"]


def test_table_csv_keeps_the_pages_filters_search_and_sort(ds):
    query = "province=吉林省&_sort=requests_new"
    expected = [str(row["id"]) for row in rows(ds, f"/archive/report_summary.json?{query}")]
    assert [row["id"] for row in csv_rows(get(ds, f"/archive/report_summary.csv?{query}"))] == expected
    found = csv_rows(get(ds, "/archive/reports.csv?_search=复议"))
    assert [row["agency"] for row in found] == ["白山市浑江区教育局"]


def test_pre_2019_report_page_lists_its_figures_without_an_official_form(tmp_path, shared):
    seed = publishing.parse_file(shared / publishing.SEED_2021).to_json()
    old = seed | {"template": "pre2019", "year": 2017, "proactive": {}, "appeals": {}, "checks": [], "consistent": None,
                  "requests": {"new": 5, "received": {"total": 4}}}
    path = publishing.store_reports(tmp_path / "archive.db", [("http://old.example/2017.html", old, publishing.BAISHAN)])
    page = get(datasette(path), "/-/report/1").text
    assert 'id="table-requests"' not in page
    assert re.findall(r'<th>([^<]*)</th><td data-key="([^"]*)"[^>]*>([^<]*)</td>', page) == [
        ("本年新收政府信息公开申请数量", "requests/new/", "5"), ("received · 总计", "requests/received/total", "4")]
    assert "未找到表格" in page


def test_county_outlines_come_from_the_package_for_every_county():
    from archive.shapes import county_paths, view_box

    paths = county_paths()
    assert len(paths) > 2800 and paths["220602"].startswith("M") and paths["220602"].endswith("Z")
    left, top, width, height = view_box()
    x, y = map(float, paths["220602"][1:].split()[:2])   # 浑江区, in the north-east
    assert left + width * 0.8 < x < left + width and top < y < top + height * 0.5


def test_csv_asking_for_labels_where_there_are_none_is_the_same_file(ds):
    assert get(ds, "/archive/report_summary.csv?_labels=on").text == get(ds, "/archive/report_summary.csv").text
