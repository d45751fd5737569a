"""The archive writer: every fetch, every distinct body of bytes, every version of a report.

Nothing is overwritten or deleted. One fetch is stored in one transaction, so a process killed
at any moment leaves either all of a fetch or none of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from . import sources as registry
from . import compression, schedules, search, summary
from .digest import Digest, digest_of
from .filing import Filing, filing_of
from .raw import COMPRESSION, RawStore, compressed, raw_path
from .facts import CellKey, known_keys, known_rules
from .schema import SITE_REASON, SUMMARY_IDENTITY, migrate
from .siblings import PARSER_VERSION, Report
from .versions import diff, same_report_elsewhere

# SQLite's limit on bound parameters is 32766 in current builds; stay far below it.
_CHUNK = 500
DEFAULT_PATH = "archive.db"
# report_summary columns its triggers keep equal to the reports row.
_SUMMARY_FOLLOWS_REPORTS = frozenset({"id", *SUMMARY_IDENTITY})
# One name for every document's savepoint: sqlite-utils' atomic() names each anew (a random
# token), so SQLite prepared its SAVEPOINT and RELEASE again for every document.
_SAVEPOINT = "nianbao_document"

# The statements of every fetch, as fixed strings: SQLite's statement cache then finds them
# prepared.
_SEEN = "SELECT sha256, report_id, gone FROM documents WHERE url = ?"
_NEW_BLOB = "INSERT OR IGNORE INTO blobs (sha256, size, compression) VALUES (?, ?, ?)"
_SEE_DOCUMENT = """
    INSERT INTO documents (url, site, first_seen, last_seen, last_capture, sha256, report_id, gone)
    VALUES (?, ?, ?, ?, ?, ?, ?, 0)
    ON CONFLICT (url) DO UPDATE SET site = excluded.site, last_seen = excluded.last_seen,
        last_capture = excluded.last_capture, sha256 = coalesce(excluded.sha256, sha256),
        report_id = excluded.report_id, gone = 0, gone_since = NULL"""
_BACK_AGAIN = ("UPDATE reports SET gone = 0 WHERE gone = 1 AND id IN "
               "(SELECT report_id FROM report_sources WHERE url = ?)")
_NOTE_SOURCE = """
    INSERT INTO report_sources (report_id, url, format, first_seen, content_hash, last_capture)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (report_id, url) DO UPDATE SET format = excluded.format,
        content_hash = excluded.content_hash, last_capture = excluded.last_capture"""
_REPORT_OF_BODY = "SELECT id, version, gone FROM reports WHERE body_key = ? AND year IS ?"
_CURRENT_VERSION = ("SELECT v.content_hash, c.url FROM versions v LEFT JOIN captures c ON c.id = v.capture "
                    "WHERE v.report_id = ? AND v.version = ?")
_LAST_BODY = ("SELECT sha256 FROM captures WHERE url = ? AND not_modified = 0 AND sha256 IS NOT NULL "
              "ORDER BY id DESC LIMIT 1")
_KNOWN_CHECKS = ("INSERT INTO check_results SELECT ?, ?, k.id, j.value ->> 1, j.value ->> 2 "
                 "FROM json_each(?) j JOIN temp.known_check_rules k ON k.position = j.value ->> 0")


class ArchiveError(Exception):
    """The archive cannot be opened as asked; the message names the file."""


@dataclass
class Fetched:
    """One fetch of a document URL (a report page or an attachment)."""
    url: str
    status: int                # 200, or 304 (not modified: body is b"")
    body: bytes
    headers: dict[str, str]    # lower-case names
    fetched_at: str            # ISO 8601 UTC
    site: str                  # "scheme://host[:port]"
    filename: str | None = None
    referer: str | None = None
    source_id: int | None = None
    region: dict | None = None  # from the source registry; beats the parsed region
    sha256: str | None = None   # of the body, when the crawl took it already: each body is hashed once


@dataclass
class Stored:
    capture_id: int
    document: str              # "new" | "changed" | "unchanged" | "not_modified"
    report_id: int | None
    report: str | None         # "new" | "changed" | "unchanged" | None


@dataclass
class _Keys:
    """The ids of cell keys and check rules, as committed when the archive was opened."""
    cells: dict[CellKey, int]
    rules: dict[str, int]

    @classmethod
    def committed(cls, db: sqlite_utils.Database) -> _Keys:
        cells = {tuple(row[1:]): row[0] for row in
                 db.execute("SELECT id, [row], row_label, [column], column_label FROM cell_keys")}
        return cls(cells, {rule: id for id, rule in db.execute("SELECT id, rule FROM check_rules")})

    @classmethod
    def placed(cls, db: sqlite_utils.Database) -> _Keys:
        """The committed ids, with every official key among them, and the temporary tables
        that give a key's id by its place in facts.known_keys() (or a rule's in known_rules()):
        a parse worker names official keys by place (facts.Rows)."""
        keys = cls.committed(db)
        if set(known_keys()) - keys.cells.keys() or set(known_rules()) - keys.rules.keys():
            with db.conn:  # added by a later release: committed before any document names them
                db.conn.executemany("INSERT OR IGNORE INTO cell_keys ([row], row_label, [column], column_label) "
                                    "VALUES (?, ?, ?, ?)", known_keys())
                db.conn.executemany("INSERT OR IGNORE INTO check_rules (rule) VALUES (?)",
                                    [[rule] for rule in known_rules()])
            keys = cls.committed(db)
        with db.conn:
            for table, ids in (("known_cell_keys", [keys.cells[key] for key in known_keys()]),
                               ("known_check_rules", [keys.rules[rule] for rule in known_rules()])):
                db.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (position INTEGER PRIMARY KEY, id INTEGER)")
                db.conn.execute(f"DELETE FROM temp.{table}")
                db.conn.executemany(f"INSERT INTO temp.{table} VALUES (?, ?)", enumerate(ids))
        return keys


@dataclass
class _Origin:
    """Where a parse came from: what a report needs to know about its capture."""
    capture_id: int | None     # None until the capture is written (after its report's row)
    url: str
    fetched_at: str
    source_id: int | None


@dataclass
class _Place:
    """Where a parse goes among the reports: a new report, a new version, or nothing new."""
    state: str                 # "new" | "changed" | "unchanged"
    report_id: int | None      # None for a new report
    version: int = 0           # the current version's number
    gone: bool = False         # the report's sources were all gone


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunks(items: list, size: int = _CHUNK) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class Batch:
    """Documents written in groups: a commit rewrites the pages of a dozen indexes, which cost
    more than the document itself. Each document stays atomic inside its group (store() is a
    savepoint), so a process killed mid-group loses only that group's documents.

    ``on_commit`` is called after each commit that succeeded: what it counts is on disk. A
    commit that fails (disk full) is rolled back and raises; its group is lost, not counted."""

    def __init__(self, db: sqlite_utils.Database, size: int, on_commit: Callable[[], None] | None = None,
                 before_commit: Callable[[], None] | None = None) -> None:
        self.db, self.size, self.pending = db, size, 0
        self.on_commit, self.before_commit = on_commit, before_commit

    @contextmanager
    def document(self) -> Iterator[None]:
        if not self.db.conn.in_transaction:
            # The write lock from the start: a deferred transaction that reads, then writes after
            # another connection wrote, fails at once ("database is locked") instead of waiting.
            self.db.conn.execute("BEGIN IMMEDIATE")
        yield
        self.pending += 1
        if self.pending >= self.size:
            self.commit()

    def commit(self) -> None:
        self.pending = 0
        if self.db.conn.in_transaction:
            try:
                if self.before_commit is not None:
                    self.before_commit()  # the raw bytes first, then the rows that name them
                self.db.conn.commit()
            except sqlite3.Error:
                self.db.conn.rollback()
                raise
        if self.on_commit is not None:
            self.on_commit()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.commit()


class Archive:
    """The archive file: every read and write of it goes through here. Open it with ``with``."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH, *, create: bool = True,
                 readonly: bool = False, make_parents: bool = False) -> None:
        """``create=False``: the file must exist. ``readonly``: reads only, from any thread (the
        crawler's downloader reads while its writer thread writes)."""
        if make_parents and create and not readonly:  # a scrapyd job's shard, in its node's directory
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        _check_path(Path(path), must_exist=readonly or not create)
        self.path, self.readonly = str(path), readonly
        self._raw: RawStore | None = None
        self._raw_opening = threading.Lock()
        try:
            self.db = _read_only(path) if readonly else _writable(path)
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"{path}: {error}") from None
        self._keys = _Keys.placed(self.db) if not readonly else _Keys({}, {})

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close, folding the write-ahead log into the file first: a copy of the file alone then
        holds everything (the log is otherwise folded in only when the last connection closes).
        Only the writer (archive/lock.py) empties the log: a truncating checkpoint takes the
        write lock, and taken by `status` during a crawl it would fail the crawl's next write."""
        from .lock import held

        if not self.readonly:
            with suppress(sqlite3.Error):
                self.db.execute(f"PRAGMA wal_checkpoint({'TRUNCATE' if held(self.path) else 'PASSIVE'})")
        if self._raw is not None:
            self._raw.close(checkpoint=not self.readonly and held(self.path))
        self.db.close()

    def batch(self, size: int = 50, on_commit: Callable[[], None] | None = None) -> Batch:
        return Batch(self.db, size, on_commit, before_commit=self._commit_raw)

    # The raw store (archive/raw.py): opened when first needed, so an archive that never held
    # a byte (a published copy) gets no raw file beside it.

    @property
    def raw_path(self) -> Path:
        return raw_path(self.path)

    def _raw_store(self, *, create: bool = False) -> RawStore | None:
        with self._raw_opening:  # a read-only archive is read from several threads
            if self._raw is None and (create or self.raw_path.is_file()):
                try:
                    self._raw = (RawStore.readonly(self.raw_path) if self.readonly
                                 else RawStore.writable(self.raw_path))
                except sqlite3.DatabaseError as error:
                    raise ArchiveError(f"{self.raw_path}: {error}") from None
            return self._raw

    def _commit_raw(self) -> None:
        if self._raw is not None:
            self._raw.commit()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction of the archive (a savepoint inside a batch); when it is its own
        transaction, the raw bytes it wrote are committed just before it."""
        conn = self.db.conn
        outermost = not conn.in_transaction
        conn.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            yield
            if outermost:
                self._commit_raw()
            conn.execute(f"RELEASE {_SAVEPOINT}")
        except BaseException:
            # An error may have ended the whole transaction already (a failed commit, a
            # ROLLBACK trigger): then there is no savepoint left to go back to.
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {_SAVEPOINT}")
                conn.execute(f"RELEASE {_SAVEPOINT}")
            raise

    def _one(self, sql: str, params: list | tuple = ()) -> dict | None:
        # Not db.query: it wraps each read in a savepoint, a tenth of a document's writes.
        cursor = self.db.conn.execute(sql, params)
        row = cursor.fetchone()
        return None if row is None else dict(zip([column[0] for column in cursor.description], row))

    # Runs, sites and errors

    def start_run(self, *, region: str | None = None, url: str | None = None,
                  settings: dict | None = None) -> int:
        row = {"started": now(), "status": "running", "region": region, "url": url,
               "parser_version": PARSER_VERSION,
               "settings": json.dumps(settings, ensure_ascii=False) if settings is not None else None}
        return int(self.db["crawl_runs"].insert(row).last_pk)

    def finish_run(self, run: int, *, status: str = "finished", pages: int = 0) -> None:
        counts = self._one("""
            SELECT coalesce(sum(document = 'new'), 0) AS documents_new,
                   coalesce(sum(document = 'changed'), 0) AS documents_changed,
                   coalesce(sum(document IN ('unchanged', 'not_modified')), 0) AS documents_unchanged,
                   count(DISTINCT report_id) AS reports_found,
                   count(DISTINCT CASE WHEN report = 'new' THEN report_id END) AS reports_new,
                   count(DISTINCT CASE WHEN report = 'changed' THEN report_id END) AS reports_changed
            FROM captures WHERE run = ?""", [run]) or {}
        errors = self._one("SELECT count(*) AS errors, count(DISTINCT url) AS documents_failed "
                           "FROM crawl_errors WHERE run = ?", [run]) or {}
        with self.transaction():
            self.db["crawl_runs"].update(run, {"finished": now(), "status": status, "pages": pages,
                                               **counts, **errors})

    @contextmanager
    def writing(self, what: str, on_wait: Callable[[str], None] | None = None) -> Iterator[list[int]]:
        """Hold the archive's writer lock (archive/lock.py) for ``what`` ("reparse", "merge"):
        wait for another writer up to NIANBAO_LOCK_WAIT seconds, else ArchiveBusy. Yields the
        runs a dead process had left running, closed now."""
        from .lock import WriterLock

        lock = WriterLock(self.path, what, on_wait=on_wait)
        first = lock.acquire()
        try:
            yield self.close_stale_runs() if first else []
        finally:
            lock.release()

    def close_stale_runs(self) -> list[int]:
        """Runs left `running` by a process that died (kill -9, a power cut), closed as
        interrupted with what they committed. Only the holder of the writer lock (archive/lock.py)
        may call this: no other process can then be writing a run."""
        stale = [row["id"] for row in self.db.query("SELECT id FROM crawl_runs WHERE status = 'running'")]
        for run in stale:
            pages = self._one("SELECT coalesce(sum(pages), 0) AS pages FROM crawl_sites WHERE run = ?", [run])
            self.finish_run(run, status="interrupted", pages=pages["pages"])
        return stale

    def record_site(self, run: int, site: str, *, source_id: int | None, status: str, pages: int,
                    documents: int, reports_found: int, errors: int) -> None:
        with self.transaction():
            self.db.execute("""
                INSERT INTO crawl_sites (run, site, source_id, status, pages, documents, reports_found, errors)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run, site) DO UPDATE SET source_id = excluded.source_id,
                    status = excluded.status, pages = excluded.pages, documents = excluded.documents,
                    reports_found = excluded.reports_found, errors = excluded.errors""",
                [run, site, source_id, status, pages, documents, reports_found, errors])

    def record_error(self, run: int, url: str, kind: str, message: str, *,
                     status: int | None = None, site: str | None = None) -> None:
        with self.transaction():
            _insert(self.db, "crawl_errors", {"run": run, "at": now(), "site": site, "url": url,
                                              "kind": kind, "status": status, "message": message})

    def run(self, run: int) -> dict | None:
        return self._one("SELECT * FROM crawl_runs WHERE id = ?", [run])

    def run_sites(self, run: int) -> list[dict]:
        """The run's crawl_sites rows, each with the ``reason`` a site did not go well (or None)."""
        return list(self.db.query(f"SELECT s.*, {SITE_REASON} AS reason FROM crawl_sites s WHERE s.run = ? "
                                  "ORDER BY s.site", [run]))

    def live_reports(self) -> int:
        """Reports with a source still on its portal."""
        return self.db.execute("SELECT count(*) FROM reports WHERE gone = 0").fetchone()[0]

    # The source registry

    def import_sources(self, rows: list[dict]) -> registry.ImportResult:
        """Rows of a portal list, upserted by portal_url; nothing is ever deleted."""
        return registry.upsert(self.db, rows)

    def sources(self, code_prefix: str | None = None) -> list[dict]:
        return registry.in_region(self.db, code_prefix)

    def sources_at(self, portal_url: str | None) -> list[dict]:
        return registry.at_url(self.db, portal_url)

    def has_sources_in(self, code_prefix: str) -> bool:
        return registry.has_prefix(self.db, code_prefix)

    # Schedules (archive/schedules.py)

    def add_schedule(self, region: str, kind: str, expr: str | None,
                     settings: dict[str, str] | None = None) -> schedules.Schedule:
        return schedules.add(self.db, region, kind, expr, settings)

    def schedules(self) -> list[schedules.Schedule]:
        return schedules.every(self.db)

    def schedule(self, schedule_id: int) -> schedules.Schedule:
        return schedules.one(self.db, schedule_id)

    def remove_schedule(self, schedule_id: int) -> schedules.Schedule:
        return schedules.remove(self.db, schedule_id)

    def schedule_started(self, schedule_id: int, at: str) -> None:
        schedules.started(self.db, schedule_id, at)

    def schedule_finished(self, schedule_id: int, run: int | None, status: str) -> None:
        schedules.finished(self.db, schedule_id, run, status)

    # What the crawler knows of a URL before fetching it again

    def holds_bodies(self) -> bool:
        """Whether any capture has a body: a first crawl into a fresh archive parses every body
        without asking whether it was parsed before."""
        return self.db.conn.execute("SELECT EXISTS (SELECT 1 FROM captures WHERE sha256 IS NOT NULL)").fetchone()[0] == 1

    def last_sha256(self, url: str) -> str | None:
        """The sha256 of the URL's last capture with a body (bytes the crawl parsed already)."""
        found = self.db.conn.execute(_LAST_BODY, [url]).fetchone()
        return None if found is None else found[0]

    def last_capture(self, url: str) -> dict | None:
        return self._one("SELECT * FROM captures WHERE url = ? AND not_modified = 0 "
                         "AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1", [url])

    # Asked for every document request of a re-crawl: each in one query, of the columns it needs.

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """ETag and Last-Modified of the URL's last capture with a body, for a conditional request."""
        last = self._one("SELECT etag, last_modified FROM captures WHERE url = ? AND not_modified = 0 "
                         "AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1", [url])
        return None if last is None else (last["etag"], last["last_modified"])

    def asks_conditionally(self) -> bool:
        """Whether any capture has an ETag or Last-Modified to ask with: a first crawl into a
        fresh archive then skips the question for every document."""
        return self._one("SELECT EXISTS (SELECT 1 FROM captures WHERE not_modified = 0 AND sha256 IS NOT NULL "
                         "AND (etag IS NOT NULL OR last_modified IS NOT NULL)) AS found")["found"] == 1

    def last_body(self, url: str) -> tuple[str | None, bytes] | None:
        """Content type and bytes of the URL's last capture with a body (what a 304 stands for)."""
        last = self._one("SELECT content_type, sha256 FROM captures WHERE url = ? AND not_modified = 0 "
                         "AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1", [url])
        body = None if last is None else self.blob(last["sha256"])
        return None if body is None else (last["content_type"], body)

    # One fetch

    def store(self, run: int, fetched: Fetched, parsed: Report | Filing | BaseException | None, *,
              packed: bytes | None = None) -> Stored:
        """File one fetch. ``parsed``: its report (whole, or as the parse worker filed it:
        archive/filing.py), the error saying why there is none, or None when it was not parsed.
        ``packed``: the body as the parse worker compressed it, so that the writer only writes."""
        filing = filing_of(parsed, fetched.region) if isinstance(parsed, Report) else parsed
        with self.transaction():
            before = self.db.conn.execute(_SEEN, [fetched.url]).fetchone()  # sha256, report_id, gone
            sha256, document = self._body(fetched, before, packed)
            origin = _Origin(None, fetched.url, fetched.fetched_at, fetched.source_id)
            place = self._place(fetched.url, filing) if isinstance(filing, Filing) else None
            if place is not None:  # the report's row first: the capture names it
                report_id = self._report_row(place, origin, filing)
            else:
                report_id = None if isinstance(parsed, BaseException) else (before or (None, None))[1]
            origin.capture_id = self._capture(run, fetched, sha256, document, report_id, place)
            if place is not None:
                self._file_version(run, report_id, place, origin, filing)
            self._see_document(fetched, origin.capture_id, sha256, report_id, before, place)
        return Stored(origin.capture_id, document, report_id, place and place.state)

    def _body(self, fetched: Fetched, before: tuple | None, packed: bytes | None) -> tuple[str | None, str]:
        """The hash the capture files its bytes under, and what the document did: new, changed…"""
        if fetched.status == 304:
            # Not modified: the bytes are the ones this URL last had.
            return (before[0] if before else None), "not_modified"
        sha256 = self._blob(fetched, packed)
        return sha256, "new" if before is None else ("unchanged" if before[0] == sha256 else "changed")

    def _capture(self, run: int, fetched: Fetched, sha256: str | None, document: str,
                 report_id: int | None, place: _Place | None) -> int:
        headers = fetched.headers or {}
        row = {"run": run, "url": fetched.url, "fetched_at": fetched.fetched_at,
               "status": fetched.status, "etag": headers.get("etag"),
               "last_modified": headers.get("last-modified"),
               "content_type": headers.get("content-type"), "filename": fetched.filename,
               "sha256": sha256, "size": None if fetched.status == 304 else len(fetched.body),
               "not_modified": int(fetched.status == 304),
               "referer": fetched.referer, "site": fetched.site, "document": document,
               "source_id": fetched.source_id, "report_id": report_id,
               "report": place and place.state,
               "region": json.dumps(fetched.region, ensure_ascii=False) if fetched.region else None}
        return _insert(self.db, "captures", row)

    def _blob(self, fetched: Fetched, packed: bytes | None) -> str:
        body = fetched.body
        sha256 = fetched.sha256 or hashlib.sha256(body).hexdigest()
        if self.db.conn.execute(_NEW_BLOB, [sha256, len(body), COMPRESSION]).rowcount:  # not held yet
            content = compressed(body) if packed is None else packed
            self._raw_store(create=True).put([(sha256, len(body), COMPRESSION, content)])
        return sha256

    def _see_document(self, fetched: Fetched, capture_id: int, sha256: str | None,
                      report_id: int | None, before: tuple | None, place: _Place | None) -> None:
        self.db.conn.execute(_SEE_DOCUMENT, [fetched.url, fetched.site, fetched.fetched_at, fetched.fetched_at,
                                             capture_id, sha256, report_id])
        # A source seen again brings its reports back (a re-parse sees nothing, so it does not).
        # A source that was not gone has no gone report: a report is gone only with all its sources.
        # A URL never seen before is the source of no report but the one just filed from it.
        if before is not None and before[2]:
            self.db.conn.execute(_BACK_AGAIN, [fetched.url])
        elif before is None and place is not None and place.gone:
            self.db.conn.execute("UPDATE reports SET gone = 0 WHERE id = ?", [report_id])

    # Stored bytes, filed again (re-parse)

    def documents(self) -> list[tuple[str, int | None]]:
        """Every document URL with its report. A list, made up front: a re-parse writes to
        the tables it would otherwise be reading."""
        return [(row["url"], row["report_id"]) for row in
                self.db.query("SELECT url, report_id FROM documents ORDER BY url")]

    def blob(self, sha256: str) -> bytes | None:
        """The bytes of ``sha256``; None when this archive does not hold them (a published copy)."""
        raw = self._raw_store()
        return None if raw is None else raw.get(sha256)

    def file_parse(self, run: int | None, capture_id: int, parsed: Report) -> tuple[int, str]:
        """File a new parse of a stored capture, as store() would have: no fetch, no capture."""
        with self.transaction():
            capture = self._one("SELECT url, fetched_at, region, source_id FROM captures WHERE id = ?", [capture_id])
            filing = filing_of(parsed, json.loads(capture["region"]) if capture["region"] else None)
            origin = _Origin(capture_id, capture["url"], capture["fetched_at"], capture["source_id"])
            place = self._place(origin.url, filing)
            report_id = self._report_row(place, origin, filing)
            self._file_version(run, report_id, place, origin, filing)
            self.db.conn.execute("UPDATE documents SET report_id = ? WHERE url = ?", [report_id, capture["url"]])
        return report_id, place.state

    # Reports and versions: a parse is placed (read only), then filed

    def _place(self, url: str, filing: Filing) -> _Place:
        """Under its body and year, a parse is a new report, a new version, or nothing new."""
        found = self.db.conn.execute(_REPORT_OF_BODY, [filing.body_key, filing.year]).fetchone()
        if found is None:
            return _Place("new", None)
        report_id, version, gone = found
        adds_nothing = self._adds_nothing(report_id, version, url, filing)
        return _Place("unchanged" if adds_nothing else "changed", report_id, version, bool(gone))

    def _report_row(self, place: _Place, origin: _Origin, filing: Filing) -> int:
        return self._new_report(origin, filing) if place.report_id is None else place.report_id

    def _file_version(self, run: int | None, report_id: int, place: _Place, origin: _Origin,
                      filing: Filing) -> None:
        """The version ``place`` calls for, and the source the parse came from."""
        if place.state == "new":
            self._add_version(run, report_id, 0, origin, filing, None)
        elif place.state == "changed":
            previous = self._stored_report(report_id, place.version)
            self._add_version(run, report_id, place.version, origin, filing, previous)
        self.note_source(report_id, origin.url, filing.format, origin.fetched_at,
                         filing.digest.content_hash, origin.capture_id)

    def _stored_report(self, report_id: int, version: int) -> Report:
        return _stored(self._one("SELECT parsed FROM report_versions WHERE report_id = ? AND version = ?",
                                 [report_id, version]))

    def _adds_nothing(self, report_id: int, version: int, url: str, filing: Filing) -> bool:
        content_hash = filing.digest.content_hash
        current_hash, current_url = self.db.conn.execute(_CURRENT_VERSION, [report_id, version]).fetchone()
        if current_hash == content_hash:
            return True
        source = self.db.conn.execute("SELECT content_hash FROM report_sources WHERE report_id = ? AND url = ?",
                                      [report_id, url]).fetchone()
        if source is not None and source[0] == content_hash:
            return True  # this source's bytes changed, its content did not
        # Another source of the same figures (the PDF beside the HTML page) is a source, not a
        # version; the source that made the current version always versions its changes.
        return url != current_url and same_report_elsewhere(filing.whole(), self._stored_report(report_id, version))

    def _new_report(self, origin: _Origin, filing: Filing) -> int:
        # Inserted with its first version's values: an update after it would move the row in
        # every facet index of reports and report_summary a second time.
        row = {"body_key": filing.body_key, "year": filing.year, "url": origin.url,
               "first_seen": origin.fetched_at, "gone": 0, **_current_values(filing, 1, origin)}
        return _insert(self.db, "reports", row)

    def _add_version(self, run: int | None, report_id: int, previous_version: int, origin: _Origin,
                     filing: Filing, previous: Report | None) -> None:
        version, digest = previous_version + 1, filing.digest
        _insert(self.db, "versions", {
            "report_id": report_id, "version": version, "capture": origin.capture_id, "run": run,
            "created_at": now(), "parser_version": filing.parser_version or PARSER_VERSION,
            "content_hash": digest.content_hash, "consistent": filing.consistent,
            "changes": json.dumps(diff(previous, filing.whole()), ensure_ascii=False) if previous else "[]",
            "text_z": digest.text_z, "parsed_z": digest.parsed_z})
        self._add_facts(report_id, version, digest)
        if previous_version:
            _update(self.db, "reports", report_id, _current_values(filing, version, origin))
        summary.follow(self.db, report_id, digest, previous)

    def _add_facts(self, report_id: int, version: int, digest: Digest) -> None:
        # A version's cells and checks; the earlier versions' stay, as history.
        conn = self.db.conn
        for table, rows in digest.cells.items():
            conn.execute(_known_cells(table), [report_id, version, rows.known])
            if rows.other:
                conn.executemany(f"INSERT INTO [{table}] VALUES (?, ?, ?, ?)",
                                 [(report_id, version, self._cell_key(key), value) for key, value in rows.other])
        conn.execute(_KNOWN_CHECKS, [report_id, version, digest.checks.known])
        if digest.checks.other:
            conn.executemany("INSERT INTO check_results VALUES (?, ?, ?, ?, ?)",
                             [(report_id, version, self._rule_key(rule), ok, detail)
                              for rule, ok, detail in digest.checks.other])

    def _cell_key(self, key: CellKey) -> int:
        # Keys outside the official formats are looked up each time: an id cached from an
        # uncommitted insert could name another key after a rollback.
        if key in self._keys.cells:
            return self._keys.cells[key]
        self.db.conn.execute("INSERT OR IGNORE INTO cell_keys ([row], row_label, [column], column_label) "
                             "VALUES (?, ?, ?, ?)", key)
        return self._one("SELECT id FROM cell_keys WHERE [row] = ? AND row_label = ? AND [column] = ? "
                         "AND column_label = ?", list(key))["id"]

    def _rule_key(self, rule: str) -> int:
        if rule in self._keys.rules:
            return self._keys.rules[rule]
        self.db.conn.execute("INSERT OR IGNORE INTO check_rules (rule) VALUES (?)", [rule])
        return self._one("SELECT id FROM check_rules WHERE rule = ?", [rule])["id"]

    # Shards merged in (archive/merge.py): rows copied whole, the store's own rules where they meet

    def identity(self) -> str:
        """This archive's id, which its runs carry as their origin once merged elsewhere."""
        return self._one("SELECT uuid FROM archive_identity WHERE id = 1")["uuid"]

    def has_merged(self, origin: str, run: int) -> bool:
        return self._one("SELECT 1 AS found FROM crawl_runs WHERE origin = ? AND origin_run = ?",
                         [origin, run]) is not None

    def insert_row(self, table: str, row: dict) -> int:
        return _insert(self.db, table, row)

    def insert_rows(self, table: str, rows: list[dict]) -> None:
        if rows:
            _insert_rows(self.db, table, rows)

    def copy_versions(self, versions: list[dict]) -> None:
        """Versions of a report of another archive (rows of its report_versions, renumbered
        here), with the cells and checks of what they parsed to."""
        for version in versions:
            digest = digest_of(Report.from_json(json.loads(version["parsed"])), version["parsed"])
            row = {key: value for key, value in version.items() if key not in ("text", "parsed")}
            _insert(self.db, "versions", row | {"text_z": digest.text_z, "parsed_z": digest.parsed_z})
            self._add_facts(version["report_id"], version["version"], digest)

    def missing_blobs(self, hashes: list[str]) -> list[str]:
        """The hashes whose bytes this archive does not hold."""
        raw = self._raw_store()
        held = raw.held(hashes) if raw is not None and hashes else set()
        return [sha256 for sha256 in hashes if sha256 not in held]

    def raw_rows(self, hashes: list[str]) -> list[tuple]:
        """(sha256, size, compression, content) of the hashes whose bytes are held, as stored."""
        raw = self._raw_store()
        return raw.rows(hashes) if raw is not None and hashes else []

    def add_raw(self, rows: list[tuple]) -> None:
        """Stored bytes of another archive, with their references; committed with this archive's
        transaction (open it with ``transaction()``)."""
        if rows:
            self._raw_store(create=True).put(rows)
            self.db.conn.executemany("INSERT OR IGNORE INTO blobs (sha256, size, compression) VALUES (?, ?, ?)",
                                     [row[:3] for row in rows])

    def source_id_for(self, source: dict) -> int:
        """The registry's row for another archive's source row, added when missing."""
        found = self._one("SELECT id FROM sources WHERE portal_url = ?", [source["portal_url"]])
        if found is not None:
            return found["id"]
        return _insert(self.db, "sources", {key: value for key, value in source.items() if key != "id"})

    def report_id_of(self, key: str, year: int | None) -> int | None:
        found = self._one("SELECT id FROM reports WHERE body_key = ? AND year IS ?", [key, year])
        return None if found is None else found["id"]

    def set_capture_report(self, capture_id: int, report_id: int | None) -> None:
        _update(self.db, "captures", capture_id, {"report_id": report_id})

    def file_stored_version(self, run: int | None, capture_id: int, version: dict) -> tuple[int, str]:
        """A report_versions row of another archive, filed here as a parse of ``capture_id``."""
        return self.file_parse(run, capture_id, _stored(version))

    def follow_summary(self, report_id: int, summary_row: dict) -> None:
        """The summary figures another archive computed for a report copied whole, and its
        current version indexed for search."""
        figures = {key: value for key, value in summary_row.items() if key not in _SUMMARY_FOLLOWS_REPORTS}
        _update(self.db, "report_summary", report_id, figures)
        current = self._one("SELECT r.title, r.agency, v.text FROM reports r JOIN report_versions v "
                            "ON v.report_id = r.id AND v.version = r.version WHERE r.id = ?", [report_id])
        search.index(self.db, report_id, search.document(current["title"], current["agency"], current["text"]), None)

    def note_source(self, report_id: int, url: str, format: str | None, first_seen: str,
                    digest: str | None, capture_id: int) -> None:
        """A URL the report was read from, and what it last parsed to."""
        self.db.conn.execute(_NOTE_SOURCE, [report_id, url, format, first_seen, digest, capture_id])

    def see_documents(self, rows: list[dict]) -> None:
        """documents rows of another archive: the later sighting of each URL wins; reports
        follow whether their sources are gone."""
        self.db.conn.executemany("""
            INSERT INTO documents (url, site, first_seen, last_seen, last_capture, sha256, report_id, gone, gone_since)
            VALUES (:url, :site, :first_seen, :last_seen, :last_capture, :sha256, :report_id, :gone, :gone_since)
            ON CONFLICT (url) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                site = excluded.site, last_seen = excluded.last_seen, last_capture = excluded.last_capture,
                sha256 = coalesce(excluded.sha256, sha256), report_id = excluded.report_id,
                gone = excluded.gone, gone_since = excluded.gone_since
            WHERE excluded.last_seen >= documents.last_seen""", rows)
        live = [row["url"] for row in rows if not row["gone"]]
        for chunk in _chunks(live):
            self.db.execute(f"UPDATE reports SET gone = 0 WHERE gone = 1 AND id IN (SELECT report_id FROM "
                            f"report_sources WHERE url IN ({', '.join('?' * len(chunk))}))", chunk)
        for chunk in _chunks([row["url"] for row in rows if row["gone"]]):
            self._mark_reports_gone(chunk)

    # Documents that vanished

    def mark_gone(self, run: int, site: str, seen_urls: set[str]) -> list[str]:
        """Documents of ``site`` a complete run did not see are gone; so are reports left with
        no source that is not gone."""
        with self.transaction():
            known = [row["url"] for row in self.db.query(
                "SELECT url FROM documents WHERE site = ? AND gone = 0", [site])]
            gone = [url for url in known if url not in seen_urls]
            when = now()
            self.db.conn.executemany("UPDATE documents SET gone = 1, gone_since = ? WHERE url = ?",
                                     [(when, url) for url in gone])
            for chunk in _chunks(gone):
                self._mark_reports_gone(chunk)
        return gone

    def _mark_reports_gone(self, urls: list[str]) -> None:
        marks = ", ".join("?" * len(urls))
        self.db.execute(f"""
            UPDATE reports SET gone = 1
            WHERE gone = 0 AND id IN (SELECT report_id FROM report_sources WHERE url IN ({marks}))
              AND NOT EXISTS (SELECT 1 FROM report_sources s JOIN documents d ON d.url = s.url
                              WHERE s.report_id = reports.id AND d.gone = 0)""", urls)


