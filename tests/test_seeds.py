"""The four seed reports, each in another text shape, give exactly their expected JSON."""

from __future__ import annotations

import pytest

from parsers import parse_file

from .conftest import SHARED, expected_subset, load_expected

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem for seed in SEEDS])
def test_seed_gives_expected_report(seed):
    expected = load_expected(SHARED / "seeds" / "expected" / f"{seed.stem}.json")
    report = parse_file(seed)
    assert expected_subset(expected, report) == expected


def test_seeds_are_present():
    assert len(SEEDS) == 4
