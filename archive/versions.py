"""When two parses are the same report content, and what changed between two versions."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from .jsontext import canonical
from .siblings import Report

TABLES = ("proactive", "requests", "appeals")
SECTIONS = ("overview", "proactive", "requests", "appeals", "problems", "other")
# Metadata a reader notices; the file name and format are properties of the source, not the content.
_META = ("title", "agency", "published", "template", "year", "consistent")


def _squeeze(text: str | None) -> str:
    # Extractors differ in line breaks and padding, never in the words themselves. str.split
    # and the regular expression \s+ take the same characters for white space.
    return "".join((text or "").split())


def content(report: Report) -> dict:
    """The part of a report that makes it this report: tables, template, year, prose."""
    sections = report.sections
    return {
        "year": report.year,
        "template": report.template,
        **tables_of(report),
        "sections": {name: _squeeze(getattr(sections, name)) for name in SECTIONS},
    }


def content_hash(report: Report) -> str:
    return hashlib.sha256(canonical(content(report), tables_of(report).values())).hexdigest()


def tables_of(report: Report) -> dict:
    return {table: getattr(report, table) or {} for table in TABLES}


def has_tables(report: Report) -> bool:
    return any(getattr(report, table) for table in TABLES)


def same_report_elsewhere(candidate: Report, current: Report) -> bool:
    """True when ``candidate`` (another source) adds nothing to the current version's figures:
    the same tables, or no tables where the current version has them (an HTML page whose
    PDF attachment carries the tables)."""
    if tables_of(candidate) == tables_of(current):
        return True
    return not has_tables(candidate) and has_tables(current)


def diff(old: Report, new: Report) -> list[dict]:
    """Cells and metadata that differ, old → new, in table order."""
    changes = [{"field": key, "from": getattr(old, key), "to": getattr(new, key)}
               for key in _META if getattr(old, key) != getattr(new, key)]
    old_tables, new_tables = tables_of(old), tables_of(new)
    for table in TABLES:
        changes += _table_diff(table, old_tables[table], new_tables[table])
    changes += _sections_diff(asdict(old.sections), asdict(new.sections))
    return changes


def _table_diff(table: str, old: dict, new: dict) -> list[dict]:
    changes = []
    for row in _ordered_union(old, new):
        old_row, new_row = _as_row(old.get(row)), _as_row(new.get(row))
        for column in _ordered_union(old_row, new_row):
            before, after = old_row.get(column), new_row.get(column)
            if before != after:
                changes.append({"table": table, "row": row, "column": column,
                                "from": before, "to": after})
    return changes


def _as_row(value: object) -> dict:
    # Pre-2019 figures may be a bare value rather than a row of columns.
    return value if isinstance(value, dict) else ({} if value is None else {"": value})


def _sections_diff(old: dict, new: dict) -> list[dict]:
    return [{"section": name, "changed": True} for name in SECTIONS
            if _squeeze(old.get(name)) != _squeeze(new.get(name))]


def _ordered_union(first: dict, second: dict) -> list[str]:
    return list(first) + [key for key in second if key not in first]
