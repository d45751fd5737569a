"""status: the latest runs, and sites that yield fewer reports than in their previous run."""

from __future__ import annotations

from archive import format_status, status

A, B, C = "http://a.example", "http://b.example", "http://c.example"


def crawl(archive, sites: dict[str, tuple[str, int]]) -> int:
    """A finished run in which each site had (status, reports_found)."""
    run = archive.start_run(region="白山市")
    for site, (site_status, reports) in sites.items():
        archive.record_site(run, site, source_id=None, status=site_status, pages=3, documents=reports,
                            reports_found=reports, errors=int(site_status != "ok"))
    archive.finish_run(run, pages=3 * len(sites))
    return run


def test_status_names_site_with_fewer_reports(archive):
    crawl(archive, {A: ("ok", 5), B: ("ok", 3)})
    latest = crawl(archive, {A: ("ok", 2), B: ("ok", 3)})
    assert [(s["site"], s["run"], s["reports_found"], s["previous_reports_found"])
            for s in status(archive)["shrunk"]] == [(A, latest, 2, 5)]


def test_status_names_blocked_site_that_used_to_yield_reports(archive):
    crawl(archive, {A: ("ok", 4)})
    crawl(archive, {A: ("blocked", 0)})
    assert [(s["site"], s["status"]) for s in status(archive)["shrunk"]] == [(A, "blocked")]


def test_status_compares_each_site_with_its_own_previous_run(archive):
    crawl(archive, {A: ("ok", 4), C: ("ok", 1)})
    crawl(archive, {B: ("ok", 1)})          # A and C not crawled: nothing to compare
    crawl(archive, {A: ("ok", 4), B: ("ok", 2)})
    assert status(archive)["shrunk"] == []


def test_status_lists_latest_runs_first_up_to_limit(archive):
    runs = [crawl(archive, {A: ("ok", 1)}) for _ in range(4)]
    assert [run["id"] for run in status(archive, limit=2)["runs"]] == runs[:1:-1]


def test_format_status_says_loudly_which_site_shrank(archive):
    crawl(archive, {A: ("ok", 5)})
    crawl(archive, {A: ("empty", 0)})
    text = format_status(status(archive))
    assert "FEWER REPORTS" in text and f"{A}: 0 reports" in text and "(empty)" in text


def test_format_status_of_empty_archive_says_no_runs(archive):
    assert "no runs yet" in format_status(status(archive))
