"""Publishing: the archive's Datasette pages, canned queries, dashboard and CSV against the floor.

    bench/publish_bench.py [--db /tmp/nianbao-bench/archive-100k.db] [--reports 100000] [--repeat 3]
                           [--only SUBSTRING] [--no-csv]

The issues' figures: on 100,000 reports every default facet page and every canned query answers
within 1 s; a report's page and the map within 300 ms; the dashboard, its page and every chart's
data as the browser asks for them at once, within 1 s; and report_summary's CSV, through the link
its own page shows, streams every row at ≥ 30,000 rows/s. Each page is requested through Datasette's
in-process client (archive.publish.datasette, so our settings, metadata and plugin apply): the
first request is reported as "cold", then the best and median of ``--repeat`` more.

The library floor is the same SQL on a bare ``sqlite3`` connection to the same file:
  - a table page: its count, its page query and one GROUP BY per facet, exactly as Datasette
    wrote them (taken from a traced request to a second instance whose time limits are lifted,
    so that no facet is left out for timing out);
  - a canned query or a dashboard chart: the query itself, fetching what Datasette fetches;
  - CSV: every row of ``SELECT *`` written with csv.writer to a buffer in memory.
The ratio is ours / floor. A page that leaves out a facet or its count because a time limit
cut it short is a MISS whatever its time, and so is any answer that is not 200.

Without the archive at --db the synthetic one is built first (bench/synthetic_archive.py).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import html
import io
import json
import re
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.plugin import prepare_connection  # noqa: E402
from archive.publish import DATABASE, datasette, metadata  # noqa: E402
import synthetic_archive  # noqa: E402

PAGE_TARGET = 1.0            # seconds
QUICK_TARGET = 0.3           # seconds: a report's page, the map
CSV_TARGET = 30_000          # rows per second
LIFTED = 600_000             # ms: the tracing instance's time limits
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_OPTIONAL = re.compile(r"\[\[.*?\]\]", re.S)


@dataclass
class Case:
    kind: str                 # facet page | search page | table page | canned | chart | page | csv
    name: str
    url: str
    floor_sql: list[tuple[str, dict, int | None]] = field(default_factory=list)  # (sql, params, fetch)
    cold: float | None = None
    best: float | None = None
    median: float | None = None
    floor_best: float | None = None
    status: int | None = None
    notes: list[str] = field(default_factory=list)
    rows: int | None = None
    slowest_sql: tuple[float, str] | None = None
    sql_ms: float | None = None
    extra: bool = False       # measured for context, not one of the targets
    target: float = PAGE_TARGET

    @property
    def ok(self) -> bool:
        if self.status != 200 or any(note.startswith("!") for note in self.notes):
            return False
        if self.kind == "csv":
            return self.rows is not None and self.rows / self.best >= CSV_TARGET
        return self.best is not None and self.best < self.target


# ---------------------------------------------------------------------------------------------
# The cases


def typical(path: Path) -> dict[str, str]:
    """Typical filter values from the archive itself."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        province = connection.execute(
            "SELECT province FROM reports WHERE province IS NOT NULL GROUP BY province "
            "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        versioned = connection.execute("SELECT id FROM reports WHERE version > 1 ORDER BY id LIMIT 1").fetchone()
        report = connection.execute("SELECT id FROM reports ORDER BY id LIMIT 1 OFFSET 5000").fetchone() \
            or connection.execute("SELECT id FROM reports ORDER BY id LIMIT 1").fetchone()
    finally:
        connection.close()
    return {"year": "2022", "province": province, "level": "县级政府", "q": "复议", "rule": "requests.balance",
            "agency": "教育局", "report_id": str(versioned[0] if versioned else report[0]),
            "any_report": str(report[0])}


