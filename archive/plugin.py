"""nianbao's Datasette plugin: Chinese full-text search for the archive, and its stylesheet.

Datasette searches a table with ``MATCH escape_fts(:search)``. Defined last, our escape_fts
turns the query into the phrases of character pairs that ``reports_fts`` indexes, so the
search box finds two-character words (复议) as well as longer ones (行政复议). Canned queries
call the same function by its own name, ``chinese_fts``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

from .search import match_query

STYLESHEET = Path(__file__).parent / "static" / "nianbao.css"
STYLESHEET_URL = "/-/nianbao.css"


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, match_query, deterministic=True)
    conn.create_function("chinese_fts", 1, match_query, deterministic=True)


@hookimpl
def extra_css_urls() -> list[str]:
    return [STYLESHEET_URL]


async def _stylesheet() -> Response:
    return Response(STYLESHEET.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, object]]:
    return [(f"^{STYLESHEET_URL}$", _stylesheet)]
