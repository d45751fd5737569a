"""The archive's tables (design.md), created and changed only through numbered migrations.

A migration is never edited once released: a later change is a new function below the others.
"""

from __future__ import annotations

import sqlite3
import uuid

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import compression, facts, search, totals

migrations = Migrations("nianbao")

# The name the archive is published under in Datasette, whatever its file is called: the
# metadata's canned queries, facets and dashboard are written for it.
DATABASE = "archive"

# The tables and views a user reads, browses and exports (design.md); the others are plumbing:
# blobs hold the raw bytes, reports_fts is the search index.
PUBLIC_TABLES = (
    "reports", "report_summary", "report_versions", "report_sources", "request_counts",
    "proactive_counts", "appeal_counts", "checks", "sources", "crawl_runs", "crawl_sites",
    "crawl_errors", "captures", "documents",
)
# Where the views above keep their rows (m013): compact, keyed by numbers, not for reading.
STORAGE_TABLES = ("versions", "cell_keys", "request_cells", "proactive_cells", "appeal_cells",
                  "check_rules", "check_results")


@migrations()
def m001_sources_and_runs(db: Database) -> None:
    db["sources"].create({
        "id": int, "adcode": str, "province": str, "city": str, "county": str, "level": str,
        "name": str, "portal_url": str, "report_list_url": str, "cms": str,
        "access_method": str, "imported_at": str,
    }, pk="id", not_null={"portal_url"})
    db["sources"].create_index(["portal_url"], unique=True)
    db["sources"].create_index(["adcode"])
    db["crawl_runs"].create({
        "id": int, "started": str, "finished": str, "status": str, "region": str, "url": str,
        "parser_version": str, "pages": int, "documents_new": int, "documents_changed": int,
        "documents_unchanged": int, "documents_failed": int, "reports_found": int,
        "reports_new": int, "reports_changed": int, "errors": int, "settings": str,
    }, pk="id", defaults={"pages": 0, "documents_new": 0, "documents_changed": 0,
                          "documents_unchanged": 0, "documents_failed": 0, "reports_found": 0,
                          "reports_new": 0, "reports_changed": 0, "errors": 0})
    db["crawl_sites"].create({
        "id": int, "run": int, "site": str, "source_id": int, "status": str, "pages": int,
        "documents": int, "reports_found": int, "errors": int,
    }, pk="id", foreign_keys=[("run", "crawl_runs", "id"), ("source_id", "sources", "id")])
    db["crawl_sites"].create_index(["run", "site"], unique=True)
    db["crawl_sites"].create_index(["site"])
    db["crawl_errors"].create({
        "id": int, "run": int, "at": str, "site": str, "url": str, "kind": str,
        "status": int, "message": str,
    }, pk="id", foreign_keys=[("run", "crawl_runs", "id")])
    db["crawl_errors"].create_index(["run"])
    db["crawl_errors"].create_index(["kind"])


@migrations()
def m002_captures_and_blobs(db: Database) -> None:
    db["blobs"].create({"sha256": str, "size": int, "compression": str, "content": bytes}, pk="sha256")
    db["captures"].create({
        "id": int, "run": int, "url": str, "fetched_at": str, "status": int, "etag": str,
        "last_modified": str, "content_type": str, "filename": str, "sha256": str, "size": int,
        "not_modified": int, "referer": str, "site": str,
    }, pk="id", foreign_keys=[("run", "crawl_runs", "id"), ("sha256", "blobs", "sha256")])
    db["captures"].create_index(["url", "id"])
    db["captures"].create_index(["sha256"])
    db["captures"].create_index(["run"])
    # One row per document URL ever captured: where it stands now, and whether it is gone.
    db["documents"].create({
        "url": str, "site": str, "first_seen": str, "last_seen": str, "last_capture": int,
        "sha256": str, "report_id": int, "gone": int, "gone_since": str,
    }, pk="url", defaults={"gone": 0})
    db["documents"].create_index(["site"])
    db["documents"].create_index(["report_id"])


