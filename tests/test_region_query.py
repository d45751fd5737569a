"""Region queries (a name or a code at any level) and the sources they select."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import Archive
from parsers.regions import Region, RegionError, locate, resolve_region
from crawler.sources import find_sources, import_sources
from tests.conftest import SHARED

CSV_LIST = SHARED / "data" / "portals" / "county_portals_with_adcode.csv"
HUNJIANG = Region("220602", "county", "浑江区", "吉林省", "白山市", "浑江区")
BAISHAN = Region("220600", "city", "白山市", "吉林省", "白山市", None)
JILIN = Region("220000", "province", "吉林省", "吉林省", None, None)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    database = Archive(tmp_path_factory.mktemp("regions") / "archive.db")
    import_sources(database, CSV_LIST)
    return database


@pytest.mark.parametrize("query, expected", [
    ("吉林省", JILIN), ("白山市", BAISHAN), ("浑江区", HUNJIANG),
    ("22", JILIN), ("2206", BAISHAN), ("220600", BAISHAN), ("220602", HUNJIANG), ("220602000000", HUNJIANG),
])
def test_a_full_name_or_a_code_names_one_division(query: str, expected: Region) -> None:
    assert resolve_region(query) == expected


@pytest.mark.parametrize("query", ["吉林省白山市浑江区", "吉林省/白山市/浑江区", "白山市 浑江区", " 浑江区 "])
def test_a_path_of_names_narrows_to_its_last(query: str) -> None:
    assert resolve_region(query) == HUNJIANG


@pytest.mark.parametrize("query, code", [("白山", "220600"), ("延边", "222400"), ("新疆", "650000"), ("鄂温克", "150724")])
def test_a_short_name_without_its_ending_is_enough_when_unique(query: str, code: str) -> None:
    assert resolve_region(query).adcode == code


def test_a_municipal_district_has_no_city() -> None:
    assert resolve_region("北京市东城区") == Region("110101", "county", "东城区", "北京市", None, "东城区")


def test_an_ambiguous_name_raises_listing_the_candidates_with_codes() -> None:
    with pytest.raises(RegionError) as caught:
        resolve_region("朝阳区")
    assert str(caught.value) == "ambiguous region 朝阳区: 朝阳区 110105 (北京市), 朝阳区 220104 (吉林省长春市)"


def test_a_path_settles_an_ambiguous_name() -> None:
    assert resolve_region("长春市朝阳区").adcode == "220104"


@pytest.mark.parametrize("query, message", [
    ("火星市", "unknown region: 火星市"), ("999999", "unknown division code: 999999"),
    ("22060", "not a division code: 22060"), ("", "empty region"),
])
def test_an_unknown_region_raises_one_line(query: str, message: str) -> None:
    with pytest.raises(RegionError, match=f"^{message}$"):
        resolve_region(query)


def test_a_portal_row_resolves_from_its_name_in_the_rows_context() -> None:
    assert locate(["吉林省", "白山市", "?"], "浑江区人民政府") == HUNJIANG
    assert locate([], "白山市浑江区人民政府") == HUNJIANG
    assert locate(["北京市", "朝阳区"], "朝阳区人民政府").adcode == "110105"


def test_a_city_selects_its_own_portal_and_its_counties(db: Archive) -> None:
    rows = find_sources(db, "白山市")
    assert [row["adcode"] for row in rows] == ["220600", "220602", "220605", "220621", "220622", "220623", "220681"]
    assert rows[1]["portal_url"] == "http://www.hunjiang.gov.cn/"


def test_a_county_code_selects_that_county_only(db: Archive) -> None:
    assert [row["name"] for row in find_sources(db, "220602")] == ["浑江区人民政府"]


def test_a_province_selects_every_portal_in_it(db: Archive) -> None:
    rows = find_sources(db, "吉林省")
    # 70 listed, less 珲春市 which shares 延边州's URL.
    assert len(rows) == 69 and all(row["adcode"].startswith("22") for row in rows)


def test_no_region_selects_every_source(db: Archive) -> None:
    assert len(find_sources(db)) == 3208


def test_a_registry_code_the_division_table_dropped_still_selects(tmp_path: Path) -> None:
    database = Archive(tmp_path / "archive.db")
    listed = tmp_path / "old.csv"
    listed.write_text("adcode,region_path,portal_name,portal_url\n"
                      "130171,河北省/石家庄市/石家庄高新技术产业开发区,高新区管委会,http://gxq.example.cn/\n",
                      encoding="utf-8")
    import_sources(database, listed)
    assert [row["adcode"] for row in find_sources(database, "130171")] == ["130171"]
    with pytest.raises(RegionError):
        find_sources(database, "130172")
