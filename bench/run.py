"""Every benchmark, one after the other: `make bench`."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(*args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=HERE, check=True)


def main() -> None:
    run("html_bench.py")
    run("pdf_bench.py")
    run("docx_bench.py")
    run("office_bench.py")
    with tempfile.TemporaryDirectory() as directory:
        run(str(HERE.parent / "tests" / "reportgen.py"), directory, "--count", "20")
        run("accuracy.py", directory)
    run("shapes_bench.py")
    run("ocr_bench.py")
    run("memory_bench.py")
    run("hostile_bench.py")
    run("crawl_bench.py")
    # Builds the synthetic 100,000-report archive first if /tmp/nianbao-bench has none
    # (about 15 minutes and 10.5 GB), then reuses it.
    run("publish_bench.py")


if __name__ == "__main__":
    main()