def cases(meta: dict, values: dict[str, str]) -> list[Case]:
    db = meta["databases"][DATABASE]
    out: list[Case] = []
    # Default facet pages, bare and with a typical filter.
    for table, config in db["tables"].items():
        if not config.get("facets"):
            continue
        out.append(Case("facet page", table, f"/{DATABASE}/{table}"))
        for key in ("year", "province"):
            if key in _columns_of(table):
                out.append(Case("facet page", f"{table}?{key}=", f"/{DATABASE}/{table}?" + urlencode({key: values[key]})))
        if table == "checks":
            out.append(Case("facet page", "checks?ok=0", f"/{DATABASE}/checks?ok=0"))
    for words in ("复议", "行政复议"):
        out.append(Case("search page", f"reports?_search={words}", f"/{DATABASE}/reports?" + urlencode({"_search": words})))
    out.append(Case("search page", "reports?_search=行政复议&year=", f"/{DATABASE}/reports?"
                    + urlencode({"_search": "行政复议", "year": values["year"]})))
    # The long tables, without facets: bare, and as a report's link to its cells.
    for table in ("request_counts", "proactive_counts", "appeal_counts", "checks"):
        if table != "checks":
            out.append(Case("table page", table, f"/{DATABASE}/{table}"))
        out.append(Case("table page", f"{table}?report_id=", f"/{DATABASE}/{table}?report_id={values['any_report']}",
                        extra=True))
    out.append(Case("page", "database page", f"/{DATABASE}", extra=True))
    out.append(Case("page", "report row page", f"/{DATABASE}/reports/{values['any_report']}", extra=True))
    out.append(Case("page", "dashboard page", "/-/dashboards/nianbao?level=" + quote("县级政府"), extra=True))
    out += our_pages(values)
    # Canned queries: every parameter empty, each filled alone, all filled.
    for name, query in db.get("queries", {}).items():
        params = list(dict.fromkeys(_PARAM.findall(query["sql"])))
        variants = [{p: "" for p in params}]
        for p in params:
            variants.append({q: (values.get(q, "") if q == p else "") for q in params})
        if len(params) > 1:
            variants.append({p: values.get(p, "") for p in params})
        if name == "search_words":
            variants.append({"q": "行政复议"})
        for variant in variants:
            filled = ",".join(f"{k}={v}" for k, v in variant.items() if v) or "empty"
            case = Case("canned", f"{name} [{filled}]", f"/{DATABASE}/{name}.json?" + urlencode(variant))
            case.floor_sql = [(query["sql"], variant, None)]
            out.append(case)
    # Dashboard charts and the filter's own query, without and with a province.
    dashboards = meta.get("plugins", {}).get("datasette-dashboards", {})
    for dashboard in dashboards.values():
        queries = {f"filter {k}": f["query"] for k, f in dashboard.get("filters", {}).items() if f.get("query")}
        queries.update({f"chart {k}": c["query"] for k, c in dashboard.get("charts", {}).items() if c.get("query")})
        for name, sql in queries.items():
            for province in (None, values["province"]):
                text = _OPTIONAL.sub("", sql) if province is None else _fill_optional(sql, {"province": province})
                params = {"province": province} if province else {}
                params |= {"level": values["level"]} if ":level" in text else {}
                label = f"{name} [{'province=' + province if province else 'all'}]"
                case = Case("chart", label, f"/{DATABASE}.json?" + urlencode({"sql": text, "_shape": "objects", **params}))
                case.floor_sql = [(text, params, None)]
                out.append(case)
                if "province" not in sql:
                    break
    out += csv_cases()
    return out


def our_pages(values: dict[str, str]) -> list[Case]:
    """nianbao's own pages: the dashboard as a browser opens it, a report, the map."""
    out = [Case("dashboard", "dashboard page and every chart at once", "/-/dashboards/nianbao")]
    for name, url in (("report page", f"/-/report/{values['any_report']}"),
                      ("report page, versioned", f"/-/report/{values['report_id']}"),
                      ("map page", "/-/map"), ("map page, disclosure rate", "/-/map?figure=disclosure"),
                      ("map page, all levels", "/-/map?level=")):
        out.append(Case("page", name, url, target=QUICK_TARGET))
    return out