@migrations()
def m003_reports(db: Database) -> None:
    db["reports"].create({
        "id": int, "body_key": str, "agency": str, "level": str, "year": int, "template": str,
        "title": str, "province": str, "city": str, "county": str, "adcode": str,
        "published": str, "url": str, "format": str, "consistent": int, "version": int,
        "first_seen": str, "last_changed": str, "gone": int, "source_id": int,
    }, pk="id", defaults={"gone": 0}, foreign_keys=[("source_id", "sources", "id")])
    db["reports"].create_index(["body_key", "year"], unique=True)
    for column in ("year", "province", "city", "county", "adcode", "level", "template",
                   "format", "consistent", "gone"):
        db["reports"].create_index([column])
    db["report_sources"].create({
        "id": int, "report_id": int, "url": str, "format": str, "first_seen": str,
    }, pk="id", foreign_keys=[("report_id", "reports", "id")])
    db["report_sources"].create_index(["report_id", "url"], unique=True)
    db["report_versions"].create({
        "id": int, "report_id": int, "version": int, "capture": int, "run": int,
        "created_at": str, "parser_version": str, "content_hash": str, "consistent": int,
        "changes": str, "text": str, "parsed": str,
    }, pk="id", foreign_keys=[("report_id", "reports", "id"), ("capture", "captures", "id"),
                              ("run", "crawl_runs", "id")])
    db["report_versions"].create_index(["report_id", "version"], unique=True)
    db["report_versions"].create_index(["capture"])


_CELL = {"id": int, "report_id": int, "version": int, "current": int, "year": int,
         "province": str, "city": str, "county": str, "adcode": str}


@migrations()
def m004_fact_tables(db: Database) -> None:
    tables = {
        "request_counts": {"row": str, "row_label": str, "column": str, "column_label": str},
        "proactive_counts": {"item": str, "item_label": str, "metric": str, "metric_label": str},
        "appeal_counts": {"group": str, "group_label": str, "result": str, "result_label": str},
    }
    for name, keys in tables.items():
        db[name].create(_CELL | keys | {"value": float}, pk="id",
                        foreign_keys=[("report_id", "reports", "id")])
        db[name].create_index(["report_id", "version"])
        for column in ("year", "province", "city", "county", "current", *list(keys)[::2]):
            db[name].create_index([column])
    db["checks"].create({
        "id": int, "report_id": int, "version": int, "current": int, "rule": str, "ok": int,
        "detail": str,
    }, pk="id", foreign_keys=[("report_id", "reports", "id")])
    db["checks"].create_index(["report_id", "version"])
    db["checks"].create_index(["ok"])
    db["checks"].create_index(["rule"])


@migrations()
def m005_capture_outcomes(db: Database) -> None:
    # What store() made of each capture, so a run's counts come from its own rows.
    db["captures"].add_column("document", str)
    db["captures"].add_column("report_id", int)
    db["captures"].add_column("report", str)
    db["captures"].create_index(["report_id"])
    # The content hash each source last parsed to: changed bytes that parse the same add nothing.
    db["report_sources"].add_column("content_hash", str)
    db["report_sources"].add_column("last_capture", int)
    db["report_sources"].create_index(["url"])
    # The registry's region and source of a capture, so a re-parse files it under the same body.
    db["captures"].add_column("source_id", int)
    db["captures"].add_column("region", str)


@migrations()
def m006_report_summary(db: Database) -> None:
    # Correlated look-ups on (report_id, version) keep a page of the view cheap on a large
    # archive; the counts are whole numbers, so they read as such in CSV.
    request = ("(SELECT CAST(value AS INTEGER) FROM request_counts c WHERE c.report_id = r.id"
               " AND c.version = r.version AND c.\"row\" = '{}' AND c.\"column\" = 'total')")
    appeal = ("(SELECT CAST(value AS INTEGER) FROM appeal_counts c WHERE c.report_id = r.id"
              " AND c.version = r.version AND c.\"group\" = '{}' AND c.result = 'total')")
    db.create_view("report_summary", f"""
        SELECT r.id, r.agency, r.level, r.province, r.city, r.county, r.adcode, r.year,
               r.template, r.format, r.published, r.url,
               {request.format("new")} AS requests_new,
               {request.format("carried_over")} AS requests_carried_over,
               {request.format("total")} AS requests_handled,
               {request.format("granted")} AS requests_granted,
               {request.format("partial")} AS requests_partial,
               {request.format("carried_forward")} AS requests_carried_forward,
               {appeal.format("review")} AS review_total,
               {appeal.format("litigation_direct")} AS litigation_direct_total,
               {appeal.format("litigation_after_review")} AS litigation_after_review_total,
               r.consistent, r.version, r.gone
        FROM reports r""")


SUMMARY_IDENTITY = {
    "agency": str, "level": str, "province": str, "city": str, "county": str, "adcode": str,
    "year": int, "template": str, "format": str, "published": str, "url": str, "title": str,
    "consistent": int, "version": int, "gone": int,
}


