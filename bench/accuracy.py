"""Cells right, per format, on generated reports: `python tests/reportgen.py DIR --count N` first.

Every scored value (agency, year, template, published, each table cell, consistent) counts
as one cell; a file that fails to parse counts all its cells wrong.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from parsers import ParseError, parse_files


def leaves(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in leaves(item, f"{path}.{key}").items()}
    return {path: value}


def main(directory: Path) -> None:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(manifest)
    right, total, wrong_files = Counter(), Counter(), []
    for name, report in zip(files, parse_files([str(directory / f) for f in files])):
        form = Path(name).suffix.lstrip(".")
        expected = leaves(json.loads((directory / manifest[name]).read_text(encoding="utf-8")))
        got = {} if isinstance(report, ParseError) else leaves({k: report.to_json()[k] for k in ("agency", "year", "template",
               "published", "proactive", "requests", "appeals", "consistent")})
        hits = sum(got.get(key, "<missing>") == value for key, value in expected.items())
        right[form] += hits
        total[form] += len(expected)
        if hits < len(expected):
            wrong_files.append(name)
    for form in sorted(total):
        print(f"{form}: {right[form]}/{total[form]} cells right ({100 * right[form] / total[form]:.2f}%)")
    print("files with a wrong cell:", " ".join(wrong_files) or "none")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