def csv_cases() -> list[Case]:
    out = []
    # The URL of the issue, and the one Datasette's own export form sends ("expand labels" is
    # ticked by default where a column is a foreign key to a table with a label column:
    # report_summary.id -> reports.agency, reports.source_id -> sources.name).
    for table, query in (("report_summary", "_stream=on"), ("report_summary", "_labels=on&_stream=on&_size=max"),
                         ("reports", "_stream=on"), ("reports", "_labels=on&_stream=on&_size=max")):
        case = Case("csv", f"{table}.csv?{query}", f"/{DATABASE}/{table}.csv?{query}")
        case.floor_sql = [(f"SELECT * FROM [{table}]", {}, -1)]
        out.append(case)
    # The link the report_summary page itself shows (found when the case runs).
    case = Case("csv", "report_summary.csv by the page's own CSV link", f"/{DATABASE}/report_summary")
    case.floor_sql = [("SELECT * FROM [report_summary]", {}, -1)]
    out.append(case)
    return out


def _fill_optional(sql: str, options: dict) -> str:
    """What datasette-dashboards does: keep a [[ … ]] clause when its parameter is given."""
    def keep(match: re.Match) -> str:
        names = _PARAM.findall(match.group(0))
        return match.group(0)[2:-2] if names and all(options.get(n) for n in names) else ""
    return _OPTIONAL.sub(keep, sql)


_COLUMNS: dict[str, set[str]] = {}


def _columns_of(table: str) -> set[str]:
    return _COLUMNS.get(table, set())


# ---------------------------------------------------------------------------------------------
# Measuring


async def fetch(ds, url: str) -> tuple[float, object]:
    start = time.perf_counter()
    response = await ds.client.get(url)
    response.content  # the whole answer, as a browser or curl would read it
    return time.perf_counter() - start, response


async def page_csv_link(ds, page: str) -> str:
    """The href of the "CSV" link that the page shows."""
    response = await ds.client.get(page)
    return html.unescape(re.search(r'<a href="([^"]+)">CSV</a>', response.text).group(1))


async def fetch_dashboard(ds, url: str) -> tuple[float, object]:
    """The dashboard as a browser opens it: the page (after its redirect to the default level),
    then every chart's data at once."""
    from datasette_dashboards import replace_opts_in_query

    start = time.perf_counter()
    response = await ds.client.get(url)
    options = {"level": "县级政府"}
    if response.status_code == 302:
        response = await ds.client.get(response.headers["location"])
    charts = metadata()["plugins"]["datasette-dashboards"]["nianbao"]["charts"].values()
    answers = await asyncio.gather(*(ds.client.get(f"/{DATABASE}.json?" + urlencode(
        {"sql": replace_opts_in_query(chart["query"], options), **options, "_shape": "objects"})) for chart in charts))
    failed = next((answer for answer in [response, *answers] if answer.status_code != 200), None)
    return time.perf_counter() - start, failed or response


async def time_case(ds, case: Case, repeat: int) -> None:
    if case.name.endswith("by the page's own CSV link"):
        case.url = await page_csv_link(ds, case.url)
    measure = fetch_dashboard if case.kind == "dashboard" else fetch
    seconds, response = await measure(ds, case.url)
    case.cold, case.status = seconds, response.status_code
    if response.status_code != 200:
        case.notes.append(f"! HTTP {response.status_code}: {_error_text(response)}")
    if case.kind == "csv":
        case.rows = _csv_rows(response.text)
        table = case.name.split(".csv")[0].split()[0]
        expected = _count(case_path, table)
        if case.rows != expected:
            case.notes.append(f"! {case.rows:,} rows streamed, SELECT count(*) says {expected:,}")
    timings = []
    for _ in range(repeat):
        seconds, response = await measure(ds, case.url)
        timings.append(seconds)
    case.best, case.median = min(timings), statistics.median(timings)
    if case.kind == "canned" or case.kind == "chart":
        try:
            data = response.json()
            rows = data.get("rows") if isinstance(data, dict) else data
            case.rows = len(rows) if rows is not None else None
            if isinstance(data, dict) and data.get("truncated"):
                case.notes.append("truncated at max_returned_rows")
        except ValueError:
            pass


def _error_text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.text)
    text = re.sub(r"\s+", " ", html.unescape(text))
    match = re.search(r"(SQL Interrupted|SQL query took too long|Invalid SQL[^.]*|Error[^.]*)", text)
    return (match.group(0) if match else text[:120]).strip()


def _csv_rows(text: str) -> int:
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)


