"""OFD (GB/T 33190, China's fixed-layout format) into the common form: text only.

An OFD file is a zip: OFD.xml names each document's Document.xml (DocBody/DocRoot), which lists
its pages (Pages/Page/@BaseLoc); each page's Content.xml holds TextObjects, boxes placed by
Boundary="x y w h" (millimetres), whose TextCode children put characters at X (left) and Y
(baseline) inside the box. The characters are regrouped into lines and paragraphs as for PDF;
table rules are PathObjects, which are not read, so tables come out as lines of text.
"""

from __future__ import annotations

import math
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from .document import Document
from .errors import ParseError, ScannedDocument
from .lines import Line, Margins, ParagraphJoiner, page_margins, without_page_numbers
from .zipguard import open_zip

NO_TABLES = "tables not recovered from OFD"
# entities left unexpanded (no billion laughs), no DTDs or network fetched
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
# Characters on one baseline differ by rounding only; lines are a full character size apart.
_BASELINE_SHARE = 0.3
# A gap wider than this share of the character size is a space (justified Chinese has none).
_SPACE_SHARE = 0.5


@dataclass(frozen=True)
class _Run:
    """Characters of one TextCode, placed on the page."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


def extract(data: bytes) -> Document:
    try:
        archive = open_zip(data, "GB/T 33190 (OFD)")
    except NotImplementedError as error:  # zipfile's word for a damaged version field
        raise ParseError(f"damaged OFD: {error}") from None
    root = _xml(archive, _member_named(archive, "OFD.xml"))
    body = _first(root, "DocBody")
    doc_root = _first(body, "DocRoot") if body is not None else None
    if doc_root is None or not (doc_root.text or "").strip():
        raise ParseError("damaged OFD: OFD.xml names no document (DocBody/DocRoot)")
    document = Document(format="ofd", title=_title(body), warnings=[NO_TABLES])
    _read_pages(archive, _resolve(doc_root.text, ""), document)
    return document


def _read_pages(archive: zipfile.ZipFile, document_path: str, document: Document) -> None:
    pages = _xpath(_xml(archive, document_path), "Pages/Page")
    if not pages:
        raise ParseError("damaged OFD: the document lists no pages")
    paragraphs = ParagraphJoiner(document.blocks)
    margins: Margins | None = None
    base, members = posixpath.dirname(document_path), set(archive.namelist())
    missing: list[int] = []
    read: set[str] = set()
    for number, page in enumerate(pages, start=1):
        location = _locate(page.get("BaseLoc", ""), base, members)
        if location is None:
            missing.append(number)
            continue
        if location in read:
            continue  # one page's XML listed again and again would be read without end
        read.add(location)
        lines = without_page_numbers(_lines(_runs(_xml(archive, location))))
        margins = page_margins(lines) or margins
        for line in lines:
            paragraphs.add(line, margins)
    if len(missing) == len(pages):
        raise ParseError("damaged OFD: none of its pages is in the package")
    if missing:
        document.warnings.append(f"pages missing from the package: {', '.join(map(str, missing))}")
    if not document.blocks:
        raise ScannedDocument("no text layer: an OFD of page images only")


# ---------------------------------------------------------------- zip members and XML


def _member_named(archive: zipfile.ZipFile, name: str) -> str:
    # Producers differ in the case of the root file's name.
    for member in archive.namelist():
        if member.lower() == name.lower():
            return member
    raise ParseError(f"not an OFD document (no {name})")


def _locate(location: str, base: str, members: set[str]) -> str | None:
    """The member a page location names; some producers write it from the root without '/'."""
    for candidate in (_resolve(location, base), _resolve(location, "")):
        if candidate in members:
            return candidate
    return None


def _resolve(location: str, base: str) -> str:
    """A location in the package: absolute from the root with '/', else relative to base."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, location))


