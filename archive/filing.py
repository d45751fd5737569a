"""A parse as the archive's writer files it: the few plain values of a report that its rows name,
worked out where it was parsed, and its digest (archive/digest.py).

A crawl's parse worker sends this back instead of the whole Report: a dataclass tree of every
cell and check costs the worker its pickling and the crawl process (one GIL) its unpickling,
and the writer reads the tree only when a version changes. Then it is rebuilt from the digest's
parsed JSON, which is what a stored version holds anyway.
This module imports no SQLite code: parse workers load it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .compression import inflate
from .digest import Digest, digest_of
from .identity import body_key, level, region_of
from .siblings import Report


@dataclass
class Filing:
    """One parse, as the reports, versions and report_sources rows need it."""
    body_key: str                  # reports.body_key: which body the report is of
    year: int | None
    values: dict[str, Any]         # the reports row's columns that come from the parse
    parser_version: str | None
    digest: Digest
    report: Report | None = None   # the whole report when at hand; else rebuilt from the digest

    @property
    def format(self) -> str | None:
        return self.values["format"]

    @property
    def consistent(self) -> int | None:
        return self.values["consistent"]

    def whole(self) -> Report:
        """The Report itself (a version changed: diffs and comparisons read every cell)."""
        if self.report is None:
            parsed = inflate(self.digest.parsed_z, self.digest.text_z)
            self.report = Report.from_json(json.loads(parsed))
        return self.report


def filing_of(report: Report, registry: dict | None, digest: Digest | None = None, *,
              keep: bool = True) -> Filing:
    """``registry``: the region the crawl knew the portal by, which beats the parsed one.
    ``keep``: whether the Filing holds the Report (not when it is sent to another process)."""
    region = region_of(registry, asdict(report.region))
    values = {"agency": report.agency, "level": level(report.agency, region),
              "template": report.template, "title": report.title,
              "published": report.published, "format": report.format,
              "consistent": _flag(report.consistent), **region}
    return Filing(body_key(report.agency, region), report.year, values, report.parser_version,
                  digest or digest_of(report), report if keep else None)


def _flag(value: object) -> int | None:
    return None if value is None else int(bool(value))
