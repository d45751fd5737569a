"""The raw store: every distinct body of bytes a crawl fetched, in a SQLite file of its own beside
the archive (``archive.db`` → ``archive.raw.db``), keyed by sha256.

The archive keeps the reference (``blobs``: sha256, size, compression); the bytes live here, so
the archive file can be copied, published and served without hundreds of gigabytes of PDFs.
Only ``Archive`` opens this file. Its commits are synchronous (FULL): the bytes are on disk
before the archive rows that name them are committed, so a power cut never leaves a reference
to bytes that were lost.
"""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path
from urllib.parse import quote

from isal import isal_zlib

COMPRESSION = "zlib"
_CREATE = ("CREATE TABLE IF NOT EXISTS raw (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, "
           "compression TEXT, content BLOB NOT NULL)")


def raw_path(archive_path: str | Path) -> Path:
    """Where the raw bytes of the archive at ``archive_path`` live: the one place this is named."""
    path = Path(archive_path)
    return path.with_name(f"{path.stem}.raw{path.suffix}")


def compressed(body: bytes) -> bytes:
    """A zlib stream, made by ISA-L (as compression.deflate). zlib level 6 took five times the
    CPU (10 ms a 300 KB PDF, 130 µs a report page) for 1 % fewer bytes of a PDF, 11 % of a page."""
    return isal_zlib.compress(body, 1)


def decompressed(compression: str | None, content: bytes) -> bytes:
    return zlib.decompress(content) if compression == COMPRESSION else content


class RawStore:
    """One connection to the raw file; writes wait in its transaction until ``commit``."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn

    @classmethod
    def writable(cls, path: Path) -> RawStore:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(_CREATE)
        return cls(path, conn)

    @classmethod
    def readonly(cls, path: Path, *, immutable: bool = False) -> RawStore:
        mode = "immutable=1" if immutable else "mode=ro"
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?{mode}", uri=True, check_same_thread=False)
        return cls(path, conn)

    def has(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM raw WHERE sha256 = ?", [sha256]).fetchone() is not None

    def held(self, hashes: list[str]) -> set[str]:
        marks = ", ".join("?" * len(hashes))
        return {row[0] for row in self.conn.execute(f"SELECT sha256 FROM raw WHERE sha256 IN ({marks})", hashes)}

    def get(self, sha256: str) -> bytes | None:
        row = self.conn.execute("SELECT compression, content FROM raw WHERE sha256 = ?", [sha256]).fetchone()
        return None if row is None else decompressed(*row)

    def rows(self, hashes: list[str]) -> list[tuple]:
        """(sha256, size, compression, content) of the hashes held, as stored."""
        marks = ", ".join("?" * len(hashes))
        return self.conn.execute(f"SELECT sha256, size, compression, content FROM raw "
                                 f"WHERE sha256 IN ({marks})", hashes).fetchall()

    def put(self, rows: list[tuple]) -> None:
        """(sha256, size, compression, content) rows, in the open transaction; bytes held already stay."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
        self.conn.executemany("INSERT OR IGNORE INTO raw (sha256, size, compression, content) "
                              "VALUES (?, ?, ?, ?)", rows)

    def commit(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                self.conn.execute("ROLLBACK")
                raise

    def close(self, *, checkpoint: bool) -> None:
        if checkpoint:
            try:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # closing still folds the log in when it can
        self.conn.close()
