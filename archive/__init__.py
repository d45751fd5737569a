"""The versioned sqlite-utils archive: captures, blobs, reports and their versions, facts.

``Archive`` is the one way into the file; no SQL and no table name lives outside this package.
"""

from .documents import ErrorPage, document_name, read_document
from .identity import body_key, level
from .reparse import reparse
from .sources import ImportResult
from .status import format_status, status
from .store import DEFAULT_PATH, Archive, ArchiveError, Batch, Fetched, Stored
from .versions import content_hash, diff

__all__ = ["DEFAULT_PATH", "Archive", "ArchiveError", "Batch", "ErrorPage", "Fetched", "ImportResult",
           "Stored", "body_key", "content_hash", "diff", "document_name", "format_status", "level",
           "read_document", "reparse", "status"]
