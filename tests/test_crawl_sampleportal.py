"""The real `nianbao crawl` process on the bundled sample portal, twice: a first visit, then a
later one where a report was re-published with changed numbers, one withdrawn and one added."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils

from archive import body_key
from crawler.sampleportal.server import serve

MANIFEST = json.loads((__import__("pathlib").Path(__file__).resolve().parents[1]
                       / "crawler/sampleportal/site/manifest.json").read_text(encoding="utf-8"))
REGION = {key: MANIFEST["portal"][key] for key in ("province", "city", "county", "adcode")}
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_PARSE_WORKERS=2"]


def nianbao(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def expected_reports(state: str) -> set[tuple[str, int]]:
    return {(body_key(r["body"], REGION), r["year"]) for r in MANIFEST["states"][state]["reports"]}


def archived_reports(db: sqlite_utils.Database, gone: int = 0) -> set[tuple[str, int]]:
    return {(r["body_key"], r["year"]) for r in db.query("select * from reports where gone = ?", [gone])}


@pytest.fixture(scope="module")
def portal():
    with serve("state1") as server:
        yield server


def register(portal, db) -> None:
    """The sample portal in the source registry, as 浑江区's portal."""
    portal_list = db.parent / "portals.csv"
    portal_list.write_text(
        "adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked\n"
        f"220602,吉林省/白山市/浑江区,县级,浑江区人民政府,{portal.url}/,direct,直连,{portal.url}/,2026-04-26\n",
        encoding="utf-8")
    nianbao("sources", "import", str(portal_list), "--db", str(db))


@pytest.fixture(scope="module")
def two_visits(portal, tmp_path_factory):
    """The archive after crawling state1 and then state2, and the server's request log per visit."""
    db_path = tmp_path_factory.mktemp("visits") / "archive.db"
    register(portal, db_path)
    logs = []
    for state in ("state1", "state2"):
        portal.set_state(state)
        before = len(portal.requests)
        nianbao("crawl", "--db", str(db_path), "--url", portal.url + "/", *FAST)
        logs.append(list(portal.requests)[before:])
    return sqlite_utils.Database(db_path), logs


def manifest_report(state: str, report_id: str) -> dict:
    return next(r for r in MANIFEST["states"][state]["reports"] if r["id"] == report_id)


def report_of(db, state: str, report_id: str) -> dict:
    wanted = manifest_report(state, report_id)
    key = body_key(wanted["body"], REGION)
    return next(db.query("select * from reports where body_key = ? and year = ?", [key, wanted["year"]]))


def test_first_visit_finds_every_report_and_nothing_else(two_visits):
    db, _ = two_visits
    first_run = {(r["body_key"], r["year"]) for r in db.query(
        "select r.body_key, r.year from reports r join report_versions v on v.report_id = r.id "
        "where v.run = 1 and v.version = 1")}
    assert first_run == expected_reports("state1")


def test_second_visit_leaves_the_current_reports_of_the_later_portal(two_visits):
    db, _ = two_visits
    assert archived_reports(db) == expected_reports("state2")


def test_report_published_as_page_and_pdf_is_one_report_with_two_sources(two_visits):
    db, _ = two_visits
    both = [r for r in MANIFEST["states"]["state1"]["reports"] if {"html", "pdf"} <= set(r["formats"])]
    assert both
    for wanted in both:
        report = report_of(db, "state1", wanted["id"])
        sources = [row["url"] for row in db["report_sources"].rows_where("report_id = ?", [report["id"]])]
        assert len(sources) == len(wanted["urls"]) == 2
        assert report["version"] == 1


def test_noise_pages_are_captured_but_are_not_reports(two_visits):
    db, _ = two_visits
    report_urls = {row["url"].split("/", 3)[3] for row in db["report_sources"].rows}
    noise = {n["url"].lstrip("/") for n in MANIFEST["states"]["state1"]["noise"]}
    assert noise and not noise & report_urls


def test_robots_txt_disallowed_report_is_never_requested(two_visits):
    _, logs = two_visits
    assert not [path for log in logs for _, path, _ in log if path.startswith("/private/")]


def test_changed_report_gets_version_two_with_its_changed_cells(two_visits):
    db, _ = two_visits
    changed = MANIFEST["states"]["state2"]["changed"][0]
    report = report_of(db, "state2", changed["id"])
    versions = list(db["report_versions"].rows_where("report_id = ?", [report["id"]], order_by="version"))
    assert [v["version"] for v in versions] == [1, 2]
    cells = {(c["table"], c["row"], c["column"]): (c["from"], c["to"])
             for c in json.loads(versions[1]["changes"]) if "table" in c}
    before, after = changed["before"], changed["after"]
    assert cells[("requests", "new", "total")] == (before["requests_new_total"], after["requests_new_total"])


def test_changed_report_keeps_the_old_version_and_its_facts(two_visits):
    db, _ = two_visits
    changed = MANIFEST["states"]["state2"]["changed"][0]
    report = report_of(db, "state2", changed["id"])
    totals = dict(db.execute(
        "select version, value from request_counts where report_id = ? and row = 'new' and \"column\" = 'total'",
        [report["id"]]).fetchall())
    assert totals == {1: changed["before"]["requests_new_total"], 2: changed["after"]["requests_new_total"]}


def test_withdrawn_report_is_marked_gone_not_deleted(two_visits):
    db, _ = two_visits
    withdrawn = MANIFEST["states"]["state2"]["withdrawn"][0]
    report = report_of(db, "state1", withdrawn["id"])
    assert report["gone"] == 1
    assert db["report_versions"].count_where("report_id = ?", [report["id"]]) == 1


