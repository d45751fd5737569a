"""The report contract of design.md as a type: what ``parsers.parse`` returns, what the archive
files, and (through ``to_json``) what ``nianbao parse --json`` prints, key for key.

The three tables keep design.md's row and column keys as dictionary keys: which rows a report
has depends on its template (2019, 2021, pre-2019), so they are data, not attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA = 1

Figure = int | float | None
# Row key -> column key -> figure ("new" -> "natural_person" -> 3); an older archive may hold
# a bare figure for a row of a pre-2019 table.
Table = dict[str, Any]


def _fields(item: object) -> dict[str, Any]:
    return {name: getattr(item, name) for name in _names(type(item))}


def _names(kind: type) -> tuple[str, ...]:
    if kind not in _NAMES:
        _NAMES[kind] = tuple(item.name for item in fields(kind))
    return _NAMES[kind]


_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass
class Place:
    """Where a report comes from: best effort from its text (the archive prefers the registry's)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None


@dataclass
class Sections:
    """The prose of the six sections (一 to 六) without the tables; "" for a section not found."""

    overview: str = ""
    proactive: str = ""
    requests: str = ""
    appeals: str = ""
    problems: str = ""
    other: str = ""


@dataclass
class Check:
    """One consistency check (勾稽关系) with its numbers: ``requests.balance.total`` …"""

    rule: str
    ok: bool | None
    detail: str


@dataclass
class Report:
    schema: int = SCHEMA
    file: str = ""
    format: str | None = None
    title: str | None = None
    agency: str | None = None
    year: int | None = None          # the year reported on, not the year of publication
    template: str | None = None      # "2019" | "2021" | "pre2019" | None
    published: str | None = None     # YYYY-MM-DD
    region: Place = field(default_factory=Place)
    sections: Sections = field(default_factory=Sections)
    proactive: Table = field(default_factory=dict)
    requests: Table = field(default_factory=dict)
    appeals: Table = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    consistent: bool | None = None   # None when the tables were not found
    warnings: list[str] = field(default_factory=list)
    # Not part of the contract: the parser that made a stored version, when not this one.
    parser_version: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object: every key of design.md, in its order."""
        # What dataclasses.asdict makes, without its deep copies: a tenth of a crawl's parse worker.
        data = _fields(self)
        data["region"], data["sections"] = _fields(self.region), _fields(self.sections)
        for table in ("proactive", "requests", "appeals"):
            data[table] = {row: dict(cells) if isinstance(cells, dict) else cells
                           for row, cells in data[table].items()}
        data["checks"] = [_fields(check) for check in self.checks]
        data["warnings"] = list(self.warnings)
        if data["parser_version"] is None:
            del data["parser_version"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """A report from its JSON object (a stored version, a line of ``parse --json``)."""
        known = {item.name for item in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["region"] = _build(Place, data.get("region"))
        values["sections"] = _build(Sections, data.get("sections"))
        values["checks"] = [Check(check.get("rule", ""), check.get("ok"), check.get("detail", ""))
                            for check in data.get("checks") or []]
        return cls(**values)

    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if check.ok is False]


def _build(kind: type, data: dict[str, Any] | None) -> Any:
    known = {item.name for item in fields(kind)}
    return kind(**{key: value for key, value in (data or {}).items() if key in known and value is not None})
