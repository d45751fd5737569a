"""Shared timing helpers: best-of-N wall time, so a noisy neighbour inflates nothing we report."""

from __future__ import annotations

import time
from typing import Callable


def best_of(function: Callable[[], object], repeat: int = 7,
            clock: Callable[[], float] = time.perf_counter) -> float:
    """Fastest of ``repeat`` runs, in seconds, after one warm-up run. ``clock=time.process_time``
    counts this process's CPU only (on a shared machine, wall time counts the neighbours' too)."""
    function()
    timings = []
    for _ in range(repeat):
        start = clock()
        function()
        timings.append(clock() - start)
    return min(timings)


def report(name: str, ours: float, floor: float, target: float) -> str:
    ratio = ours / floor
    verdict = "ok" if ratio <= target else "OVER TARGET"
    return f"{name}: ours {ours * 1000:.1f} ms, library floor {floor * 1000:.1f} ms, ratio {ratio:.2f} (target ≤ {target}) {verdict}"
