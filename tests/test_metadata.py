from parsers import metadata


def test_title_split_over_two_paragraphs_is_joined():
    assert metadata.find_title(["兰西县兰河乡人民政府2020年政府信息", "公开工作年度报告", "总体情况"], None) == \
        "兰西县兰河乡人民政府2020年政府信息公开工作年度报告"


def test_agency_is_the_name_before_the_year():
    assert metadata.agency_from_title("淮安市洪泽区人民政府2024年政府信息公开工作年度报告") == "淮安市洪泽区人民政府"


def test_bare_township_name_means_its_government():
    assert metadata.agency_from_title("2020年港门镇政府信息公开工作年度报告") == "港门镇人民政府"


def test_department_keeps_its_name():
    assert metadata.agency_from_title("莆田市统计局2023年度政府信息公开工作年度报告") == "莆田市统计局"


def test_agency_from_the_signature_when_there_is_no_title():
    assert metadata.agency_from_signature(["六、其他需要报告的事项", "无", "红土崖镇人民政府", "2022年12月31日"]) == "红土崖镇人民政府"


def test_year_reported_on_comes_from_the_title_not_the_publication():
    assert metadata.find_year("2020年港门镇政府信息公开工作年度报告", ["……", "2021年1月10日"]) == 2020


def test_year_from_the_text_when_the_title_has_none():
    assert metadata.find_year("尚店镇政府信息公开工作年度报告", ["现公布尚店镇 2020 年政府信息公开工作年度报告。"]) == 2020


def test_published_is_the_date_under_the_signature():
    assert metadata.find_published(["六、其他需要报告的事项", "港门镇人民政府", "2021年1月10日"], None) == "2021-01-10"


def test_published_in_chinese_numerals():
    assert metadata.find_published(["某某县人民政府", "二〇二一年一月十日"], None) == "2021-01-10"


def test_dates_inside_prose_are_not_the_publication_date():
    assert metadata.find_published(["统计期限自2024年1月1日至2024年12月31日，全年收取费用3940元。"], None) is None


def test_sections_split_at_the_six_headings():
    sections = metadata.split_sections([
        "一、总体情况", "甲", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "乙",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "丙", "六、其他需要报告的事项", "丁",
    ])
    assert sections == {"overview": "甲", "proactive": "", "requests": "乙", "appeals": "", "problems": "丙", "other": "丁"}


def test_sub_items_in_brackets_are_not_section_headings():
    assert metadata.section_of("（四）依申请公开。全年未收到申请。") is None


def test_title_wrapped_before_its_last_words_is_joined():
    paragraphs = ["淮安市人力资源和社会保障局 2023 年政府信息公开工作", "年度报告", "一、总体情况"]
    assert metadata.find_title(paragraphs, None) == "淮安市人力资源和社会保障局2023年政府信息公开工作年度报告"


def test_heading_typo_still_names_the_appeals_section():
    assert metadata.section_of("四、政府信息公开行政法复议情况")[0] == "appeals"
