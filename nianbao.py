"""The ``nianbao`` command line: a thin layer over the parsers and archive packages."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from archive import Archive
    from parsers import Report


def _parent() -> str:
    """Where nianbao's packages are: top-level beside this file when it runs from the source
    tree (the design card's layout), under ``_nianbao`` when nianbao is installed, so that
    another project's ``archive`` or ``parsers`` is never taken for ours (pyproject.toml)."""
    here = Path(__file__).resolve().parent
    on_path = any(Path(entry or ".").resolve() == here for entry in sys.path)
    return "" if on_path and (here / "archive" / "siblings.py").is_file() else "_nianbao."


PARENT = _parent()


def package(name: str) -> ModuleType:
    """One of nianbao's packages or modules by its name in the source tree ("crawler.runner")."""
    return import_module(PARENT + name)


def __getattr__(name: str) -> object:
    # The Datasette and sqlite-utils plugins, loaded by their entry points only when asked for.
    if name == "datasette_plugin":
        return package("archive.plugin")
    if name == "sqlite_utils_plugin":
        return package("archive.sqlfunctions")
    raise AttributeError(name)


parsers = package("parsers")
DEFAULT_DB = package("archive").DEFAULT_PATH


class OneLineErrors(click.Group):
    """Every misuse is one line on stderr and exit 2 (click would add a usage block)."""

    def main(self, *args: object, **kwargs: object) -> object:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.ClickException as error:
            click.echo(f"error: {_one_line(error.format_message())}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)


@click.group(cls=OneLineErrors)
@click.version_option(package_name="nianbao")
def cli() -> None:
    """Crawl, parse and archive China's annual reports on open government information."""


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines): the report with its tables, checks and warnings.")
@click.option("--workers", type=click.IntRange(min=1), help="Parallel processes (default: one per CPU).")
@click.option("--timeout", type=click.FloatRange(min=0), default=parsers.Limits.seconds, show_default=True,
              help="Seconds one file may take (0: no limit).")
@click.option("--memory", type=click.IntRange(min=0), default=parsers.Limits.memory_mb, show_default=True,
              help="MB of memory one file may take (0: no limit).")
def parse(files: tuple[str, ...], as_json: bool, workers: int | None, timeout: float, memory: int) -> None:
    """Parse report files (HTML, PDF, DOCX, DOC, WPS, OFD, text) into the official tables.

    Each file is parsed in a worker process; one that passes the time or memory limit is
    stopped and named with a one-line error."""
    failed = 0
    limits = parsers.Limits(seconds=timeout, memory_mb=memory)
    for path, result in zip(files, parsers.parse_files(list(files), workers=workers, limits=limits)):
        if isinstance(result, parsers.ParseError):
            failed += 1
            click.echo(f"{path}: {_one_line(str(result))}", err=True)
        elif as_json:
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            click.echo(summary(result))
    sys.exit(1 if failed else 0)


db_option = click.option("--db", default=DEFAULT_DB, show_default=True, help="The archive (SQLite file).")


@cli.command()
@click.option("--region", help="A region's name or division code, at any level (白山市, 220602, 吉林省).")
@click.option("--url", help="One portal's home page or report column; needs no registry.")
@db_option
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting (repeatable), e.g. -s DOWNLOAD_DELAY=2.")
def crawl(region: str | None, url: str | None, db: str, overrides: tuple[str, ...]) -> None:
    """Crawl portals for annual reports into the versioned archive."""
    runner = package("crawler.runner")

    if bool(region) == bool(url):
        raise click.UsageError("give exactly one of --region and --url")
    try:
        result = runner.crawl(db, region=region, url=url, overrides=_settings(overrides), say=_warn)
    except runner.CrawlSettingError as error:
        raise click.BadParameter(str(error), param_hint="-s") from None
    except (runner.CrawlSetupError, package("archive").ArchiveError) as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    _said_stale(result.closed_stale)
    for site in result.sites:
        click.echo(f"{site['site']}: {site['status']}, {site['pages']} pages, "
                   f"{site['reports_found']} reports, {site['errors']} errors")
    unhealthy = [site for site in result.sites if site["status"] != "ok"]
    for site in unhealthy:
        _warn(f"{site['site']}: {site['status']}, {_one_line(site['reason'] or _UNSAID[site['status']])}")
    if result.log:
        _warn(f"run {result.run}: full log in {result.log}")
    if result.status != "finished":
        click.echo(f"error: {_one_line(result.failure or 'crawl ' + result.status)} (run {result.run} "
                   f"{result.status}; only what is listed above was stored)", err=True)
        sys.exit(1)
    sys.exit(1 if unhealthy or not result.sites else 0)


# A site's outcome when no crawl_errors row says why.
_UNSAID = defaultdict(lambda: "no error recorded", {"empty": "no report found",
                                                    "incomplete": "the crawl stopped before the site's end"})


def _warn(line: str) -> None:
    click.echo(line, err=True)


def _said_stale(runs: list[int]) -> None:
    for run in runs:
        _warn(f"run {run} was left running by a process that died (kill -9?); closed as interrupted")


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s")
        settings[name.strip()] = value
    return settings


@cli.group()
def sources() -> None:
    """The source registry: which portal serves which region."""


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def sources_import(file: str, db: str) -> None:
    """Import a portal list (website-gov.xlsx or county_portals_with_adcode.csv shape)."""
    registry = package("crawler.sources")

    with _archive(db) as archive, _writing(archive, "sources import"):
        try:
            result = registry.import_sources(archive, file)
        except registry.SourceListError as error:
            click.echo(_one_line(str(error)), err=True)
            sys.exit(1)
    click.echo(f"{file}: {result.added} added, {result.updated} updated, "
               f"{len(result.unresolved)} without a division code")


@sources.command("list")
@click.option("--region", help="A region's name or division code.")
@db_option
def sources_list(region: str | None, db: str) -> None:
    """Show the portals in the registry, or in one region."""
    registry = package("crawler.sources")

    with _archive(db, create=False) as archive:
        try:
            click.echo(registry.format_sources(registry.find_sources(archive, region)))
        except registry.RegionError as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(1)


@cli.command()
@db_option
def reparse(db: str) -> None:
    """Parse the stored bytes again with this parser; record versions only where results changed."""

    with _archive(db, create=False) as archive, _writing(archive, "reparse"):
        counts = package("archive.reparse").reparse(archive)
    click.echo(", ".join(f"{value} {name}" for name, value in counts.items()))


@cli.command()
@db_option
@click.option("--limit", default=5, show_default=True, help="How many recent runs to show.")
def status(db: str, limit: int) -> None:
    """The latest crawl runs, and any site that gave fewer reports than before."""
    report = package("archive.status")

    with _archive(db, create=False) as archive:
        click.echo(report.format_status(report.status(archive, limit=limit)))


@cli.command()
@db_option
@click.option("--table", help="A public table or view, e.g. report_summary or reports.")
@click.option("--csv", "csv_file", metavar="FILE", help="Write CSV (UTF-8) to FILE.")
@click.option("--excel", is_flag=True, help="With --csv: a BOM and CRLF, so Excel on Chinese Windows reads it right.")
@click.option("--xlsx", "xlsx_file", metavar="FILE", help="Write an Excel workbook to FILE.")
@click.option("--warc", "warc_file", metavar="OUT.warc.gz",
              help="Write the captures (response or revisit, and request records) to a WARC file, no --table.")
@click.option("--run", type=click.IntRange(min=1), help="With --warc: only the captures of crawl run N.")
@click.option("--url-prefix", metavar="P", help="With --warc: only the captures whose URL starts with P.")
def export(db: str, table: str | None, csv_file: str | None, excel: bool, xlsx_file: str | None,
           warc_file: str | None, run: int | None, url_prefix: str | None) -> None:
    """Export one public table or view to CSV or xlsx, or the captures to WARC."""
    if warc_file:
        if table or csv_file or xlsx_file or excel:
            raise click.UsageError("--warc writes the captures, not a table: leave out --table, --csv, --xlsx, --excel")
        _export_warc(db, warc_file, run, url_prefix)
        return
    if run is not None or url_prefix is not None:
        raise click.UsageError("--run and --url-prefix go with --warc")
    if not table:
        raise click.UsageError("give --table with --csv or --xlsx, or --warc")
    _export_table(db, table, csv_file, excel, xlsx_file)


def _export_table(db: str, table: str, csv_file: str | None, excel: bool, xlsx_file: str | None) -> None:
    export = package("archive.export")

    if bool(csv_file) == bool(xlsx_file):
        raise click.UsageError("give exactly one of --csv and --xlsx")
    if excel and not csv_file:
        raise click.UsageError("--excel goes with --csv (an xlsx file is already Excel's own)")
    out = csv_file or xlsx_file
    with _archive(db, create=False) as archive:
        try:
            done = (export.export_csv(archive.db, table, out, excel=excel) if csv_file
                    else export.export_xlsx(archive.db, table, out))
        except export.ExportError as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(1)
    sheets = f" on {done.sheets} sheets" if done.sheets > 1 else ""
    click.echo(f"{table}: {done.rows} rows{sheets} → {out}")
    if done.cut or done.cleaned:
        click.echo(f"warning: {done.cut} cells cut to Excel's {export.CELL_CHARS:,} characters, {done.cleaned} cleaned of "
                   "control characters Excel refuses; the CSV export keeps them whole", err=True)


def _export_warc(db: str, out: str, run: int | None, url_prefix: str | None) -> None:
    """Every selected capture into ``out``; one line per capture whose bytes are missing, and exit 1."""
    warc = package("archive.warc")

    def name(missing: object) -> None:
        click.echo(f"error: {_one_line(str(missing))}", err=True)

    with _archive(db, create=False) as archive:
        try:
            done = warc.export_warc(archive, out, selection=warc.Selection(run, url_prefix), on_missing=name)
        except warc.ExportError as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(1)
    click.echo(f"{done.responses} responses, {done.revisits} revisits, each with its request → {out}")
    if done.missing:
        sys.exit(1)


@cli.command()
@click.argument("out", metavar="OUT.db")
@db_option
def publish(out: str, db: str) -> None:
    """Write a copy of the archive to serve or share: every table, no raw bytes."""
    share = package("archive.share")

    try:
        done = share.publish(db, out)
    except share.ShareError as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    click.echo(f"{done.reports} reports, {done.bytes:,} bytes → {out} (no raw bytes: the originals stay beside {db})")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--immutable", is_flag=True,
              help="Serve a published archive that no crawl will change: faster counts, "
                   "and the file is never opened for writing.")
