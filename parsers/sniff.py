"""Which format a file really is: its bytes decide, the name's extension is only a hint.

Portals serve HTML error pages under .pdf names and Word-97 files under .docx names.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from .errors import ParseError
from .zipguard import ZIP_ERRORS

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # the download limit
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected DOCX is an OLE file holding the encrypted zip in this stream.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Image signatures; WebP is RIFF....WEBP, BMP is BM then a header size at byte 14.
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")
_BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|div|table|p|meta)[\s>/]", re.IGNORECASE)


def check_size(data: bytes, name: str = "") -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit ({len(data) // (1024 * 1024)} MB)")


def detect_format(data: bytes, name: str = "") -> str:
    if not data or data.isspace():
        raise ParseError("empty file")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data)
    if data.startswith(_OLE):
        return _ole_format(data, name)
    if _is_image(data):
        return "image"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML.search(head[:2048]):
        return "html"
    if _is_text(data[:8192]):
        return "txt"
    raise ParseError("unrecognised binary file (not PDF, Word, OFD, HTML, text or an image)")


def _is_image(data: bytes) -> bool:
    if data.startswith(_IMAGES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return True
    return data[:2] == b"BM" and len(data) > 18 and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES


def _ole_format(data: bytes, name: str) -> str:
    """Word-97 and WPS share the OLE container; only the name tells them apart.

    An OLE file named .docx is usually an old .doc renamed, read as such.
    """
    if _ENCRYPTED_STREAM in data:
        raise ParseError("encrypted Office document (needs a password)")
    return "wps" if name.lower().endswith(".wps") else "doc"


def _zip_format(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except ZIP_ERRORS as error:
        raise ParseError(f"damaged zip archive ({error})") from None
    if "word/document.xml" in names:
        return "docx"
    if any(name.lower() == "ofd.xml" for name in names):  # producers differ in its case
        return "ofd"
    raise ParseError("zip archive that is neither DOCX nor OFD")


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            # Incremental: the cut at 8 KB may split the last character.
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f")
        return controls <= len(text) // 100
    return False
