"""List-page adapters for the portal CMS families: pure functions over (url, html text).

Each adapter module has ``matches(url, text) -> bool`` and ``read(url, text) -> ListPage``.
``read_list_page`` picks the first that matches; ``pager`` is the generic fallback.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    url: str                  # absolute
    title: str                # link text, whitespace-collapsed (or the title attribute when longer)
    date: str | None = None   # "YYYY-MM-DD" when the list shows one


@dataclass(frozen=True)
class Follow:
    """Another list page of the same column, to fetch."""
    url: str
    method: str = "GET"
    body: str | None = None                       # form-encoded body for POST
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class ListPage:
    cms: str               # "trs" | "hanweb" | "epoint" | "pager"
    links: list[Link]      # entries of this list page (articles, attachments, sub-columns), not navigation
    follows: list[Follow]  # the remaining list pages of this column


# The adapters import the classes above, so they are imported after them.
from . import epoint, hanweb, pager, trs  # noqa: E402

ADAPTERS: tuple = (trs, hanweb, epoint, pager)


def read_list_page(url: str, text: str, form: str | None = None, prefer: str | None = None) -> ListPage:
    """Read a list page with the first adapter that recognises it.

    ``form`` is the POST body a Hanweb dataproxy answer was requested with (the spider has it
    in the Follow it fetched); the other adapters ignore it. ``prefer`` names the adapter to
    try first, when the portal's platform is known.
    """
    for adapter in sorted(ADAPTERS, key=lambda adapter: adapter.CMS != prefer):
        if adapter.matches(url, text):
            if adapter is hanweb:
                return hanweb.read(url, text, form)
            return adapter.read(url, text)
    return pager.read(url, text)


__all__ = ["ADAPTERS", "Follow", "Link", "ListPage", "read_list_page"]
