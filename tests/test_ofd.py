"""OFD: positioned text regrouped into paragraphs; broken, hostile and scanned packages refused."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from parsers import ofd
from parsers.errors import ParseError, ScannedDocument

NS = "http://www.ofdspec.org/2016"
TITLE = "某某镇人民政府2022年政府信息公开工作年度报告"
LEFT, RIGHT, SIZE = 25.0, 185.0, 4.0  # mm: a 160 mm body, 40 characters of 4 mm a line

# (x, baseline y, text) for each run; a line of 40 characters reaches the right margin.
PAGE_ONE = [
    (45.0, 30.0, "某某镇人民政府"),  # centred title, two lines
    (35.0, 38.0, "2022年政府信息公开工作年度报告"),
    (LEFT, 50.0, "一、总体情况"),
    (LEFT + 2 * SIZE, 58.0, "本年度，我镇认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态"),
    (LEFT, 64.0, "、不公开为例外，全面推进政务公开工作。"),
    (LEFT, 72.0, "（一）主动公开情况"),
    (LEFT + 2 * SIZE, 80.0, "本年度主动公开政府信息"),
    (LEFT + 2 * SIZE + 11 * SIZE, 80.3, "120条，其中行政规范性文件3件，政策解读材料15篇，"),  # same line, a second object
    (LEFT, 86.0, "1.5万元用于平台建设，全部公开在政府门户网站和政务新媒体平台上，接受社会各界"),
    (95.0, 280.0, "— 1 —"),
]
PAGE_TWO = [
    (LEFT, 20.0, "的监督。"),
    (LEFT, 28.0, "二、主动公开政府信息情况"),
    (LEFT, 36.0, "1.规章"),
]


def _content(runs: list[tuple[float, float, str]]) -> str:
    objects = "".join(
        f'<ofd:TextObject ID="{n}" Boundary="{x} {y - SIZE} {len(text) * SIZE} {SIZE * 1.2}" Font="1" Size="{SIZE}">'
        f'<ofd:TextCode X="0" Y="{SIZE}" DeltaX="g {len(text) - 1} {SIZE}">{text}</ofd:TextCode></ofd:TextObject>'
        for n, (x, y, text) in enumerate(runs, 10))
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>')


def _ofd_xml(title: str = TITLE) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            f'<ofd:DocBody><ofd:DocInfo><ofd:DocID>a1b2</ofd:DocID><ofd:Title>{title}</ofd:Title></ofd:DocInfo>'
            f'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')


DOCUMENT_XML = (
    f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
    '<ofd:MaxUnitID>99</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
    '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
    # An absolute location, as some producers write them.
    '<ofd:Page ID="2" BaseLoc="/Doc_0/Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>')


PAGE_ZERO, PAGE_ONE_NAME = "Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_1/Content.xml"


def _package(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _members(changes: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    members: dict[str, str | bytes] = {
        "OFD.xml": _ofd_xml(), "Doc_0/Document.xml": DOCUMENT_XML,
        PAGE_ZERO: _content(PAGE_ONE), PAGE_ONE_NAME: _content(PAGE_TWO)}
    members.update(changes or {})
    return members


def test_text_is_regrouped_into_paragraphs_and_the_title_read():
    document = ofd.extract(_package(_members()))
    assert document.format == "ofd" and document.title == TITLE
    assert document.paragraphs == [
        "某某镇人民政府",
        "2022年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度，我镇认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进政务公开工作。",
        "（一）主动公开情况",
        "本年度主动公开政府信息120条，其中行政规范性文件3件，政策解读材料15篇，1.5万元用于平台建设，全部公开在政府门户网站和政务新媒体平台上，接受社会各界的监督。",
        "二、主动公开政府信息情况",
        "1.规章",
    ]
    assert document.tables == [] and document.warnings == [ofd.NO_TABLES]


def test_runs_far_apart_on_one_line_keep_a_space():
    page = [(LEFT, 30.0, "本年新收申请数量"), (LEFT + 30 * SIZE, 30.0, "12")]
    document = ofd.extract(_package(_members({PAGE_ZERO: _content(page)})))
    assert document.paragraphs[0].startswith("本年新收申请数量 12")


def _per_character_page(lines: list[str]) -> str:
    """One TextObject per character in points under a CTM, as PDF-to-OFD converters write them."""
    scale, size_pt = 0.3527, 14.749
    objects = []
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            left, baseline = LEFT + column * size_pt * scale, 40.0 + row * 8.0
            top = baseline - 4.0
            # The CTM's translation cancels the TextCode's offset: the glyph lands at (left, baseline).
            x, y = 300.0 + column, -300.0
            e, f = -scale * x, (baseline - top) - scale * y
            objects.append(
                f'<ofd:TextObject ID="{100 + len(objects)}" CTM="{scale} 0 0 {scale} {e:.4f} {f:.4f}" '
                f'Boundary="{left:.4f} {top:.4f} 5.2 5.8" Font="3" Size="{size_pt}">'
                f'<ofd:TextCode X="{x}" Y="{y}">{char}</ofd:TextCode></ofd:TextObject>')
    return (f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">{"".join(objects)}'
            '</ofd:Layer></ofd:Content></ofd:Page>')


def test_per_character_objects_under_a_ctm_join_into_lines():
    page = _per_character_page(["一、总体情况", "本年度共收到申请十二件。"])
    document = ofd.extract(_package(_members({PAGE_ZERO: page})))
    assert document.paragraphs[:2] == ["一、总体情况", "本年度共收到申请十二件。"]


def test_missing_page_is_a_warning_not_a_failure():
    members = _members()
    del members[PAGE_ONE_NAME]
    document = ofd.extract(_package(members))
    assert document.warnings == [ofd.NO_TABLES, "pages missing from the package: 2"]
    assert document.paragraphs[-1].endswith("接受社会各界")


def test_not_a_zip_is_refused():
    with pytest.raises(ParseError, match="not a zip"):
        ofd.extract(b"%PDF-1.7 not an OFD" * 10)


def test_zip_bomb_is_refused_by_its_declared_size():
    data = bytearray(_package(_members()))
    # Declare 300 MB for OFD.xml in the central directory: the size is checked before reading.
    header = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, header + 24, 300 * 1024 * 1024)
    with pytest.raises(ParseError, match="over the 200 MB limit"):
        ofd.extract(bytes(data))


def test_zip_without_ofd_xml_is_refused():
    members = _members()
    del members["OFD.xml"]
    with pytest.raises(ParseError, match="no OFD.xml"):
        ofd.extract(_package(members))


def test_malformed_xml_is_one_line_error():
    with pytest.raises(ParseError, match=r"Document.xml is not well-formed XML") as caught:
        ofd.extract(_package(_members({"Doc_0/Document.xml": "<ofd:Document><ofd:Pages>"})))
    assert "\n" not in str(caught.value)


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hostile = (f'<?xml version="1.0"?><!DOCTYPE ofd:OFD [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
               + _ofd_xml(title="&leak;").split("?>", 1)[1])
    document = ofd.extract(_package(_members({"OFD.xml": hostile})))
    assert "TOP-SECRET" not in (document.title or "") + document.text()


def test_pages_with_only_images_are_a_scanned_document():
    image_page = (f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">'
                  '<ofd:ImageObject ID="5" Boundary="0 0 210 297" ResourceID="9"/></ofd:Layer></ofd:Content></ofd:Page>')
    members = _members({PAGE_ZERO: image_page, PAGE_ONE_NAME: image_page})
    with pytest.raises(ScannedDocument):
        ofd.extract(_package(members))


def test_page_location_written_from_the_root_without_a_slash_is_found():
    document_xml = DOCUMENT_XML.replace('BaseLoc="Pages/Page_0/Content.xml"', 'BaseLoc="Doc_0/Pages/Page_0/Content.xml"')
    document = ofd.extract(_package(_members({"Doc_0/Document.xml": document_xml})))
    assert document.paragraphs[0] == "某某镇人民政府" and document.warnings == [ofd.NO_TABLES]