@click.option("--sql", "sql", is_flag=True,
              help="Let visitors run their own SQL (off by default: one query can ask for gigabytes).")
def serve(db: str, host: str, port: int, immutable: bool, sql: bool) -> None:
    """Browse, facet, search and download the archive in Datasette (read-only)."""
    publish = package("archive.publish")

    try:
        ds = publish.datasette(db, immutable=immutable, sql=sql)
        publish.ensure_port_free(host, port)
    except publish.PublishError as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    click.echo(f"Serving {db} at http://{host}:{port}/", err=True)
    publish.serve(ds, host=host, port=port)


@cli.command()
@click.option("--db", default=package("crawler.demo").DEMO_DB, show_default=True, help="The demo's archive (SQLite file).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve the archive on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
def demo(db: str, host: str, port: int) -> None:
    """The bundled sample portal on 127.0.0.1, crawled into an archive, then served in Datasette."""
    sample = package("crawler.demo")

    try:
        sample.demo(db, host=host, port=port, say=click.echo)
    except sample.DemoError as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)


@cli.group()
def schedule() -> None:
    """Crawl regions on a schedule, kept in the archive: add, list, remove, then run or serve."""


@schedule.command("add")
@click.option("--region", required=True, help="A region's name or division code (白山市, 220602).")
@click.option("--cron", "cron", metavar="EXPR", help="A cron expression, e.g. '0 3 * * 1' (03:00 on Mondays).")
@click.option("--every", type=click.Choice(["day", "week", "month"]), help="At 03:00 every day, Monday or 1st.")
@click.option("--season", is_flag=True, help="Weekly from January to April (reports appear by 31 January), "
                                             "monthly after.")
