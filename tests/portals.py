"""The bundled sample portal as one or more portals of a region, for tests that crawl it through
the real `nianbao` command (schedules, dispatch, merge)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlite_utils

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "NIANBAO_PARSE_WORKERS=1"]
PROJECT = Path(__file__).resolve().parents[1]

# Two counties of 白山市: the sample portal served twice stands for both.
COUNTIES = (("220602", "吉林省/白山市/浑江区", "浑江区人民政府"), ("220605", "吉林省/白山市/江源区", "江源区人民政府"))


def nianbao(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "nianbao", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout, cwd=PROJECT)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def register(db: Path, *portals) -> None:
    """The running portals in the archive's source registry, the first as 浑江区, the next as 江源区."""
    lines = ["adcode,region_path,level,portal_name,portal_url,access_method,access_method_zh,effective_url,checked"]
    for portal, (adcode, path, name) in zip(portals, COUNTIES):
        lines.append(f"{adcode},{path},县级,{name},{portal.url}/,direct,直连,{portal.url}/,2026-04-26")
    portal_list = db.parent / f"{db.stem}-portals.csv"
    portal_list.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nianbao("sources", "import", portal_list, "--db", db)


def contents(path: Path) -> dict:
    """What an archive holds, without the ids and clocks that differ between two equal archives:
    per report (body and year) its row, its versions, its sources and its current facts."""
    db = sqlite_utils.Database(path)
    reports = {}
    for report in db.query("SELECT * FROM reports ORDER BY body_key, year"):
        versions = [(v["version"], v["content_hash"], v["url"], v["consistent"], v["parser_version"], v["changes"])
                    for v in db.query("SELECT v.*, c.url FROM report_versions v JOIN captures c ON c.id = v.capture "
                                      "WHERE v.report_id = ? ORDER BY version", [report["id"]])]
        sources = sorted((s["url"], s["format"], s["content_hash"]) for s in
                         db.query("SELECT * FROM report_sources WHERE report_id = ?", [report["id"]]))
        facts = sorted((row["version"], row["current"], row["row"], row["column"], row["value"]) for row in
                       db.query("SELECT * FROM request_counts WHERE report_id = ?", [report["id"]]))
        row = {key: report[key] for key in ("agency", "level", "template", "adcode", "url", "format",
                                            "consistent", "version", "gone")}
        reports[(report["body_key"], report["year"])] = {"row": row, "versions": versions, "sources": sources,
                                                         "facts": facts}
    return reports


def counts(path: Path) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    tables = ("blobs", "captures", "crawl_runs", "crawl_sites", "crawl_errors", "documents", "reports",
              "report_versions", "report_sources", "request_counts", "proactive_counts", "appeal_counts", "checks")
    return {table: db[table].count for table in tables}
