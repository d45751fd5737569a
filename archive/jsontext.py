"""JSON text of what the archive stores and hashes, made by orjson (a tenth of json.dumps' time in
the parse workers), with the json module's text wherever the two would differ.

orjson writes compact text, as UTF-8, and prints every float as Python does except the small
ones (1e-05 is "0.00001") and the non-finite (NaN is null); it refuses integers wider than 64
bits. A content hash must not change with the library that printed it, nor a stored figure
with the library that stored it, so such values go to json.dumps as before.
This module imports no SQLite code: parse workers load it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import fields
from itertools import chain
from typing import Any

import orjson

from .siblings import Report

# The trailing key orjson writes for a report made by this parser; to_json() leaves it out.
_NO_PARSER_VERSION = b',"parser_version":null}'
# orjson writes every attribute a report holds; to_json() its fields.
_REPORT_FIELDS = frozenset(field.name for field in fields(Report))
# Values every JSON library prints alike.
_PLAIN = frozenset({int, str, bool, type(None)})


def tables_print_alike(tables: Iterable[dict]) -> bool:
    """Whether orjson prints every figure of the tables (row -> column -> figure) as json does."""
    tables = list(tables)
    try:  # a report's figures are ints and None: a look at their types, without a Python loop
        figures = chain.from_iterable(map(dict.values, chain.from_iterable(map(dict.values, tables))))
        if _PLAIN.issuperset(map(type, figures)):
            return True
    except TypeError:
        pass  # a bare figure in place of a row (pre-2019 tables)
    return prints_alike(tables)


def prints_alike(value: Any) -> bool:
    """Whether orjson prints every float in ``value`` (dicts and lists of them) as json does."""
    kind = type(value)
    if kind is float:
        return value == 0.0 or 1e-4 <= abs(value) < math.inf
    if kind is dict:
        return all(map(prints_alike, value.values()))
    if kind is list or kind is tuple:
        return all(map(prints_alike, value))
    return True


def compact(value: Any) -> str:
    """``value`` as compact JSON text (no spaces), non-ASCII as it is. A small float may print
    otherwise than json prints it (1e-05 as 0.00001), never as another number; NaN and the
    infinities, which JSON has not, print as null."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # an integer wider than 64 bits
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def canonical(value: dict[str, Any], tables: Iterable[dict]) -> bytes:
    """The UTF-8 of json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
    byte for byte: what content hashes are taken of. ``tables``: those of value's dicts that hold
    figures (row -> column -> figure); its other values are text, or dicts of text."""
    scalars = [item for item in value.values() if type(item) is not dict]
    if prints_alike(scalars) and tables_print_alike(tables):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # an integer wider than 64 bits
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def report_json(report: Report) -> str:
    """The JSON object of ``report.to_json()`` as compact text. orjson walks the dataclasses
    itself, in their fields' order, without the dictionaries to_json() builds first."""
    tables = (report.proactive, report.requests, report.appeals)
    if report.__dict__.keys() == _REPORT_FIELDS and tables_print_alike(tables):
        try:
            text = orjson.dumps(report)
        except orjson.JSONEncodeError:
            pass  # an integer wider than 64 bits
        else:
            if text.endswith(_NO_PARSER_VERSION):
                text = text[:-len(_NO_PARSER_VERSION)] + b"}"
            return text.decode()
    return json.dumps(report.to_json(), ensure_ascii=False)