@db_option
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for this schedule's crawls (repeatable).")
def schedule_add(region: str, cron: str | None, every: str | None, season: bool, db: str,
                 overrides: tuple[str, ...]) -> None:
    """Crawl a region into the archive on a schedule."""
    if sum(map(bool, (cron, every, season))) != 1:
        raise click.UsageError("give exactly one of --cron, --every and --season")
    kind, expr = ("cron", cron) if cron else ("every", every) if every else ("season", None)
    schedules = package("archive.schedules")
    with _archive(db) as archive, _writing(archive, "schedule add"):
        try:
            package("crawler.runner").sources_for(archive, region, None)
            added = archive.add_schedule(region, kind, expr, _settings(overrides))
        except (schedules.ScheduleError, package("crawler.runner").CrawlSetupError) as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(1)
    click.echo(f"schedule {added.id}: {region} {added.spec}, next at {_next(added)}")


@schedule.command("list")
@db_option
def schedule_list(db: str) -> None:
    """The schedules, when each runs next, and how its last run went."""
    with _archive(db, create=False) as archive:
        for kept in archive.schedules():
            last = (f"last run {kept.last_run} {kept.last_status} at {kept.last_started}" if kept.last_started
                    else "not run yet")
            click.echo(f"{kept.id}\t{kept.region}\t{kept.spec}\tnext {_next(kept)}\t{last}")