@migrations()
def m007_publishing(db: Database) -> None:
    # A view pages by OFFSET in Datasette: no sorting, and a CSV download slows page by page.
    from .summary import backfill

    db.execute("DROP VIEW report_summary")
    db["report_summary"].create(
        {"id": int, **SUMMARY_IDENTITY, "checks_failed": int, "failed_rules": str,
         **{column: float if column == "disclosure_rate" else int for column in totals.COLUMNS}},
        pk="id")  # no foreign key: Datasette's CSV form would add a label column, at a third the speed
    for column in ("year", "province", "city", "level", "format", "consistent", "adcode"):
        db["report_summary"].create_index([column])
    columns = ", ".join(SUMMARY_IDENTITY)
    news = ", ".join(f"new.{column}" for column in SUMMARY_IDENTITY)
    assignments = ", ".join(f"{column} = new.{column}" for column in SUMMARY_IDENTITY)
    db.execute(f"""CREATE TRIGGER report_summary_insert AFTER INSERT ON reports BEGIN
        INSERT INTO report_summary (id, {columns}) VALUES (new.id, {news}); END""")
    db.execute(f"""CREATE TRIGGER report_summary_update AFTER UPDATE ON reports BEGIN
        UPDATE report_summary SET {assignments} WHERE id = new.id; END""")
    db.execute(f"INSERT INTO report_summary (id, {columns}) SELECT id, {columns} FROM reports")
    # The rule facet of failing checks (checks?ok=0) stays on one index whatever ANALYZE says.
    db["checks"].create_index(["ok", "rule"])
    db.execute(search.CREATE_FTS)
    backfill(db)


@migrations()
def m008_schedules(db: Database) -> None:
    # A schedule crawls one region into this archive; last_started is the clock it is due by
    # (runs missed while nothing ran collapse into one, crawler/scheduler.py).
    db["schedules"].create({
        "id": int, "region": str, "kind": str, "expr": str, "settings": str, "created": str,
        "last_started": str, "last_finished": str, "last_run": int, "last_status": str,
    }, pk="id", not_null={"region", "kind", "created"})


@migrations()
def m009_merge_origins(db: Database) -> None:
    # Each archive knows itself by a random id, so a shard merged into another archive twice
    # (archive/merge.py) is recognised by the runs it brought: (origin, origin_run) is unique.
    db["archive_identity"].create({"id": int, "uuid": str}, pk="id")
    db["archive_identity"].insert({"id": 1, "uuid": str(uuid.uuid4())})
    db["crawl_runs"].add_column("origin", str)
    db["crawl_runs"].add_column("origin_run", int)
    db["crawl_runs"].create_index(["origin", "origin_run"], unique=True)


@migrations()
def m010_raw_bytes_apart(db: Database) -> None:
    # The raw bytes move to the raw store beside the archive (archive/raw.py); blobs keeps the
    # reference. The bytes are committed there before this migration commits here, so a crash
    # in between leaves them in both, and the next open moves them again (bytes held stay).
    from .raw import RawStore, raw_path

    main = next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main")
    if db.execute("SELECT 1 FROM blobs WHERE content IS NOT NULL LIMIT 1").fetchone() is not None:
        raw = RawStore.writable(raw_path(main))
        try:
            _move_blobs(db, raw)
        finally:
            raw.close(checkpoint=True)
    db.execute("ALTER TABLE blobs DROP COLUMN content")


def _move_blobs(db: Database, raw) -> None:
    """Every blob's bytes into ``raw``, a few hundred at a time, each group committed there
    and read back before the archive lets go of it."""
    after = ""
    while rows := db.execute("SELECT sha256, size, compression, content FROM blobs WHERE sha256 > ? "
                             "AND content IS NOT NULL ORDER BY sha256 LIMIT 200", [after]).fetchall():
        raw.put(rows)
        raw.commit()
        if raw.held([row[0] for row in rows]) != {row[0] for row in rows}:
            raise sqlite3.IntegrityError(f"{raw.path}: did not keep the bytes written to it; nothing was moved")
        after = rows[-1][0]


@migrations(transactional=False)
def m011_raw_bytes_apart_compact(db: Database) -> None:
    # The pages the bytes held are free now: give them back, once (VACUUM cannot run in a transaction).
    _compact(db)


def _compact(db: Database) -> None:
    freelist = db.execute("PRAGMA freelist_count").fetchone()[0]
    if freelist > db.execute("PRAGMA page_count").fetchone()[0] // 4:
        db.execute("VACUUM")


