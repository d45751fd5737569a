"""The platform registry: which portal platforms (CMS families) nianbao reads list pages of,
and how each is recognised and read.

Each platform module declares a ``PLATFORM`` (crawler.listpages.listpage.Platform): its name,
``matches(url, text)`` and ``read(url, text, form)``, pure functions over a page's URL and text.
A page is read by the platform the source registry names for its portal when that platform
recognises the page, else by the first platform that does; the generic pager reads the rest.
"""
from __future__ import annotations

from . import epoint, hanweb, pager, trs
from .listpage import Follow, Link, ListPage, Platform

# In the order they are tried: the most distinctive page markers first.
PLATFORMS: tuple[Platform, ...] = (trs.PLATFORM, hanweb.PLATFORM, epoint.PLATFORM)
GENERIC: Platform = pager.PLATFORM
_BY_CMS = {platform.cms: platform for platform in (*PLATFORMS, GENERIC)}


def platform(cms: str | None) -> Platform | None:
    """The platform the source registry's ``cms`` names; None for an unknown or empty name."""
    return _BY_CMS.get((cms or "").strip().lower())


def detect(url: str, text: str, prefer: str | None = None) -> Platform:
    """The platform whose list page this is: ``prefer`` (the registry's word) when it
    recognises the page, else the first that does, else the generic pager."""
    known = platform(prefer)
    candidates = ([known] if known else []) + [p for p in PLATFORMS if p is not known]
    return next((p for p in candidates if p.matches(url, text)), GENERIC)


def read_list_page(url: str, text: str, form: str | None = None, prefer: str | None = None) -> ListPage:
    """A list page read by its platform's reader (see ``detect``)."""
    return detect(url, text, prefer).read(url, text, form)


__all__ = ["GENERIC", "PLATFORMS", "Follow", "Link", "ListPage", "Platform", "detect", "platform",
           "read_list_page"]
