"""OCR: cells right per shape (scans, table images), seconds per page, peak memory.

Generated reports (tests/reportgen.py) are printed by LibreOffice, then scanned (turned, sealed,
noisy, JPEG: tests/scans.py) or cut into table pictures on an HTML page. Each is parsed in a
fresh process (its peak RSS is the child's ru_maxrss). Cells right = the share of the expected
proactive, requests and appeals cells equal in the parsed report.

    python bench/ocr_bench.py [--count 6]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import reportgen, scans  # noqa: E402

TARGET_CELLS, TARGET_SECONDS, TARGET_MB = 0.99, 4.0, 1536
_CHILD = """
import json, resource, sys, time
from parsers import parse_file
started = time.perf_counter()
try:
    report = parse_file(sys.argv[1]).to_json()
except Exception as error:
    report = {"error": str(error)}
report["_seconds"] = time.perf_counter() - started
report["_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(report, ensure_ascii=False))
"""


def cells_right(want: dict, got: dict) -> tuple[int, int, int]:
    """Cells right, cells scored, and wrong numbers: a figure read that is not the one printed
    (worse than a null, which a reader sees is missing)."""
    right = total = wrong = 0
    for table in ("proactive", "requests", "appeals"):
        for row, values in want[table].items():
            for column, value in values.items():
                total += 1
                found = ((got.get(table) or {}).get(row) or {}).get(column, "<missing>")
                right += found == value
                wrong += isinstance(found, (int, float)) and found != value
    return right, total, wrong


def parse_in_child(path: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=6)
    args = parser.parse_args()
    specs = reportgen.benchmark_specs(args.count)
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as folder:
        out = Path(folder)
        printed = reportgen.write_reports([(name, spec, "pdf") for name, spec in specs], out / "printed")
        shapes: dict[str, list[tuple[Path, reportgen.ReportSpec, int]]] = {"scan": [], "table images": []}
        for name, spec in specs:
            scan = scans.scanned_pdf(spec, printed[name], out / f"{name}-scan.pdf")
            shapes["scan"].append((scan, spec, len(scans.page_images(printed[name], 20))))
            page = scans.table_image_page(spec, f"{name}-images", out)
            shapes["table images"].append((page, spec, len(list(out.glob(f"{name}-images-t*.png")))))
        for shape, cases in shapes.items():
            _report(shape, cases)


def _report(shape: str, cases: list[tuple[Path, reportgen.ReportSpec, int]]) -> None:
    right = total = wrong = pages = 0
    seconds = rss = 0.0
    for path, spec, page_count in cases:
        report = parse_in_child(path)
        got_right, got_total, got_wrong = cells_right(reportgen.expected(spec), report)
        right, total, wrong, pages = right + got_right, total + got_total, wrong + got_wrong, pages + page_count
        seconds += report["_seconds"]
        rss = max(rss, report["_rss_mb"])
    share = right / total
    print(f"{shape}: cells right {right}/{total} = {share:.2%} (target ≥ {TARGET_CELLS:.0%})"
          f"{'' if share >= TARGET_CELLS else ' UNDER TARGET'}, wrong numbers {wrong} (target 0); {seconds / pages:.2f} s per page or image"
          f" (target ≤ {TARGET_SECONDS} s); peak RSS {rss:.0f} MB (target < {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
