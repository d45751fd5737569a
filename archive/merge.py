"""Shards folded into one archive: the Python twin of `nianbao merge SHARD... --into archive.db`.

A shard is an archive a scrapyd job (or any crawl) wrote on its own. Merging it copies what its
finished runs brought: the runs with their sites and errors, the captures, the raw bytes they name
(by hash, into the archive's raw store: bytes already held are not copied again), the reports with their versions, facts and
checks, each report's sources and the documents. Nothing is parsed again, so nothing is lost to
a newer parser.

A report the archive does not hold yet is copied as it is. A report it holds (another shard
found it too, or an earlier merge brought it) gets the shard's versions filed one by one, oldest
first, through the store's own rule for what is a new version (Archive.file_parse): identical
content adds nothing, changed content is the next version, numbered after the archive's own.
Give shards oldest first when they hold the same reports at different times.

Each archive has an id (m009); a run merged is remembered by (shard id, run id), so merging the
same shard again adds nothing, and a shard that crawled again since brings only its new runs.
A run still running is left for a later merge.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .schema import migrations

if TYPE_CHECKING:
    from .store import Archive

_CHUNK = 500


class MergeError(Exception):
    """A shard cannot be merged: not an archive, an older schema, the archive itself."""


@dataclass
class MergeResult:
    shard: str
    runs: int = 0
    captures: int = 0
    blobs: int = 0
    reports_new: int = 0
    reports_versioned: int = 0   # reports already held that got a version from the shard
    still_running: list[int] = field(default_factory=list)


@dataclass
class _Maps:
    """Shard ids → archive ids."""
    runs: dict[int, int] = field(default_factory=dict)
    sources: dict[int, int] = field(default_factory=dict)
    captures: dict[int, int] = field(default_factory=dict)
    reports: dict[int, int] = field(default_factory=dict)


def merge(target: Archive, shard: Archive) -> MergeResult:
    """Fold ``shard`` (opened read-only) into ``target``, in one transaction."""
    origin = _identity(shard)
    if origin == target.identity():
        raise MergeError(f"{shard.path}: is the archive being merged into")
    result = MergeResult(shard.path)
    runs = [run for run in _rows(shard, "SELECT * FROM crawl_runs ORDER BY id")
            if not target.has_merged(origin, run["id"])]
    result.still_running = [run["id"] for run in runs if run["status"] == "running"]
    runs = [run for run in runs if run["status"] != "running"]
    if not runs:
        return result
    maps = _Maps()
    with target.transaction():  # the bytes are committed first, then the rows that name them
        _copy_runs(target, shard, origin, runs, maps)
        result.blobs = _copy_blobs(target, shard, list(maps.runs))
        _copy_captures(target, shard, maps)
        result.reports_new, result.reports_versioned = _copy_reports(target, shard, maps)
        _copy_sources_and_documents(target, shard, maps)
    result.runs, result.captures = len(runs), len(maps.captures)
    return result


def merge_files(into: str, shards: list[str]) -> list[MergeResult]:
    """Each shard file merged into the archive ``into`` (created if need be), in the order given."""
    from .store import Archive, ArchiveError

    with Archive(into) as target, target.writing("merge"):
        results = []
        for path in shards:
            try:
                shard = Archive(path, readonly=True)
            except ArchiveError as error:
                raise MergeError(str(error)) from None
            with shard:
                try:
                    results.append(merge(target, shard))
                except sqlite3.DatabaseError as error:
                    raise MergeError(f"{path}: not a nianbao archive ({error})") from None
    return results


def _identity(shard: Archive) -> str:
    # Rows are copied column for column: the shard must have every table and column this one has.
    if migrations.pending(shard.db):
        raise MergeError(f"{shard.path}: written by an older nianbao; open it once with this one "
                         "(nianbao status --db FILE) and merge again")
    return shard.identity()


def _rows(archive: Archive, sql: str, params: list | tuple = ()) -> list[dict]:
    return list(archive.db.query(sql, params))


def _in(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _marks(ids: list) -> str:
    return ", ".join("?" * len(ids))


def _copy_runs(target: Archive, shard: Archive, origin: str, runs: list[dict], maps: _Maps) -> None:
    for source in _rows(shard, "SELECT * FROM sources ORDER BY id"):
        maps.sources[source["id"]] = target.source_id_for(source)
    for run in runs:
        maps.runs[run["id"]] = target.insert_row("crawl_runs", _without_id(run) | {
            "origin": origin, "origin_run": run["id"]})
    for chunk in _in(list(maps.runs)):
        for table in ("crawl_sites", "crawl_errors"):
            rows = [_without_id(row) | {"run": maps.runs[row["run"]]} | _mapped_source(row, maps)
                    for row in _rows(shard, f"SELECT * FROM {table} WHERE run IN ({_marks(chunk)}) ORDER BY id", chunk)]
            target.insert_rows(table, rows)


def _copy_blobs(target: Archive, shard: Archive, runs: list[int]) -> int:
    """The bytes the runs' captures name that the archive does not hold, from the shard's raw store."""
    copied = 0
    for chunk in _in(runs):
        hashes = [row["sha256"] for row in _rows(
            shard, f"SELECT DISTINCT sha256 FROM captures WHERE run IN ({_marks(chunk)}) AND sha256 IS NOT NULL", chunk)]
        for hash_chunk in _in(hashes):
            for sha256 in target.missing_blobs(hash_chunk):
                rows = shard.raw_rows([sha256])  # one at a time: a body may be 50 MB
                target.add_raw(rows)
                copied += len(rows)
    return copied


def _copy_captures(target: Archive, shard: Archive, maps: _Maps) -> None:
    for chunk in _in(list(maps.runs)):
        for capture in _rows(shard, f"SELECT * FROM captures WHERE run IN ({_marks(chunk)}) ORDER BY id", chunk):
            row = _without_id(capture) | {"run": maps.runs[capture["run"]], "report_id": None}
            maps.captures[capture["id"]] = target.insert_row("captures", row | _mapped_source(capture, maps))


def _copy_reports(target: Archive, shard: Archive, maps: _Maps) -> tuple[int, int]:
    """Reports new to the archive copied whole, the others' versions filed one by one."""
    versions = _shard_versions(shard, list(maps.captures))
    new, held = [], []
    for report_id in versions:
        report = _rows(shard, "SELECT * FROM reports WHERE id = ?", [report_id])[0]
        found = target.report_id_of(report["body_key"], report["year"])
        (held if found else new).append(report)
    for chunk in [new[i:i + _CHUNK] for i in range(0, len(new), _CHUNK)]:
        _copy_new_reports(target, shard, chunk, versions, maps)
    versioned = sum(_file_versions(target, report, versions, maps) for report in held)
    for capture in _rows(shard, "SELECT id, report_id FROM captures WHERE report_id IS NOT NULL"):
        if capture["id"] in maps.captures:
            target.set_capture_report(maps.captures[capture["id"]], _report_of(target, shard, capture["report_id"], maps))
    return len(new), versioned


