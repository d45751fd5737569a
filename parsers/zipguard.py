"""Zip-based formats (DOCX, OFD) opened only after their declared sizes are checked."""

from __future__ import annotations

import io
import zipfile

from .errors import ParseError

# zipfile says NotImplementedError for a version field it cannot read (damage, mostly).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError)
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # for members over 10 MB; real documents compress XML about 10:1


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise ParseError(f"not a {what} file (not a zip archive)") from None
    infos = archive.infolist()
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_EXPANDED_BYTES:
        raise ParseError(f"expands to {expanded // (1024 * 1024)} MB, over the {MAX_EXPANDED_BYTES // (1024 * 1024)} MB limit")
    for info in infos:
        if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ParseError(f"{info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1, a zip bomb")
    return archive
