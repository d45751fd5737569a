"""nianbao's Datasette plugin: Chinese full-text search for the archive, whole CSV downloads
(archive/downloads.py), the report pages (archive/pages.py), and the stylesheet.

Installed, the plugin is loaded by every Datasette in the environment, so each hook acts only
on the nianbao archive (the database named ``archive`` that holds ``reports_fts``): another
database keeps Datasette's own search, pages and styles.

Datasette searches a table with ``MATCH escape_fts(:search)``. Defined last, our escape_fts
turns the query into the phrases of character pairs that ``reports_fts`` indexes, so the
search box finds two-character words (复议) as well as longer ones (行政复议). Canned queries
call the same function by its own name, ``chinese_fts``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable
from urllib.parse import quote
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from . import compression, downloads, headings, pages, search, serving, shapes
from .schema import CELL_VIEWS, DATABASE
from .search import FTS_TABLE

_VIEWS_OF_REPORTS = (*CELL_VIEWS, "checks", "report_versions")
STYLESHEET = Path(__file__).parent / "static" / "nianbao.css"
STYLESHEET_URL = "/-/nianbao.css"
SCRIPT = STYLESHEET.with_name("nianbao.js")
SCRIPT_URL = "/-/nianbao.js"


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    if database != DATABASE:
        return
    serving.limit(conn)
    compression.define(conn)
    if _has_search_index(conn):
        search.define(conn)


def _has_search_index(conn: sqlite3.Connection) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(sql, [FTS_TABLE]).fetchone() is not None


@hookimpl
def extra_css_urls(database: str | None) -> list[str]:
    return [STYLESHEET_URL] if database == DATABASE else []


@hookimpl
def extra_js_urls(database: str | None) -> list[str]:
    return [SCRIPT_URL] if database == DATABASE else []


@hookimpl
def extra_body_script(view_name: str, database: str | None, table: str | None, datasette) -> str | None:
    if database != DATABASE or view_name != "table" or not table:
        return None
    descriptions = datasette.metadata("columns", database=DATABASE, table=table) or {}
    labels = json.dumps(headings.headings(table, descriptions), ensure_ascii=False)
    return f"nianbaoTable({labels}, {json.dumps(headings.first_columns(table))});"


async def _stylesheet() -> Response:
    return Response(STYLESHEET.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8")


async def _script() -> Response:
    return Response(SCRIPT.read_text(encoding="utf-8"), content_type="application/javascript; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, object]]:
    return [(f"^{STYLESHEET_URL}$", _stylesheet), (f"^{SCRIPT_URL}$", _script),
            (r"^/-/report/(?P<id>\d+)$", pages.report),
            (r"^/-/report/(?P<id>\d+)/original$", pages.original),
            (f"^{pages.MAP_URL}$", pages.county_map)]


@hookimpl
def startup(datasette) -> None:
    if _serves_archive(datasette):
        shapes.warm()  # the county outlines, read or built before the first map is asked for


# The tables whose rows are reports: their title (or agency) opens the report as printed.
_REPORT_ROWS = {"reports": "title", "report_summary": "agency"}


@hookimpl
def render_cell(value: object, column: str, table: str | None, database: str, row, datasette) -> object:
    if database != DATABASE or value is None:
        return None
    if column == "report_id" and table in _VIEWS_OF_REPORTS:
        return _body_name(datasette, value)
    if _REPORT_ROWS.get(table) != column:
        return None
    href = pages.REPORT_URL.format(row["id"])
    return Markup('<a class="report-link" href="{}" title="报告原表 · the report as printed">{}</a>').format(href, value)


def _body_name(datasette, report_id: object) -> Callable[[], Awaitable[Markup]]:
    # A view has no foreign keys for Datasette to label, so its report column is labelled here.
    async def label() -> Markup:
        found = (await datasette.get_database(DATABASE).execute(
            "SELECT agency FROM reports WHERE id = ?", [report_id])).first()
        href = datasette.urls.row(DATABASE, "reports", str(report_id))
        return Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, found[0] if found else report_id, report_id)
    return label


@hookimpl
def permission_allowed(action: str, resource: object) -> bool | None:
    if action == "view-database-download" and resource == DATABASE:
        return False
    if action == "view-table" and isinstance(resource, tuple) and not serving.table_visible(*resource):
        return False
    return None


@hookimpl
def asgi_wrapper(datasette) -> object:
    allowed: list[frozenset[str]] = []  # the dashboard's queries, known once the metadata is read

    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] == "http" and _serves_archive(datasette):
                allowed[:] = allowed or [serving.dashboard_queries(datasette)]
                sql = None if serving.sql_allowed(datasette) else allowed[0]
                refused = serving.refusal(scope["path"], scope.get("query_string", b""), sql)
                if refused:
                    await downloads.plain(send, *refused)
                    return
            name = downloads.csv_path(scope["path"]) if scope["type"] == "http" else None
            if name is not None and _serves_archive(datasette):
                queries = await datasette.get_canned_queries(DATABASE, None)
                if name in queries:
                    params = downloads.parameters(queries[name]["sql"], scope.get("query_string", b""))
                    await _stream_csv(datasette, name, queries[name]["sql"], params, send)
                    return
                if await _table_csv(datasette, name, scope, send):
                    return
                scope = dict(scope, query_string=downloads.whole_table_query(scope.get("query_string", b"")))
            await app(scope, receive, send)
        return wrapped
    return wrap


def _serves_archive(datasette) -> bool:
    return DATABASE in datasette.databases


async def _table_csv(datasette, table: str, scope: dict, send) -> bool:
    """A table's whole CSV, read here with the SQL of its page; False when Datasette should
    answer (labels to expand, a page asked for, or no such table)."""
    query_string = scope.get("query_string", b"")
    if not downloads.streams_itself(query_string):
        return False
    page = await datasette.client.get(f"/{DATABASE}/{quote(table)}.json?{downloads.page_query(query_string)}")
    data = page.json() if page.status_code == 200 else {}
    query = data.get("query")
    if not query or data.get("table") != table or (downloads.wants_labels(query_string) and data["expandable_columns"]):
        return False
    await _stream_csv(datasette, table, downloads.without_limit(query["sql"]), query["params"], send)
    return True


async def _stream_csv(datasette, name: str, sql: str, params: dict, send) -> None:
    """Every row of ``sql`` as ``<name>.csv``, on a read-only connection of its own."""
    database = datasette.get_database(DATABASE)
    conn = downloads.connect(database.path, immutable=not database.is_mutable)
    try:
        await downloads.stream_query(send, conn, name, sql, params)
    finally:
        conn.close()
