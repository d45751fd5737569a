"""The printed identities of the tables (勾稽关系), each a check with its numbers shown."""

from __future__ import annotations

from .labels import APPEAL_COLUMNS, REQUEST_COLUMNS

APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]
NOT_RESULTS = frozenset({"new", "carried_over", "total", "carried_forward"})


def _n(value: object) -> float:
    return value if isinstance(value, (int, float)) else 0


def _fmt(value: float) -> str:
    if value.__class__ is int:  # nearly every cell: no float round trip (a bool is not this class)
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _check(rule: str, left: list[object], right: list[object]) -> dict[str, object]:
    lnums, rnums = [_n(v) for v in left], [_n(v) for v in right]
    return _shown_check(rule, lnums, list(map(_fmt, lnums)), rnums, list(map(_fmt, rnums)))


def _shown_check(rule: str, lnums: list[float], ltexts: list[str], rnums: list[float],
                 rtexts: list[str]) -> dict[str, object]:
    """The check of two sides given as numbers and those numbers as printed."""
    lsum, rsum = sum(lnums), sum(rnums)
    detail = f"{' + '.join(ltexts)} = {' + '.join(rtexts)}"
    if abs(lsum - rsum) > 1e-6:
        detail = detail.replace(" = ", " ≠ ") + f" ({_fmt(lsum)} ≠ {_fmt(rsum)})"
    return {"rule": rule, "ok": abs(lsum - rsum) <= 1e-6, "detail": detail}


def unknown_where_unread(checks: list[dict[str, object]], unread: set[str]) -> list[dict[str, object]]:
    """A check on a row that could not be read says neither yes nor no."""
    rows = {name.split(".", 1)[1] for name in unread if name.startswith("requests.")}
    rows |= {"appeals"} & unread
    if not rows:  # every row was read, as in most reports: no check is touched
        return checks
    balance = {"new", "carried_over", "total", "carried_forward"}
    for check in checks:
        table, kind, subject = str(check["rule"]).split(".", 2)
        involved = {"balance": balance, "results": rows - balance | {"total"}, "row_total": {subject}}.get(kind, set())
        if table == "appeals" and "appeals" in rows or table == "requests" and involved & rows:
            check["ok"] = None
            check["detail"] = f"{check['detail']} (cells not read)"
    return checks


def verdict(checks: list[dict[str, object]]) -> bool | None:
    """False when printed numbers disagree, None when nothing or not everything could be checked."""
    if any(c["ok"] is False for c in checks):
        return False
    return True if checks and all(c["ok"] for c in checks) else None


_NO_ROW = ([0] * len(REQUEST_COLUMNS), ["0"] * len(REQUEST_COLUMNS))


def request_checks(requests: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    if not requests:
        return []
    # Each cell's number and its printed form once: every cell takes part in two or three checks.
    rows = {key: _row_numbers(row) for key, row in requests.items()}

    def side(keys: list[str] | tuple[str, ...], index: int) -> tuple[list[float], list[str]]:
        found = [rows.get(key, _NO_ROW) for key in keys]
        return [nums[index] for nums, _ in found], [texts[index] for _, texts in found]

    checks = []
    for index, column in enumerate(REQUEST_COLUMNS):
        checks.append(_shown_check(f"requests.balance.{column}", *side(("new", "carried_over"), index),
                                   *side(("total", "carried_forward"), index)))
    results = [key for key in requests if key not in NOT_RESULTS]
    for index, column in enumerate(REQUEST_COLUMNS):
        checks.append(_shown_check(f"requests.results.{column}", *side(results, index), *side(("total",), index)))
    for key, (nums, texts) in rows.items():  # the applicant columns against the total column
        checks.append(_shown_check(f"requests.row_total.{key}", nums[:-1], texts[:-1], nums[-1:], texts[-1:]))
    return checks


def _row_numbers(row: dict[str, object]) -> tuple[list[float], list[str]]:
    # Nearly every cell is an int: no call for it (a bool is not of this class).
    nums = [value if value.__class__ is int else _n(value) for value in map(row.get, REQUEST_COLUMNS)]
    return nums, [str(value) if value.__class__ is int else _fmt(value) for value in nums]


def appeal_checks(appeals: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    return [
        _check(f"appeals.total.{group}", [row.get(c) for c in APPEAL_COLUMNS[:-1]], [row.get("total")])
        for group, row in appeals.items()
    ]