async def trace_case(traced, case: Case) -> None:
    """The SQL Datasette ran for a page (time limits lifted), what the page left out, the floor."""
    if case.kind not in ("facet page", "search page", "table page", "page"):
        return
    # The JSON form of a table page runs the same count, page and facet SQL; its body stays
    # under the 256 KB past which Datasette's tracer cannot append to an HTML page.
    path, _, query = case.url.partition("?")
    if case.kind != "page":
        path += ".json"
    try:
        response = await traced.client.get(f"{path}?{query}&_trace=1" if query else f"{path}?_trace=1")
    except AssertionError:
        return
    if case.kind == "page":
        match = re.search(r"<pre>(\{.*\})</pre>\s*</body>", response.text, re.S)
        traces = json.loads(html.unescape(match.group(1)))["traces"] if match else []
    else:
        traces = response.json().get("_trace", {}).get("traces", []) if response.status_code == 200 else []
    sql = [t for t in traces if t.get("type") == "sql" and not t.get("executescript")]
    if sql:
        slowest = max(sql, key=lambda t: t["duration_ms"])
        case.slowest_sql = (slowest["duration_ms"], slowest["sql"])
        case.sql_ms = sum(t["duration_ms"] for t in sql)
    if case.kind in ("facet page", "search page", "table page"):
        for t in sql:
            text = t["sql"]
            lowered = " ".join(text.lower().split())
            is_count = lowered.startswith("select count(*) from")
            is_page = lowered.startswith("select ") and " limit 51" in lowered and "group by" not in lowered
            is_facet = "as value, count(*) as count from (" in lowered
            if is_count or is_page or is_facet:
                case.floor_sql.append((text, t.get("params") or {}, 51 if is_page else None))
    # What the served page (real limits) left out.
    if case.kind in ("facet page", "search page", "table page"):
        data_response = await case_ds.client.get(f"{path}?{query}" if query else path)
        if data_response.status_code == 200:
            # Datasette 0.65's JSON has no facets_timed_out: a facet that timed out is missing.
            data = data_response.json()
            table = path.rsplit("/", 1)[-1].removesuffix(".json")
            wanted = metadata()["databases"][DATABASE]["tables"].get(table, {}).get("facets") or []
            missing = [f for f in wanted if f not in (data.get("facet_results") or {})]
            if missing:
                case.notes.append("! facets timed out (facet_time_limit_ms): " + ", ".join(missing))
            if data.get("filtered_table_rows_count") is None:
                case.notes.append("! count left out (timed out)")


case_ds = None  # the served instance, for trace_case's JSON look-up
case_path: Path | None = None


def _count(path: Path, table: str) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    finally:
        connection.close()


def floor_time(path: Path, case: Case, repeat: int) -> None:
    if not case.floor_sql:
        return
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    prepare_connection(connection, DATABASE)
    try:
        def once() -> None:
            for sql, params, fetch in case.floor_sql:
                cursor = connection.execute(sql, params)
                if fetch == -1:  # CSV: every row, through csv.writer
                    buffer = io.StringIO()
                    writer = csv.writer(buffer)
                    writer.writerow([c[0] for c in cursor.description])
                    writer.writerows(cursor)
                elif fetch:
                    cursor.fetchmany(fetch)
                else:
                    cursor.fetchmany(1001)  # Datasette's max_returned_rows + 1
        once()
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            once()
            timings.append(time.perf_counter() - start)
        case.floor_best = min(timings)
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# Output


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f}"


