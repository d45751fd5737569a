"""The four seed reports, each in another text shape, give exactly their expected JSON."""

from __future__ import annotations

import pytest


from .conftest import SHARED, assert_parses_to_expected

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.stem for seed in SEEDS])
def test_seed_gives_expected_report(seed):
    assert_parses_to_expected(seed, SHARED / "seeds" / "expected" / f"{seed.stem}.json")


def test_seeds_are_present():
    assert len(SEEDS) == 4
