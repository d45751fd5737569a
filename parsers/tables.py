"""The official tables read from a document's stream of labels and values.

The stream (tokens.py) is the same whatever carried the table: grid cells, one cell per line,
or cells run together. Each run of label text is matched against the rows the format expects
next (grammar.py); the values up to the next label belong to that row, and readings.py fits
them to the row's width. Rows that text left ambiguous are settled by the table's identities
or left null with a warning naming them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import grammar as G
from . import labels as L
from .document import Block
from .numbers import parse_value
from .quotes import agreeing
from .readings import Reading, Values, agreed, read_row, solve
from .tokens import Token, stream

REQUEST_WIDTH = len(L.REQUEST_COLUMNS)
APPEAL_WIDTH = len(L.APPEAL_GROUPS) * len(L.APPEAL_COLUMNS)
_RESULTS = frozenset(row.key for row in G.REQUEST_ROWS) - {"new", "carried_over", "total", "carried_forward"}


@dataclass
class TableValues:
    """What the tables held: cells by key, the layout each table used, and what looked odd.

    ``unread`` names the rows whose printed values could not be told apart (left null), so
    that checks on them say "unknown" rather than "wrong".
    """

    proactive: dict[str, dict[str, object]] = field(default_factory=dict)
    requests: dict[str, list[object]] = field(default_factory=dict)
    appeals: list[object] | None = None
    proactive_template: str | None = None
    warnings: list[str] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)
    doubts: dict[str, Callable[[], list[Values]]] = field(default_factory=dict)


@dataclass
class _Row:
    table: str
    key: str
    tokens: list[Token] = field(default_factory=list)
    metrics: tuple[str, ...] = ()
    pieces: int = 0  # runs of values, split by label fragments printed between them

    def add(self, values: list[Token]) -> None:
        self.tokens += values
        self.pieces += bool(values)

    @property
    def in_order(self) -> bool:
        return self.pieces <= 1 or all(t.source == "cell" for t in self.tokens)


def read_tables(blocks: list[Block]) -> TableValues:
    found = TableValues()
    pending: dict[str, list[Values]] = {}
    prose = "".join(block for block in blocks if isinstance(block, str))
    for row in _unstacked(list(_rows(stream(blocks)))):
        if row.tokens or row.table != "appeals":
            _store(row, found, pending, prose)
    _settle_requests(found, pending)
    return found


def _runs(tokens: list[Token]) -> Iterator[tuple[str, list[Token]]]:
    """(label run, the values after it) pairs in document order."""
    label: list[str] = []
    values: list[Token] = []
    for token in tokens:
        if token.is_value:
            values.append(token)
            continue
        if values or token.source == "break":
            yield G.normalize("".join(label)), values
            label, values = [], []
        label.append(token.text)
    if label or values:
        yield G.normalize("".join(label)), values


class _Walker:
    """Which table and row the stream is in, as label runs go by."""

    def __init__(self) -> None:
        self.table: str | None = None
        self.position = -1
        self.header = ""
        self.metrics: tuple[str, ...] = ()
        self.current: _Row | None = None

    def feed(self, run: str, values: list[Token]) -> _Row | None:
        """The row a run closes, if it does; its values go to the row it opens or continues."""
        prose = G.is_prose(run)
        if prose:
            self.table, self.header = None, ""
            run = G.after_prose(run)
        if self.current and not prose and (not run or self._continues(run)):
            if all(t.blank for t in self.current.tokens):
                self.current.tokens, self.current.pieces = [], 0  # blank padding after a header row
            self.current.add(values)
            return None
        closed, self.current = self.current, self._open_with_placeholder(run)
        if self.current:
            self.current.add(values)
        return closed

    def _open_with_placeholder(self, run: str) -> _Row | None:
        """A row whose first value is 无 run into its label (行政事业性收费无0) opens with it."""
        if run.endswith("无") and len(run) > 1:
            row = self._open(run[:-1])
            if row is not None:
                row.tokens.append(Token("无", True, "run"))
                return row
        return self._open(run)

    def _continues(self, run: str) -> bool:
        if self.current.table == "appeals":
            return G.is_appeal_fragment(run)
        spanning = self.current.table == "requests" and G.is_spanning_fragment(run)
        return spanning and G.request_row(run, self.position) is None

    def _open(self, run: str) -> _Row | None:
        if not run:
            return None
        if G.is_appeal_header(run):
            self.table = "appeals"
            return _Row("appeals", "appeals")
        if self.table == "proactive" and G.proactive_item(run):
            return self._proactive(run)
        if "申请人" in run and "自然人" in run:
            self.table, self.position = "requests", -1
        index = G.request_row(run, self.position)
        # Table 三 opens with its header or first row: before it, 收费 or 部分公开 are words, not rows.
        if index is not None and (self.table == "requests" or G.REQUEST_ROWS[index].key == "new"):
            self.table, self.position = "requests", index
            return _Row("requests", G.REQUEST_ROWS[index].key)
        return self._proactive(run)

    def _proactive(self, run: str) -> _Row | None:
        if G.is_proactive_header(run):
            self.table = "proactive"
        if self.table != "proactive":
            return None
        self.header += run
        item = G.proactive_item(run)
        if item is None:
            return None
        self.metrics = G.metrics(self.header) or _same_subtable(item, self.current, self.metrics)
        self.header = ""
        return _Row("proactive", item, metrics=self.metrics)


def _same_subtable(item: str, previous: _Row | None, metrics: tuple[str, ...]) -> tuple[str, ...]:
    """A row without its own header takes the header above it when it shares its sub-table."""
    for subtable in G.SUBTABLES:
        if item in subtable and previous is not None and previous.key in subtable:
            return metrics
    return ()


def _rows(tokens: list[Token]) -> Iterator[_Row]:
    walker = _Walker()
    for run, values in _runs(tokens):
        closed = walker.feed(run, values)
        if closed:
            yield closed
    if walker.current:
        yield walker.current


def _unstacked(rows: list[_Row]) -> Iterator[_Row]:
    """Rows of table 三 whose labels a text dump printed elsewhere leave their values stacked
    under the row before: whole rows that each add up are given to the rows expected next."""
    for index, row in enumerate(rows):
        missing = _missing_after(row, rows, index + 1) if row.table == "requests" else []
        chunks = [row.tokens[i:i + REQUEST_WIDTH] for i in range(0, len(row.tokens), REQUEST_WIDTH)] if missing else []
        if missing and len(chunks) == len(missing) + 1 and all(_stacked_row(chunk) for chunk in chunks):
            for key, chunk in zip([row.key, *missing], chunks):
                yield _Row("requests", key, chunk, pieces=1)
        else:
            yield row


def _missing_after(row: _Row, rows: list[_Row], start: int) -> list[str]:
    """The keys of table 三 between a row and the next row found (from ``rows[start]`` on), in
    printed order. Only a row holding two rows' values or more can have any."""
    if len(row.tokens) < 2 * REQUEST_WIDTH:
        return []
    nxt = next((r for r in itertools.islice(rows, start, None) if r.table == "requests"), None)
    if nxt is None:
        return []
    start, end = G.REQUEST_INDEX[row.key], G.REQUEST_INDEX[nxt.key]
    keys = [r.key for r in G.REQUEST_ROWS[start + 1:end]]
    extra = len(row.tokens) // REQUEST_WIDTH - 1
    if "other" in keys and len(keys) - 1 == extra:  # the 2021 format's three rows, not 2019's one
        keys.remove("other")
    elif "other" in keys and len(keys) > extra:  # the 2019 format's one row
        keys = [k for k in keys if not k.startswith("other.")]
    return keys if len(keys) == extra else []


