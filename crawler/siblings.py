"""Names from nianbao's archive and parsers packages, under the name this package was imported
under: top-level in the source tree, under ``_nianbao`` when installed (archive/siblings.py)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

PARENT = __name__.removesuffix("crawler.siblings")  # "" or "_nianbao."
_SOURCES = ("archive", "parsers", "parsers.html", "parsers.regions")

if TYPE_CHECKING:
    from archive import *  # noqa: F403
    from parsers import *  # noqa: F403
    from parsers.html import page_encoding  # noqa: F401
    from parsers.regions import (Region, RegionError, find_region, level_of, locate,  # noqa: F401
                                 region_for_code, resolve_region)


_archive_siblings = import_module(f"{PARENT}archive.siblings")
sibling = _archive_siblings.sibling


def __getattr__(name: str) -> object:
    return _archive_siblings.find(name, _SOURCES)
