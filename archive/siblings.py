"""Names from nianbao's parsers package, under the name this package was imported under.

In the source tree the packages sit at the top (crawler/, parsers/, archive/, as the design
card has them); an installed nianbao keeps them under ``_nianbao`` (pyproject.toml), so their
generic names never clash with another project's ``archive`` or ``parsers`` in the same
environment. ``from .siblings import ParseError`` works in both.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

PARENT = __name__.removesuffix("archive.siblings")  # "" or "_nianbao."
_SOURCES = ("parsers", "parsers.sniff", "parsers.regions")

if TYPE_CHECKING:
    from parsers import *  # noqa: F403
    from parsers.regions import place_level  # noqa: F401
    from parsers.sniff import detect_format  # noqa: F401


def sibling(name: str) -> ModuleType:
    """One of nianbao's packages or modules, by its name in the source tree ("parsers.sniff")."""
    return import_module(PARENT + name)


def find(name: str, sources: tuple[str, ...]) -> object:
    """``name`` from the first of the ``sources`` modules that has it."""
    for source in sources:
        module = sibling(source)
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"no {name} in {', '.join(sources)}")


def __getattr__(name: str) -> object:
    return find(name, _SOURCES)
