"""The bundled sample portal: a small fake county portal (浑江区人民政府, 220602) on 127.0.0.1.

``site/state1`` and ``site/state2`` are two visits to the same portal; ``site/state2`` is an
overlay of ``state1`` (only the files that differ or are new; its ``_portal.json`` names the base and
the withdrawn paths). ``site/manifest.json`` lists, per state, every report a correct crawler must
find (each file's ``path`` relative to ``site/``) and the URLs that are not reports.
The files are written by ``tests/sampleportal_build.py``; ``server.serve`` serves them.
"""

from __future__ import annotations

from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
MANIFEST = SITE / "manifest.json"
STATES = ("state1", "state2")


def load_manifest() -> dict:
    """The manifest of both states (see the builder's docstring for its format)."""
    import json

    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def __getattr__(name: str):  # serve, SamplePortal without importing http.server at package import
    if name in ("serve", "SamplePortal"):
        from . import server

        return getattr(server, name)
    raise AttributeError(name)


__all__ = ["SITE", "MANIFEST", "STATES", "load_manifest", "serve", "SamplePortal"]
