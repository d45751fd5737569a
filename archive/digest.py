"""What the archive writes of a report besides its tables, worked out once, where it was parsed.

A crawl parses in worker processes, and its one writer thread shares the crawl process (and its
GIL) with the downloads: the report's JSON and prose (compressed), its content hash, its cells,
checks and summary figures are pure functions of the parse, so the worker computes them and the
writer only writes them.
This module imports no SQLite code: parse workers load it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .compression import deflate
from .facts import Rows, cells, check_results
from .jsontext import report_json
from .search import document
from .siblings import Report
from .totals import totals
from .versions import SECTIONS, content_hash


@dataclass(frozen=True)
class Digest:
    """A report as versions, its cells and checks, and report_summary hold it."""
    content_hash: str                # versions.content_hash
    text: str                        # report_versions.text: the prose, section by section
    text_z: bytes                    # versions.text_z: the text compressed
    parsed_z: bytes                  # versions.parsed_z: the parsed JSON compressed (archive/compression.py)
    cells: dict[str, Rows]           # each cell table's (key, value) rows
    checks: Rows                     # check_results: (rule, ok, detail)
    figures: tuple[Any, ...]         # report_summary: checks_failed, failed_rules, then totals.COLUMNS
    terms: tuple[str, str, str]      # reports_fts: title, agency and text as the index's terms


def text(report: Report) -> str:
    """The report's prose, section by section."""
    sections = [getattr(report.sections, name) for name in SECTIONS]
    return "\n\n".join(section for section in sections if section)


def failed_rules(report: Report) -> list[str]:
    return [check.rule for check in report.failed_checks()]


def figures(report: Report) -> tuple[Any, ...]:
    failed = failed_rules(report)
    return (len(failed) if report.checks else None, "; ".join(failed) or None, *totals(report).values())


def digest_of(report: Report, parsed_json: str | None = None) -> Digest:
    """``parsed_json``: the report's JSON as another archive stored it, kept as it is; else
    compact JSON text (read back with json.loads, never compared as text)."""
    prose = text(report)
    parsed_json = parsed_json or report_json(report)
    return Digest(content_hash=content_hash(report), text=prose, text_z=deflate(prose),
                  parsed_z=deflate(parsed_json, prose), cells=cells(report),
                  checks=check_results(report), figures=figures(report),
                  terms=document(report.title, report.agency, prose))
