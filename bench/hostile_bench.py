"""Hostile files under the default parse bounds: each must end within the time limit (60 s)
with the parsing process's peak resident memory under 1 GB (issue 14).

Each file is parsed by a fresh `nianbao parse` (its worker process included); the figures are
its wall time, the peak RSS of its busiest process, and that time's ratio to the limit.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.workers import DEFAULT_MEMORY_MB, DEFAULT_SECONDS  # noqa: E402
from tests import hostile  # noqa: E402

FILES = {
    "self-referencing /Length PDF": ("self.pdf", hostile.self_referencing_length_pdf),
    "Flate bomb PDF (4 MB, 4 GB inflated)": ("bomb.pdf", lambda: hostile.flate_bomb_pdf(4000)),
    "OFD listing one page 100 times": ("pages.ofd", hostile.ofd_page_bomb),
    "1,000 pages sharing one stream": ("shared.pdf", hostile.shared_stream_pdf),
}


# Runs the command and prints the peak RSS (KB) of its busiest descendant: a fresh process per
# file, since a process's children's peak only ever grows.
_PEAK = ("import resource, subprocess, sys; run = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print((run.stderr or run.stdout).strip())")


def measure(path: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of `nianbao parse` or its worker, the one-line outcome)."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "nianbao", "parse", str(path)],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    seconds = time.perf_counter() - start
    peak, _, said = run.stdout.partition("\n")
    return seconds, int(peak) / 1024, said.splitlines()[0].split(": ", 1)[-1] if said.strip() else ""


def main() -> None:
    print(f"bounds: {DEFAULT_SECONDS:g} s, {DEFAULT_MEMORY_MB} MB per parse")
    with tempfile.TemporaryDirectory() as folder:
        for name, (filename, make) in FILES.items():
            path = Path(folder) / filename
            path.write_bytes(make())
            seconds, peak, said = measure(path)
            verdict = "ok" if seconds <= DEFAULT_SECONDS + 10 and peak < 1024 else "OVER"
            print(f"{name} ({path.stat().st_size / 1024:,.0f} KB): {seconds:.1f} s "
                  f"({seconds / DEFAULT_SECONDS:.2f} of the limit), peak RSS {peak:,.0f} MB {verdict}: {said}")


if __name__ == "__main__":
    main()
