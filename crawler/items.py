"""What the spiders yield besides documents (`archive.Fetched`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CrawlError:
    """A failure worth a `crawl_errors` row; `kind` is one word users can facet on."""

    url: str
    kind: str
    message: str
    site: str
    status: int | None = None


@dataclass
class SiteLedger:
    """What one crawl saw of one site, for `crawl_sites` and for marking documents gone."""

    site: str
    source_id: int | None = None
    pages: int = 0
    list_errors: int = 0
    blocked: bool = False
    challenged: bool = False          # sent to the browser for a JavaScript cookie challenge
    found_column: bool = False
    documents: set[str] = field(default_factory=set)
    requested: set[str] = field(default_factory=set)  # URLs asked of the site, across its columns
    started: float | None = None      # time.monotonic() of its first request
    over_budget: set[str] = field(default_factory=set)  # budgets it ran out of: "pages", "depth", "time"
    pending: int = 0                  # requests asked and not yet answered (or failed, or dropped)

    @property
    def done(self) -> bool:
        """Whether nothing more will be fetched of the site (for the crawl's progress line)."""
        return self.pending == 0

    @property
    def complete(self) -> bool:
        """Whether every list page was fetched and read, so a document not seen is really gone."""
        return self.found_column and not self.blocked and self.list_errors == 0 and not self.over_budget
