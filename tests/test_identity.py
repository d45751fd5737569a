"""Body identity and level, on names printed in real reports (seeds and corpus)."""

from __future__ import annotations

import pytest

from archive.identity import body_key, level, region_of

HONGZE = {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "adcode": "320813"}
HUAIAN = {"province": "江苏省", "city": "淮安市", "county": None, "adcode": "320800"}
LANXI = {"province": "黑龙江省", "city": "绥化市", "county": "兰西县", "adcode": "231222"}
NOWHERE = {"province": None, "city": None, "county": None, "adcode": None}


def test_county_government_two_spellings_have_one_key():
    # 洪泽区 2023 and 2024 (corpus): the same body, the second name prefixed by its city.
    assert body_key("洪泽区人民政府", HONGZE) == body_key("淮安市洪泽区人民政府", HONGZE)


def test_key_ignores_width_spaces_and_punctuation():
    assert body_key("淮安市 洪泽区（人民政府）", HONGZE) == body_key("洪泽区人民政府", HONGZE)


def test_township_keeps_its_own_name_under_its_county():
    # 兰西县兰河乡人民政府 (seed 003) and the same township named without its county.
    assert body_key("兰西县兰河乡人民政府", LANXI) == body_key("兰河乡人民政府", LANXI) == "231222:兰河乡人民政府"


def test_party_body_is_not_the_government():
    assert body_key("中共洪泽区委办公室", HONGZE) != body_key("洪泽区委办公室", HONGZE)


def test_key_without_adcode_uses_region_names_or_unknown():
    names_only = {"province": "江苏省", "city": "淮安市", "county": "洪泽区", "adcode": None}
    assert body_key("洪泽区财政局", names_only) == "江苏省淮安市洪泽区:财政局"
    assert body_key("港门镇人民政府", NOWHERE) == "unknown:港门镇人民政府"  # seed 004


def test_registry_region_beats_parsed_region():
    assert region_of(LANXI, HONGZE) == LANXI
    assert region_of(None, HONGZE) == HONGZE
    assert region_of({"adcode": None}, HONGZE) == HONGZE


@pytest.mark.parametrize("agency, region", [
    ("洪泽区人民政府", HONGZE), ("淮安市洪泽区人民政府", HONGZE), ("洪泽区人民政府办公室", HONGZE),
    ("洪泽区人民政府", NOWHERE),
])
def test_county_government_and_its_office_are_county_level(agency, region):
    assert level(agency, region) == "县级政府"


@pytest.mark.parametrize("agency, region", [
    ("红土崖镇人民政府", {"province": "吉林省", "city": "白山市", "county": "浑江区", "adcode": "220602"}),
    ("尚店镇人民政府", {"province": "山东省", "city": "聊城市", "county": "临清市", "adcode": "371581"}),
    ("兰西县兰河乡人民政府", LANXI), ("兰西县兰河乡人民政府", NOWHERE), ("港门镇人民政府", NOWHERE),
    ("洪泽区高良涧街道办事处", HONGZE), ("巴彦花苏木", NOWHERE),
])
def test_township_and_street_bodies_are_township_level(agency, region):
    assert level(agency, region) == "乡镇街道"


@pytest.mark.parametrize("agency", ["洪泽区财政局", "淮安市洪泽区住房和城乡建设局", "洪泽区乡村振兴局",
                                    "城镇管理局", "中共洪泽区委办公室"])
def test_other_bodies_are_departments(agency):
    assert level(agency, HONGZE) == "部门"


def test_government_above_the_county_is_not_county_level():
    # 淮安市人民政府 2024 (corpus) reports for the city.
    assert level("淮安市人民政府", HUAIAN) == "市级政府"
    assert level("淮安市人民政府", NOWHERE) == "市级政府"
