from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import Report, parse_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def expected_subset(expected: dict, report: dict) -> dict:
    """The report cut to the keys the expected file scores; table keys it should not have show up."""
    def cut(want: object, got: object, in_table: bool) -> object:
        if not (isinstance(want, dict) and isinstance(got, dict)):
            return got
        kept = {key: cut(value, got.get(key, "<missing>"), in_table) for key, value in want.items()}
        extra = {key: "<extra>" for key in got if key not in want} if in_table else {}
        return kept | extra

    return {key: cut(value, report.get(key, "<missing>"), key in ("proactive", "requests", "appeals"))
            for key, value in expected.items()}


@pytest.fixture(scope="session")
def shared() -> Path:
    return SHARED


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def assert_parses_to_expected(document: Path, expected_file: Path) -> None:
    expected = load_expected(expected_file)
    assert expected_subset(expected, parse_file(document).to_json()) == expected


# Archive fixtures (tests/test_archive.py, test_identity.py, test_versions.py, test_reparse.py,
# test_status.py): real SQLite files in tmp_path, report dicts from real parses.

import copy  # noqa: E402
import functools  # noqa: E402

FETCHED_AT = "2026-11-30T11:20:00+00:00"
SITE = "http://portal.example"


@functools.cache
def _parsed_once(path: str) -> Report:
    return parse_file(path)


@pytest.fixture
def parsed():
    """parsed("seeds/003_….txt") -> a fresh copy of that file's parse, to modify freely."""
    def load(relative: str) -> Report:
        return copy.deepcopy(_parsed_once(str(SHARED / relative)))
    return load


@pytest.fixture
def archive(tmp_path):
    from archive import Archive

    opened = Archive(tmp_path / "archive.db")
    yield opened
    opened.close()


@pytest.fixture
def run(archive) -> int:
    return archive.start_run(region="测试")


@pytest.fixture
def fetch():
    """fetch(url, body, status=200, **fields) -> an archive.Fetched of that body."""
    from archive import Fetched

    def make(url: str, body: bytes = b"", status: int = 200, **fields) -> Fetched:
        fields.setdefault("headers", {})
        fields.setdefault("fetched_at", FETCHED_AT)
        fields.setdefault("site", SITE)
        return Fetched(url=url, status=status, body=body, **fields)
    return make
