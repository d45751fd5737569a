"""Bytes of any report format into the report contract (design.md).

``extract`` turns a file's bytes into the common Document form, ``parse`` turns a Document
into a report, and ``parse_files`` does both for many files: Word-97 files go to LibreOffice
in one batch, the rest are parsed in parallel processes.
"""

from __future__ import annotations

import importlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .contract import Check, Place, Report, Sections
from .document import Document
from .errors import NotAReport, ParseError, ScannedDocument
from .report import PARSER_VERSION, parse

__all__ = ["Check", "Document", "NotAReport", "ParseError", "Place", "Report", "ScannedDocument", "Sections",
           "PARSER_VERSION", "extract", "parse", "parse_bytes", "parse_file", "parse_files"]

_MODULES = {"html": "html", "pdf": "pdf", "docx": "docx", "txt": "text", "ofd": "ofd", "doc": "office", "wps": "office",
            "image": "ocr"}
_BATCHED = frozenset({"doc", "wps"})
# Below this many files a process pool costs more than it saves.
_POOL_MIN_FILES = 4


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
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ParseError(f"cannot read the file: {error.strerror or error}") from None


def _parse_safely(path: str) -> Report | ParseError:
    try:
        return parse_file(path)
    except ParseError as error:
        return error
    except Exception as error:  # a parser bug must not take the other files down
        return ParseError(f"internal error ({type(error).__name__}: {error})")


def parse_files(paths: list[str], workers: int | None = None) -> list[Report | ParseError]:
    """Reports (or the ParseError of each file that failed), in the order of ``paths``."""
    results: dict[int, Report | ParseError] = {}
    batched = [i for i, path in enumerate(paths) if _is_word97(path)]
    results.update(_parse_word97([paths[i] for i in batched], batched))
    rest = [i for i in range(len(paths)) if i not in results]
    workers = workers or os.cpu_count() or 1
    if len(rest) >= _POOL_MIN_FILES and workers > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(rest))) as pool:
            results.update(zip(rest, pool.map(_parse_safely, [paths[i] for i in rest], chunksize=4)))
    else:
        results.update((i, _parse_safely(paths[i])) for i in rest)
    return [results[i] for i in range(len(paths))]


def _is_word97(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" and Path(path).suffix.lower() in (".doc", ".wps")


def _parse_word97(paths: list[str], indexes: list[int]) -> dict[int, Report | ParseError]:
    if not paths:
        return {}
    from .office import extract_many

    items = [(path, _read(path)) for path in paths]
    results: dict[int, Report | ParseError] = {}
    for index, (path, _), document in zip(indexes, items, extract_many(items)):
        if isinstance(document, ParseError):
            results[index] = document
            continue
        document.format = "wps" if path.lower().endswith(".wps") else "doc"
        try:
            results[index] = parse(document, file=path)
        except ParseError as error:
            results[index] = error
    return results