def test_unchanged_reports_add_no_versions_on_the_second_visit(two_visits):
    db, _ = two_visits
    second_run_versions = db.execute("select count(*) from report_versions where run = 2").fetchone()[0]
    assert second_run_versions == 1 + len(MANIFEST["states"]["state2"]["added"])


def test_second_visit_asks_conditionally_and_gets_304s(two_visits):
    db, logs = two_visits
    assert sum(1 for _, _, status in logs[1] if status == 304) >= 20
    assert db.execute("select count(*) from captures where run = 2 and not_modified = 1").fetchone()[0] >= 20


def test_gbk_pages_under_a_wrong_utf8_header_are_read(two_visits):
    db, _ = two_visits
    gbk = [r for r in MANIFEST["states"]["state1"]["reports"] if r["cms"] == "gbk"]
    assert gbk
    for wanted in gbk:
        assert report_of(db, "state1", wanted["id"])["agency"].endswith(wanted["body"])


def test_hanweb_records_beyond_the_datastore_come_through_dataproxy(two_visits):
    db, logs = two_visits
    assert any("dataproxy.jsp" in path for _, path, _ in logs[0])
    hanweb = [r for r in MANIFEST["states"]["state1"]["reports"] if r["cms"] == "hanweb"]
    assert len(hanweb) > 3
    found = {(r["body_key"], r["year"]) for r in db["reports"].rows}
    assert {(body_key(r["body"], REGION), r["year"]) for r in hanweb} <= found


def test_download_names_come_from_content_disposition(two_visits):
    db, _ = two_visits
    names = [row["filename"] for row in db.query("select filename from captures where url like '%downfile.jsp%'")]
    assert names and all(name.endswith(".doc") and "年度报告" in name for name in names)


def test_runs_record_their_counts(two_visits):
    db, _ = two_visits
    first, second = db.query("select * from crawl_runs order by id")
    assert first["reports_found"] == len(MANIFEST["states"]["state1"]["reports"])
    assert first["reports_new"] == first["reports_found"] and first["documents_changed"] == 0
    assert second["reports_changed"] == 1 and second["reports_new"] == len(MANIFEST["states"]["state2"]["added"])


def test_crawl_by_region_uses_the_registry_and_its_division_code(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    register(portal, db)
    assert portal.url in nianbao("sources", "list", "--region", "白山市", "--db", str(db)).stdout
    nianbao("crawl", "--region", "白山市", "--db", str(db), *FAST, "-s", "NIANBAO_MAX_LIST_PAGES=1")
    adcodes = {row["adcode"] for row in sqlite_utils.Database(db)["reports"].rows}
    assert adcodes == {"220602"}


def test_status_names_a_site_that_gave_fewer_reports(portal, tmp_path):
    portal.set_state("state1")
    db = str(tmp_path / "archive.db")
    nianbao("crawl", "--url", portal.url + "/", "--db", db, *FAST)
    nianbao("crawl", "--url", portal.url + "/", "--db", db, *FAST, "-s", "NIANBAO_MAX_LIST_PAGES=1")
    report = nianbao("status", "--db", db).stdout
    assert portal.url.lower() in report and "fewer reports" in report.lower()


def test_crawl_killed_mid_way_leaves_a_valid_archive_and_the_next_run_completes_it(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    register(portal, db)
    crawl = subprocess.Popen([sys.executable, "-m", "nianbao", "crawl", "--url", portal.url + "/", "--db", str(db),
                              *FAST, "-s", "DOWNLOAD_DELAY=0.1"], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_captures(db, 8)
    os.killpg(crawl.pid, signal.SIGKILL)
    crawl.wait()
    archive = sqlite_utils.Database(db)
    assert archive.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert 0 < archive["captures"].count < 40
    nianbao("crawl", "--url", portal.url + "/", "--db", str(db), *FAST)
    assert archived_reports(archive) == expected_reports("state1")
    assert archive.execute("select max(version) from reports").fetchone()[0] == 1
    orphans = "select count(*) from captures c left join blobs b on b.sha256 = c.sha256 " \
              "where c.sha256 is not null and b.sha256 is null"
    assert archive.execute(orphans).fetchone()[0] == 0


def _wait_for_captures(db, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sqlite_utils.Database(db)["captures"].count >= count:
                return
        except Exception:  # the archive is still being created
            pass
        time.sleep(0.1)
    raise AssertionError(f"no {count} captures within {timeout} s")


def test_scrapy_crawl_with_a_region_argument_runs_as_scrapyd_would(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    register(portal, db)
    project = __import__("pathlib").Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "region=220602", "-a", "cms=trs",
                             "-s", f"NIANBAO_DB={db}", *FAST, "-s", "LOG_LEVEL=WARNING"],
                            cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    archive = sqlite_utils.Database(db)
    assert archived_reports(archive) == expected_reports("state1")
    assert [(run["region"], run["status"]) for run in archive["crawl_runs"].rows] == [("220602", "finished")]


def test_reparse_with_the_same_parser_adds_no_versions(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    register(portal, db)
    nianbao("crawl", "--url", portal.url + "/", "--db", str(db), *FAST)
    versions = sqlite_utils.Database(db)["report_versions"].count
    served = len(portal.requests)
    output = nianbao("reparse", "--db", str(db)).stdout
    assert "0 changed" in output
    assert sqlite_utils.Database(db)["report_versions"].count == versions
    assert len(portal.requests) == served


def test_portal_crawled_by_url_alone_takes_its_county_from_the_home_page(portal, tmp_path):
    portal.set_state("state1")
    db = tmp_path / "archive.db"
    nianbao("crawl", "--url", portal.url + "/", "--db", str(db), *FAST)
    assert archived_reports(sqlite_utils.Database(db)) == expected_reports("state1")
