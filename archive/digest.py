"""What the archive writes of a report besides its tables, worked out once, where it was parsed.

A crawl parses in worker processes, and its one writer thread shares the crawl process (and its
GIL) with the downloads: the report's JSON, its content hash, its prose and its summary figures
are pure functions of the parse, so the worker computes them and the writer only writes them.
This module imports no SQLite code: parse workers load it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .siblings import Report
from .totals import totals
from .versions import SECTIONS, content_hash


@dataclass(frozen=True)
class Digest:
    """A report as report_versions and report_summary hold it."""
    parsed_json: str                 # report_versions.parsed
    content_hash: str                # report_versions.content_hash
    text: str                        # report_versions.text: the prose, section by section
    figures: tuple[Any, ...]         # report_summary: checks_failed, failed_rules, then totals.COLUMNS


def text(report: Report) -> str:
    """The report's prose, section by section."""
    sections = asdict(report.sections)
    return "\n\n".join(sections[name] for name in SECTIONS if sections[name])


def failed_rules(report: Report) -> list[str]:
    return [check.rule for check in report.failed_checks()]


def figures(report: Report) -> tuple[Any, ...]:
    failed = failed_rules(report)
    return (len(failed) if report.checks else None, "; ".join(failed) or None, *totals(report).values())


def digest_of(report: Report) -> Digest:
    return Digest(parsed_json=json.dumps(report.to_json(), ensure_ascii=False),
                  content_hash=content_hash(report), text=text(report), figures=figures(report))
