"""Merge: K synthetic shards of N reports each folded into one archive, then merged again.

    bench/merge_bench.py [--shards 10] [--reports 10000] [--dir /tmp/nianbao-bench/shards]

Each shard is a synthetic archive (bench/synthetic_archive.py, written through Archive.store(),
about 5 % of reports with a second version) with a seed of its own, so shards share some
bodies, as shards of overlapping regions would: those reports take the store's one-by-one path,
the others are copied whole. Shards are built once and reused. The floor is the time SQLite
takes to read every row the merge copies; the second merge must add 0 rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import compression  # noqa: E402
from archive.merge import merge_files  # noqa: E402
from bench.synthetic_archive import SEED, build  # noqa: E402

TABLES = ("blobs", "captures", "crawl_runs", "crawl_sites", "documents", "reports", "report_versions",
          "report_sources", "request_counts", "proactive_counts", "appeal_counts", "checks")


def counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    compression.define(connection)  # report_versions shows its compressed text through it
    try:
        return {table: connection.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] for table in TABLES}
    finally:
        connection.close()


def read_floor(shards: list[Path]) -> float:
    """Seconds to read every row of the copied tables from the shards: the least a merge costs."""
    started = time.perf_counter()
    for shard in shards:
        connection = sqlite3.connect(f"file:{shard}?mode=ro", uri=True)
        compression.define(connection)
        for table in TABLES:
            for _ in connection.execute(f"SELECT * FROM [{table}]"):
                pass
        connection.close()
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--shards", type=int, default=10)
    options.add_argument("--reports", type=int, default=10_000)
    options.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench/shards"))
    args = options.parse_args()
    shards = [args.dir / f"shard-{args.reports}-{number}.db" for number in range(args.shards)]
    for number, shard in enumerate(shards):
        build(shard, args.reports, seed=SEED + 1000 * (number + 1), log=lambda line: None)
    into = args.dir / f"merged-{args.shards}x{args.reports}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{into}{suffix}").unlink(missing_ok=True)
    floor = read_floor(shards)
    started = time.perf_counter()
    results = merge_files(str(into), [str(shard) for shard in shards])
    first = time.perf_counter() - started
    before = counts(into)
    started = time.perf_counter()
    merge_files(str(into), [str(shard) for shard in shards])
    second = time.perf_counter() - started
    added = {table: count - before[table] for table, count in counts(into).items() if count != before[table]}
    copied = sum(result.reports_new for result in results)
    versioned = sum(result.reports_versioned for result in results)
    print(f"{args.shards} shards x {args.reports:,} reports: merged in {first:.1f} s "
          f"({before['reports']:,} reports, {before['report_versions']:,} versions, "
          f"{before['request_counts'] + before['proactive_counts'] + before['appeal_counts']:,} cells); "
          f"{copied:,} reports copied whole, {versioned:,} held ones given a version")
    print(f"floor (reading the rows): {floor:.1f} s; merge / floor = {first / floor:.1f}")
    print(f"merged again in {second:.1f} s: rows added {sum(added.values())} {added or ''}")


if __name__ == "__main__":
    main()
