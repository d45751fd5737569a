from parsers.regions import find_region


def test_county_from_the_agency_name():
    assert find_region("兰西县兰河乡人民政府", "") == {
        "province": "黑龙江省", "city": "绥化市", "county": "兰西县", "adcode": "231222"}


def test_city_level_body_has_no_county():
    assert find_region("淮安市人民政府", "洪泽区")["county"] is None


def test_city_and_district_together_resolve_the_district():
    assert find_region("淮安市洪泽区人民政府", "")["adcode"] == "320813"


def test_township_region_from_the_portal_it_publishes_on():
    region = find_region("红土崖镇人民政府", "红土崖镇在浑江区政府网站上主动公开政府信息")
    assert (region["city"], region["county"]) == ("白山市", "浑江区")


def test_ambiguous_district_narrows_to_nothing_shared():
    # 鼓楼区 exists in 福州, 开封, 徐州 and 南京: no province is shared.
    assert find_region("鼓楼区人民政府", "") == {"province": None, "city": None, "county": None, "adcode": None}


def test_no_place_named_gives_empty_region():
    assert find_region("港门镇人民政府", "按照市、县统一部署")["province"] is None


def test_body_named_other_than_its_division_is_placed():
    from parsers.regions import find_region
    assert find_region("平潭综合实验区", "平潭综合实验区2021年度政府信息公开工作年度报告")["adcode"] == "350128"
