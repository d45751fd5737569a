"""Positions close together taken as one: the columns of a page's words, the rules of a grid."""

from __future__ import annotations

from collections.abc import Iterable


def clusters(positions: Iterable[float], tolerance: float) -> list[float]:
    """The mean of each run of sorted positions no more than ``tolerance`` apart."""
    groups: list[list[float]] = []
    for position in sorted(positions):
        if groups and position - groups[-1][-1] <= tolerance:
            groups[-1].append(position)
        else:
            groups.append([position])
    return [sum(group) / len(group) for group in groups]