def _xml(archive: zipfile.ZipFile, member: str) -> etree._Element:
    try:
        return etree.fromstring(archive.read(member), _PARSER)
    except KeyError:
        raise ParseError(f"damaged OFD: {member} is missing") from None
    except etree.XMLSyntaxError:
        raise ParseError(f"damaged OFD: {member} is not well-formed XML") from None
    # a corrupt deflate stream, an encrypted member, an unsupported compression method
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as error:
        raise ParseError(f"damaged OFD: {member} cannot be read ({type(error).__name__})") from None


def _xpath(element: etree._Element, path: str) -> list[etree._Element]:
    """Children by local name: producers use the 2016 namespace, older ones none."""
    steps = "/".join(f"*[local-name()='{step}']" for step in path.split("/"))
    return element.xpath(steps)


def _first(element: etree._Element, name: str) -> etree._Element | None:
    found = _xpath(element, name)
    return found[0] if found else None


def _title(body: etree._Element) -> str | None:
    found = _xpath(body, "DocInfo/Title")
    title = " ".join((found[0].text or "").split()) if found else ""
    return title or None


# ---------------------------------------------------------------- characters into lines


def _runs(page: etree._Element) -> list[_Run]:
    runs: list[_Run] = []
    for text_object in page.xpath(".//*[local-name()='TextObject']"):
        runs.extend(_object_runs(text_object))
    return runs


def _object_runs(text_object: etree._Element) -> list[_Run]:
    left, top = _numbers(text_object.get("Boundary"), 4)[:2]
    a, b, c, d, e, f = _numbers(text_object.get("CTM"), 6) if text_object.get("CTM") else (1, 0, 0, 1, 0, 0)
    font_size = _number(text_object.get("Size"), 3.5)
    size = font_size * (abs(d) or 1)
    runs: list[_Run] = []
    x = y = 0.0
    for code in _xpath(text_object, "TextCode"):
        text = code.text or ""
        # X and Y may be left out: they then carry on from the previous TextCode.
        x, y = _number(code.get("X"), x), _number(code.get("Y"), y)
        if not text.strip():
            continue
        width = (sum(_advances(code.get("DeltaX"), len(text) - 1, font_size)) + font_size) * (abs(a) or 1)
        page_x, page_y = left + a * x + c * y + e, top + b * x + d * y + f
        runs.append(_Run(text, page_x, page_x + width, page_y, size))
    return runs


def _advances(delta_x: str | None, count: int, font_size: float) -> list[float]:
    """DeltaX lists the advance after each character ('g 3 5.2' stands for three times 5.2);
    where it is missing or short, a character advances by its size (Chinese is square)."""
    tokens, advances = (delta_x or "").split(), []
    while tokens and len(advances) < count:
        token = tokens.pop(0)
        if token == "g" and len(tokens) >= 2:
            repeat, value = _number(tokens.pop(0), 0.0), _number(tokens.pop(0), font_size)
            advances += [value] * int(max(0.0, min(repeat, count - len(advances))))
        else:
            advances.append(_number(token, font_size))
    return advances + [font_size] * (count - len(advances))


def _number(text: str | None, default: float) -> float:
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if math.isfinite(value) else default


def _numbers(text: str | None, count: int) -> list[float]:
    values = [_number(token, 0.0) for token in (text or "").split()]
    return (values + [0.0] * count)[:count]


def _lines(runs: list[_Run]) -> list[Line]:
    """Runs on one baseline (within a share of their size), left to right, as lines."""
    lines: list[Line] = []
    group: list[_Run] = []
    for run in sorted(runs, key=lambda run: (run.baseline, run.x0)):
        if group and abs(run.baseline - group[0].baseline) > _BASELINE_SHARE * group[0].size:
            lines.append(_line(group))
            group = []
        group.append(run)
    if group:
        lines.append(_line(group))
    return lines


def _line(group: list[_Run]) -> Line:
    ordered = sorted(group, key=lambda run: run.x0)
    text = ordered[0].text
    for previous, run in zip(ordered, ordered[1:]):
        text += (" " if run.x0 - previous.x1 > _SPACE_SHARE * run.size else "") + run.text
    size = max(run.size for run in ordered)
    return Line(text, ordered[0].x0, max(run.x1 for run in ordered), ordered[0].baseline - size, size)
