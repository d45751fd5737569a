"""DOCX into the common form: word/document.xml is written out as the HTML a converter gives
(true colspan/rowspan, <br> for line breaks) and read like a page.

python-docx would give a grid with merged text repeated and no way to tell a copy from a value.
mammoth wrote this same HTML, but through a minidom tree of the body and of styles.xml: 0.3-0.6 s
a report, where one lxml pass over the body takes a few ms. The rules below follow mammoth's.
"""

from __future__ import annotations

import datetime
import zipfile
import zlib
from dataclasses import dataclass, field
from html import escape
from typing import Iterable, Iterator

import lxml.etree as etree

from .document import Document
from .errors import ParseError, ScannedDocument
from .html import document_from_html
from .zipguard import ZIP_ERRORS, open_zip

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office keeps a password-protected DOCX in an OLE file under this stream name.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAX_CORE_BYTES = 1024 * 1024
_CORE = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# zipfile says RuntimeError for an encrypted member, zlib.error for a damaged one.
_READ_ERRORS = (zlib.error, RuntimeError, *ZIP_ERRORS)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Strict OOXML names the same elements in other namespaces; they are renamed before parsing, so
# one set of tag names serves both (VML and markup compatibility are the same in both).
_STRICT = ((b"http://purl.oclc.org/ooxml/wordprocessingml/main", _W[1:-1].encode()),
           (b"http://purl.oclc.org/ooxml/drawingml/main", _A[1:-1].encode()))

