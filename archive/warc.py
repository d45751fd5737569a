"""Every capture of the archive as a WARC file (ISO 28500), the format web archivists replay
(pywb, OpenWayback) and index (CDX): a ``response`` record per capture of new bytes, a
``revisit`` record per capture of bytes already written, each with its ``request`` record.

The archive keeps of each response its status, Content-Type, ETag, Last-Modified and the file
name of its Content-Disposition, not the whole header block; the HTTP headers written here are
built from those (the ``warcinfo`` record at the head of the file says so). Bodies are the ones
the crawler kept: decoded, so no Content-Encoding, and Content-Length is their length.

Captures are written one at a time in the order they were fetched, each body read from the raw
store only when its record is written: memory stays flat however big the archive.
"""

from __future__ import annotations

import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from urllib.parse import quote, urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .export import ExportError, _refuse_to_overwrite, _replacing
from .store import Archive

NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
HEADERS_NOTE = ("HTTP headers are rebuilt from what the archive keeps of each response (status, Content-Type, "
                "ETag, Last-Modified, Content-Disposition file name) and of each request (URL, Referer); "
                "bodies are as decoded by the crawler, so Content-Length is their length")
_COLUMNS = ("id, url, fetched_at, status, etag, last_modified, content_type, filename, sha256, size, "
            "not_modified, referer")
_BATCH = 200            # capture rows per fetch from the cursor
_DIGESTS_KEPT = 10_000  # payload digests remembered for revisits; older ones are computed again


@dataclass
class Written:
    responses: int = 0
    revisits: int = 0
    missing: int = 0  # captures left out: their bytes are not in the raw store


@dataclass(frozen=True)
class Capture:
    id: int
    url: str
    fetched_at: str
    status: int
    etag: str | None
    last_modified: str | None
    content_type: str | None
    filename: str | None
    sha256: str | None
    size: int | None
    not_modified: int
    referer: str | None


@dataclass(frozen=True)
class Missing:
    """A capture left out of the file, for the one line that names it."""
    capture: Capture
    raw_path: Path

    def __str__(self) -> str:
        c = self.capture
        return (f"{c.url}: capture {c.id} of {c.fetched_at} left out, its bytes "
                f"(sha256 {c.sha256}) are not in {self.raw_path}")


@dataclass(frozen=True)
class Selection:
    """Which captures go in the file: all, or one run's, or those under a URL prefix."""
    run: int | None = None
    url_prefix: str | None = None

    def where(self) -> str:
        return ("(:run IS NULL OR run = :run) AND "
                "(:prefix IS NULL OR substr(url, 1, length(:prefix)) = :prefix)")

    def params(self) -> dict:
        return {"run": self.run, "prefix": self.url_prefix}


def export_warc(archive: Archive, out: str | os.PathLike, *, selection: Selection = Selection(),
                on_missing: Callable[[Missing], None] | None = None) -> Written:
    """The selected captures of ``archive`` as a WARC file at ``out``: gzipped per record unless
    its name ends in ``.warc``. A capture whose bytes are missing is left out and passed to
    ``on_missing``; the file still holds every other one."""
    for kept in (Path(archive.path), archive.raw_path):
        if kept.exists():
            _refuse_to_overwrite(str(kept), out)
    if selection.run is not None and archive.run(selection.run) is None:
        raise ExportError(f"{archive.path}: no crawl run {selection.run}")
    with _replacing(out, "xb") as file:
        writer = WARCWriter(file, gzip=not str(out).endswith(".warc"))
        writer.write_record(_warcinfo(writer, archive, Path(out).name, selection))
        records = _Records(archive, writer, selection, on_missing)
        for capture in _captures(archive, selection):
            records.write(capture)
    return records.written


def _captures(archive: Archive, selection: Selection) -> Iterator[Capture]:
    cursor = archive.db.execute(f"SELECT {_COLUMNS} FROM captures WHERE {selection.where()} ORDER BY id",
                                selection.params())
    while batch := cursor.fetchmany(_BATCH):
        yield from (Capture(*row) for row in batch)


def _warcinfo(writer: WARCWriter, archive: Archive, filename: str, selection: Selection) -> ArcWarcRecord:
    chosen = ", ".join(f"{name} {value}" for name, value in
                       (("run", selection.run), ("URL prefix", selection.url_prefix)) if value is not None)
    return writer.create_warcinfo_record(filename, {
        "software": f"nianbao (warcio {version('warcio')})",
        "format": "WARC File Format 1.0",
        "isPartOf": f"nianbao archive {archive.identity()}",
        "description": f"captures of the archive{' (' + chosen + ')' if chosen else ''}; {HEADERS_NOTE}",
    })


