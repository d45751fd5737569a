"""DOCX: our whole parse of a report against the floor of any DOCX reader, unzipping word/document.xml
and parsing it with lxml (target ≤ 15x; mammoth alone took about 400x). The rest is one walk of the
body into HTML, the HTML table code, and reading the report out of the blocks."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import lxml.etree as etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers import parse_bytes  # noqa: E402
from tests.reportgen import make_spec, render_docx  # noqa: E402
from timing import best_of, report  # noqa: E402

SAMPLE = (Path(__file__).resolve().parents[1] / "crawler" / "sampleportal" / "site" / "state1" / "zwgk" / "zfxxgknb"
          / "bmnb" / "202401" / "P020240122612093845127.docx")


def floor(data: bytes) -> object:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def main() -> None:
    files = {"sample portal": SAMPLE.read_bytes(), "generated 2021": render_docx(make_spec(5, "2021"))}
    for name, data in files.items():
        ours = best_of(lambda: parse_bytes(data, "report.docx"), repeat=15)
        bare = best_of(lambda: floor(data), repeat=15)
        print(report(f"docx {name} ({len(data) // 1024} KB)", ours, bare, 15.0))


if __name__ == "__main__":
    main()
