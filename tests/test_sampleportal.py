"""The sample portal: a real HTTP server on 127.0.0.1 serving both states, and its manifest.

Every report file the manifest lists parses to the agency, year, template and totals it states.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.sampleportal import MANIFEST, SITE, load_manifest, serve
from crawler.sampleportal.server import CONFIG_NAME, SamplePortal, load_config, load_state
from parsers import NotAReport, parse_bytes, parse_files

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest()


@pytest.fixture(scope="module")
def portal() -> Iterator[SamplePortal]:
    with serve("state1") as running:
        yield running


@pytest.fixture
def later_portal() -> Iterator[SamplePortal]:
    with serve("state1") as running:
        yield running


class Answer:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def fetch(portal: SamplePortal, path: str, data: dict | None = None, headers: dict | None = None,
          method: str | None = None) -> Answer:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(portal.url + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def join(base: str, href: str) -> str:
    """A link on page ``base`` as a path on the portal (query kept)."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin("http://portal" + base, href.replace("&amp;", "&")))
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------- home and landing

def test_home_page_leads_to_the_report_column(portal):
    home = fetch(portal, "/")
    assert home.status == 200 and home.header("Content-Type") == "text/html; charset=utf-8"
    links = hrefs(home.body.decode("utf-8"))
    assert len(links) >= 50
    assert "/zwgk/index.html" in links
    assert any(urllib.parse.urlsplit(link).netloc not in ("", "127.0.0.1") for link in links if "//" in link)
    landing = fetch(portal, "/zwgk/index.html")
    text = landing.body.decode("utf-8")
    assert '<a href="/zwgk/zfxxgknb/index.html"' in text and "政府信息公开年报" in text
    assert "政府信息公开指南" in text


def test_every_internal_link_of_the_home_page_answers(portal):
    links = {join("/", href) for href in hrefs(fetch(portal, "/").body.decode("utf-8")) if href.startswith("/")}
    assert {path: fetch(portal, path, method="HEAD").status for path in links} == {path: 200 for path in links}


def test_robots_txt_disallows_private(portal, manifest):
    robots = fetch(portal, "/robots.txt")
    assert robots.body == b"User-agent: *\nDisallow: /private/\n"
    assert robots.header("Content-Type") == "text/plain; charset=utf-8"
    robots_noise = [item["url"] for item in manifest["states"]["state1"]["noise"] if item["kind"] == "robots"]
    assert robots_noise and all(url.startswith("/private/") for url in robots_noise)


# ---------------------------------------------------------------- TRS

@pytest.mark.parametrize("column", ["/zwgk/zfxxgknb/", "/zwgk/zfxxgknb/bmnb/"])
def test_trs_column_pages_exist_as_create_page_html_says(portal, column):
    first = fetch(portal, column + "index.html").body.decode("utf-8")
    assert '<meta name="ColumnType" content="政府信息公开年报">' in first
    count, current = map(int, re.search(r'createPageHTML\((\d+), (\d+), "index", "html"\)', first).groups())
    assert count >= 2 and current == 0
    for page in range(1, count):
        text = fetch(portal, f"{column}index_{page}.html").body.decode("utf-8")
        assert f'createPageHTML({count}, {page}, "index", "html");' in text
    assert fetch(portal, f"{column}index_{count}.html").status == 404


def test_trs_detail_page_carries_its_pdf_twin(portal, manifest):
    report = next(r for r in manifest["states"]["state1"]["reports"] if r["formats"] == ["html", "pdf"])
    page = fetch(portal, report["page"]).body.decode("utf-8")
    assert '<div class="TRS_Editor">' in page
    link = re.search(r'<a href="(\./P0\d+\.pdf)" OLDSRC="/protect/P0\d+\.pdf">', page).group(1)
    pdf = fetch(portal, join(report["page"], link))
    assert pdf.status == 200 and pdf.header("Content-Type") == "application/pdf" and pdf.body.startswith(b"%PDF")
    assert join(report["page"], link) == report["urls"][1]


# ---------------------------------------------------------------- Hanweb

def records(xml: bytes) -> list[str]:
    return re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml.decode("utf-8"), re.S)


