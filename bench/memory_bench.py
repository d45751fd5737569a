"""Peak memory of `nianbao parse` on one document near the download limit (target < 500 MB).

Builds the documents in a temporary directory: a PDF of the real 淮安市 report repeated
until it is near the limit, and a report page padded with navigation to the same size.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.html import MAX_PAGE_BYTES  # noqa: E402
from parsers.sniff import MAX_DOCUMENT_BYTES  # noqa: E402
from tests.reportgen import make_spec, render_html_trs  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def big_pdf(path: Path, limit: int) -> None:
    """The real report repeated, each copy carrying a photo-sized image, up to the limit."""
    source = pypdf.PdfReader(CORPUS / "js_huaian_city_2024_gov.pdf")
    writer = pypdf.PdfWriter()
    side = 600  # a 600x600 grey image of noise: 360 KB that does not compress
    copies = max(1, limit // (side * side + 60_000))
    for _ in range(copies):
        for number, page in enumerate(source.pages):
            added = writer.add_page(page)
            if number == 0:
                _add_image(writer, added, side)
    writer.write(path)


def _add_image(writer: pypdf.PdfWriter, page: pypdf.PageObject, side: int) -> None:
    image = DecodedStreamObject()
    image.set_data(os.urandom(side * side))
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(side), NameObject("/Height"): NumberObject(side),
                  NameObject("/BitsPerComponent"): NumberObject(8), NameObject("/ColorSpace"): NameObject("/DeviceGray")})
    resources = page[NameObject("/Resources")].get_object()
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
    xobjects[NameObject("/Noise")] = writer._add_object(image)
    content = DecodedStreamObject()
    content.set_data(page.get_contents().get_data() + b"\nq 100 0 0 100 0 0 cm /Noise Do Q\n")
    page.replace_contents(content)


def big_html(path: Path, limit: int) -> None:
    # About 90 bytes a link in UTF-8; stay just under the limit.
    nav = "".join(f'<li><a href="/col/col{i}/index.html">栏目{i}新闻动态</a></li>' for i in range(limit // 100))
    page = render_html_trs(make_spec(5, "2021")).decode("utf-8")
    path.write_text(page.replace("<body>", f"<body><ul class=nav>{nav}</ul>", 1), encoding="utf-8")


_MEASURE = (
    "import re, sys\n"
    "from parsers import parse_files\n"
    "result = parse_files([sys.argv[1]])[0]\n"
    # VmHWM, unlike ru_maxrss, is not inherited from the parent that forked us.
    "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "print(peak, type(result).__name__)\n"
)


def peak_mb(path: Path) -> tuple[float, str]:
    """Peak RSS of a fresh process parsing the one file (one file is parsed in-process)."""
    output = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    kilobytes, outcome = output.stdout.split()
    return int(kilobytes) / 1024, outcome


def main() -> None:
    limit = int(sys.argv[1]) * 1024 * 1024 if len(sys.argv) > 1 else MAX_DOCUMENT_BYTES
    with tempfile.TemporaryDirectory() as directory:
        for name, build, size in (("big.html", big_html, min(limit, MAX_PAGE_BYTES)), ("big.pdf", big_pdf, limit)):
            path = Path(directory) / name
            build(path, size)
            mb, outcome = peak_mb(path)
            print(f"{name}: {path.stat().st_size / 1e6:.1f} MB file, peak RSS {mb:.0f} MB (target < 500), {outcome}")


if __name__ == "__main__":
    main()
