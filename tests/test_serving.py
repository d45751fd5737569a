"""What the published archive gives a visitor, and what it refuses: no page for the raw bytes,
no path of the file, no SQL of one's own unless the server was started with --sql, and six
hostile queries at once leave the server small."""

from __future__ import annotations

import asyncio
import concurrent.futures
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from archive.publish import datasette
from tests import publishing

GB = 1024 ** 3


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory, shared) -> Path:
    return publishing.build(tmp_path_factory.mktemp("serving") / "archive.db", shared)


@pytest.fixture(scope="module")
def ds(archive_path):
    return datasette(archive_path)


@pytest.fixture(scope="module")
def ds_with_sql(archive_path):
    return datasette(archive_path, sql=True)


def status(ds, path: str) -> int:
    return asyncio.run(ds.client.get(path)).status_code


def sql(ds, query: str):
    return asyncio.run(ds.client.get("/archive.json?" + urlencode({"sql": query, "_shape": "array"})))


def test_raw_bytes_have_no_page(ds, archive_path):
    import sqlite3

    sha = sqlite3.connect(archive_path).execute("SELECT sha256 FROM blobs LIMIT 1").fetchone()[0]
    assert [status(ds, path) for path in ("/archive/blobs", "/archive/blobs.json", f"/archive/blobs/{sha}",
                                          f"/archive/blobs/{sha}.blob?_blob_column=content")] == [403] * 4


def test_search_index_and_migrations_have_no_page(ds):
    assert status(ds, "/archive/reports_fts_data") == 403
    assert status(ds, "/archive/_sqlite_migrations") == 403


def test_no_page_tells_where_the_archive_is(ds, archive_path):
    for path in ("/-/databases.json", "/-/databases", "/archive.json", "/-/metadata.json", "/-/settings.json",
                 "/-/plugins.json", "/-/versions.json", "/", "/archive"):
        response = asyncio.run(ds.client.get(path))
        assert str(archive_path.parent) not in response.text, path


def test_own_sql_is_off_by_default(ds):
    response = sql(ds, "SELECT 1")
    assert response.status_code == 403
    assert "nianbao serve --sql" in response.text


def test_a_where_clause_of_ones_own_is_off_by_default(ds):
    assert status(ds, "/archive/reports.json?_where=" + quote("length(randomblob(1e9)) > 0")) == 403


def test_tables_facets_and_canned_queries_still_answer(ds):
    assert status(ds, "/archive/reports.json?_facet=year&year=2022") == 200
    assert status(ds, "/archive/search_words.json?q=" + quote("复议")) == 200


def test_with_sql_on_the_archives_file_name_reads_empty(ds_with_sql):
    assert sql(ds_with_sql, "SELECT name, file FROM pragma_database_list").json() == [{"name": "main", "file": None}]


def test_with_sql_on_the_raw_bytes_are_out_of_reach(ds_with_sql):
    response = sql(ds_with_sql, "SELECT content FROM blobs")
    assert response.status_code == 400 and "no such column: content" in response.json()["error"]
    assert sql(ds_with_sql, "SELECT name FROM pragma_database_list").json() == [{"name": "main"}]


def test_with_sql_on_a_gigabyte_value_cannot_be_made(ds_with_sql):
    response = sql(ds_with_sql, "SELECT length(randomblob(1e9))")
    assert response.status_code == 400 and "too big" in response.text


HOSTILE = [
    "archive.json?" + urlencode({"sql": "SELECT randomblob(1e9)"}),
    "archive.csv?" + urlencode({"sql": "SELECT zeroblob(1e9)"}),
    "archive.json?" + urlencode({"sql": "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) "
                                        "SELECT group_concat(hex(randomblob(1e6))) FROM r"}),
    "archive/reports.json?" + urlencode({"_where": "length(randomblob(1e9)) > 0"}),
    "archive/report_versions.json?" + urlencode({"_where": "length(replace(hex(zeroblob(1e8)), '0', text)) > 0"}),
    "archive/search_words.json?" + urlencode({"q": "复议 " * 300}),
]


def peak_memory(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def fetch(url: str) -> tuple[int, int]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def hostile_at_once(url: str) -> list[tuple[int, int]]:
    with concurrent.futures.ThreadPoolExecutor(len(HOSTILE)) as pool:
        return list(pool.map(fetch, [url + path for path in HOSTILE]))


def test_six_hostile_queries_at_once_keep_the_server_under_1_gb(archive_path):
    with publishing.served(archive_path) as (url, server):
        answers = hostile_at_once(url)
        assert peak_memory(server.pid) < GB
        assert [code for code, _ in answers] == [403] * 5 + [200]
        assert fetch(url + "archive/reports.json")[0] == 200


def test_with_sql_on_the_same_six_queries_fail_and_keep_the_server_under_1_gb(archive_path):
    with publishing.served(archive_path, "--sql") as (url, server):
        answers = hostile_at_once(url)
        assert peak_memory(server.pid) < GB
        assert all(size < 10_000 for _, size in answers), answers  # errors, never the gigabyte asked for
        assert fetch(url + "archive/reports.json")[0] == 200


def test_serve_on_a_taken_port_is_one_line_and_nothing_served(archive_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "nianbao", "serve", "--db", str(archive_path), "--port", str(port)],
                              cwd=publishing.ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: cannot serve on 127.0.0.1:{port}: Address already in use "
                                        "(choose another with --port)"]