def test_hanweb_column_page_holds_the_first_records(portal):
    page = fetch(portal, "/col/col5678/index.html").body.decode("utf-8")
    store = re.search(r'<script type="text/xml">(.*?)</script>', page, re.S).group(1)
    assert len(records(store.encode())) == 3
    assert 'src="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=5678&unitid=12345' in page
    assert "totalRecord = 8" in page


def test_dataproxy_answers_the_asked_range_by_get_and_post(portal):
    everything = fetch(portal, "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15")
    assert everything.header("Content-Type") == "text/xml; charset=utf-8"
    assert everything.body.startswith(b'<?xml version="1.0" encoding="utf-8"?><datastore>')
    assert b"<totalrecord>8</totalrecord>" in everything.body
    all_records = records(everything.body)
    assert len(all_records) == 8
    got = fetch(portal, "/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3")
    form = {"col": 1, "appid": 1, "webid": 1, "path": "/", "columnid": 5678, "unitid": 12345,
            "permissiontype": 0}
    posted = fetch(portal, "/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=6&perpage=3", data=form)
    assert records(got.body) == records(posted.body) == all_records[3:6]
    tail = fetch(portal, "/module/web/jpage/dataproxy.jsp", data={**form, "startrecord": 7, "endrecord": 9, "perpage": 3})
    assert records(tail.body) == all_records[6:]
    by_page = fetch(portal, "/module/web/jpage/dataproxy.jsp?page=2&webid=1&columnid=5678&unitid=12345")
    assert records(by_page.body) == all_records[3:6]
    assert [r for r in all_records if "art_5678_9001" in r]  # the 指南 is a record too


def test_downfile_names_the_file_only_in_content_disposition(portal, manifest):
    docs = [r for r in manifest["states"]["state1"]["reports"] if r["formats"] == ["doc"]]
    names = []
    for report in docs:
        answer = fetch(portal, report["urls"][1])
        assert answer.status == 200 and answer.body.startswith(b"\xd0\xcf\x11\xe0")
        assert answer.header("Content-Type") == "application/octet-stream"
        disposition = answer.header("Content-Disposition")
        name = re.fullmatch(r'attachment; filename="(.+)"', disposition).group(1)
        raw = name.encode("latin-1")
        names.append(urllib.parse.unquote(name) if "%" in name else raw.decode("gbk"))
        assert names[-1] == f"{report['agency']}{report['year']}年政府信息公开工作年度报告.doc"
    kinds = {("%" in fetch(portal, r["urls"][1]).header("Content-Disposition")) for r in docs}
    assert kinds == {True, False}  # one percent-encoded UTF-8, one raw GBK
    assert fetch(portal, "/module/download/downfile.jsp?classid=0&filename=nothere.doc").status == 404


# ---------------------------------------------------------------- GBK and Epoint

def test_gbk_list_lies_about_its_charset(portal):
    answer = fetch(portal, "/bm/sjj/gknb/index.html")
    assert answer.header("Content-Type") == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    text = answer.body.decode("gb18030")
    assert '<meta charset="gb2312">' in text and "繁體版" in text
    assert '<a href="list_2.html">下一页</a>' in text
    second = fetch(portal, "/bm/sjj/gknb/list_2.html").body.decode("gb18030")
    assert "浑江区审计局2022年" in second


def test_epoint_list_has_two_pages(portal, manifest):
    first = fetch(portal, "/info/iList.jsp?cat_id=77&cur_page=1").body.decode("utf-8")
    assert "共2页" in first and "iList.jsp?cat_id=77&amp;cur_page=2" in first
    second = fetch(portal, "/info/iList.jsp?cat_id=77&cur_page=2").body.decode("utf-8")
    details = [join("/info/iList.jsp", href) for text in (first, second) for href in hrefs(text)
               if "iContent.jsp" in href]
    epoint = {r["page"] for r in manifest["states"]["state1"]["reports"] if r["cms"] == "epoint"}
    assert set(details) == epoint
    assert all(fetch(portal, url).status == 200 for url in details)
    assert fetch(portal, "/info/iList.jsp?cat_id=77&cur_page=3").status == 404
    assert fetch(portal, "/info/iList.jsp?cat_id=../x&cur_page=1").status == 404


# ---------------------------------------------------------------- HTTP behaviour

