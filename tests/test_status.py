"""status: the latest runs, and sites that yield fewer reports than in their previous run."""

from __future__ import annotations

from archive import format_status, health, status, unhealthy_sites

A, B, C = "http://a.example", "http://b.example", "http://c.example"


def crawl(archive, sites: dict[str, tuple[str, int]], errors: dict[str, str] | None = None) -> int:
    """A finished run in which each site had (status, reports_found), and its first error kind."""
    run = archive.start_run(region="白山市")
    for site, kind in (errors or {}).items():
        archive.record_error(run, site + "/", kind, f"{kind} on {site}", site=site)
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


def test_status_names_each_site_that_failed_in_its_latest_run_with_its_reason(archive):
    crawl(archive, {A: ("ok", 3), B: ("ok", 2)})
    latest = crawl(archive, {A: ("failed", 0), B: ("ok", 2)}, errors={A: "dns"})
    assert [(s["site"], s["run"], s["status"], s["reason"]) for s in health(archive)["failed"]] == [
        (A, latest, "failed", f"dns: dns on {A}")]


def test_status_names_each_site_that_never_yielded_a_report(archive):
    crawl(archive, {A: ("empty", 0), B: ("ok", 1)})
    crawl(archive, {A: ("blocked", 0), B: ("ok", 1)}, errors={A: "blocked"})
    assert [(s["site"], s["runs"]) for s in health(archive)["never_yielded"]] == [(A, 2)]


def test_a_blocked_site_is_named_for_its_block_before_its_other_errors(archive):
    run = archive.start_run(region="白山市")
    archive.record_error(run, A + "/robots.txt", "not_found", "HTTP 404", site=A)
    archive.record_error(run, A + "/", "blocked", "HTTP 412", site=A)
    archive.record_site(run, A, source_id=None, status="blocked", pages=0, documents=0, reports_found=0, errors=2)
    assert health(archive)["failed"][0]["reason"] == "blocked: HTTP 412"


def test_unhealthy_sites_of_a_run_are_only_those_it_crawled(archive):
    crawl(archive, {A: ("ok", 5), C: ("failed", 0)})
    latest = crawl(archive, {A: ("ok", 4), B: ("ok", 2)})
    assert unhealthy_sites(archive, latest) == [A]


def test_format_status_names_failed_and_never_yielding_sites(archive):
    crawl(archive, {A: ("ok", 2), B: ("failed", 0)}, errors={B: "refused"})
    text = format_status(status(archive))
    assert "FAILED in its latest run:\n" in text and f"  {B}: failed in run 1, refused: refused on {B}" in text
    assert "NEVER YIELDED A REPORT:\n" in text and f"  {B}: 0 reports in 1 runs" in text
    assert f"  {A}:" not in text
