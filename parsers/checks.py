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
    # Each side's numbers once: a report has some forty checks, each summed and printed.
    lnums, rnums = [_n(v) for v in left], [_n(v) for v in right]
    lsum, rsum = sum(lnums), sum(rnums)
    detail = f"{' + '.join(map(_fmt, lnums))} = {' + '.join(map(_fmt, rnums))}"
    if abs(lsum - rsum) > 1e-6:
        detail = detail.replace(" = ", " ≠ ") + f" ({_fmt(lsum)} ≠ {_fmt(rsum)})"
    return {"rule": rule, "ok": abs(lsum - rsum) <= 1e-6, "detail": detail}


def unknown_where_unread(checks: list[dict[str, object]], unread: set[str]) -> list[dict[str, object]]:
    """A check on a row that could not be read says neither yes nor no."""
    rows = {name.split(".", 1)[1] for name in unread if name.startswith("requests.")}
    rows |= {"appeals"} & unread
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


def request_checks(requests: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    if not requests:
        return []
    def rows(key: str) -> dict[str, object]:
        return requests.get(key, {})

    checks = []
    for column in REQUEST_COLUMNS:
        checks.append(_check(
            f"requests.balance.{column}",
            [rows("new").get(column), rows("carried_over").get(column)],
            [rows("total").get(column), rows("carried_forward").get(column)],
        ))
    results = [key for key in requests if key not in NOT_RESULTS]
    for column in REQUEST_COLUMNS:
        checks.append(_check(
            f"requests.results.{column}",
            [requests[key].get(column) for key in results],
            [rows("total").get(column)],
        ))
    for key, row in requests.items():
        checks.append(_check(f"requests.row_total.{key}", [row.get(c) for c in APPLICANT_COLUMNS], [row.get("total")]))
    return checks


def appeal_checks(appeals: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    return [
        _check(f"appeals.total.{group}", [row.get(c) for c in APPEAL_COLUMNS[:-1]], [row.get("total")])
        for group, row in appeals.items()
    ]