def test_conditional_requests_answer_304(portal):
    first = fetch(portal, "/zwgk/zfxxgknb/index.html")
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag == f'"{hashlib.sha256(first.body).hexdigest()[:40]}"' and modified
    again = fetch(portal, "/zwgk/zfxxgknb/index.html", headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b"" and again.header("ETag") == etag
    assert fetch(portal, "/zwgk/zfxxgknb/index.html", headers={"If-None-Match": '"other"'}).status == 200
    assert fetch(portal, "/zwgk/zfxxgknb/index.html", headers={"If-Modified-Since": modified}).status == 304
    assert fetch(portal, "/zwgk/zfxxgknb/index.html",
                 headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status == 200


def test_unknown_and_hidden_paths_are_404(portal):
    for path in ("/nothere.html", f"/{CONFIG_NAME}", "/_files/epoint/iList_77_1.html", "/../manifest.json",
                 "/zwgk/zfxxgknb/202501/t20250120_1009.html"):
        assert fetch(portal, path).status == 404, path


def test_directory_without_slash_redirects(portal):
    request = urllib.request.Request(portal.url + "/zwgk/zfxxgknb")
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *args: None}))
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(request, timeout=10)
    assert raised.value.code == 301 and raised.value.headers["Location"] == "/zwgk/zfxxgknb/"


