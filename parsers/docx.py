"""DOCX into the common form: mammoth writes HTML with true colspan/rowspan, read like a page.

python-docx would give a grid with merged text repeated and no way to tell a copy from a value.
"""

from __future__ import annotations

import datetime
import io
import zipfile
import zlib

import lxml.etree as etree
import mammoth

from .document import Document
from .errors import ParseError, ScannedDocument
from .html import document_from_html
from .zipguard import open_zip

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office keeps a password-protected DOCX in an OLE file under this stream name.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_MAX_CORE_BYTES = 1024 * 1024
_CORE = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def extract(data: bytes) -> Document:
    _refuse_ole(data)
    archive = open_zip(data, "Word (.docx)")  # refuses zip bombs by their declared sizes
    if "word/document.xml" not in archive.namelist():
        raise ParseError("not a Word document (a zip without word/document.xml)")
    html, images = _mammoth_html(data)
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


def _mammoth_html(data: bytes) -> tuple[str, int]:
    """The body as HTML and how many images it holds; images are left out, not inlined as base64."""
    images = 0

    def drop_image(image: object) -> dict[str, str]:
        nonlocal images
        images += 1
        return {"src": ""}

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(drop_image))
    except Exception as error:  # mammoth lets KeyError, ValueError, XML errors out of damaged parts
        raise ParseError(f"damaged Word document ({type(error).__name__})") from None
    return result.value, images


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
