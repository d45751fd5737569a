"""The region's health at a glance: `nianbao status` after a crawl of a region that cannot be
reached, and the same sites in Datasette's `site_health` canned query."""

from __future__ import annotations

import asyncio

from archive import Archive
from archive.publish import datasette
from tests.portals import nianbao
from tests.test_crawl_progress import unreachable  # noqa: F401  (a fixture)
from tests.test_status import A, B, C, crawl


def test_status_after_an_unreachable_region_names_both_sites_failed_and_never_yielding(unreachable):  # noqa: F811
    _, db = unreachable
    text = nianbao("status", "--db", db).stdout
    failed = text.split("FAILED in its latest run:\n")[1].split("NEVER YIELDED A REPORT:\n")
    assert "  http://nianbao-test.invalid: failed in run 1, dns: DNS lookup failed" in failed[0]
    assert "failed in run 1, refused: Connection was refused" in failed[0]
    assert failed[1].count(": 0 reports in 1 runs") == 2


def test_site_health_query_in_datasette_lists_the_sites_that_need_a_look_first(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        crawl(archive, {A: ("ok", 5), B: ("ok", 3), C: ("empty", 0)})
        crawl(archive, {A: ("ok", 2), B: ("ok", 3), C: ("blocked", 0)}, errors={C: "blocked"})
    response = asyncio.run(datasette(path).client.get("/archive/site_health.json?_shape=array"))
    assert response.status_code == 200, response.text[:300]
    assert [(row["站点"], row["健康"], row["原因"], row["报告数"], row["上次报告数"]) for row in response.json()] == [
        (A, "fewer reports", None, 2, 5),
        (C, "never yielded a report", f"blocked: blocked on {C}", 0, 0),
        (B, "ok", None, 3, 3)]
