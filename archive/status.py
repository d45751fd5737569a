"""How the archive stands: the latest runs, and every site that needs a look.

A site that silently stops yielding reports (its portal moved, or it now blocks us) is the
failure users of scrapers complain about most, so each one is named, not averaged away: a site
that failed in its latest run (with the reason), a site that never yielded a report in any
run, and a site that yields fewer reports than in its previous run. The `site_status` view
(archive/schema.py) holds each site as its latest run left it; the `site_health` canned query
shows the same in Datasette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Archive

_TOTALS = """
    SELECT (SELECT count(*) FROM reports) AS reports,
           (SELECT count(*) FROM reports WHERE gone = 1) AS reports_gone,
           (SELECT count(*) FROM report_versions) AS versions,
           (SELECT count(*) FROM documents) AS documents,
           (SELECT count(*) FROM captures) AS captures"""

# The three ways a site needs a look, as the view's columns, and how status says each.
CONCERNS = {"failed": "FAILED in its latest run", "never_yielded": "NEVER YIELDED A REPORT",
            "fewer": "FEWER REPORTS than in the previous run"}


def health(archive: Archive, run: int | None = None) -> dict[str, list[dict]]:
    """The sites of each concern (CONCERNS), as their latest run left them; only the sites
    ``run`` crawled, if given."""
    where, params = ("WHERE run = ?", [run]) if run is not None else ("", [])
    sites = list(archive.db.query(f"SELECT * FROM site_status {where} ORDER BY site", params))
    return {concern: [site for site in sites if site[concern]] for concern in CONCERNS}


def unhealthy_sites(archive: Archive, run: int) -> list[str]:
    """The sites ``run`` crawled that need a look, each once."""
    flagged = health(archive, run)
    return sorted({site["site"] for sites in flagged.values() for site in sites})


def status(archive: Archive, limit: int = 5) -> dict:
    db = archive.db
    flagged = health(archive)
    return {
        "runs": list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit])),
        "shrunk": flagged["fewer"],
        "health": flagged,
        "totals": next(db.query(_TOTALS)),
    }


def _run_line(run: dict) -> str:
    return (f"run {run['id']}  {run['started']} → {run['finished'] or '(not finished)'}  {run['status']}"
            f"  {run['region'] or run['url'] or ''}\n"
            f"    pages {run['pages']}; documents {run['documents_new']} new, "
            f"{run['documents_changed']} changed, {run['documents_unchanged']} unchanged, "
            f"{run['documents_failed']} failed; reports {run['reports_found']} found, "
            f"{run['reports_new']} new, {run['reports_changed']} changed; errors {run['errors']}")


def _site_line(concern: str, site: dict) -> str:
    if concern == "fewer":
        return (f"  {site['site']}: {site['reports_found']} reports in run {site['run']} ({site['status']}), "
                f"{site['previous_reports_found']} in run {site['previous_run']} ({site['previous_status']})")
    if concern == "never_yielded":
        return f"  {site['site']}: 0 reports in {site['runs']} runs (latest: run {site['run']}, {site['status']})"
    return f"  {site['site']}: {site['status']} in run {site['run']}, {site['reason'] or 'no error recorded'}"


def format_status(report: dict) -> str:
    totals = report["totals"]
    lines = [f"archive: {totals['reports']} reports ({totals['reports_gone']} gone), "
             f"{totals['versions']} versions, {totals['documents']} documents, "
             f"{totals['captures']} captures"]
    lines += [_run_line(run) for run in report["runs"]] or ["no runs yet"]
    for concern, title in CONCERNS.items():
        sites = report["health"][concern]
        if sites:
            lines.append(f"{title}:")
            lines += [_site_line(concern, site) for site in sites]
    if not report["health"]["fewer"]:
        lines.append("no site yields fewer reports than in its previous run")
    return "\n".join(lines)
