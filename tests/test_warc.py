"""`nianbao export --warc`: the captures of a real crawl of the sample portal (a first visit, then
a re-crawl answered mostly with 304s) as a WARC file, read back with warcio as a replay tool
would: every body byte for byte what the server served, every date and URL the capture's, the
re-crawl as revisit records, and a capture whose bytes are lost named, not silently dropped."""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.sampleportal.server import serve
from nianbao import cli
from tests.portals import FAST, nianbao

IDENTICAL = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
NOT_MODIFIED = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"


@dataclass
class Crawled:
    db: Path
    served: dict[int, dict[str, tuple[bytes, dict[str, str]]]]  # run → url → (body, headers) as served


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    """state1 crawled, then state2 (a report re-published, one withdrawn, one added); after each
    run, every URL it captured fetched again with a plain HTTP client."""
    db = tmp_path_factory.mktemp("warc") / "archive.db"
    served = {}
    with serve("state1") as portal:
        for run, state in enumerate(("state1", "state2"), start=1):
            portal.set_state(state)
            nianbao("crawl", "--url", portal.url + "/", "--db", db, *FAST)
            served[run] = {url: fetch(url) for url in captures(db, run=run, column="url")}
    return Crawled(db, served)


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), dict(response.headers)


def captures(db: Path, *, column: str | None = None, **where: object) -> list:
    rows = list(sqlite_utils.Database(db)["captures"].rows_where(
        " AND ".join(f"{name} = ?" for name in where) or None, list(where.values()), order_by="id"))
    return [row[column] for row in rows] if column else rows


def export(*args: object) -> object:
    return CliRunner().invoke(cli, ["export", *map(str, args)])


def exported(crawled: Crawled, out: Path, *args: object) -> list:
    result = export("--db", crawled.db, "--warc", out, *args)
    assert result.exit_code == 0, result.output
    return read(out)


def read(path: Path) -> list:
    """Every record after the warcinfo, its payload read (warcio checks each digest as it does)."""
    with path.open("rb") as stream:
        records = []
        for record in ArchiveIterator(stream, check_digests="raise"):
            record.payload = record.content_stream().read()
            records.append(record)
    assert records[0].rec_type == "warcinfo"
    return records[1:]


def header(record, name: str) -> str | None:
    return record.rec_headers.get_header(name)


def warc_date(fetched_at: str) -> str:
    return fetched_at.replace("+00:00", "Z")


def fetches(records: list) -> list:
    return [record for record in records if record.rec_type != "request"]


@pytest.fixture(scope="module")
def whole(crawled, tmp_path_factory) -> list:
    return exported(crawled, tmp_path_factory.mktemp("whole") / "all.warc.gz")


def test_every_capture_is_one_record_with_its_url_and_date_in_fetch_order(crawled, whole):
    expected = [(c["url"], warc_date(c["fetched_at"])) for c in captures(crawled.db)]
    assert [(header(r, "WARC-Target-URI"), header(r, "WARC-Date")) for r in fetches(whole)] == expected


def responses(crawled: Crawled, records: list) -> list[tuple[object, tuple[bytes, dict[str, str]]]]:
    """Each response record with what the server served at its URL in its capture's run."""
    paired = zip(fetches(records), captures(crawled.db))
    return [(record, crawled.served[capture["run"]][capture["url"]]) for record, capture in paired
            if record.rec_type == "response"]


def test_every_response_holds_the_bytes_the_server_served(crawled, whole):
    assert len(responses(crawled, whole)) >= 25
    for record, (body, _) in responses(crawled, whole):
        assert record.payload == body


def test_response_headers_are_the_ones_the_server_sent(crawled, whole):
    for record, (body, sent) in responses(crawled, whole):
        kept = {name: record.http_headers.get_header(name) for name in ("Content-Type", "ETag", "Last-Modified")}
        assert kept == {name: sent.get(name) for name in kept}
        assert record.http_headers.get_statuscode() == "200"
        assert record.http_headers.get_header("Content-Length") == str(len(body))


def test_each_capture_is_followed_by_its_request_concurrent_to_it(whole):
    pairs = list(zip(whole[::2], whole[1::2]))
    assert len(pairs) * 2 == len(whole)
    for fetched, request in pairs:
        assert request.rec_type == "request"
        assert header(request, "WARC-Concurrent-To") == header(fetched, "WARC-Record-ID")
        assert header(request, "WARC-Target-URI") == header(fetched, "WARC-Target-URI")
        assert header(request, "WARC-Date") == header(fetched, "WARC-Date")
        assert request.http_headers.protocol == "GET"


def test_a_recrawl_answered_304_is_revisits_of_the_first_capture_of_those_bytes(crawled, whole):
    by_id = {header(r, "WARC-Record-ID"): r for r in whole}
    not_modified = captures(crawled.db, run=2, status=304)
    revisits = [r for r in whole if r.rec_type == "revisit" and r.http_headers.get_statuscode() == "304"]
    assert len(revisits) == len(not_modified) >= 10
    for revisit, capture in zip(revisits, not_modified):
        first = captures(crawled.db, sha256=capture["sha256"])[0]
        original = by_id[header(revisit, "WARC-Refers-To")]
        assert header(revisit, "WARC-Profile") == NOT_MODIFIED
        assert (header(original, "WARC-Target-URI"), header(original, "WARC-Date")) == \
            (header(revisit, "WARC-Refers-To-Target-URI"), header(revisit, "WARC-Refers-To-Date")) == \
            (first["url"], warc_date(first["fetched_at"]))
        assert header(original, "WARC-Payload-Digest") == header(revisit, "WARC-Payload-Digest")
        assert revisit.payload == b""


