"""nianbao's Datasette plugin: Chinese full-text search for the archive.

Datasette searches a table with ``MATCH escape_fts(:search)``. Defined last, our escape_fts
turns the query into the phrases of character pairs that ``reports_fts`` indexes, so the
search box finds two-character words (复议) as well as longer ones (行政复议). Canned queries
call the same function by its own name, ``chinese_fts``.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from .search import match_query


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, match_query, deterministic=True)
    conn.create_function("chinese_fts", 1, match_query, deterministic=True)