_P, _TBL, _TR, _TC, _T, _BR, _SYM = (_W + name for name in ("p", "tbl", "tr", "tc", "t", "br", "sym"))
_SDT, _RUBY = _W + "sdt", _W + "ruby"
_ALTERNATE, _FALLBACK, _CHOICE = _MC + "AlternateContent", _MC + "Fallback", _MC + "Choice"
_TEXT_BOX = _W + "txbxContent"
_IMAGES = frozenset({_A + "blip", "{urn:schemas-microsoft-com:vml}imagedata"})
_NOTE_KINDS = {_W + "footnoteReference": "footnote", _W + "endnoteReference": "endnote"}
_VAL, _TYPE, _ID = _W + "val", _W + "type", _W + "id"
# Elements whose children are read as if they stood in their place (sdt and ruby: one child only).
_CONTENT_OF = {_SDT: _W + "sdtContent", _RUBY: _W + "rubyBase"}
_BLOCK_WRAPPERS = frozenset({_SDT, _W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"})
_INLINE_WRAPPERS = _BLOCK_WRAPPERS | {_W + n for n in ("r", "hyperlink", "fldSimple", "dir", "bdo", "ruby")}
# w:del, w:moveFrom, w:instrText (field codes), w:pPr and the like are simply never visited.
_INLINE_HTML = {_W + "tab": "\t", _W + "ptab": "\t", _W + "noBreakHyphen": "\u2011", _W + "softHyphen": "\u00ad",
                _W + "cr": "<br />"}
_GRAPHICS = frozenset({_W + "pict", _W + "drawing", _W + "object"})
_DELETED, _GRID_BEFORE, _GRID_SPAN, _V_MERGE = (_W + n for n in ("del", "gridBefore", "gridSpan", "vMerge"))
_MARK_TAGS = (_DELETED, _GRID_BEFORE, _GRID_SPAN, _V_MERGE)
_RUN_PROPERTIES, _PARAGRAPH_PROPERTIES = _W + "rPr", _W + "pPr"
_TABLE_PROPERTIES = frozenset({_W + "trPr", _W + "tcPr"})
_MAX_GRID_BEFORE = 64  # Word allows 63 columns
# w:sym characters of symbol fonts that forms use (ticks, boxes, ×, √), mapped as mammoth did.
_SYMBOLS = {
    "Symbol": {0xB4: "×", 0xB1: "±", 0xD6: "√", 0xB0: "°", 0xA3: "≤", 0xB3: "≥", 0xB7: "•"},
    "Wingdings": {0x6C: "\u26ab", 0x6E: "\u25fc", 0x6F: "\U0001f78f", 0x71: "\u2751", 0x9F: "•",
                  0xA8: "\U0001f78e", 0xFB: "\U0001f5f6", 0xFC: "✓", 0xFD: "\U0001f5f7", 0xFE: "\U0001f5f9"},
    "Wingdings 2": {0x50: "\U0001f5f8", 0x51: "\U0001f5f5", 0x52: "☑", 0x54: "☒", 0x98: "●", 0xA2: "■", 0xA3: "□"},
}


def extract(data: bytes) -> Document:
    _refuse_ole(data)
    archive = open_zip(data, "Word (.docx)")  # refuses zip bombs by their declared sizes
    if "word/document.xml" not in archive.namelist():
        raise ParseError("not a Word document (a zip without word/document.xml)")
    html, images = _body_html(archive)
    document = document_from_html(html, "docx")
    if not document.blocks and images:
        raise ScannedDocument(f"no text: a Word file holding only {images} image(s) (a scanned report)")
    document.title, document.published = _core_properties(archive)
    return document


def _refuse_ole(data: bytes) -> None:
    if not data.startswith(_OLE_MAGIC):
        return
    if _ENCRYPTED_STREAM in data:
        raise ParseError("encrypted Word document (password protected)")
    raise ParseError("a Word-97 (.doc) file named .docx")


def _body_html(archive: zipfile.ZipFile) -> tuple[str, int]:
    """The body as HTML, footnotes and endnotes listed after it, and how many images it holds
    (images are counted, not written)."""
    root = _read_part(archive, "word/document.xml")
    body = next(root.iterchildren(_W + "body"), None) if root is not None else None
    writer = _HtmlWriter()
    out: list[str] = []
    if body is not None:
        writer.marks = _marks(body)
        writer.blocks(body, out)
    writer.notes(archive, out)
    return "".join(out), writer.images


def _read_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        xml = archive.read(name)
    except KeyError:
        return None
    except _READ_ERRORS as error:
        raise ParseError(f"damaged Word document ({type(error).__name__})") from None
    if b"purl.oclc.org/ooxml/" in xml[:4096]:
        for strict, transitional in _STRICT:
            xml = xml.replace(strict, transitional)
    try:
        root = etree.fromstring(xml, _SAFE_XML)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"damaged Word document ({type(error).__name__})") from None
    _collapse_alternatives(root)
    return root


def _collapse_alternatives(root: etree._Element) -> None:
    """Each mc:AlternateContent becomes its fallback's children (what mammoth read), else its
    first choice's: the branches hold the same content twice. Innermost first."""
    for alternative in reversed(list(root.iter(_ALTERNATE))):
        branch = next(alternative.iterchildren(_FALLBACK), None)
        if branch is None:
            branch = next(alternative.iterchildren(_CHOICE), None)
        parent = alternative.getparent()
        if parent is not None:
            at = parent.index(alternative)
            parent[at:at + 1] = list(branch) if branch is not None else []


def _marks(root: etree._Element) -> dict[tuple[etree._Element, str], etree._Element]:
    """(paragraph, row or cell, tag) -> its deleted mark, w:gridBefore, w:gridSpan or w:vMerge,
    from one pass in C: a find() per cell cost more than the rest of the walk together."""
    marks = {}
    for mark in root.iter(*_MARK_TAGS):
        properties = mark.getparent()
        owner = properties.getparent() if properties is not None else None
        if owner is not None and properties.tag == _RUN_PROPERTIES and owner.tag == _PARAGRAPH_PROPERTIES:
            marks[(owner.getparent(), mark.tag)] = mark  # the paragraph mark itself is deleted
        elif owner is not None and properties.tag in _TABLE_PROPERTIES:
            marks[(owner, mark.tag)] = mark
    return marks


def _content(element: etree._Element) -> Iterable[etree._Element]:
    inner = _CONTENT_OF.get(element.tag)
    if inner is None:
        return element
    return next(element.iterchildren(inner), ())


@dataclass(slots=True)
class _Cell:
    colspan: int
    continues: bool  # w:vMerge without "restart": the cell above reaches down over this one
    html: list[str]
    rowspan: int = 1


@dataclass
class _HtmlWriter:
    """Appends HTML for one document's blocks to lists of strings."""

    images: int = 0
    marks: dict[tuple[etree._Element, str], etree._Element] = field(default_factory=dict)
    # Paragraphs whose mark was deleted: Word runs their text on into the next paragraph.
    carried: list[etree._Element] = field(default_factory=list)
    note_references: list[tuple[str, str | None]] = field(default_factory=list)

    def blocks(self, container: Iterable[etree._Element], out: list[str]) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self.paragraph(child, out)
            elif tag == _TBL:
                self.table(child, out)
            elif tag in _BLOCK_WRAPPERS:
                self.blocks(_content(child), out)

    def paragraph(self, p: etree._Element, out: list[str]) -> None:
        if (p, _DELETED) in self.marks:
            self.carried.extend(p)
            return
        children: Iterable[etree._Element] = p
        if self.carried:
            children, self.carried = [*self.carried, *p], []
        parts, extras = ["<p>"], []
        self.inline(children, parts, extras)
        parts.append("</p>")
        out += parts
        out += extras  # text boxes anchored in the paragraph follow it

    def inline(self, elements: Iterable[etree._Element], parts: list[str], extras: list[str]) -> None:
        for child in elements:
            tag = child.tag
            if tag == _T:
                parts.append(escape(child.text or "", quote=False))
            elif tag in _INLINE_WRAPPERS:
                self.inline(_content(child), parts, extras)
            elif tag in _INLINE_HTML:
                parts.append(_INLINE_HTML[tag])
            elif tag == _BR and child.get(_TYPE) in (None, "textWrapping"):  # page breaks are no text
                parts.append("<br />")
            elif tag == _SYM:
                parts.append(_symbol(child))
            elif tag in _GRAPHICS:
                self.graphic(child, extras)
            elif tag in _NOTE_KINDS:
                self.note_references.append((_NOTE_KINDS[tag], child.get(_ID)))
                parts.append(f"<sup>[{len(self.note_references)}]</sup>")

    def graphic(self, element: etree._Element, extras: list[str]) -> None:
        """Pictures are counted; a text box's paragraphs go after the paragraph holding it."""
        for child in element:
            if child.tag == _TEXT_BOX:
                self.blocks(child, extras)
            elif child.tag in _IMAGES:
                self.images += 1
            elif isinstance(child.tag, str):  # not a comment
                self.graphic(child, extras)

    def table(self, tbl: etree._Element, out: list[str]) -> None:
        rows = [self.row(tr) for tr in _unwrapped(tbl, _TR) if (tr, _DELETED) not in self.marks]
        _merge_down(rows)
        out.append("<table>")
        for row in rows:
            out.append("<tr>")
            for cell in row:
                if not cell.continues:
                    out.append(_td(cell))
                    out += cell.html
                    out.append("</td>")
            out.append("</tr>")
        out.append("</table>")

    def row(self, tr: etree._Element) -> list[_Cell]:
        # Columns a row leaves out at its start (w:gridBefore) are empty cells, so the row's
        # cells stay under their headings (mammoth shifted them left).
        skipped = min(_number(self.marks.get((tr, _GRID_BEFORE)), 0), _MAX_GRID_BEFORE)
        cells = [_Cell(1, False, []) for _ in range(skipped)]
        for tc in _unwrapped(tr, _TC):
            merge = self.marks.get((tc, _V_MERGE))
            html: list[str] = []
            self.blocks(tc, html)
            continues = merge is not None and merge.get(_VAL) in (None, "continue")
            cells.append(_Cell(max(1, _number(self.marks.get((tc, _GRID_SPAN)), 1)), continues, html))
        return cells

    def notes(self, archive: zipfile.ZipFile, out: list[str]) -> None:
        """The notes referenced, in the order of their numbers, as a list after the body."""
        if not self.note_references:
            return
        parts = {kind: self.notes_by_id(archive, kind) for kind in ("footnote", "endnote")}
        out.append("<ol>")
        for kind, note_id in list(self.note_references):  # notes cited inside notes are not listed
            note = parts[kind].get(note_id)
            if note is not None:
                out.append("<li>")
                self.blocks(note, out)
                out.append("</li>")
        out.append("</ol>")

    def notes_by_id(self, archive: zipfile.ZipFile, kind: str) -> dict[str | None, etree._Element]:
        root = _read_part(archive, f"word/{kind}s.xml")
        if root is None:
            return {}
        self.marks.update(_marks(root))
        # The separator lines Word keeps among the notes are no one's note.
        return {note.get(_ID): note for note in root.iter(_W + kind)
                if note.get(_TYPE) not in ("separator", "continuationSeparator")}


def _unwrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Rows of a table or cells of a row, also those inside content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _unwrapped(_content(child), tag)


def _merge_down(rows: list[list[_Cell]]) -> None:
    """Word marks each cell a vertical merge covers; HTML wants a rowspan on the first one."""
    origins: dict[int, _Cell] = {}
    for row in rows:
        column = 0
        for cell in row:
            if cell.continues and column in origins:
                origins[column].rowspan += 1
            else:
                cell.continues = False
                origins[column] = cell
            column += cell.colspan


def _td(cell: _Cell) -> str:
    spans = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
        f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
    return f"<td{spans}>"


def _number(element: etree._Element | None, default: int) -> int:
    value = element.get(_VAL, "") if element is not None else ""
    return int(value) if value.isdigit() else default


def _symbol(sym: etree._Element) -> str:
    font, char = sym.get(_W + "font"), sym.get(_W + "char", "")
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    characters = _SYMBOLS.get(font or "", {})
    # Word writes symbol-font characters in the private-use range F0xx as well.
    return characters.get(code) or characters.get(code - 0xF000, "")


def _core_properties(archive: zipfile.ZipFile) -> tuple[str | None, str | None]:
    """Title, and the date last saved (else created): offices copy last year's file, so the
    created date is often years old."""
    try:
        info = archive.getinfo("docProps/core.xml")
    except KeyError:
        return None, None
    if info.file_size > _MAX_CORE_BYTES:
        return None, None
    try:
        core = etree.fromstring(archive.read(info), _SAFE_XML)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError):
        return None, None
    title = (core.findtext("dc:title", namespaces=_CORE) or "").strip() or None
    saved = core.findtext("dcterms:modified", namespaces=_CORE) or core.findtext("dcterms:created", namespaces=_CORE)
    return title, _iso_day(saved)


def _iso_day(timestamp: str | None) -> str | None:
    try:
        return datetime.date.fromisoformat((timestamp or "").strip()[:10]).isoformat()
    except ValueError:
        return None
