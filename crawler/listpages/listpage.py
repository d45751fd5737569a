"""What a list page gives (its entries and the other pages of its column), and the interface
every platform's list-page reader implements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
    cms: str               # the platform that read it: "trs" | "hanweb" | "epoint" | "pager"
    links: list[Link]      # entries of this list page (articles, attachments, sub-columns), not navigation
    follows: list[Follow]  # the remaining list pages of this column


class Recognise(Protocol):
    def __call__(self, url: str, text: str) -> bool: ...


class Read(Protocol):
    def __call__(self, url: str, text: str, form: str | None = None) -> ListPage: ...


@dataclass(frozen=True)
class Platform:
    """A portal platform (CMS family) and its list-page reader: the interface each module of
    crawler.listpages implements and declares as its ``PLATFORM``.

    ``matches`` says whether a page is one of this platform's list pages; ``read`` reads it.
    ``form`` is the POST body the page was requested with (a Hanweb dataproxy answer needs it
    to ask for the next range); readers that post nothing ignore it.
    """
    cms: str           # the name the source registry's ``cms`` column uses
    name: str          # as people call it
    matches: Recognise
    read: Read
