"""The source registry's import: the shared portal lists into the `sources` table."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from archive import Archive
from crawler.sources import (
    SourceListError, format_sources, import_sources, normalise_url, read_portal_list,
)
from tests.conftest import SHARED

PORTALS = SHARED / "data" / "portals"
CSV_LIST = PORTALS / "county_portals_with_adcode.csv"
XLSX_LIST = PORTALS / "website-gov.xlsx"
CSV_HEADER = "adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked\n"


def new_db(tmp_path: Path, name: str = "archive.db") -> Archive:
    return Archive(tmp_path / name)


@pytest.fixture(scope="module")
def csv_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Archive, object]:
    db = new_db(tmp_path_factory.mktemp("csv"))
    return db, import_sources(db, CSV_LIST)


def source(db: Archive, url: str) -> dict:
    [row] = db.sources_at(url)
    return row


def test_the_csv_list_is_read_row_for_row() -> None:
    rows = read_portal_list(CSV_LIST)
    assert len(rows) == 3209
    assert sum(row["adcode"] is not None for row in rows) == 3208


def test_importing_the_csv_adds_every_portal_but_one_shared_url(csv_db) -> None:
    db, result = csv_db
    # 珲春市 is listed with 延边州's URL; portal_url is unique, so the first row keeps it.
    assert (result.added, result.updated, result.unchanged) == (3208, 0, 0)
    assert result.skipped == ["珲春市人民政府: same portal URL as 延边朝鲜族自治州人民政府 (http://www.yanbian.gov.cn/)"]
    assert db.db["sources"].count == 3208


def test_only_the_production_corps_stays_without_a_code(csv_db) -> None:
    db, result = csv_db
    assert result.unresolved == ["新疆生产建设兵团人民政府 http://www.xjbt.gov.cn/"]
    assert db.db["sources"].count_where("adcode is null") == 1


def test_a_coded_row_takes_its_names_from_the_code(csv_db) -> None:
    db, _ = csv_db
    row = source(db, "https://www.bjdch.gov.cn/")
    assert (row["adcode"], row["province"], row["city"], row["county"], row["name"]) == (
        "110101", "北京市", None, "东城区", "东城区人民政府")
    assert row["access_method"] == "direct"


def test_a_county_row_names_its_city(csv_db) -> None:
    db, _ = csv_db
    row = source(db, "http://www.hunjiang.gov.cn/")
    assert (row["adcode"], row["province"], row["city"], row["county"]) == ("220602", "吉林省", "白山市", "浑江区")


def test_level_follows_the_code_where_the_file_says_otherwise(csv_db) -> None:
    db, _ = csv_db
    # The file calls Beijing's districts 地级 and counties 县区.
    assert source(db, "https://www.bjdch.gov.cn/")["level"] == "县级"
    assert source(db, "http://www.cbs.gov.cn/")["level"] == "地级"
    assert source(db, "https://www.jl.gov.cn/")["level"] == "省级"


def test_rows_without_a_code_are_resolved_from_their_names(csv_db) -> None:
    db, _ = csv_db
    assert source(db, "https://www.ljxq.gov.cn/")["adcode"] == "500157"  # 两江新区, a 2025 code
    assert source(db, "https://www.jiyuan.gov.cn/")["adcode"] == "419001"  # 济源示范区 governs 济源市


def test_the_url_that_answered_the_probe_is_the_key(csv_db) -> None:
    db, _ = csv_db
    # Listed as https, answered only over http.
    assert source(db, "http://www.xingtai.gov.cn/")["adcode"] == "130500"
    assert db.db["sources"].count_where("portal_url = ?", ["https://www.xingtai.gov.cn/"]) == 0


def test_reimporting_the_same_file_adds_and_changes_nothing(csv_db) -> None:
    db, _ = csv_db
    again = import_sources(db, CSV_LIST)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3208)
    assert db.db["sources"].count == 3208


def test_the_xlsx_without_codes_gets_a_code_for_nearly_every_row(tmp_path: Path) -> None:
    db = new_db(tmp_path)
    result = import_sources(db, XLSX_LIST)
    coded = db.db["sources"].count_where("adcode is not null")
    assert (result.added, coded) == (3208, 3207)
    assert coded / result.added > 0.999


def test_the_xlsx_resolves_to_the_same_codes_as_the_csv(csv_db) -> None:
    db, _ = csv_db
    expected = {row["portal_url"]: row["adcode"] for row in db.db["sources"].rows}
    got: dict[str, str] = {}
    for row in read_portal_list(XLSX_LIST):
        got.setdefault(row["portal_url"], row["adcode"])  # the first of a shared URL, as imported
    assert got == expected


def test_the_xlsx_after_the_csv_changes_nothing(tmp_path: Path) -> None:
    db = new_db(tmp_path)
    import_sources(db, CSV_LIST)
    result = import_sources(db, XLSX_LIST)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 3208)


def test_a_shorter_list_deletes_nothing(tmp_path: Path) -> None:
    db = new_db(tmp_path)
    import_sources(db, CSV_LIST)
    short = tmp_path / "short.csv"
    short.write_text(CSV_HEADER + CSV_LIST.read_text(encoding="utf-8").splitlines()[5] + "\n", encoding="utf-8")
    result = import_sources(db, short)
    assert (result.added, result.unchanged, db.db["sources"].count) == (0, 1, 3208)


def test_a_code_the_division_table_dropped_keeps_the_files_names(tmp_path: Path) -> None:
    listed = tmp_path / "old.csv"
    listed.write_text(CSV_HEADER + "130171,河北省/石家庄市/石家庄高新技术产业开发区,县区,高新区管委会,"
                      "http://gxq.example.cn,direct,直连,,2026-04-26\n", encoding="utf-8")
    [row] = read_portal_list(listed)
    assert (row["adcode"], row["province"], row["city"], row["county"], row["level"]) == (
        "130171", "河北省", "石家庄市", "石家庄高新技术产业开发区", "县级")
    assert row["portal_url"] == "http://gxq.example.cn/"


def test_a_blank_in_a_later_file_does_not_erase_a_known_code(tmp_path: Path) -> None:
    db = new_db(tmp_path)
    import_sources(db, CSV_LIST)
    vague = tmp_path / "vague.csv"
    vague.write_text("portal_name,portal_url\n某某人民政府,https://www.bjdch.gov.cn\n", encoding="utf-8")
    result = import_sources(db, vague)
    assert (result.updated, result.unresolved) == (1, [])
    row = source(db, "https://www.bjdch.gov.cn/")
    assert (row["adcode"], row["name"]) == ("110101", "某某人民政府")


@pytest.mark.parametrize("make, reason", [
    (lambda tmp: tmp / "absent.csv", "no such file"),
    (lambda tmp: write(tmp / "broken.xlsx", XLSX_LIST.read_bytes()[:5000]), "not a readable xlsx workbook"),
    (lambda tmp: SHARED / "data" / "divisions" / "areas.csv", "not a portal list"),
    (lambda tmp: write(tmp / "empty.csv", b""), "empty file"),
    (lambda tmp: write(tmp / "random.bin", bytes(range(256)) * 4), "binary file"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path: Path, make, reason: str) -> None:
    path = make(tmp_path)
    with pytest.raises(SourceListError) as caught:
        import_sources(new_db(tmp_path), path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and reason in message and "\n" not in message


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("url, expected", [
    ("https://WWW.Example.gov.cn", "https://www.example.gov.cn/"),
    ("http://www.example.gov.cn:80/col/?a=1#top", "http://www.example.gov.cn/col/"),
    ("www.example.gov.cn/zwgk", "http://www.example.gov.cn/zwgk/"),
    ("https://www.example.gov.cn:8443/index.html", "https://www.example.gov.cn:8443/index.html"),
    ("ftp://example.gov.cn/", None),
    ("", None),
])
def test_portal_urls_are_normalised_to_scheme_host_and_path(url: str, expected: str | None) -> None:
    assert normalise_url(url) == expected


def test_format_sources_aligns_columns_counting_chinese_as_two_cells() -> None:
    rows = [
        {"adcode": "220602", "name": "浑江区人民政府", "portal_url": "http://www.hunjiang.gov.cn/", "cms": None},
        {"adcode": "220600", "name": "白山市人民政府", "portal_url": "http://www.cbs.gov.cn/", "cms": "trs",
         "report_list_url": "http://www.cbs.gov.cn/zwgk/ndbg/"},
    ]
    lines = format_sources(rows).splitlines()
    assert lines[0].split() == ["adcode", "name", "portal_url", "cms", "report_list_url"]
    column = lines[0].index("portal_url")
    assert cells(lines[1][:lines[1].index("http")]) == cells(lines[2][:lines[2].index("http")]) == column
    assert lines[1].endswith("-    -") and lines[2].endswith("trs  http://www.cbs.gov.cn/zwgk/ndbg/")


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