class _Records:
    """Writes each capture as a response (its bytes are new to the file) or a revisit (a 304,
    or bytes a capture before it had), each followed by its request."""

    def __init__(self, archive: Archive, writer: WARCWriter, selection: Selection,
                 on_missing: Callable[[Missing], None] | None) -> None:
        self.archive, self.writer, self.selection, self.on_missing = archive, writer, selection, on_missing
        self.identity = archive.identity()
        self.digests: OrderedDict[str, str] = OrderedDict()  # sha256 → warcio's payload digest, recent ones
        self.written = Written()

    def write(self, capture: Capture) -> None:
        first = self._first_with(capture) if capture.sha256 else capture
        if first is None:
            self._missing(capture)
        elif first.id == capture.id:
            self._response(capture)
        else:
            self._revisit(capture, first)

    def _first_with(self, capture: Capture) -> Capture | None:
        """The capture whose response stands for this one's bytes: the earliest with these bytes
        in the file up to this one (this one itself if none), else the archive's earliest."""
        params = {**self.selection.params(), "sha256": capture.sha256, "id": capture.id}
        earliest = (f"SELECT {_COLUMNS} FROM captures WHERE sha256 = :sha256 AND not_modified = 0 AND id <= :id "
                    "AND {} ORDER BY id LIMIT 1")
        row = (self.archive.db.execute(earliest.format(self.selection.where()), params).fetchone()
               or self.archive.db.execute(earliest.format("1"), params).fetchone())
        return None if row is None else Capture(*row)

    def _response(self, capture: Capture) -> None:
        body = b"" if capture.sha256 is None else self.archive.blob(capture.sha256)
        if body is None:
            self._missing(capture)
            return
        record = self.writer.create_warc_record(
            capture.url, "response", payload=BytesIO(body), length=len(body),
            http_headers=_response_headers(capture),
            warc_headers_dict=self._warc_headers(capture, "response"))
        self._pair(capture, record)
        if capture.sha256 is not None:
            self._remember(capture.sha256, record.rec_headers.get_header("WARC-Payload-Digest"))
        self.written.responses += 1

    def _revisit(self, capture: Capture, first: Capture) -> None:
        digest = self._digest(capture.sha256)
        if digest is None:
            self._missing(capture)
            return
        headers = self._warc_headers(capture, "revisit")
        headers["WARC-Refers-To"] = _record_id(self.identity, first.id, "response")
        record = self.writer.create_revisit_record(
            capture.url, digest, first.url, _warc_date(first), http_headers=_response_headers(capture),
            warc_headers_dict=headers)
        if capture.not_modified:
            record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        self._pair(capture, record)
        self.written.revisits += 1

    def _pair(self, capture: Capture, record: ArcWarcRecord) -> None:
        request = self.writer.create_warc_record(
            capture.url, "request", http_headers=_request_headers(capture),
            warc_headers_dict=self._warc_headers(capture, "request"))
        self.writer.write_request_response_pair(request, record)  # adds WARC-Concurrent-To

    def _warc_headers(self, capture: Capture, kind: str) -> dict[str, str]:
        # Ids from the archive's identity and the capture: a revisit in one export names the
        # response record of another export of the same archive.
        return {"WARC-Record-ID": _record_id(self.identity, capture.id, kind), "WARC-Date": _warc_date(capture)}

    def _digest(self, sha256: str) -> str | None:
        """warcio's payload digest of the bytes ``sha256``, remembered or computed from them."""
        if sha256 in self.digests:
            self.digests.move_to_end(sha256)
            return self.digests[sha256]
        body = self.archive.blob(sha256)
        if body is None:
            return None
        digester = Digester("sha1")  # what warcio's writer uses for WARC-Payload-Digest
        digester.update(body)
        self._remember(sha256, str(digester))
        return str(digester)

    def _remember(self, sha256: str, digest: str) -> None:
        self.digests[sha256] = digest
        if len(self.digests) > _DIGESTS_KEPT:
            self.digests.popitem(last=False)

    def _missing(self, capture: Capture) -> None:
        self.written.missing += 1
        if self.on_missing is not None:
            self.on_missing(Missing(capture, self.archive.raw_path))


def _record_id(identity: str, capture_id: int, kind: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'nianbao:{identity}/captures/{capture_id}/{kind}')}>"


def _warc_date(capture: Capture) -> str:
    try:
        moment = datetime.fromisoformat(capture.fetched_at)
    except (TypeError, ValueError):
        raise ExportError(f"{capture.url}: capture {capture.id} has no usable fetch time "
                          f"({capture.fetched_at!r})") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(moment)


def _response_headers(capture: Capture) -> StatusAndHeaders:
    """The response's status line and the headers the archive kept of it; a 304 has no body."""
    length = None if capture.not_modified else capture.size
    headers = [("Content-Type", capture.content_type), ("ETag", capture.etag),
               ("Last-Modified", capture.last_modified),
               ("Content-Length", None if length is None else str(length))]
    if capture.filename:
        headers.append(("Content-Disposition", f"attachment; filename*=UTF-8''{quote(capture.filename)}"))
    return StatusAndHeaders(f"{capture.status} {_reason(capture.status)}".strip(),
                            [(name, value) for name, value in headers if value is not None], protocol="HTTP/1.1")


def _request_headers(capture: Capture) -> StatusAndHeaders:
    parts = urlsplit(capture.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)] + ([("Referer", capture.referer)] if capture.referer else [])
    return StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