def test_a_recrawl_of_unchanged_bytes_is_identical_payload_revisits(crawled, whole):
    unchanged = captures(crawled.db, column="url", run=2, document="unchanged")
    revisits = [r for r in whole if r.rec_type == "revisit" and header(r, "WARC-Profile") == IDENTICAL]
    assert [header(r, "WARC-Target-URI") for r in revisits] == unchanged and unchanged
    assert all(r.http_headers.get_statuscode() == "200" for r in revisits)


def test_a_recrawl_writes_whole_responses_only_for_new_and_changed_bytes(crawled, whole):
    second = {header(r, "WARC-Target-URI") for r in whole[len(captures(crawled.db, run=1)) * 2:]
              if r.rec_type == "response"}
    assert second == {c["url"] for c in captures(crawled.db, run=2) if c["document"] in ("new", "changed")}
    assert len(second) == 2


def test_one_runs_file_names_the_responses_of_the_file_of_an_earlier_run(crawled, tmp_path):
    first = {header(r, "WARC-Record-ID") for r in exported(crawled, tmp_path / "1.warc.gz", "--run", 1)
             if r.rec_type == "response"}
    second = exported(crawled, tmp_path / "2.warc.gz", "--run", 2)
    assert len(fetches(second)) == len(captures(crawled.db, run=2))
    refers = {header(r, "WARC-Refers-To") for r in second if r.rec_type == "revisit"}
    assert refers and refers <= first


def test_url_prefix_keeps_only_the_captures_under_it(crawled, tmp_path):
    prefix = captures(crawled.db)[0]["url"].split("/zwgk/")[0] + "/zwgk/"
    kept = exported(crawled, tmp_path / "zwgk.warc.gz", "--url-prefix", prefix)
    expected = [c["url"] for c in captures(crawled.db) if c["url"].startswith(prefix)]
    assert [header(r, "WARC-Target-URI") for r in fetches(kept)] == expected
    assert 0 < len(expected) < len(captures(crawled.db))


def test_a_capture_whose_bytes_are_missing_is_named_in_one_line_and_left_out(crawled, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(crawled.db, db)
    shutil.copy(crawled.db.with_name("archive.raw.db"), tmp_path / "archive.raw.db")
    lost = captures(db, run=2, status=304)[0]
    with sqlite3.connect(tmp_path / "archive.raw.db") as raw:
        raw.execute("DELETE FROM raw WHERE sha256 = ?", [lost["sha256"]])
    raw.close()
    result = export("--db", db, "--warc", tmp_path / "out.warc.gz")
    named = captures(db, sha256=lost["sha256"])
    assert result.exit_code == 1 and len(named) == 2
    assert result.stderr.splitlines() == [
        f"error: {c['url']}: capture {c['id']} of {c['fetched_at']} left out, its bytes (sha256 {c['sha256']}) "
        f"are not in {tmp_path / 'archive.raw.db'}" for c in named]
    written = [header(r, "WARC-Target-URI") for r in fetches(read(tmp_path / "out.warc.gz"))]
    assert written == [c["url"] for c in captures(db) if c["sha256"] != lost["sha256"]]


def test_a_run_the_archive_never_had_is_one_line_and_no_file(crawled, tmp_path):
    result = export("--db", crawled.db, "--warc", tmp_path / "x.warc.gz", "--run", 99)
    assert (result.exit_code, result.stderr) == (1, f"error: {crawled.db}: no crawl run 99\n")
    assert list(tmp_path.iterdir()) == []


def test_a_name_ending_in_warc_gets_an_uncompressed_file(crawled, tmp_path):
    records = exported(crawled, tmp_path / "plain.warc")
    assert (tmp_path / "plain.warc").read_bytes().startswith(b"WARC/1.0\r\n")
    assert len(fetches(records)) == len(captures(crawled.db))


@pytest.mark.parametrize("make, said", [
    (lambda path: path.mkdir(), "is a directory"),
    (lambda path: path.symlink_to(path.parent / "elsewhere.warc.gz"), "is a symbolic link"),
    (lambda path: os.mkfifo(path), "is not a regular file"),
])
def test_export_refuses_anything_but_a_regular_file_at_the_output_path(crawled, tmp_path, make, said):
    out = tmp_path / "out.warc.gz"
    make(out)
    result = export("--db", crawled.db, "--warc", out)
    assert result.exit_code == 1
    assert result.stderr == f"error: {out}: {said}; export writes only to a regular file path\n"
    assert not (tmp_path / "elsewhere.warc.gz").exists()


@pytest.mark.parametrize("kept", ["archive.db", "archive.raw.db"])
def test_export_refuses_to_write_over_the_archive_or_its_raw_store(crawled, kept):
    before = (crawled.db.parent / kept).read_bytes()
    result = export("--db", crawled.db, "--warc", crawled.db.parent / kept)
    assert result.exit_code == 1 and "is the archive itself" in result.stderr
    assert (crawled.db.parent / kept).read_bytes() == before


@pytest.mark.parametrize("args", [
    ["--warc", "a.warc.gz", "--table", "reports"], ["--warc", "a.warc.gz", "--excel"],
    ["--table", "reports", "--csv", "a.csv", "--run", "1"], ["--url-prefix", "http://x/"],
])
def test_warc_options_and_table_options_do_not_mix(crawled, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = export("--db", crawled.db, *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and not list(tmp_path.glob("a.*"))
