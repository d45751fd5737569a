"""The versioned sqlite-utils archive: captures, blobs, reports and their versions, facts."""

from .identity import body_key, level
from .reparse import reparse
from .status import format_status, status
from .store import Archive, Fetched, Stored
from .versions import content_hash, diff

__all__ = ["Archive", "Fetched", "Stored", "body_key", "content_hash", "diff", "format_status",
           "level", "reparse", "status"]
