"""A region's portals spread over scrapyd nodes: the Python twin of `nianbao dispatch`.

One scrapyd job per portal (schedule.json), given to the nodes in turn; each job runs the
``portal`` spider on that one portal and writes its own archive shard (NIANBAO_DB), so no two
jobs share a file. With ``wait``, listjobs.json is polled until every job has finished. The
shards are then folded into one archive with `nianbao merge` (archive/merge.py).

The project must be deployed to every node first (`scrapyd-deploy`, README).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import urlopen

from .runner import CrawlSetupError, sources_for
from .siblings import Archive

PROJECT = "nianbao"
SPIDER = "portal"
Say = Callable[[str], None]


class DispatchError(Exception):
    """A node cannot be reached or refuses a job; the message names the node."""


@dataclass
class Job:
    node: str
    job: str
    portal: str
    shard: str          # the shard's path on the node


def dispatch(db: str, region: str, nodes: list[str], shards: str, *,
             overrides: dict[str, str] | None = None, say: Say = print) -> list[Job]:
    """Schedule one job per portal of ``region`` (from ``db``'s registry), round robin."""
    with Archive(db) as archive:
        sources = sources_for(archive, region, None)
    jobs = []
    for number, source in enumerate(sources):
        node = nodes[number % len(nodes)]
        shard = f"{shards.rstrip('/')}/{_slug(source)}.db"
        settings = {**(overrides or {}), "NIANBAO_DB": shard}
        fields = [("project", PROJECT), ("spider", SPIDER),
                  ("sources", json.dumps([source], ensure_ascii=False)),
                  *(("setting", f"{name}={value}") for name, value in settings.items())]
        answer = _call(node, "schedule.json", fields)
        jobs.append(Job(node, answer["jobid"], source["portal_url"], shard))
        say(f"{source['portal_url']}: job {answer['jobid']} on {node} → {shard}")
    return jobs


def wait(jobs: list[Job], *, poll: float = 2.0, timeout: float | None = None, say: Say = print) -> None:
    """Until every job is finished (scrapyd says nothing of how it went: the shard's runs do)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pending = {(job.node, job.job): job for job in jobs}
    while pending:
        for node in {node for node, _ in pending}:
            finished = {entry["id"] for entry in _call(node, f"listjobs.json?project={PROJECT}")["finished"]}
            for key in [key for key in pending if key[0] == node and key[1] in finished]:
                say(f"{pending.pop(key).portal}: finished on {node}")
        if pending and deadline is not None and time.monotonic() > deadline:
            raise DispatchError(f"{len(pending)} jobs still running after {timeout:.0f} s")
        if pending:
            time.sleep(poll)


def _call(node: str, endpoint: str, fields: list[tuple[str, str]] | None = None) -> dict:
    url = f"{node.rstrip('/')}/{endpoint}"
    data = urlencode(fields).encode("utf-8") if fields is not None else None
    try:
        with urlopen(url, data=data, timeout=30) as response:
            answer = json.loads(response.read())
    except (URLError, OSError, ValueError) as error:
        raise DispatchError(f"{node}: {getattr(error, 'reason', error)}") from None
    if answer.get("status") != "ok":
        raise DispatchError(f"{node}: {answer.get('message', answer)}")
    return answer


def _slug(source: dict) -> str:
    """A shard's file name: the portal's division code and host, safe on any file system."""
    host = re.sub(r"^https?://", "", source["portal_url"]).strip("/")
    code = (source.get("region") or {}).get("adcode") or "portal"
    return re.sub(r"[^\w.-]+", "_", f"{code}-{host}")


__all__ = ["CrawlSetupError", "DispatchError", "Job", "dispatch", "wait"]
