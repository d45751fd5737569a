"""Schedules, run: the Python twin of `nianbao schedule run | serve | install`.

``run_due`` starts every schedule that is due and returns when their crawls end (for cron or a
systemd timer); ``serve`` does that in a loop, sleeping until the next one is due. Each crawl is
``crawler.runner.crawl``, the function behind `nianbao crawl --region`, in a fresh process of
its own: Twisted's reactor runs once per process, and a crawl that dies takes only itself down.
"""

from __future__ import annotations

import multiprocessing
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from . import runner
from .siblings import Archive, ArchiveError, unhealthy_sites

Say = Callable[[str], None]
# `schedule serve` looks at the table at least this often, so a schedule added meanwhile is seen.
LOOK_AGAIN = timedelta(minutes=1)
# How often cron or the systemd timer calls `nianbao schedule run`: the latest a schedule starts.
TICK_MINUTES = 15


@dataclass
class Outcome:
    schedule: int
    region: str
    run: int | None
    status: str         # "ok" | "unhealthy" (a site failed or gave nothing) | "error" (did not run)
    message: str


def local_now() -> datetime:
    return datetime.now().astimezone()


def run_due(db: str, *, now: datetime | None = None, say: Say = print) -> list[Outcome]:
    """Crawl every schedule due at ``now``, one after another; what each gave."""
    now = now or local_now()
    with Archive(db) as archive, archive.writing("schedule run", on_wait=say):
        due = [schedule for schedule in archive.schedules() if schedule.due(now)]
        for schedule in due:  # claimed before any crawl, so an overlapping `run` leaves them be
            archive.schedule_started(schedule.id, now.isoformat(timespec="seconds"))
    outcomes = []
    for schedule in due:
        say(f"schedule {schedule.id}: crawling {schedule.region}")
        outcome = _crawl(db, schedule.id, schedule.region, schedule.settings)
        with Archive(db) as archive:
            archive.schedule_finished(schedule.id, outcome.run, outcome.status)
        say(f"schedule {schedule.id}: {outcome.status}, {outcome.message}")
        outcomes.append(outcome)
    return outcomes


def _crawl(db: str, schedule: int, region: str, settings: dict[str, str]) -> Outcome:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as process:
        try:
            result = process.submit(runner.crawl, db, region=region, overrides=settings).result()
        except (runner.CrawlSetupError, ArchiveError) as error:  # ArchiveBusy: another writer held on
            return Outcome(schedule, region, None, "error", " ".join(str(error).split()))
        except Exception as error:  # the crawl's process died: say so, let the other schedules run
            return Outcome(schedule, region, None, "error", f"crawl failed: {type(error).__name__}: {error}")
    with Archive(db, readonly=True) as archive:
        unhealthy = unhealthy_sites(archive, result.run)  # failed, never yielded, or fewer than before
    reports = sum(site["reports_found"] or 0 for site in result.sites)
    message = f"run {result.run}, {len(result.sites)} sites, {reports} reports"
    if unhealthy or not result.sites:
        return Outcome(schedule, region, result.run, "unhealthy",
                       message + f"; not ok: {', '.join(unhealthy) or 'no site crawled'}")
    return Outcome(schedule, region, result.run, "ok", message)


def serve(db: str, *, say: Say = print, sleep: Callable[[float], None] = time.sleep,
          rounds: int | None = None) -> None:
    """Run schedules as they fall due, until interrupted (or after ``rounds`` looks, for tests)."""
    done = 0
    while rounds is None or done < rounds:
        run_due(db, say=say)
        done += 1
        sleep(seconds_to_next(db, local_now()))


def seconds_to_next(db: str, now: datetime) -> float:
    with Archive(db) as archive:
        upcoming = [schedule.next_due(now) for schedule in archive.schedules()]
    wake = min([now + LOOK_AGAIN, *upcoming])
    return max(0.0, (wake - now).total_seconds())


def install_cron(db: str, command: str | None = None) -> str:
    """A crontab line that runs what is due every TICK_MINUTES minutes."""
    return (f"*/{TICK_MINUTES} * * * * {_command(db, command)} "
            f">> {shlex.quote(str(Path(db).resolve().with_suffix('.schedule.log')))} 2>&1")


def install_systemd(db: str, command: str | None = None) -> str:
    """A service and a timer unit (Persistent: a tick missed while the machine was off runs at boot)."""
    return f"""# /etc/systemd/system/nianbao-schedule.service
[Unit]
Description=nianbao: crawl the regions whose schedules are due

[Service]
Type=oneshot
WorkingDirectory={Path(db).resolve().parent}
ExecStart={_command(db, command)}

# /etc/systemd/system/nianbao-schedule.timer
[Unit]
Description=nianbao: look for due schedules every {TICK_MINUTES} minutes

[Timer]
OnCalendar=*:0/{TICK_MINUTES}
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now nianbao-schedule.timer"""


def _command(db: str, command: str | None) -> str:
    installed = shutil.which("nianbao")
    program = command or (shlex.quote(installed) if installed else shlex.join([sys.executable, "-m", "nianbao"]))
    return f"{program} schedule run --db {shlex.quote(str(Path(db).resolve()))}"
