"""What a visitor of the published archive may ask for.

- Only the public tables (schema.PUBLIC_TABLES) have pages: ``blobs`` (the references to the raw
  bytes, which live in the raw store beside the archive and are never served as a table), the
  search index and the migrations table answer 403, so there is no blob route.
- Arbitrary SQL (``?sql=`` and a table page's ``_where``) is off unless the server was started
  with it (``nianbao serve --sql``): one query can otherwise ask for gigabytes
  (``randomblob(1e9)``). The dashboard's own queries, with any of its filters, still run.
- No page tells where the archive lives on disk: ``/-/databases`` answers 404 and, for SQL
  allowed by ``--sql``, ``pragma_database_list`` reads its file as NULL (the raw bytes are in
  another file, which no query reaches); a value longer than LENGTH_LIMIT cannot be made, and SQLite's heap has a hard limit.
"""

from __future__ import annotations

import itertools
import sqlite3
from urllib.parse import parse_qs

from .schema import DATABASE, PUBLIC_TABLES

LENGTH_LIMIT = 32 * 1024 * 1024      # the longest string or blob a query may make or read
HEAP_LIMIT = 512 * 1024 * 1024       # SQLite's memory in the server process, all queries together
HIDDEN_PATHS = ("/-/databases",)     # Datasette lists each database's absolute path there
SQL_OFF = ("任意 SQL 查询未开启 · Arbitrary SQL is off on this server: use the tables, facets and "
           "canned queries, or start it with `nianbao serve --sql`.")


def sql_allowed(datasette) -> bool:
    return bool((datasette.plugin_config("nianbao") or {}).get("sql"))


def table_visible(database: str, table: str) -> bool:
    return database != DATABASE or table in PUBLIC_TABLES


def dashboard_queries(datasette) -> frozenset[str]:
    """Every SQL text the dashboard's charts and filters send, for each set of filters given."""
    from datasette_dashboards import replace_opts_in_query

    texts = set()
    for dashboard in (datasette.plugin_config("datasette-dashboards") or {}).values():
        filters = list(dashboard.get("filters", {}))
        queries = [item["query"] for item in [*dashboard.get("charts", {}).values(),
                                              *dashboard.get("filters", {}).values()] if "query" in item]
        for size in range(len(filters) + 1):
            for given in itertools.combinations(filters, size):
                texts.update(replace_opts_in_query(query, dict.fromkeys(given, "x")) for query in queries)
    return frozenset(texts)


def refusal(path: str, query_string: bytes, allowed_sql: frozenset[str] | None) -> tuple[int, str] | None:
    """(status, message) when the request asks for what this server does not give;
    ``allowed_sql`` None: any SQL may run (``--sql``)."""
    if path.rstrip("/").removesuffix(".json") in HIDDEN_PATHS:
        return 404, "Not found"
    if not (path == f"/{DATABASE}" or path.startswith((f"/{DATABASE}.", f"/{DATABASE}/"))):
        return None
    if allowed_sql is None:
        return None
    query = parse_qs(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if "_where" in query or any(sql not in allowed_sql for sql in query.get("sql", [])):
        return 403, SQL_OFF
    return None


def authorize(action: int, first: str | None, second: str | None, _db: str | None, _trigger: str | None) -> int:
    """The authorizer of a connection that runs visitors' SQL."""
    if action == sqlite3.SQLITE_READ and first == "pragma_database_list" and second == "file":
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


def limit(conn: sqlite3.Connection) -> None:
    """Bounds for a connection that runs visitors' SQL (``--sql``)."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LENGTH_LIMIT)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT}")
    conn.set_authorizer(authorize)