def test_in_flight_requests_are_counted():
    with serve("state1", delay=0.5) as slow:
        threads = [threading.Thread(target=fetch, args=(slow, "/robots.txt")) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert slow.max_in_flight == 4 and slow.in_flight == 0
        slow.clear_requests()
        fetch(slow, "/robots.txt")
        assert slow.max_in_flight == 1 and len(slow.requests) == 1


def test_requests_are_recorded(portal):
    fetch(portal, "/robots.txt?probe=1")
    fetch(portal, "/nothere.html?probe=1")
    assert ("GET", "/robots.txt?probe=1", 200) in portal.requests
    assert ("GET", "/nothere.html?probe=1", 404) in portal.requests


# ---------------------------------------------------------------- the manifest against the server

def test_every_manifest_url_answers_as_stated(portal, manifest):
    state = manifest["states"]["state1"]
    for report in state["reports"]:
        for url in report["urls"]:
            assert fetch(portal, url).status == 200, url
        for item in report["files"]:
            assert hashlib.sha256(fetch(portal, item["url"]).body).hexdigest() == item["sha256"], item["url"]
    for noise in state["noise"]:
        assert fetch(portal, noise["url"]).status == noise["status"], noise["url"]


def test_every_report_is_linked_from_its_lists(portal, manifest):
    state = manifest["states"]["state1"]
    linked: dict[str, set[str]] = {}
    for listing in state["lists"]:
        for page in listing["pages"]:
            body = fetch(portal, page).body
            text = body.decode("gb18030" if listing["cms"] == "gbk" else "utf-8")
            found = {join(page, href) for href in hrefs(text)}
            if listing["cms"] == "hanweb":
                xml = fetch(portal, "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=100&perpage=100").body
                found |= {join(page, href) for record in records(xml) for href in hrefs(record)}
            linked[listing["url"]] = linked.get(listing["url"], set()) | found
    for report in state["reports"]:
        assert report["listed_on"], report["id"]
        for listing in report["listed_on"]:
            assert report["page"] in linked[listing], (report["id"], listing)
    assert len(state["duplicates"]) == 1 and len(state["duplicates"][0]["listed_on"]) == 2


# ---------------------------------------------------------------- state2

def test_state2_changes_one_report_withdraws_one_adds_one(later_portal, manifest):
    before, after = manifest["states"]["state1"], manifest["states"]["state2"]
    changed, = after["changed"]
    withdrawn, = after["withdrawn"]
    added, = after["added"]
    url = changed["urls"][0]
    old = fetch(later_portal, url)
    assert fetch(later_portal, withdrawn["urls"][0]).status == 200
    later_portal.set_state("state2")
    new = fetch(later_portal, url)
    assert new.status == 200 and new.body != old.body
    assert fetch(later_portal, url, headers={"If-None-Match": old.header("ETag")}).status == 200
    assert changed["before"] != changed["after"]
    assert parse_bytes(new.body, url).requests["new"]["total"] == changed["after"]["requests_new_total"]
    assert fetch(later_portal, withdrawn["urls"][0]).status == 404
    xml = fetch(later_portal, "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15").body
    assert b"<totalrecord>7</totalrecord>" in xml and withdrawn["urls"][0].encode() not in xml
    new_report = next(r for r in after["reports"] if r["id"] == added)
    assert new_report["year"] == 2025 and fetch(later_portal, new_report["page"]).status == 200
    assert added not in {r["id"] for r in before["reports"]}
    listing = fetch(later_portal, "/zwgk/zfxxgknb/bmnb/index.html").body.decode("utf-8")
    changed_report = next(r for r in after["reports"] if r["id"] == changed["id"])
    assert changed_report["list_date"] in listing


def test_state2_keeps_unchanged_files_byte_identical(manifest):
    before = {r["id"]: r for r in manifest["states"]["state1"]["reports"]}
    after = manifest["states"]["state2"]
    changed = {item["id"] for item in after["changed"]}
    for report in after["reports"]:
        if report["id"] in before and report["id"] not in changed:
            assert report["files"] == before[report["id"]]["files"], report["id"]


def site_files(state: str) -> dict[str, bytes]:
    directory = SITE / state
    return {path.relative_to(directory).as_posix(): path.read_bytes()
            for path in directory.rglob("*") if path.is_file() and path.name != CONFIG_NAME}


def test_state2_stores_only_what_differs_from_state1(manifest):
    before, after = site_files("state1"), site_files("state2")
    assert after and all(before.get(path) != data for path, data in after.items())
    assert len(after) <= 10 < len(before)
    config = load_config(SITE / "state2")
    assert config["base"] == "state1" and "base" not in load_config(SITE / "state1")
    withdrawn = {url.lstrip("/") for item in manifest["states"]["state2"]["withdrawn"] for url in item["urls"]}
    assert {path.lstrip("/") for path in config["removed"]} == withdrawn and withdrawn <= before.keys()
    served = load_state("state2").files
    assert served.keys() == (before.keys() | after.keys()) - withdrawn
    for name, state in manifest["states"].items():  # report files are where the manifest says
        for report in state["reports"]:
            for item in report["files"]:
                stored_in, path = item["path"].split("/", 1)
                assert stored_in == ("state2" if name == "state2" and path in after else "state1"), item
                assert hashlib.sha256((SITE / item["path"]).read_bytes()).hexdigest() == item["sha256"], item


def test_state2_carries_the_whole_config(later_portal):
    config = load_config(SITE / "state2")
    assert {"hanweb", "downloads", "query_routes", "header_overrides", "last_modified"} <= config.keys()
    later_portal.set_state("state2")
    assert fetch(later_portal, "/bm/sjj/gknb/index.html").header("Content-Type") == "text/html; charset=utf-8"
    assert fetch(later_portal, "/info/iList.jsp?cat_id=77&cur_page=2").status == 200
    for key in config["downloads"]:
        answer = fetch(later_portal, f"/module/download/downfile.jsp?classid=0&filename={key}")
        assert answer.status == 200 and answer.body == (SITE / "state1" / config["downloads"][key]["file"]).read_bytes()
    assert fetch(later_portal, f"/{CONFIG_NAME}").status == 404


def test_files_from_the_base_keep_their_validators_across_the_switch(later_portal):
    paths = ["/", "/zwgk/zfxxgknb/index.html", "/robots.txt", "/zwgk/zfxxgknb/202403/P020240325536871420563.pdf"]
    old = {path: fetch(later_portal, path) for path in paths}
    later_portal.set_state("state2")
    for path, answer in old.items():
        again = fetch(later_portal, path, headers={"If-None-Match": answer.header("ETag")})
        assert again.status == 304 and again.header("ETag") == answer.header("ETag"), path
        assert again.header("Last-Modified") == answer.header("Last-Modified"), path
        assert fetch(later_portal, path, headers={"If-Modified-Since": answer.header("Last-Modified")}).status == 304
        assert fetch(later_portal, path).body == answer.body
    assert fetch(later_portal, "/zwgk/zfxxgknb/bmnb").status == 200  # a directory of both states still redirects
    assert fetch(later_portal, "/art/2024/2/28").status == 404  # a directory only the withdrawn file made


def test_an_overlay_must_name_what_it_removes_from_its_base(tmp_path):
    (tmp_path / "base" / "a").mkdir(parents=True)
    (tmp_path / "base" / "a" / "index.html").write_text("a")
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "b.html").write_text("b")
    config = tmp_path / "later" / CONFIG_NAME
    config.write_text('{"base": "base", "removed": ["/a/index.html"]}')
    state = load_state(tmp_path / "later")
    assert set(state.files) == {"b.html"} and "a" not in state.directories
    config.write_text('{"base": "base", "removed": ["/a/gone.html"]}')
    with pytest.raises(ValueError, match="not in its base"):
        load_state(tmp_path / "later")
    config.write_text('{"base": "base", "removed": ["/b.html"]}')
    with pytest.raises(ValueError):
        load_state(tmp_path / "later")
    config.write_text('{"base": "later"}')
    with pytest.raises(ValueError, match="cycle"):
        load_state(tmp_path / "later")


