from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def expected_subset(expected: dict, report: dict) -> dict:
    """The report cut down to the keys the expected file scores, for a readable diff."""
    def cut(want: object, got: object) -> object:
        if isinstance(want, dict) and isinstance(got, dict):
            return {key: cut(want[key], got.get(key, "<missing>")) for key in want} | {
                key: "<extra>" for key in got if key not in want and isinstance(want, dict) and want
                and key not in ("adcode",)
            }
        return got
    return cut(expected, report)


@pytest.fixture(scope="session")
def shared() -> Path:
    return SHARED


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
