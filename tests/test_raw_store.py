"""Raw bytes apart from what is published: the captures' bytes live in the raw store beside the
archive, an archive made before that is migrated without loss, and `nianbao publish` writes a
copy that Datasette serves and that holds no byte of any raw document."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from archive import Archive
from archive.publish import datasette
from archive.reparse import reparse
from crawler.sampleportal.server import SITE, serve
from tests.portals import FAST, nianbao

PDFS = sorted(SITE.rglob("*.pdf"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("raw") / "archive.db"
    with serve("state1") as portal:
        nianbao("crawl", "--url", portal.url + "/", "--db", path, *FAST)
    return path


def older_layout(path: Path) -> dict[str, bytes]:
    """Turn a copy of an archive back into the layout of nianbao before the raw store (the bytes
    in blobs.content, no raw file beside it); the compressed bytes by sha256."""
    raw_file = path.with_name(f"{path.stem}.raw{path.suffix}")
    with sqlite3.connect(raw_file) as raw:
        stored = dict(raw.execute("SELECT sha256, content FROM raw"))
    raw_file.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE blobs ADD COLUMN content BLOB")
        conn.executemany("UPDATE blobs SET content = ? WHERE sha256 = ?", [(c, s) for s, c in stored.items()])
        conn.execute("DELETE FROM _sqlite_migrations WHERE name LIKE 'm01%raw_bytes_apart%'")
    conn.close()
    return stored


def bytes_of(ds, path: str) -> tuple[int, bytes]:
    response = asyncio.run(ds.client.get(path))
    return response.status_code, response.content


def test_a_crawl_keeps_the_raw_bytes_beside_the_archive(crawled):
    raw = sqlite3.connect(crawled.with_name("archive.raw.db"))
    held = {sha256: zlib.decompress(content) for sha256, content in raw.execute("SELECT sha256, content FROM raw")}
    assert {pdf.read_bytes() for pdf in PDFS} <= set(held.values())
    archive_bytes = crawled.read_bytes()
    assert not any(pdf.read_bytes()[1000:1100] in archive_bytes for pdf in PDFS)


def test_migrated_archive_moves_every_blob_byte_for_byte(crawled, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(crawled, old)
    shutil.copy(crawled.with_name("archive.raw.db"), tmp_path / "old.raw.db")
    stored = older_layout(old)
    with Archive(old) as archive:
        assert "content" not in archive.db["blobs"].columns_dict
        for sha256, compressed in stored.items():
            assert archive.blob(sha256) == zlib.decompress(compressed)
    with sqlite3.connect(tmp_path / "old.raw.db") as raw:
        assert dict(raw.execute("SELECT sha256, content FROM raw")) == stored


def test_migrated_archive_still_reparses_every_document(crawled, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(crawled, old)
    shutil.copy(crawled.with_name("archive.raw.db"), tmp_path / "old.raw.db")
    older_layout(old)
    with Archive(old) as archive:
        counts = reparse(archive)
        reports = archive.db["reports"].count
    assert counts["documents"] == len(set(archive_urls(crawled))) and counts["reparsed"] >= reports > 0


def archive_urls(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT url FROM documents WHERE sha256 IS NOT NULL")]


def test_migrated_archive_serves_every_original_document(crawled, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(crawled, old)
    shutil.copy(crawled.with_name("archive.raw.db"), tmp_path / "old.raw.db")
    stored = older_layout(old)
    ds = datasette(old)
    with sqlite3.connect(old) as conn:
        versions = conn.execute("SELECT v.report_id, v.version, c.sha256 FROM versions v "
                                "JOIN captures c ON c.id = v.capture").fetchall()
    for report_id, version, sha256 in versions:
        assert bytes_of(ds, f"/-/report/{report_id}/original?version={version}") == (200, zlib.decompress(stored[sha256]))


@pytest.fixture(scope="module")
def published(crawled) -> Path:
    out = crawled.with_name("published.db")
    result = nianbao("publish", out, "--db", crawled)
    assert "reports" in result.stdout
    return out


def test_published_copy_holds_no_byte_of_any_raw_document(published, crawled):
    copy = published.read_bytes()
    raw = sqlite3.connect(crawled.with_name("archive.raw.db"))
    for content, in raw.execute("SELECT content FROM raw"):
        assert zlib.decompress(content)[200:264] not in copy and content[200:264] not in copy
    assert not any(pdf.read_bytes()[500:564] in copy for pdf in PDFS)
    assert not published.with_name("published.raw.db").exists()


def test_published_copy_is_one_file_with_every_report(published, crawled):
    assert not Path(f"{published}-wal").exists()
    with sqlite3.connect(published) as copy, sqlite3.connect(crawled) as original:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT * FROM reports ORDER BY id").fetchall() == \
            original.execute("SELECT * FROM reports ORDER BY id").fetchall()


def test_datasette_serves_the_published_reports_and_their_pages(published):
    ds = datasette(published, immutable=True)
    reports = asyncio.run(ds.client.get("/archive/reports.json?_shape=array")).json()
    assert reports
    for report in reports:
        status, page = bytes_of(ds, f"/-/report/{report['id']}")
        assert status == 200 and "原件不在此副本中" in page.decode() and 'id="original"' not in page.decode()
    assert bytes_of(ds, f"/-/report/{reports[0]['id']}/original")[0] == 404


def test_publishing_over_the_archive_itself_is_refused(crawled):
    result = nianbao("publish", crawled, "--db", crawled, check=False)
    assert result.returncode == 1 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
