"""Per-site budgets: how far one crawl may go on one site, counted across all its columns.

A portal whose "2023年度" column links to "2024年度" and so on, or whose sub-columns each bring
their own pagination, would otherwise be crawled without end. A site over its budget is
`incomplete`: recorded in crawl_errors (`budget_pages`, `budget_depth`, `budget_time`) and
never used to mark anything gone.
"""

from __future__ import annotations

import time

from scrapy.settings import BaseSettings

from .items import SiteLedger

_SETTINGS = {"pages": ("NIANBAO_SITE_MAX_PAGES", 5000), "depth": ("NIANBAO_SITE_MAX_DEPTH", 8),
             "time": ("NIANBAO_SITE_MAX_SECONDS", 3600)}


def limit(kind: str, settings: BaseSettings) -> float:
    name, default = _SETTINGS[kind]
    return settings.getfloat(name, default)


def spent(ledger: SiteLedger, level: int, settings: BaseSettings) -> str | None:
    """The budget a request at column ``level`` would exceed, or None. ``level`` counts columns
    within columns from the portal's entry page; pagination stays on its column's level."""
    now = time.monotonic()
    if ledger.started is None:
        ledger.started = now
    if len(ledger.requested) >= limit("pages", settings):
        return "pages"
    if level > limit("depth", settings):
        return "depth"
    if now - ledger.started > limit("time", settings):
        return "time"
    return None


def message(kind: str, settings: BaseSettings) -> str:
    name, _ = _SETTINGS[kind]
    what = {"pages": "requests", "depth": "levels of columns", "time": "seconds"}[kind]
    return f"the site's budget of {limit(kind, settings):g} {what} is spent ({name}); the site is incomplete"
