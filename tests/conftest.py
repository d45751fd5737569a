from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import parse_file

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
    assert expected_subset(expected, parse_file(document)) == expected
