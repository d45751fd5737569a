"""PDF: our extract + parse against pdfplumber's own extract_text + extract_tables (target ≤ 1.5x)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pdfplumber

from parsers import parse_bytes
from timing import best_of, report

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def pdfplumber_floor(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def main(paths: list[Path]) -> None:
    for path in paths:
        data = path.read_bytes()
        ours = best_of(lambda: parse_bytes(data, path.name), repeat=3)
        floor = best_of(lambda: pdfplumber_floor(data), repeat=3)
        print(report(f"pdf {path.name}", ours, floor, 1.5))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or sorted(CORPUS.glob("*.pdf")))