# Why a site of a run did not go well, in one phrase: its first crawl_errors row, a block or a
# spent budget first ("dns: DNS lookup failed: …", "blocked: HTTP 412"). For `s`, a crawl_sites row.
SITE_REASON = """(SELECT e.kind || ': ' || e.message FROM crawl_errors e WHERE e.run = s.run AND e.site = s.site
    ORDER BY e.kind = 'blocked' DESC, e.kind LIKE 'budget_%' DESC, e.id LIMIT 1)"""


@migrations()
def m012_site_status(db: Database) -> None:
    # Each site as its latest run left it, for `nianbao status` and the site_health canned query:
    # failed (not ok in its latest run), never yielded a report in any run, or yields fewer than
    # in its previous run.
    db.create_view("site_status", f"""
        WITH ranked AS (
            SELECT s.*, {SITE_REASON} AS reason,
                   row_number() OVER (PARTITION BY s.site ORDER BY s.run DESC) AS n,
                   max(coalesce(s.reports_found, 0)) OVER (PARTITION BY s.site) AS most_reports,
                   count(*) OVER (PARTITION BY s.site) AS runs
            FROM crawl_sites s)
        SELECT latest.site, latest.source_id, latest.run, latest.status, latest.reason,
               coalesce(latest.reports_found, 0) AS reports_found,
               previous.run AS previous_run, previous.status AS previous_status,
               previous.reports_found AS previous_reports_found,
               latest.most_reports, latest.runs,
               latest.status != 'ok' AS failed, latest.most_reports = 0 AS never_yielded,
               coalesce(latest.reports_found, 0) < coalesce(previous.reports_found, 0) AS fewer,
               CASE WHEN latest.most_reports = 0 THEN 'never yielded a report'
                    WHEN latest.status != 'ok' THEN 'failed'
                    WHEN coalesce(latest.reports_found, 0) < coalesce(previous.reports_found, 0) THEN 'fewer reports'
                    ELSE 'ok' END AS health
        FROM ranked latest LEFT JOIN ranked previous ON previous.site = latest.site AND previous.n = 2
        WHERE latest.n = 1""")


# Each long table of cells as a view: its rows keep (report, version, key, value), the region
# and year come from the report, the row and column names and labels from cell_keys.
CELL_VIEWS = {  # view: (cell table, name of its rows, name of its columns)
    "request_counts": ("request_cells", "row", "column"),
    "proactive_counts": ("proactive_cells", "item", "metric"),
    "appeal_counts": ("appeal_cells", "group", "result"),
}


def _of(table: str, key: str, columns: dict[str, str]) -> str:
    # Looked up column by column, not joined: a query reads only the columns it names, so a
    # count or a report's rows never touch the look-up (SQLite keeps a LEFT JOIN for count(*)).
    return ", ".join(f"(SELECT [{column}] FROM [{table}] WHERE id = {key}) AS [{name}]"
                     for column, name in columns.items())


_CURRENT = "c.version = (SELECT version FROM reports WHERE id = c.report_id) AS current"
_OF_REPORT = f"{_CURRENT}, " + _of("reports", "c.report_id", {name: name for name in
                                                              ("year", "province", "city", "county", "adcode")})
_VERSION_COLUMNS = ("id, report_id, version, capture, run, created_at, parser_version, content_hash, "
                    "consistent, changes")


@migrations()
def m013_lean_facts(db: Database) -> None:
    # Labels, keys and regions once, not on every cell; eight indexes a table down to none but
    # the key: the archive was about 105 KB a report, most of it in these rows (issue: the lean
    # national archive).
    compression.define(db.conn)
    db.execute("""CREATE TABLE cell_keys (id INTEGER PRIMARY KEY, [row] TEXT NOT NULL,
        row_label TEXT NOT NULL, [column] TEXT NOT NULL, column_label TEXT NOT NULL,
        UNIQUE ([row], row_label, [column], column_label))""")
    db.conn.executemany("INSERT INTO cell_keys ([row], row_label, [column], column_label) VALUES (?, ?, ?, ?)",
                        facts.known_keys())
    for view, (table, rows, columns) in CELL_VIEWS.items():
        _lean_cells(db, view, table, rows, columns)
    _lean_checks(db)
    _lean_versions(db)
    db.execute(f"DROP TABLE [{search.FTS_TABLE}]")
    db.execute(search.CREATE_FTS)
    _reindex(db)


