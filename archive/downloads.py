"""CSV that is whole: every CSV link of the archive's pages gives every row, as a file.

Datasette 0.65 answers ``table.csv`` with one page (max_returned_rows, 1,000) unless asked to
stream, and a canned query's CSV with one page whatever is asked, both silently cut, and shows
either as text in the tab. For the archive:

- a table's CSV streams (``_stream=on``) in pages of the largest size, and downloads
  (``_dl=on``) as ``<table>.csv``, unless the link says otherwise;
- a canned query's CSV is answered here, every row, read in batches on a read-only connection
  of its own, as ``<query>.csv``;
- so is a table's streamed CSV with no labels to expand: Datasette is asked only for the SQL of its page
  (filters, search and sort as the link gives them), which is then read whole, at twice the
  speed of Datasette's own pages of 1,000 rows.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, parse_qsl, quote, urlencode

from .schema import DATABASE
from . import sqlfunctions

BATCH = 2_000
QUERY_SECONDS = 120          # a whole download may take longer than a page's sql_time_limit_ms
_NAMED = re.compile(r"(?<!:):([A-Za-z_]\w*)")

Send = Callable[[dict], Awaitable[None]]


def csv_path(path: str) -> str | None:
    """The table or query name of an archive CSV path (``/archive/report_summary.csv``)."""
    prefix = f"/{DATABASE}/"
    if path.startswith(prefix) and path.endswith(".csv") and "/" not in path[len(prefix):]:
        return path[len(prefix):-len(".csv")]
    return None


def whole_table_query(query_string: bytes) -> bytes:
    """A table CSV's query string, asking for every row in large pages, as a download.
    ``_stream=off`` (or 0, or empty) asks for one page: Datasette itself would stream on any value."""
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    asked = dict(pairs)
    streamed = asked.get("_stream", "on") not in ("", "0", "off")
    pairs = [(key, value) for key, value in pairs if key != "_stream"]
    pairs += [("_stream", "on")] if streamed else []
    pairs += [("_size", "max")] if streamed and "_size" not in asked else []
    pairs += [("_dl", "on")] if "_dl" not in asked else []
    return urlencode(pairs, safe=":,").encode("ascii")


_PAGE_ONLY = ("_stream", "_dl", "_size", "_next", "_nofacet", "_nocount", "_shape", "_labels")
_LIMIT = re.compile(r"\s+limit\s+\d+\s*$", re.IGNORECASE)


def streams_itself(query_string: bytes) -> bool:
    """Whether a table CSV may be read whole here: streamed from its start."""
    asked = dict(parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True))
    return asked.get("_stream", "on") not in ("", "0", "off") and "_next" not in asked


def wants_labels(query_string: bytes) -> bool:
    asked = dict(parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True))
    return asked.get("_labels", "") not in ("", "off")


def page_query(query_string: bytes) -> str:
    """The query string asking Datasette for the table page's SQL only: no facets, no count."""
    pairs = [(key, value) for key, value in parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
             if key not in _PAGE_ONLY]
    return urlencode([*pairs, ("_nofacet", "1"), ("_nocount", "1"), ("_size", "1")])


def without_limit(sql: str) -> str:
    return _LIMIT.sub("", sql)


def parameters(sql: str, query_string: bytes) -> dict[str, str]:
    """The canned query's named parameters from the URL; one not given is '' (the queries
    read '' as "any")."""
    given = parse_qs(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: given.get(name, [""])[0] for name in dict.fromkeys(_NAMED.findall(sql))}


def connect(path: str, *, immutable: bool) -> sqlite3.Connection:
    mode = "immutable=1" if immutable else "mode=ro"
    conn = sqlite3.connect(f"file:{quote(path)}?{mode}", uri=True, check_same_thread=False)
    sqlfunctions.define(conn)
    deadline = time.monotonic() + QUERY_SECONDS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    return conn


def _line(writer_buffer: io.StringIO, writer, rows: list) -> bytes:
    writer_buffer.seek(0)
    writer_buffer.truncate()
    writer.writerows(rows)
    return writer_buffer.getvalue().encode("utf-8")


async def stream_query(send: Send, conn: sqlite3.Connection, name: str, sql: str, params: dict) -> None:
    """Answer with every row of the query as a CSV file, batch by batch."""
    try:
        cursor = await asyncio.to_thread(conn.execute, sql, params)
    except sqlite3.Error as error:
        await plain(send, 400, f"{name}: {error}")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/csv; charset=utf-8"),
        (b"content-disposition", f"attachment; filename=\"{name}.csv\"".encode())]})
    await send({"type": "http.response.body", "more_body": True,
                "body": _line(buffer, writer, [[column[0] for column in cursor.description]])})
    try:
        while rows := await asyncio.to_thread(cursor.fetchmany, BATCH):
            await send({"type": "http.response.body", "body": _line(buffer, writer, rows), "more_body": True})
    except sqlite3.Error as error:  # the deadline, mid-stream: say so in the file, not silently
        await send({"type": "http.response.body", "body": f"\nerror: {error}\n".encode(), "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def plain(send: Send, status: int, message: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": message.encode("utf-8")})