def _stacked_row(chunk: list[Token]) -> bool:
    values = [None if t.blank else parse_value(t.text)[0] for t in chunk]
    return all(t.source != "cell" for t in chunk) and None not in values and _row_total_holds(tuple(values))


def _store(row: _Row, found: TableValues, pending: dict[str, list[Values]], prose: str) -> None:
    if row.table == "requests":
        reading = read_row(row.tokens, REQUEST_WIDTH, _row_total_holds, in_order=row.in_order)
        _keep_request(row.key, reading, found, pending)
    elif row.table == "appeals":
        reading = read_row(row.tokens, APPEAL_WIDTH, _appeal_totals_hold, in_order=row.in_order)
        _keep_appeals(reading, row.tokens, found)
    elif row.metrics:
        _keep_proactive(row, found, prose)
    else:
        _warn(found, f"proactive.{row.key}: no header row names its columns; row skipped")


def _row_total_holds(values: Values) -> bool:
    return _sum(values[:-1]) == _n(values[-1])


def _appeal_totals_hold(values: Values) -> bool:
    width = len(L.APPEAL_COLUMNS)
    return all(_row_total_holds(values[i:i + width]) for i in range(0, len(values), width))


def _n(value: object) -> float:
    return value if isinstance(value, (int, float)) else 0


def _sum(values: Values) -> float:
    return round(sum(_n(v) for v in values), 6)