@schedule.command("remove")
@click.argument("schedule_id", type=int)
@db_option
def schedule_remove(schedule_id: int, db: str) -> None:
    """Remove a schedule (its runs stay in the archive)."""
    with _archive(db, create=False) as archive, _writing(archive, "schedule remove"):
        try:
            removed = archive.remove_schedule(schedule_id)
        except package("archive.schedules").ScheduleError as error:
            click.echo(f"error: {_one_line(str(error))}", err=True)
            sys.exit(1)
    click.echo(f"schedule {removed.id} removed: {removed.region} {removed.spec}")


@schedule.command("run")
@db_option
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
              help="Take the clock to say this local time (to try a schedule out).")
def schedule_run(db: str, at: object) -> None:
    """Crawl whatever is due, then exit (for cron or a systemd timer): non-zero if any crawl was not ok."""
    if not Path(db).is_file():
        click.echo(f"error: {db}: no such archive", err=True)
        sys.exit(1)
    scheduler = package("crawler.scheduler")
    try:
        outcomes = scheduler.run_due(db, now=at.astimezone() if at else None, say=click.echo)
    except package("archive").ArchiveBusy as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    sys.exit(1 if any(outcome.status != "ok" for outcome in outcomes) else 0)


@schedule.command("serve")
@db_option
def schedule_serve(db: str) -> None:
    """Stay in the foreground and crawl each schedule when it falls due (Ctrl-C stops)."""
    scheduler = package("crawler.scheduler")
    with _archive(db, create=False):
        pass
    click.echo(f"running the schedules of {db}; Ctrl-C stops", err=True)
    try:
        scheduler.serve(db, say=click.echo)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@schedule.command("install")
@click.option("--cron", "as_cron", is_flag=True, help="Print a crontab line.")
@click.option("--systemd", "as_systemd", is_flag=True, help="Print a systemd service and timer.")
@db_option
def schedule_install(as_cron: bool, as_systemd: bool, db: str) -> None:
    """Print what to install so that `nianbao schedule run` is called every 15 minutes."""
    if as_cron == as_systemd:
        raise click.UsageError("give exactly one of --cron and --systemd")
    scheduler = package("crawler.scheduler")
    click.echo(scheduler.install_cron(db) if as_cron else scheduler.install_systemd(db))