def test_manifest_has_the_promised_mix(manifest):
    reports = manifest["states"]["state1"]["reports"]
    formats = {form for report in reports for form in report["formats"]}
    assert {"html", "pdf", "docx", "doc"} <= formats
    assert {report["cms"] for report in reports} == {"trs", "hanweb", "gbk", "epoint"}
    assert {report["template"] for report in reports} == {"pre2019", "2019", "2021"}
    assert 15 <= len(reports) <= 30
    assert {item["kind"] for item in manifest["states"]["state1"]["noise"]} >= {"notice", "guide", "broken", "robots"}
    for report in reports:
        if report["template"] != "pre2019":
            assert report["requests_new_total"] > 0, report["id"]


def test_site_stays_small():
    size = sum(path.stat().st_size for path in SITE.rglob("*") if path.is_file())
    assert size < 3.5 * 1024 * 1024


# ---------------------------------------------------------------- every report file parses as stated

def test_every_report_file_parses_to_the_manifest(manifest, tmp_path):
    wanted: dict[str, tuple[str, dict]] = {}
    for state in manifest["states"].values():
        for report in state["reports"]:
            for item in report["files"]:
                if item["sha256"] not in wanted:
                    path = tmp_path / f"{len(wanted):03d}-{report['id']}.{item['format']}"
                    path.write_bytes((MANIFEST.parent / item["path"]).read_bytes())
                    wanted[item["sha256"]] = (str(path), report)
    paths = [path for path, _ in wanted.values()]
    results = parse_files(paths, workers=2)
    mismatches = []
    for (path, report), got in zip(wanted.values(), results):
        if isinstance(got, Exception):
            mismatches.append((report["id"], str(got)))
            continue
        got = got.to_json()
        parsed = {"agency": got["agency"], "year": got["year"], "template": got["template"],
                  "requests_new_total": got["requests"].get("new", {}).get("total"),
                  "requests_total_total": got["requests"].get("total", {}).get("total"),
                  "appeals_review_total": got["appeals"].get("review", {}).get("total")}
        if parsed != {key: report[key] for key in parsed}:
            mismatches.append((report["id"], Path(path).name, parsed))
    assert mismatches == []
    assert len(paths) >= 25


def test_noise_pages_are_not_reports(portal, manifest):
    for noise in manifest["states"]["state1"]["noise"]:
        if noise["status"] == 200 and noise["kind"] in ("notice", "guide", "attachment_page"):
            with pytest.raises(NotAReport):
                parse_bytes(fetch(portal, noise["url"]).body, noise["url"])


# ---------------------------------------------------------------- the command line

def test_module_serves_until_interrupted():
    process = subprocess.Popen([sys.executable, "-m", "crawler.sampleportal.server", "--state", "state2",
                                "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", line).group(1)
        deadline = time.monotonic() + 10
        with urllib.request.urlopen(url + "/zwgk/index.html", timeout=max(1.0, deadline - time.monotonic())) as answer:
            assert answer.status == 200
        assert "state2" in line
    finally:
        process.terminate()
        process.wait(timeout=10)