def _printed(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _keep_request(key: str, reading: Reading, found: TableValues, pending: dict[str, list[Values]]) -> None:
    for warning in reading.warnings:
        _warn(found, f"requests.{key}: {warning}")
    if reading.values is None:
        if reading.choices and (key not in found.requests or f"requests.{key}" in found.unread):
            pending[key] = reading.choices
        found.requests.setdefault(key, [None] * REQUEST_WIDTH)
        found.unread.add(f"requests.{key}")
        return
    previous = found.requests.get(key)
    if previous is None or f"requests.{key}" in found.unread:
        found.requests[key] = list(reading.values)
        if reading.doubts:
            found.doubts[key] = reading.doubts
        found.unread.discard(f"requests.{key}")
    else:
        # A row repeated after a page break: fill the gaps, never overwrite.
        found.requests[key] = [old if old is not None else new for old, new in zip(previous, reading.values)]


def _keep_appeals(reading: Reading, tokens: list[Token], found: TableValues) -> None:
    read = sum(v is not None for v in reading.values or ())
    if found.appeals is not None and "appeals" not in found.unread and read <= _count(found.appeals):
        return
    if reading.values is None:
        found.appeals = list(_partly(reading, APPEAL_WIDTH))
        found.unread.add("appeals")
        _warn(found, f"appeals: the values {_printed(tokens)!r} can be read several ways or none; left null")
        return
    found.unread.discard("appeals")
    found.appeals = list(reading.values)
    for warning in reading.warnings:
        _warn(found, f"appeals: {warning}")


def _count(values: list[object]) -> int:
    return sum(v is not None for v in values)


def _keep_proactive(row: _Row, found: TableValues, prose: str) -> None:
    key = f"proactive.{row.key}"
    for metric in row.metrics:
        _note_template(metric, found)
    if row.key in found.proactive and key not in found.unread:
        return
    reading = read_row(row.tokens, len(row.metrics), _signs_hold(row.metrics), joins=False)
    if reading.choices:
        reading.choices = agreeing(reading.choices, row.metrics, prose, row.key)
        reading.values = reading.choices[0] if len(reading.choices) == 1 else None
    if reading.values is None:
        found.unread.add(key)
        found.proactive[row.key] = dict(zip(row.metrics, _partly(reading, len(row.metrics))))
        _warn(found, f"{key}: the values {_printed(row.tokens)!r} can be read several ways; cells they disagree on left null")
        return
    found.unread.discard(key)
    found.proactive[row.key] = dict(zip(row.metrics, reading.values))


def _signs_hold(metrics: tuple[str, ...]):
    """Only 本年增/减 can be negative: 2648-18538 starts its second cell at the sign."""
    def holds(values: Values) -> bool:
        return all(_n(v) >= 0 or metric == "change" for metric, v in zip(metrics, values))
    return holds


def _partly(reading: Reading, width: int) -> Values:
    return agreed(reading.choices) if reading.choices else (None,) * width


def _settle_requests(found: TableValues, pending: dict[str, list[Values]]) -> None:
    """Rows with several readings: keep the one every reading of the table that adds up agrees on.

    Rows read as collapsed neighbours stand unless the table then fails to add up while another
    reading of them (empty cells lost) would make it hold."""
    current = {key: tuple(values) for key, values in found.requests.items()}
    if found.doubts and not pending and not _table_holds(current):
        pending = {key: readings for key, doubts in found.doubts.items() if (readings := doubts())}
    if not pending:
        return
    known = {key: tuple(values) for key, values in found.requests.items() if key not in pending}
    settled = solve(pending, lambda picked: _table_holds({**known, **picked}))
    for key in pending:
        if key in settled:
            found.requests[key] = list(settled[key])
            found.unread.discard(f"requests.{key}")
        else:
            found.requests[key] = list(agreed(pending[key]))
            _warn(found, f"requests.{key}: cells run together can be split several ways that add up; left null")


def _table_holds(rows: dict[str, Values]) -> bool:
    empty = (None,) * REQUEST_WIDTH
    get = rows.get
    for column in range(REQUEST_WIDTH):
        new, old = _n(get("new", empty)[column]), _n(get("carried_over", empty)[column])
        total, forward = _n(get("total", empty)[column]), _n(get("carried_forward", empty)[column])
        results = _sum(tuple(values[column] for key, values in rows.items() if key in _RESULTS))
        if round(new + old - total - forward, 6) or round(results - total, 6):
            return False
    return True


def _note_template(metric: str, found: TableValues) -> None:
    if metric in L.METRICS_2019 and found.proactive_template is None:
        found.proactive_template = "2019"
    elif metric in L.METRICS_2021:
        found.proactive_template = "2021"


def _warn(found: TableValues, message: str) -> None:
    if message not in found.warnings:
        found.warnings.append(message)
