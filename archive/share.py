"""A copy of the archive to serve or share: the Python twin of `nianbao publish OUT.db`.

The copy holds every table a visitor reads and the references to the raw bytes, never the
bytes themselves (they stay in the raw store beside the archive, which is not copied). It is
written by SQLite's VACUUM INTO from one consistent snapshot, so a crawl may go on writing the
archive meanwhile; the write-ahead log is folded in, and the copy is one self-contained file
(rollback journal, no -wal or -shm beside it), written beside its target and renamed only
when complete.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .store import Archive, ArchiveError


class ShareError(Exception):
    """The copy cannot be written as asked; the message names the file."""


@dataclass
class Published:
    path: Path
    bytes: int
    reports: int


def publish(archive_path: str | os.PathLike, out: str | os.PathLike) -> Published:
    """Write the archive at ``archive_path`` (brought up to date first) to ``out``, without raw bytes."""
    out = Path(out)
    if Path(archive_path).resolve() == out.resolve():
        raise ShareError(f"{out}: is the archive itself; publish to another file")
    if out.exists() and not out.is_file() or out.is_symlink():
        raise ShareError(f"{out}: not a regular file")
    try:
        with Archive(archive_path, create=False) as archive:  # migrations: an older archive's bytes move out
            _copy(archive, out)
    except ArchiveError as error:
        raise ShareError(str(error)) from None
    return Published(out, out.stat().st_size, _reports(out))


def _copy(archive: Archive, out: Path) -> None:
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        archive.db.execute("VACUUM INTO ?", [str(partial)])
        conn = sqlite3.connect(partial)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            if "content" in [row[1] for row in conn.execute("PRAGMA table_info(blobs)")]:
                raise ShareError(f"{out}: the archive still holds raw bytes; nothing published")
        finally:
            conn.close()
        os.replace(partial, out)
    except (sqlite3.Error, OSError) as error:
        raise ShareError(f"{out}: {error}") from None
    finally:
        partial.unlink(missing_ok=True)


def _reports(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        conn.close()
