"""nianbao's SQL functions for every sqlite-utils connection: a sqlite-utils plugin.

``report_versions`` reads its compressed text through ``inflate`` (archive/compression.py), so
a ``sqlite_utils.Database`` opened on an archive needs it, whoever opens it: sqlite-utils finds
this module by nianbao's entry point (pyproject.toml), in its command line and in any program.
The archive's own connections define the functions themselves (archive/store.py).
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import hookimpl

from . import compression, search


def define(conn: sqlite3.Connection) -> None:
    """``inflate`` and the search functions, on any connection to an archive."""
    compression.define(conn)
    search.define(conn)


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    define(conn)

