"""Bytes of any report format into the report contract (design.md).

``extract`` turns a file's bytes into the common Document form, ``parse`` turns a Document
into a report, and ``parse_files`` does both for many files: Word-97 files go to LibreOffice
in one batch, the rest are parsed in parallel processes, each parse under a time and memory
bound (``workers.Limits``).
"""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path

from .contract import Check, Place, Report, Sections
from .document import Document
from .errors import NotAReport, ParseError, ScannedDocument
from .report import PARSER_VERSION, parse
from .workers import Limits, ParseMemory, ParseTimeout, WorkerLost, WorkerPool, outcome

__all__ = ["Check", "Document", "Limits", "NotAReport", "ParseError", "ParseMemory", "ParseTimeout", "Place",
           "Report", "ScannedDocument", "Sections", "WorkerLost", "WorkerPool", "PARSER_VERSION", "extract", "parse",
           "parse_bytes", "parse_file", "parse_files"]

_MODULES = {"html": "html", "pdf": "pdf", "docx": "docx", "txt": "text", "ofd": "ofd", "doc": "office", "wps": "office",
            "image": "ocr"}
_BATCHED = frozenset({"doc", "wps"})
# LibreOffice's start, on top of the per-file bound, for the Word-97 batch (office.BATCH_TIMEOUT).
_WORD97_STARTUP = 60.0


def _sniff(data: bytes, name: str) -> str:
    from .sniff import check_size, detect_format

    check_size(data, name)
    return detect_format(data, name)


def extract(data: bytes, name: str = "", folder: Path | None = None) -> Document:
    """The Document in a file's bytes; the name's extension is only a hint. ``folder`` is where
    a local HTML page's images are read from (none are read without it)."""
    form = _sniff(data, name)
    module = importlib.import_module(f".{_MODULES[form]}", __name__)
    if form in _BATCHED:
        document = module.extract(data, form)
    else:
        document = module.extract(data, folder) if form == "html" else module.extract(data)
    document.format = form
    return document


def parse_bytes(data: bytes, name: str = "", folder: Path | None = None) -> Report:
    return parse(extract(data, name, folder), file=name)


def parse_file(path: str | os.PathLike) -> Report:
    return parse_bytes(_read(path), str(path), Path(path).parent)


def _read(path: str | os.PathLike) -> bytes:
    """The file's bytes, once it is known to be a regular file within the size limit: a FIFO
    would block for ever, a 3 GB file would be read whole before being refused."""
    from .sniff import MAX_DOCUMENT_BYTES

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ParseError("not a regular file")
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise ParseError(f"larger than the {MAX_DOCUMENT_BYTES >> 20} MB limit ({info.st_size >> 20} MB)")
        return Path(path).read_bytes()
    except OSError as error:
        raise ParseError(f"cannot read the file: {error.strerror or error}") from None


def _parse_safely(path: str) -> Report | ParseError:
    try:
        return parse_file(path)
    except ParseError as error:
        return error
    except MemoryError:
        raise  # the worker's memory bound, reported as such
    except Exception as error:  # a parser bug must not take the other files down
        return ParseError(f"internal error ({type(error).__name__}: {error})")


def parse_files(paths: list[str], workers: int | None = None,
                limits: Limits = Limits()) -> list[Report | ParseError]:
    """Reports (or the ParseError of each file that failed), in the order of ``paths``; each
    parse runs in a worker process under ``limits``."""
    batched = [i for i, path in enumerate(paths) if _is_word97(path)]
    rest = [i for i in range(len(paths)) if i not in set(batched)]
    slots = min(workers or os.cpu_count() or 1, len(rest) + bool(batched)) or 1
    with WorkerPool(slots, limits) as pool:
        futures = {i: pool.submit(_parse_safely, paths[i]) for i in rest}
        # One LibreOffice call for every Word-97 file, bounded as one parse per file.
        word97 = pool.submit(_parse_word97, [paths[i] for i in batched],
                             seconds=limits.seconds * len(batched) + _WORD97_STARTUP) if batched else None
        results = {i: outcome(future) for i, future in futures.items()}
        if word97 is not None:
            done = outcome(word97)
            results.update(zip(batched, done if isinstance(done, list) else [done] * len(batched)))
    return [results[i] for i in range(len(paths))]


def _is_word97(path: str) -> bool:
    if Path(path).suffix.lower() not in (".doc", ".wps") or not os.path.isfile(path):
        return False  # a FIFO would block the open below for ever
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _parse_word97(paths: list[str]) -> list[Report | ParseError]:
    from .office import extract_many

    items = []
    for path in paths:
        try:
            items.append((path, _read(path)))
        except ParseError as error:
            items.append((path, error))
    readable = [(path, data) for path, data in items if isinstance(data, bytes)]
    documents = iter(extract_many(readable))
    return [data if isinstance(data, ParseError) else _parse_word97_document(path, next(documents))
            for path, data in items]


def _parse_word97_document(path: str, document: Document | ParseError) -> Report | ParseError:
    if isinstance(document, ParseError):
        return document
    document.format = "wps" if path.lower().endswith(".wps") else "doc"
    try:
        return parse(document, file=path)
    except ParseError as error:
        return error
