"""The `schedules` table: which region is crawled into this archive, and when.

A schedule is a cron expression (or a preset that stands for one or two) and the clock it is
due by: ``last_started``, or ``created`` before its first run. It is due when a time the
expressions name has passed since then. Starting it moves that clock to now, so however many
times were missed while nothing ran (the machine was off), the schedule runs once.

Cron expressions are read by cronsim, in the time zone of the clock asked with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils
from cronsim import CronSim, CronSimError

# `--every` presets; 03:00 is quiet for the portals and for whoever reads the archive.
EVERY = {"day": ("0 3 * * *",), "week": ("0 3 * * 1",), "month": ("0 3 1 * *",)}
# Reports appear by 31 January (departments) and 31 March (governments), and are revised in
# the weeks after: weekly (Mondays) from January to April, on the 1st of each month after.
SEASON = ("0 3 * 1-4 1", "0 3 1 5-12 *")


class ScheduleError(ValueError):
    """A schedule that cannot be kept: a bad cron expression, an unknown preset or id."""


@dataclass
class Schedule:
    id: int
    region: str
    kind: str                  # "cron" | "every" | "season"
    expr: str | None           # the cron expression, or the --every unit
    settings: dict[str, str]   # Scrapy setting overrides of its crawls
    created: str
    last_started: str | None = None
    last_finished: str | None = None
    last_run: int | None = None
    last_status: str | None = None

    @property
    def crons(self) -> tuple[str, ...]:
        return crons(self.kind, self.expr)

    @property
    def spec(self) -> str:
        """How `nianbao schedule add` was told it: ``--cron '0 3 * * 1'``, ``--every week``, ``--season``."""
        return {"cron": f"--cron '{self.expr}'", "every": f"--every {self.expr}"}.get(self.kind, "--season")

    def next_due(self, now: datetime) -> datetime:
        """The first time after the schedule's clock that its expressions name, in ``now``'s zone."""
        since = datetime.fromisoformat(self.last_started or self.created).astimezone(now.tzinfo)
        return min(next(iter(CronSim(expr, since))) for expr in self.crons)

    def due(self, now: datetime) -> bool:
        return self.next_due(now) <= now


def crons(kind: str, expr: str | None) -> tuple[str, ...]:
    """The cron expressions a schedule stands for; a bad one raises ScheduleError."""
    if kind == "season":
        return SEASON
    if kind == "every":
        if expr not in EVERY:
            raise ScheduleError(f"--every {expr}: give one of {', '.join(EVERY)}")
        return EVERY[expr]
    if kind != "cron" or not expr:
        raise ScheduleError(f"unknown schedule kind {kind!r}")
    try:
        CronSim(expr, datetime.now(timezone.utc))
    except CronSimError as error:
        raise ScheduleError(f"--cron '{expr}': {error}") from None
    return (expr,)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add(db: sqlite_utils.Database, region: str, kind: str, expr: str | None,
        settings: dict[str, str] | None = None, created: str | None = None) -> Schedule:
    crons(kind, expr)
    row = {"region": region, "kind": kind, "expr": expr, "created": created or now(),
           "settings": json.dumps(settings or {}, ensure_ascii=False)}
    with db.atomic():
        row["id"] = db["schedules"].insert(row).last_pk
    return _schedule(row)


def every(db: sqlite_utils.Database) -> list[Schedule]:
    return [_schedule(row) for row in db.query("SELECT * FROM schedules ORDER BY id")]


def one(db: sqlite_utils.Database, schedule_id: int) -> Schedule:
    row = next(db.query("SELECT * FROM schedules WHERE id = ?", [schedule_id]), None)
    if row is None:
        raise ScheduleError(f"no schedule {schedule_id} (see nianbao schedule list)")
    return _schedule(row)


def remove(db: sqlite_utils.Database, schedule_id: int) -> Schedule:
    removed = one(db, schedule_id)
    with db.atomic():
        db.execute("DELETE FROM schedules WHERE id = ?", [schedule_id])
    return removed


def started(db: sqlite_utils.Database, schedule_id: int, at: str) -> None:
    with db.atomic():
        db["schedules"].update(schedule_id, {"last_started": at, "last_status": "running"})


def finished(db: sqlite_utils.Database, schedule_id: int, run: int | None, status: str) -> None:
    with db.atomic():
        db["schedules"].update(schedule_id, {"last_finished": now(), "last_run": run,
                                             "last_status": status})


def _schedule(row: dict) -> Schedule:
    return Schedule(**{**row, "settings": json.loads(row.get("settings") or "{}")})