def _lean_cells(db: Database, view: str, table: str, rows: str, columns: str) -> None:
    db.execute(f"""CREATE TABLE [{table}] (report_id INTEGER NOT NULL REFERENCES reports(id),
        version INTEGER NOT NULL, key INTEGER NOT NULL REFERENCES cell_keys(id), value NUMERIC,
        PRIMARY KEY (report_id, version, key)) WITHOUT ROWID""")
    names = f"[{rows}], [{rows}_label], [{columns}], [{columns}_label]"
    db.execute(f"INSERT OR IGNORE INTO cell_keys ([row], row_label, [column], column_label) "
               f"SELECT DISTINCT {names} FROM [{view}]")
    db.execute(f"""INSERT INTO [{table}] SELECT f.report_id, f.version, k.id, f.value FROM [{view}] f
        JOIN cell_keys k ON k.[row] = f.[{rows}] AND k.row_label = f.[{rows}_label]
        AND k.[column] = f.[{columns}] AND k.column_label = f.[{columns}_label] ORDER BY 1, 2, 3""")
    db.execute(f"DROP TABLE [{view}]")
    db.execute(f"""CREATE VIEW [{view}] AS SELECT c.report_id, c.version, {_OF_REPORT},
        {_of("cell_keys", "c.key", {"row": rows, "row_label": f"{rows}_label", "column": columns,
                                    "column_label": f"{columns}_label"})}, c.value FROM [{table}] c""")


def _lean_checks(db: Database) -> None:
    db.execute("CREATE TABLE check_rules (id INTEGER PRIMARY KEY, rule TEXT NOT NULL UNIQUE)")
    db.execute("""CREATE TABLE check_results (report_id INTEGER NOT NULL REFERENCES reports(id),
        version INTEGER NOT NULL, rule INTEGER NOT NULL REFERENCES check_rules(id), ok INTEGER,
        detail TEXT, PRIMARY KEY (report_id, version, rule)) WITHOUT ROWID""")
    # failing_checks, checks?ok=0 and its facet by rule (Datasette binds ok as a parameter,
    # which a partial index on ok = 0 cannot serve).
    db.execute("CREATE INDEX check_results_ok_rule ON check_results (ok, rule)")
    db.conn.executemany("INSERT INTO check_rules (rule) VALUES (?)", [[rule] for rule in facts.known_rules()])
    db.execute("INSERT OR IGNORE INTO check_rules (rule) SELECT DISTINCT rule FROM checks")
    db.execute("""INSERT INTO check_results SELECT c.report_id, c.version, k.id, c.ok, c.detail
        FROM checks c JOIN check_rules k ON k.rule = c.rule ORDER BY 1, 2, 3""")
    db.execute("DROP TABLE checks")
    db.execute(f"""CREATE VIEW checks AS SELECT c.report_id, c.version, {_CURRENT},
        {_of("check_rules", "c.rule", {"rule": "rule"})}, c.ok, c.detail FROM check_results c""")


def _lean_versions(db: Database) -> None:
    db.execute("""CREATE TABLE versions (id INTEGER PRIMARY KEY, report_id INTEGER REFERENCES reports(id),
        version INTEGER, capture INTEGER REFERENCES captures(id), run INTEGER REFERENCES crawl_runs(id),
        created_at TEXT, parser_version TEXT, content_hash TEXT, consistent INTEGER, changes TEXT,
        text_z BLOB, parsed_z BLOB)""")
    db.execute(f"INSERT INTO versions SELECT {_VERSION_COLUMNS}, deflate(text), deflate(parsed, text) "
               "FROM report_versions ORDER BY id")
    db.execute("DROP TABLE report_versions")
    db.execute("CREATE UNIQUE INDEX versions_report_version ON versions (report_id, version)")
    db.execute("CREATE INDEX versions_capture ON versions (capture)")
    db.execute(f"""CREATE VIEW report_versions AS SELECT {_VERSION_COLUMNS},
        inflate(text_z) AS text, inflate(parsed_z, text_z) AS parsed FROM versions""")


def _reindex(db: Database) -> None:
    current = db.execute("SELECT r.id, r.title, r.agency, v.text FROM reports r "
                         "JOIN report_versions v ON v.report_id = r.id AND v.version = r.version")
    for report_id, title, agency, text in current:
        search.index(db, report_id, search.document(title, agency, text), None)


@migrations(transactional=False)
def m014_lean_facts_compact(db: Database) -> None:
    _compact(db)


def migrate(db: Database) -> None:
    migrations.apply(db)
