"""The versioned sqlite-utils archive: captures, blobs, reports and their versions, facts.

``Archive`` is the one way into the file; no SQL and no table name lives outside this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .documents import ErrorPage, Reading, document_name, read_document, read_for_archive
from .identity import body_key, level
from .reparse import reparse
from .status import format_status, health, status, unhealthy_sites
from .versions import content_hash, diff

if TYPE_CHECKING:
    from .sources import ImportResult
    from .lock import ArchiveBusy, WriterLock
    from .store import DEFAULT_PATH, Archive, ArchiveError, Batch, Fetched, Stored

# Imported on first use: a crawl's parse workers import archive.documents (and so this
# package) but need neither sqlite-utils nor the writer, which would double their memory.
_LAZY = {"ImportResult": "sources",
         "ArchiveBusy": "lock", "WriterLock": "lock",
         **{name: "store" for name in ("DEFAULT_PATH", "Archive", "ArchiveError", "Batch", "Fetched", "Stored")}}

__all__ = ["ErrorPage", "Reading", "read_for_archive", "body_key", "content_hash", "diff", "document_name", "format_status", "level",
           "read_document", "reparse", "status", "health", "unhealthy_sites", *_LAZY]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
