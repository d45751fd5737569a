"""Real report pages as other crawlers dumped them give the cells a person reads in them.

The dumps are in ../shared/corpus/real-text (one cell per line, numbers split over lines,
identical neighbours collapsed) and ../shared/corpus/flattened (a row's cells run together);
tests/expected holds what was read from each by hand (see tests/expected/README.md).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from parsers import parse_file
from parsers.checks import appeal_checks, request_checks

from .conftest import SHARED, expected_subset, load_expected

EXPECTED = Path(__file__).parent / "expected"
FOLDERS = ("real-text", "flattened")
KEY_GROUPS = {
    "identity": ("agency", "year", "template", "published", "region"),
    "proactive": ("proactive",),
    "requests": ("requests",),
    "appeals": ("appeals",),
    "consistent": ("consistent",),
}

EXPECTED_FILES = sorted(path for folder in FOLDERS for path in (EXPECTED / folder).glob("*.json"))
CASES = [(path, group) for path in EXPECTED_FILES for group in KEY_GROUPS]


def _dump_of(expected_file: Path) -> Path:
    return SHARED / "corpus" / expected_file.parent.name / f"{expected_file.stem}.txt"


@functools.cache
def _parsed(dump: Path) -> dict:
    return parse_file(dump).to_json()


@pytest.mark.parametrize(("expected_file", "group"), CASES,
                         ids=[f"{path.parent.name}/{path.stem}-{group}" for path, group in CASES])
def test_dump_gives_the_cells_read_by_hand(expected_file, group):
    expected = {key: value for key, value in load_expected(expected_file).items() if key in KEY_GROUPS[group]}
    assert expected_subset(expected, _parsed(_dump_of(expected_file))) == expected


def test_every_dump_has_its_expected_file():
    dumps = sorted(path for folder in FOLDERS for path in (SHARED / "corpus" / folder).glob("*.txt"))
    assert [_dump_of(path) for path in EXPECTED_FILES] == dumps
    assert len(dumps) == 10


@pytest.mark.parametrize("expected_file", EXPECTED_FILES, ids=[path.stem for path in EXPECTED_FILES])
def test_expected_tables_hold_their_identities_exactly_when_marked_consistent(expected_file):
    expected = load_expected(expected_file)
    checks = request_checks(expected["requests"]) + appeal_checks(expected["appeals"])
    assert (all(check["ok"] for check in checks) if checks else None) is expected["consistent"]