def print_table(results: list[Case]) -> None:
    print("(* = context, not one of the issue's targets; ratio = best / floor best)")
    header = f"{'kind':<11} {'case':<58} {'cold ms':>8} {'best ms':>8} {'med ms':>8} {'floor ms':>9} {'ratio':>6}  result"
    print(header)
    print("-" * len(header))
    for case in results:
        ratio = f"{case.best / case.floor_best:.2f}" if case.best and case.floor_best else "-"
        if case.kind == "csv":
            rate = case.rows / case.best if case.rows and case.best else 0
            floor_rate = case.rows / case.floor_best if case.rows and case.floor_best else 0
            verdict = f"{'PASS' if case.ok else 'MISS'} {case.rows:,} rows, {rate:,.0f} rows/s (floor {floor_rate:,.0f}; target ≥ {CSV_TARGET:,})"
        else:
            verdict = f"{'PASS' if case.ok else 'MISS'} (< {case.target:g} s)"
            if case.rows is not None:
                verdict += f" {case.rows} rows"
        kind = case.kind + ("*" if case.extra else "")
        print(f"{kind:<11} {_cut(case.name, 58)} {_ms(case.cold):>8} {_ms(case.best):>8} "
              f"{_ms(case.median):>8} {_ms(case.floor_best):>9} {ratio:>6}  {verdict}")
        for note in case.notes:
            print(f"{'':<11}   {note}")
        if not case.ok and case.slowest_sql:
            print(f"{'':<11}   slowest SQL (traced, limits lifted) {case.slowest_sql[0]:,.0f} ms of "
                  f"{case.sql_ms:,.0f} ms: {' '.join(case.slowest_sql[1].split())[:220]}")


def _cut(text: str, width: int) -> str:
    """The text cut and padded to ``width`` display columns (a Han character takes two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) >= 0x2E80 else 1
        if used + w > width - 1 and len(text) > len(out) + 1:
            return out + "…" + " " * (width - used - 1)
        out, used = out + ch, used + w
    return out + " " * (width - used)


async def run(path: Path, repeat: int, only: str | None, csv_too: bool) -> list[Case]:
    global case_ds, case_path
    case_path = path
    meta = metadata()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        _COLUMNS[table] = {row[1] for row in connection.execute(f"PRAGMA table_info([{table}])")}
    connection.close()
    values = typical(path)
    print(f"typical values: {values}")
    todo = [c for c in cases(meta, values) if (not only or only in c.name or only in c.kind)
            and (csv_too or c.kind != "csv")]
    ds = datasette(path)
    case_ds = ds
    traced = datasette(path)
    traced._settings.update({"trace_debug": True, "sql_time_limit_ms": LIFTED, "facet_time_limit_ms": LIFTED})
    traced.sql_time_limit_ms = LIFTED  # read once into an attribute by Datasette.__init__
    from datasette.app import DatasetteClient
    traced.client = DatasetteClient(traced)
    await ds.client.get("/-/versions.json")     # start-up (introspection) is not any page's cost
    await traced.client.get("/-/versions.json")
    for case in todo:
        await time_case(ds, case, repeat)
        await trace_case(traced, case)
        floor_time(path, case, repeat)
        mark = "PASS" if case.ok else "MISS"
        print(f"  {mark} {case.kind:<11} {case.name[:60]:<60} best {_ms(case.best)} ms, floor {_ms(case.floor_best)} ms"
              + (f"  {'; '.join(case.notes)}" if case.notes else ""), flush=True)
    return todo


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--db", type=Path, default=synthetic_archive.DEFAULT_PATH)
    options.add_argument("--reports", type=int, default=100_000, help="Size of the synthetic archive built when --db is missing.")
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--only", help="Only the cases whose name or kind contains this.")
    options.add_argument("--no-csv", action="store_true")
    args = options.parse_args()
    if args.db == synthetic_archive.DEFAULT_PATH or not args.db.is_file():
        # The synthetic archive is built when missing or incomplete, and reused when complete;
        # an archive of one's own at --db is read as it is.
        synthetic_archive.build(args.db, args.reports, log=lambda line: print(line, flush=True))
    size = sum(p.stat().st_size for p in (args.db, Path(f"{args.db}-wal")) if p.exists())
    print(f"{args.db}: {size / 1e9:.2f} GB")
    results = asyncio.run(run(args.db, args.repeat, args.only, not args.no_csv))
    print()
    print_table(results)
    print()
    for label, group in (("targets", [c for c in results if not c.extra]),
                         ("extras", [c for c in results if c.extra])):
        missed = [c for c in group if not c.ok]
        print(f"{label}: {len(group) - len(missed)} PASS, {len(missed)} MISS")
        for case in missed:
            print(f"  MISS {case.kind}: {case.name}")


if __name__ == "__main__":
    main()