def _check_path(path: Path, must_exist: bool) -> None:
    """One line for a path SQLite would fail on later, with a less helpful message."""
    if path.is_dir():
        raise ArchiveError(f"{path}: is a directory, not an archive")
    if not path.parent.is_dir():
        raise ArchiveError(f"{path}: no such directory {path.parent}")
    if must_exist and not path.is_file():
        raise ArchiveError(f"{path}: no such archive")


def _writable(path: str | os.PathLike) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    compression.define(db.conn)
    # A crawler and a reader (Datasette, status) may share the file: wait rather than fail.
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    # Each document's savepoint keeps the pages it changes in a sub-journal: in memory, not a
    # temporary file written and read back for every document (a tenth of the writer's time).
    db.execute("PRAGMA temp_store = MEMORY")
    migrate(db)
    return db


def _read_only(path: str | os.PathLike) -> sqlite_utils.Database:
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    compression.define(conn)
    return sqlite_utils.Database(conn)


# The tables exist (migrations made them), so the writes of every fetch go straight to SQL:
# sqlite-utils' insert and update look the table up again each time, which cost the crawl a
# millisecond a document.

def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Rows of one shape, in one executemany."""
    columns = tuple(rows[0])
    db.conn.executemany(_insert_sql(table, columns), [tuple(row[column] for column in columns) for row in rows])


def _insert(db: sqlite_utils.Database, table: str, row: dict) -> int:
    return int(db.conn.execute(_insert_sql(table, tuple(row)), tuple(row.values())).lastrowid)


@lru_cache(maxsize=16)
def _known_cells(table: str) -> str:
    return (f"INSERT INTO [{table}] SELECT ?, ?, k.id, j.value ->> 1 FROM json_each(?) j "
            "JOIN temp.known_cell_keys k ON k.position = j.value ->> 0")


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f"[{column}]" for column in columns)
    return f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' for _ in columns)})"


def _update(db: sqlite_utils.Database, table: str, pk: int, values: dict) -> None:
    assignments = ", ".join(f"[{column}] = ?" for column in values)
    db.conn.execute(f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), pk])


def _stored(version: dict) -> Report:
    """The report a report_versions row holds."""
    return Report.from_json(json.loads(version["parsed"]))


def _current_values(filing: Filing, version: int, origin: _Origin) -> dict:
    """The reports row's view of its current version."""
    values = {**filing.values, "version": version, "last_changed": origin.fetched_at}
    if origin.source_id is not None:
        values["source_id"] = origin.source_id
    return values