@cli.command()
@click.option("--region", required=True, help="A region's name or division code; its portals come from the registry.")
@click.option("--scrapyd", "nodes", required=True, metavar="URL[,URL...]",
              help="scrapyd nodes with nianbao deployed (scrapyd-deploy), e.g. http://node1:6800.")
@click.option("--shards", default="shards", show_default=True, metavar="DIR",
              help="Where each job writes its shard, on its node (relative: to scrapyd's directory).")
@click.option("--wait", "wait_for_jobs", is_flag=True, help="Return when every job has finished.")
@db_option
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for every job (repeatable).")
def dispatch(region: str, nodes: str, shards: str, wait_for_jobs: bool, db: str, overrides: tuple[str, ...]) -> None:
    """Spread a region's portals over scrapyd nodes, one job (and one archive shard) per portal."""
    spread = package("crawler.dispatch")
    with _archive(db):
        pass
    try:
        jobs = spread.dispatch(db, region, [node for node in nodes.split(",") if node], shards,
                               overrides=_settings(overrides), say=click.echo)
        if wait_for_jobs:
            spread.wait(jobs, say=click.echo)
    except (spread.DispatchError, spread.CrawlSetupError) as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)


@cli.command()
@click.argument("shards", nargs=-1, required=True)
@click.option("--into", required=True, help="The archive to fold the shards into (created if missing).")
def merge(shards: tuple[str, ...], into: str) -> None:
    """Fold archive shards (one per scrapyd job) into one archive; merging again adds nothing."""
    merging = package("archive.merge")
    try:
        results = merging.merge_files(into, list(shards))
    except (merging.MergeError, package("archive").ArchiveError) as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    for done in results:
        click.echo(f"{done.shard}: {done.runs} runs, {done.captures} captures, {done.blobs} new blobs, "
                   f"{done.reports_new} new reports, {done.reports_versioned} reports with a new version")
        if done.still_running:
            click.echo(f"{done.shard}: runs {', '.join(map(str, done.still_running))} still running, "
                       "not merged yet", err=True)


def _next(kept: object) -> str:
    scheduler = package("crawler.scheduler")
    return kept.next_due(scheduler.local_now()).isoformat(timespec="minutes")


@contextmanager
def _archive(db: str, *, create: bool = True) -> Iterator[Archive]:
    """The archive at ``db``, closed afterwards; one line and exit 1 when it cannot be opened
    (``create=False``: when it does not exist)."""
    store = package("archive")
    try:
        archive = store.Archive(db, create=create)
    except store.ArchiveError as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)
    with archive:
        yield archive


@contextmanager
def _writing(archive: Archive, what: str) -> Iterator[None]:
    """The archive's writer lock, or one line and exit 1 if another writer holds on to it."""
    try:
        with archive.writing(what, on_wait=_warn) as stale:
            _said_stale(stale)
            yield
    except package("archive").ArchiveBusy as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        sys.exit(1)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def summary(report: Report) -> str:
    """A few readable lines: who, which year, which format, the totals, the failing checks."""
    lines = [f"{report.file}: {report.agency or '(agency unknown)'} {report.year or '(year unknown)'}"
             f", {report.template or 'no'} format, {report.format}"]
    if report.requests:
        new, carried_over, handled, carried_forward = (report.requests.get(key, {}).get("total")
                                                       for key in ("new", "carried_over", "total", "carried_forward"))
        lines.append(f"  requests: {new} new, {carried_over} carried over, "
                     f"{handled} handled, {carried_forward} carried forward")
    if report.appeals:
        lines.append("  appeals: " + ", ".join(f"{group} {row['total']}" for group, row in report.appeals.items()))
    failing = [check for check in report.checks if check.ok is False]
    unknown = sum(check.ok is None for check in report.checks)
    if report.checks:
        holding = sum(bool(check.ok) for check in report.checks)
        lines.append(f"  checks: {holding} of {len(report.checks)} hold"
                     + (f", {unknown} on cells not read" if unknown else ""))
    lines += [f"  FAILS {check.rule}: {check.detail}" for check in failing]
    lines += [f"  warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)


if __name__ == "__main__":
    cli()
