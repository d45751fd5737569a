"""Re-parse stored bytes with the current parser: a parser fix reaches old captures without a
re-crawl, and only reports whose content actually changes get a new version."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

import parsers
from parsers import NotAReport

from .store import Archive

Parse = Callable[[bytes, str], dict]


def parse_name(url: str, filename: str | None) -> str:
    """The name that carries the format hint: the served file name, else the URL's last segment."""
    return filename or posixpath.basename(unquote(urlsplit(url).path))


def _documents(archive: Archive) -> list[dict]:
    # Listed up front: the loop writes to the tables it would otherwise be reading.
    return list(archive.db.query("SELECT url, report_id FROM documents ORDER BY url"))


def reparse(archive: Archive, parse: Parse = parsers.parse_bytes, run: int | None = None) -> dict:
    """Counts: documents with stored bytes, reparsed (as reports), changed (new versions), failed."""
    counts = {"documents": 0, "reparsed": 0, "changed": 0, "failed": 0}
    for document in _documents(archive):
        capture = archive.last_capture(document["url"])
        body = archive.blob(capture["sha256"]) if capture else None
        if body is None:
            continue
        counts["documents"] += 1
        outcome = _reparse_one(archive, parse, run, capture, body, document["report_id"])
        counts["reparsed"] += outcome in ("reparsed", "changed")
        counts["changed"] += outcome == "changed"
        counts["failed"] += outcome == "failed"
    return counts


def _reparse_one(archive: Archive, parse: Parse, run: int | None, capture: dict, body: bytes,
                 report_id: int | None) -> str:
    """"changed", "reparsed" (no new version), "failed", or "skipped" (still not a report)."""
    try:
        parsed = parse(body, parse_name(capture["url"], capture["filename"]))
    except NotAReport:
        # A page that never was a report stays one; a report that no longer parses is a failure.
        return "failed" if report_id is not None else "skipped"
    except Exception:  # a parser bug on one document must not stop the others
        return "failed"
    _, state = archive.file_parse(run, capture["id"], parsed)
    return "changed" if state in ("new", "changed") else "reparsed"
