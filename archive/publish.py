"""The archive in Datasette: its metadata, its settings, and a server that only reads.

The database is always named ``archive``, whatever the file is called, because the metadata's
canned queries, facets and dashboard are written for that name.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import sqlite_utils
from datasette.app import Datasette
from datasette.database import Database

from .schema import DATABASE, migrations
# Package data, so an installed nianbao serves with it; the top of the source tree links to it.
METADATA = Path(__file__).resolve().parent / "datasette_metadata.json"
TEMPLATES = METADATA.with_name("templates")  # query-archive.html: a canned query's tab is titled by its title

# Written out, not left to Datasette's defaults, so a published archive behaves the same on
# every Datasette 0.65 release.
SETTINGS = {
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "sql_time_limit_ms": 3000,
    "default_facet_size": 40,             # 31 provinces fit on one facet
    "facet_time_limit_ms": 1000,
    "allow_facet": True,
    "suggest_facets": False,              # ~700 ms a page on a million rows (field notes)
    "allow_download": False,              # a national archive is gigabytes: `nianbao publish` makes a copy to share
    "allow_csv_stream": True,
    "max_csv_mb": 0,                      # a streamed CSV is every row, never cut short
    "truncate_cells_html": 300,           # report text runs to thousands of characters
    "num_sql_threads": 3,
    "default_cache_ttl": 5,
}


class PublishError(Exception):
    """The archive cannot be served as asked; the message names the file."""


def metadata() -> dict:
    try:
        return json.loads(METADATA.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PublishError(f"{METADATA}: {error}") from error


def datasette(path: str | Path, *, immutable: bool = False, settings: dict | None = None,
              sql: bool = False) -> Datasette:
    """A Datasette serving the archive at ``path``, read-only (or immutable) with our metadata;
    ``settings`` override SETTINGS; ``sql`` lets visitors run their own SQL (archive/serving.py)."""
    path = Path(path)
    prepare(path, immutable=immutable)
    published = metadata()
    published["plugins"]["nianbao"] = {"sql": sql}
    ds = Datasette(metadata=published, settings=SETTINGS | (settings or {}), template_dir=str(TEMPLATES))
    ds.remove_database("_memory")  # Datasette adds an empty one when started without files
    ds.add_database(Database(ds, path=str(path), is_mutable=not immutable), name=DATABASE)
    return ds


def prepare(path: Path, *, immutable: bool) -> None:
    """An archive made by an older nianbao is brought up to date before it is served; an
    immutable one must be up to date and hold everything in the main file."""
    if not path.is_file():
        raise PublishError(f"{path}: no such archive")
    try:
        db = sqlite_utils.Database(path)
        if not db[migrations.migrations_table].exists():
            raise PublishError(f"{path}: not a nianbao archive")
        pending = [migration.name for migration in migrations.pending(db)]
        if pending and immutable:
            raise PublishError(f"{path}: made by an older nianbao; serve it once without "
                               f"--immutable to bring it up to date ({', '.join(pending)})")
        if pending:
            migrations.apply(db)
        if immutable:
            # An immutable file is read without its write-ahead log: fold the log in first.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    except sqlite3.DatabaseError as error:
        raise PublishError(f"{path}: {error}") from error


def ensure_port_free(host: str, port: int) -> None:
    """Bind the address once, as the server will, so that a taken port is named before any work."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise PublishError(f"cannot serve on {host}: {error.strerror} (give an address with --host)") from None
    try:
        with socket.socket(family, kind, proto) as probe:
            # As uvicorn binds: a port left in TIME_WAIT by the previous demo is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PublishError(f"cannot serve on {host}:{port}: {reason} (choose another with --port)") from None


def serve(ds: Datasette, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