def _shard_versions(shard: Archive, captures: list[int]) -> dict[int, list[dict]]:
    """The versions the merged captures made, by shard report, oldest first."""
    versions: dict[int, list[dict]] = {}
    for chunk in _in(captures):
        for version in _rows(shard, f"SELECT * FROM report_versions WHERE capture IN ({_marks(chunk)})", chunk):
            versions.setdefault(version["report_id"], []).append(version)
    return {report: sorted(own, key=lambda version: version["version"]) for report, own in sorted(versions.items())}


def _copy_new_reports(target: Archive, shard: Archive, reports: list[dict], versions: dict[int, list[dict]],
                      maps: _Maps) -> None:
    numbers: dict[tuple[int, int], int] = {}  # (shard report, shard version) → version here
    for report in reports:
        own = versions[report["id"]]
        numbers |= {(report["id"], version["version"]): n for n, version in enumerate(own, 1)}
        maps.reports[report["id"]] = target.insert_row("reports", _without_id(report) | _mapped_source(report, maps)
                                                       | {"version": len(own)})
        target.copy_versions([_without_id(version) | {
            "report_id": maps.reports[report["id"]], "version": numbers[(report["id"], version["version"])],
            "capture": maps.captures[version["capture"]], "run": maps.runs.get(version["run"])} for version in own])
    ids = [report["id"] for report in reports]
    for summary in _rows(shard, f"SELECT * FROM report_summary WHERE id IN ({_marks(ids)})", ids):
        target.follow_summary(maps.reports[summary["id"]], summary)


def _file_versions(target: Archive, report: dict, versions: dict[int, list[dict]], maps: _Maps) -> int:
    added = 0
    for version in versions[report["id"]]:
        report_id, state = target.file_stored_version(maps.runs.get(version["run"]),
                                                      maps.captures[version["capture"]], version)
        maps.reports[report["id"]] = report_id
        added += state == "changed"
    return int(added > 0)


def _report_of(target: Archive, shard: Archive, report_id: int, maps: _Maps) -> int | None:
    if report_id not in maps.reports:
        report = _rows(shard, "SELECT body_key, year FROM reports WHERE id = ?", [report_id])[0]
        maps.reports[report_id] = target.report_id_of(report["body_key"], report["year"])
    return maps.reports[report_id]


def _copy_sources_and_documents(target: Archive, shard: Archive, maps: _Maps) -> None:
    for row in _rows(shard, "SELECT s.*, c.fetched_at FROM report_sources s JOIN captures c ON c.id = s.last_capture "
                            "ORDER BY c.fetched_at, s.id"):
        if row["last_capture"] in maps.captures:
            target.note_source(_report_of(target, shard, row["report_id"], maps), row["url"], row["format"],
                               row["first_seen"], row["content_hash"], maps.captures[row["last_capture"]])
    documents = [row | {"last_capture": maps.captures[row["last_capture"]],
                        "report_id": row["report_id"] and _report_of(target, shard, row["report_id"], maps)}
                 for row in _rows(shard, "SELECT * FROM documents ORDER BY url") if row["last_capture"] in maps.captures]
    target.see_documents(documents)


def _without_id(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "id"}


def _mapped_source(row: dict, maps: _Maps) -> dict:
    return {"source_id": maps.sources.get(row["source_id"])} if "source_id" in row else {}
