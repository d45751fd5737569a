"""Re-parse stored bytes with the current parser: a parser fix reaches old captures without a
re-crawl, and only reports whose content actually changes get a new version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .documents import Parse, read_document
from .siblings import NotAReport, ParseError, parse_bytes

if TYPE_CHECKING:
    from .store import Archive


def reparse(archive: Archive, parse: Parse = parse_bytes, run: int | None = None) -> dict:
    """Counts: documents with stored bytes, reparsed (as reports), changed (new versions), failed."""
    counts = {"documents": 0, "reparsed": 0, "changed": 0, "failed": 0}
    for url, report_id in archive.documents():
        capture = archive.last_capture(url)
        body = archive.blob(capture["sha256"]) if capture else None
        if body is None:
            continue
        counts["documents"] += 1
        outcome = _reparse_one(archive, parse, run, capture, body, report_id)
        counts["reparsed"] += outcome in ("reparsed", "changed")
        counts["changed"] += outcome == "changed"
        counts["failed"] += outcome == "failed"
    return counts


def _reparse_one(archive: Archive, parse: Parse, run: int | None, capture: dict, body: bytes,
                 report_id: int | None) -> str:
    """"changed", "reparsed" (no new version), "failed", or "skipped" (still not a report)."""
    parsed = read_document(capture["url"], body, capture["filename"], parse)
    if isinstance(parsed, NotAReport):
        # A page that never was a report stays one; a report that no longer parses is a failure.
        return "failed" if report_id is not None else "skipped"
    if isinstance(parsed, ParseError):
        return "failed"
    _, state = archive.file_parse(run, capture["id"], parsed)
    return "changed" if state in ("new", "changed") else "reparsed"
