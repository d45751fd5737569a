"""`nianbao merge`: shards of a crawl folded into one archive equal the archive one machine
would have written, report by report and version by version; merging again adds nothing.

Two copies of the sample portal on loopback stand for two counties of 白山市. Each is crawled
twice (state1, then state2: a report changed, one withdrawn, some added), by one machine into
one archive and, as scrapyd jobs would, each portal into a shard of its own."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from crawler.sampleportal.server import SITE, serve
from tests.portals import FAST, contents, counts, nianbao, register

MANIFEST = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
# Every report either state of the portal has: the withdrawn one stays, marked gone.
REPORTS_PER_PORTAL = len({report["id"] for state in MANIFEST["states"].values() for report in state["reports"]})


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Archives after the crawls: "whole" (both portals), "a" and "b" (a portal each, both
    visits), "early" (portal a's first visit alone) and "later" (its second visit alone)."""
    root = tmp_path_factory.mktemp("merge")
    paths = {name: root / f"{name}.db" for name in ("whole", "a", "b", "early", "later")}
    with serve("state1") as a, serve("state1") as b:
        for path in paths.values():
            register(path, a, b)
        for state in ("state1", "state2"):
            a.set_state(state)
            b.set_state(state)
            nianbao("crawl", "--region", "白山市", "--db", paths["whole"], *FAST)
            for name, portal in (("a", a), ("b", b), ("early" if state == "state1" else "later", a)):
                nianbao("crawl", "--url", portal.url + "/", "--db", paths[name], *FAST)
    return paths


def test_shards_of_two_portals_merge_into_what_one_machine_crawls(crawled, tmp_path):
    merged = tmp_path / "merged.db"
    nianbao("merge", crawled["a"], crawled["b"], "--into", merged)
    whole = contents(crawled["whole"])
    assert len(whole) == 2 * REPORTS_PER_PORTAL and any(report["row"]["version"] == 2 for report in whole.values())
    assert contents(merged) == whole


def test_merging_the_same_shards_again_adds_no_row(crawled, tmp_path):
    merged = tmp_path / "merged.db"
    nianbao("merge", crawled["a"], crawled["b"], "--into", merged)
    before = counts(merged)
    again = nianbao("merge", crawled["a"], crawled["b"], "--into", merged)
    assert counts(merged) == before
    assert again.stdout.count(": 0 runs, 0 captures, 0 new blobs, 0 new reports") == 2


def test_versions_from_a_later_shard_are_numbered_after_the_earlier_ones(crawled, tmp_path):
    merged = tmp_path / "merged.db"
    nianbao("merge", crawled["early"], crawled["later"], "--into", merged)
    one_machine = {key: report["versions"] for key, report in contents(crawled["a"]).items()}
    assert {key: report["versions"] for key, report in contents(merged).items()} == one_machine
    assert max(len(versions) for versions in one_machine.values()) == 2


def test_blobs_held_already_are_not_copied_again(crawled, tmp_path):
    merged = tmp_path / "merged.db"
    nianbao("merge", crawled["early"], crawled["later"], "--into", merged)
    db = sqlite_utils.Database(merged)
    assert db["blobs"].count == db.execute("SELECT count(DISTINCT sha256) FROM captures").fetchone()[0]
    assert db["captures"].count == counts(crawled["early"])["captures"] + counts(crawled["later"])["captures"]


def test_a_shard_that_is_not_an_archive_is_named_in_one_line(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database", encoding="utf-8")
    result = nianbao("merge", bad, "--into", tmp_path / "merged.db", check=False)
    assert result.returncode == 1 and result.stderr.startswith(f"error: {bad}: ") and len(result.stderr.splitlines()) == 1


def test_an_archive_is_not_merged_into_itself(crawled):
    result = nianbao("merge", crawled["a"], "--into", crawled["a"], check=False)
    assert result.returncode == 1 and "is the archive being merged into" in result.stderr
