"""How the archive stands: the latest runs, and the sites that yield fewer reports than before.

A site that silently stops yielding reports (its portal moved, or it now blocks us) is the
failure users of scrapers complain about most, so it is named, not averaged away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Archive


_SHRUNK = """
    WITH ranked AS (
        SELECT site, run, status, coalesce(reports_found, 0) AS reports_found,
               row_number() OVER (PARTITION BY site ORDER BY run DESC) AS n
        FROM crawl_sites)
    SELECT latest.site, latest.run, latest.status, latest.reports_found,
           previous.run AS previous_run, previous.status AS previous_status,
           previous.reports_found AS previous_reports_found
    FROM ranked latest JOIN ranked previous ON previous.site = latest.site AND previous.n = 2
    WHERE latest.n = 1 AND latest.reports_found < previous.reports_found
    ORDER BY latest.site"""

_TOTALS = """
    SELECT (SELECT count(*) FROM reports) AS reports,
           (SELECT count(*) FROM reports WHERE gone = 1) AS reports_gone,
           (SELECT count(*) FROM report_versions) AS versions,
           (SELECT count(*) FROM documents) AS documents,
           (SELECT count(*) FROM captures) AS captures"""


def status(archive: Archive, limit: int = 5) -> dict:
    db = archive.db
    return {
        "runs": list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit])),
        "shrunk": list(db.query(_SHRUNK)),
        "totals": next(db.query(_TOTALS)),
    }


def _run_line(run: dict) -> str:
    return (f"run {run['id']}  {run['started']} → {run['finished'] or '(not finished)'}  {run['status']}"
            f"  {run['region'] or run['url'] or ''}\n"
            f"    pages {run['pages']}; documents {run['documents_new']} new, "
            f"{run['documents_changed']} changed, {run['documents_unchanged']} unchanged, "
            f"{run['documents_failed']} failed; reports {run['reports_found']} found, "
            f"{run['reports_new']} new, {run['reports_changed']} changed; errors {run['errors']}")


def _shrunk_line(site: dict) -> str:
    return (f"  {site['site']}: {site['reports_found']} reports in run {site['run']} ({site['status']}), "
            f"{site['previous_reports_found']} in run {site['previous_run']} ({site['previous_status']})")


def format_status(report: dict) -> str:
    totals = report["totals"]
    lines = [f"archive: {totals['reports']} reports ({totals['reports_gone']} gone), "
             f"{totals['versions']} versions, {totals['documents']} documents, "
             f"{totals['captures']} captures"]
    lines += [_run_line(run) for run in report["runs"]] or ["no runs yet"]
    if report["shrunk"]:
        lines.append("FEWER REPORTS than in the previous run:")
        lines += [_shrunk_line(site) for site in report["shrunk"]]
    else:
        lines.append("no site yields fewer reports than in its previous run")
    return "\n".join(lines)
