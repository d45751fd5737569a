"""A region of many portals in one crawl: twelve generated portals on distinct 127.x addresses
(tests/farm.py), the four platforms mixed, one answering 500 to everything, listed in a registry,
imported, and crawled with `nianbao crawl --region` by the real command."""

from __future__ import annotations

import dataclasses

import pytest
import sqlite_utils

from tests import farm
from tests.portals import nianbao

# No delay, so that only the per-site limit stands between a portal and many requests at once;
# every answer takes a tenth of a second, so that requests overlap when the limit lets them.
UNTHROTTLED = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=1",
               "-s", "NIANBAO_RETRY_BACKOFF=0.1", "-s", "NIANBAO_PARSE_WORKERS=1"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    directory = tmp_path_factory.mktemp("farm")
    sites = [site if site.number != 5 else dataclasses.replace(site, fault="server_error")
             for site in farm.plan(12, farm.free_port(), reports=(3, 6), slow=(1, 0.1, 0.1), faulty=100)]
    farm.build(directory, sites)
    db = directory / "archive.db"
    nianbao("sources", "import", farm.write_registry(sites, directory / "farm.csv"), "--db", db)
    with farm.Farm(directory) as served:
        result = nianbao("crawl", "--region", farm.REGION, "--db", db, *UNTHROTTLED, check=False)
        stats = served.stats()
    return sites, sqlite_utils.Database(db), stats, result


def test_the_farm_mixes_every_platform_on_distinct_addresses(crawled):
    sites, _, _, _ = crawled
    assert {site.platform for site in sites} == set(farm.PLATFORMS)
    assert len({site.host for site in sites}) == len(sites)


def test_the_region_crawls_every_portal_of_the_registry(crawled):
    sites, db, _, _ = crawled
    assert {row["site"] for row in db["crawl_sites"].rows} == {site.url.rstrip("/") for site in sites}


def test_every_report_of_the_healthy_portals_is_stored(crawled):
    sites, db, _, _ = crawled
    found = {row["site"]: row["reports_found"] for row in db["crawl_sites"].rows}
    assert {site.url.rstrip("/"): found[site.url.rstrip("/")] for site in sites if site.healthy} == \
        {site.url.rstrip("/"): site.reports for site in sites if site.healthy}
    assert db["reports"].count == sum(site.reports for site in sites if site.healthy)


def test_the_failing_portal_is_named_with_its_failure(crawled):
    sites, db, _, result = crawled
    failing = next(site for site in sites if not site.healthy).url.rstrip("/")
    row = next(db["crawl_sites"].rows_where("site = ?", [failing]))
    assert row["status"] == "failed"
    assert [r["kind"] for r in db["crawl_errors"].rows_where("site = ?", [failing])] == ["server_error"]
    assert result.returncode == 1 and f"{failing}: failed, server_error" in result.stderr


def test_no_portal_has_more_than_two_requests_in_flight_as_its_server_counts(crawled):
    _, _, stats, _ = crawled
    most = {number: counter["max_in_flight"] for number, counter in stats.items() if counter["requests"]}
    assert max(most.values()) == 2  # the limit was reached, and never passed
