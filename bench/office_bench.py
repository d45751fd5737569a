"""DOC: amortised time per document when 20 go through `parse_files` together (target ≤ 0.5 s)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers import ParseError, parse_files  # noqa: E402
from tests.reportgen import convert_with_libreoffice, make_spec, render_docx  # noqa: E402

BATCH = 20


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        sources = []
        for seed in range(BATCH):
            path = Path(directory) / f"report{seed}.docx"
            path.write_bytes(render_docx(make_spec(seed, "2021" if seed % 2 else "2019")))
            sources.append(path)
        docs = convert_with_libreoffice(sources, "doc", Path(directory) / "doc")
        started = time.perf_counter()
        results = parse_files([str(p) for p in docs])
        elapsed = time.perf_counter() - started
    failed = sum(isinstance(r, ParseError) for r in results)
    verdict = "ok" if elapsed / BATCH <= 0.5 else "OVER TARGET"
    print(f"doc batch of {BATCH}: {elapsed:.2f} s, {elapsed / BATCH * 1000:.0f} ms a document "
          f"(target ≤ 500 ms) {verdict}; {failed} failed")


if __name__ == "__main__":
    main()
