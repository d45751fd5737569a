"""Schedules: when each is due on a fixed clock, and `nianbao schedule …` on a real archive,
running a real crawl of the sample portal on loopback."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlite_utils

from archive.schedules import Schedule, ScheduleError, crons
from crawler.sampleportal.server import serve
from tests.portals import FAST, nianbao, register

BEIJING = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def schedule(kind: str, expr: str | None, created: str, last_started: str | None = None) -> Schedule:
    return Schedule(id=1, region="白山市", kind=kind, expr=expr, settings={},
                    created=at(created).isoformat(), last_started=last_started and at(last_started).isoformat())


def test_weekly_schedule_is_not_due_before_monday_three_and_due_after():
    weekly = schedule("every", "week", created="2026-01-06T10:00")  # a Tuesday
    assert not weekly.due(at("2026-01-12T02:59"))
    assert weekly.due(at("2026-01-12T03:00"))


def test_cron_expression_is_read_in_the_zone_of_the_clock():
    nightly = schedule("cron", "30 2 * * *", created="2026-03-01T12:00")
    assert nightly.next_due(at("2026-03-01T12:00")) == at("2026-03-02T02:30")


def test_missed_runs_collapse_into_one_run():
    weekly = schedule("every", "week", created="2026-01-01T00:00", last_started="2026-01-05T03:00")
    now = at("2026-03-04T09:00")  # eight Mondays missed while the machine was off
    assert weekly.due(now)
    weekly.last_started = now.isoformat()
    assert not weekly.due(now)
    assert weekly.next_due(now) == at("2026-03-09T03:00")


def test_season_preset_is_weekly_until_april_and_monthly_after():
    season = schedule("season", None, created="2026-01-01T00:00", last_started="2026-02-04T12:00")
    assert season.next_due(at("2026-02-04T12:00")) == at("2026-02-09T03:00")
    season.last_started = at("2026-05-20T12:00").isoformat()
    assert season.next_due(at("2026-05-20T12:00")) == at("2026-06-01T03:00")


def test_bad_cron_expression_is_refused_naming_it():
    with pytest.raises(ScheduleError, match="'0 3 \\* \\* funday'"):
        crons("cron", "0 3 * * funday")


# The command line on a real archive

@pytest.fixture(scope="module")
def portal():
    with serve("state1") as server:
        yield server


@pytest.fixture
def db(portal, tmp_path):
    path = tmp_path / "archive.db"
    register(path, portal)
    return path


def test_add_list_remove_round_trip(db):
    added = nianbao("schedule", "add", "--region", "白山市", "--cron", "0 4 * * 2", "--db", db).stdout
    nianbao("schedule", "add", "--region", "220602", "--season", "--db", db)
    listed = nianbao("schedule", "list", "--db", db).stdout.splitlines()
    assert added.startswith("schedule 1: 白山市 --cron '0 4 * * 2', next at ")
    assert [line.split("\t")[:3] for line in listed] == [["1", "白山市", "--cron '0 4 * * 2'"],
                                                         ["2", "220602", "--season"]]
    nianbao("schedule", "remove", "1", "--db", db)
    assert [line.split("\t")[0] for line in nianbao("schedule", "list", "--db", db).stdout.splitlines()] == ["2"]


def test_add_refuses_a_bad_expression_in_one_line(db):
    result = nianbao("schedule", "add", "--region", "白山市", "--cron", "61 * * * *", "--db", db, check=False)
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1 and "61 * * * *" in result.stderr


def test_add_refuses_a_region_without_portals(db):
    result = nianbao("schedule", "add", "--region", "长春市", "--every", "day", "--db", db, check=False)
    assert result.returncode == 1 and result.stderr.startswith("error: 长春市: no portal")


def test_remove_of_an_unknown_schedule_says_so(db):
    result = nianbao("schedule", "remove", "7", "--db", db, check=False)
    assert result.returncode == 1 and "no schedule 7" in result.stderr


def test_schedule_run_crawls_what_is_due_once_and_then_nothing(db):
    nianbao("schedule", "add", "--region", "白山市", "--every", "week", "--db", db, *FAST)
    nianbao("schedule", "add", "--region", "白山市", "--every", "month", "--db", db, *FAST)
    in_forty_days = (datetime.now() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    first = nianbao("schedule", "run", "--db", db, "--at", in_forty_days)
    again = nianbao("schedule", "run", "--db", db, "--at", in_forty_days)
    archive = sqlite_utils.Database(db)
    runs = [(run["region"], run["status"]) for run in archive["crawl_runs"].rows]
    assert runs == [("白山市", "finished")] * 2  # each schedule once, however many ticks were missed
    assert "schedule 1: ok, run 1, 1 sites, 24 reports" in first.stdout
    assert again.stdout == ""
    assert {row["last_status"] for row in archive["schedules"].rows} == {"ok"}
    assert archive["reports"].count == 24


def test_schedule_run_without_an_archive_fails_in_one_line(tmp_path):
    result = nianbao("schedule", "run", "--db", tmp_path / "none.db", check=False)
    assert result.returncode == 1 and result.stderr == f"error: {tmp_path / 'none.db'}: no such archive\n"


def test_install_prints_a_cron_line_and_a_systemd_timer(db):
    line = nianbao("schedule", "install", "--cron", "--db", db).stdout.strip()
    assert line.startswith("*/15 * * * * ") and f"schedule run --db {db.resolve()}" in line
    units = nianbao("schedule", "install", "--systemd", "--db", db).stdout
    assert "OnCalendar=*:0/15" in units and "Persistent=true" in units and f"schedule run --db {db.resolve()}" in units


def test_schedule_run_exits_non_zero_when_a_site_yields_fewer_reports_than_before(db):
    nianbao("crawl", "--region", "白山市", "--db", db, *FAST)
    nianbao("schedule", "add", "--region", "白山市", "--every", "week", "--db", db, *FAST,
            "-s", "NIANBAO_MAX_LIST_PAGES=1")  # the portal's later list pages unread: fewer reports
    in_ten_days = (datetime.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    result = nianbao("schedule", "run", "--db", db, "--at", in_ten_days, check=False)
    site = sqlite_utils.Database(db).execute("SELECT status, reports_found FROM crawl_sites WHERE run = 2").fetchone()
    assert site[0] == "ok" and site[1] < 24
    assert result.returncode == 1
    assert f"schedule 1: unhealthy, run 2, 1 sites, {site[1]} reports; not ok: http://127.0.0.1:" in result.stdout
