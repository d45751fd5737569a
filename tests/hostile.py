"""Hostile files, made small: each one hangs or exhausts an unbounded parser (issue 14).

- a PDF whose content stream's /Length refers to the stream itself (pdfminer loops for ever);
- a PDF whose content stream is a Flate bomb (a few MB that inflate to gigabytes);
- an OFD whose document lists one page's XML a hundred times;
- a PDF of a thousand pages that share one content stream (each page reads it again).
"""

from __future__ import annotations

import io
import zipfile
import zlib

_OFD_NS = "http://www.ofdspec.org/2016"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table around ``objects`` (numbered from 1)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pages(kids: list[int], contents: bytes = b"4 0 R") -> list[bytes]:
    """Catalog, page tree and the pages ``kids`` (their object numbers), each drawing ``contents``."""
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents " + contents +
            b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>")
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + refs + b"] /Count %d >>" % len(kids),
            page]


def self_referencing_length_pdf() -> bytes:
    """One page whose content stream says its /Length is the stream object itself."""
    text = b"BT /F1 12 Tf 72 720 Td (2023 annual report) Tj ET"
    stream = b"<< /Length 4 0 R >>\nstream\n" + text + b"\nendstream"
    return _pdf(_pages([3]) + [stream])


def flate_bomb_pdf(inflated_mb: int) -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` MB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return _pdf(_pages([3]) + [stream])


def shared_stream_pdf(pages: int = 1000, lines: int = 400) -> bytes:
    """``pages`` pages drawing one content stream of ``lines`` lines of text."""
    text = b"\n".join(b"BT /F1 9 Tf 40 %d Td (line %d of the shared content stream) Tj ET" % (800 - i % 380 * 2, i)
                      for i in range(lines))
    packed = zlib.compress(text, 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    kids = list(range(5, 5 + pages))
    objects = _pages(kids)[:2] + [b"<< >>", stream]
    page = _pages(kids)[2]
    return _pdf(objects + [page] * pages)


def ofd_page_bomb(repeats: int = 100, lines: int = 2000) -> bytes:
    """An OFD whose Document.xml lists the same page ``repeats`` times; the page holds ``lines``
    lines of text, so reading it once is quick and reading it every time it is listed is not."""
    objects = "".join(
        f'<ofd:TextObject ID="{n}" Boundary="25 {10 + n % 250} 160 5" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="4" DeltaX="g 19 4">第{n}行政府信息公开工作年度报告内容</ofd:TextCode></ofd:TextObject>'
        for n in range(lines))
    page = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>')
    listed = "".join(f'<ofd:Page ID="{n}" BaseLoc="Pages/Page_0/Content.xml"/>' for n in range(repeats))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
                f'<ofd:Pages>{listed}</ofd:Pages></ofd:Document>')
    ofd = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD">'
           f'<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", ofd)
        package.writestr("Doc_0/Document.xml", document)
        package.writestr("Doc_0/Pages/Page_0/Content.xml", page)
    return buffer.getvalue()
