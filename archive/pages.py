"""nianbao's own pages in Datasette: a report as printed and its original document.

Each handler answers only for the nianbao archive (the database named ``archive``); another
Datasette that happens to load the plugin answers 404.
"""

from __future__ import annotations

import asyncio
import posixpath
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from datasette.utils.asgi import NotFound, Request, Response
from jinja2 import Template
from markupsafe import Markup

from . import countymap, reportpage, shapes
from .raw import RawStore, raw_path
from .schema import DATABASE

if TYPE_CHECKING:  # the plugin is loaded while datasette.app is still being imported
    from datasette.app import Datasette

TEMPLATES = Path(__file__).parent / "templates"
REPORT_URL = "/-/report/{}"
MAP_URL = "/-/map"


@lru_cache(maxsize=None)
def _template_source(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def template(datasette: Datasette, name: str) -> Template:
    """Our template in Datasette's own environment, so it extends Datasette's base.html
    whether or not Datasette was started with our template directory."""
    return _compiled(datasette.jinja_env, name)


@lru_cache(maxsize=16)
def _compiled(environment, name: str) -> Template:
    return environment.from_string(_template_source(name))


def archive(datasette: Datasette):
    try:
        return datasette.get_database(DATABASE)
    except KeyError:
        raise NotFound("no nianbao archive here") from None


def _number(request: Request, name: str) -> int | None:
    value = request.args.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise NotFound(f"{name} must be a number")
    return int(value)


async def report(datasette: Datasette, request: Request) -> Response:
    report_id, version = int(request.url_vars["id"]), _number(request, "version")
    database = archive(datasette)
    found = await database.execute_fn(lambda conn: reportpage.gather(conn, report_id, version))
    if found is None:
        raise NotFound(f"no report {report_id}" + (f" version {version}" if version else ""))
    page_url = REPORT_URL.format(report_id)
    number = found["version"]["version"]
    # A published copy holds no raw bytes (archive/share.py): the page says so instead of a link.
    _, body = await _original(database, report_id, number)
    context = found | {"database": DATABASE, "page_url": page_url,
                       "original_url": f"{page_url}/original?version={number}" if body is not None else None}
    return Response.html(await datasette.render_template(template(datasette, "report.html"), context, request=request))


_CAPTURE = ("SELECT c.url, c.filename, c.content_type, c.sha256 FROM reports r "
            "JOIN report_versions v ON v.report_id = r.id AND v.version = coalesce(?, r.version) "
            "JOIN captures c ON c.id = v.capture WHERE r.id = ?")


def _raw_bytes(archive_path: str, sha256: str | None) -> bytes | None:
    """The bytes from the raw store beside the archive; None when there is none (a published copy)."""
    path = raw_path(archive_path)
    if sha256 is None or not path.is_file():
        return None
    store = RawStore.readonly(path)
    try:
        return store.get(sha256)
    finally:
        store.conn.close()


async def _original(database, report_id: int, version: int | None) -> tuple[dict | None, bytes | None]:
    """The capture a report's version was parsed from, and its bytes when this copy holds them."""
    rows = await database.execute(_CAPTURE, [version, report_id])
    capture = dict(rows.first()) if rows.first() is not None else None
    if capture is None:
        return None, None
    return capture, await asyncio.to_thread(_raw_bytes, database.path, capture["sha256"])


async def original(datasette: Datasette, request: Request) -> Response:
    """The bytes the report's version was parsed from, as a download named like the source."""
    report_id, version = int(request.url_vars["id"]), _number(request, "version")
    capture, body = await _original(archive(datasette), report_id, version)
    if capture is None:
        raise NotFound(f"no stored document for report {report_id}")
    if body is None:
        raise NotFound(f"原件不在此副本中 · the original of report {report_id} is not in this copy of the archive")
    name = capture["filename"] or posixpath.basename(unquote(urlsplit(capture["url"]).path)) or "index.html"
    return Response(body, content_type=capture["content_type"] or "application/octet-stream", headers={
        "content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        # A stored web page is someone else's HTML: never run it under the archive's origin.
        "content-security-policy": "sandbox", "x-content-type-options": "nosniff"})


def _map_choice(request: Request) -> tuple[str, int | None, str]:
    """The figure, year and level asked for; a rate is always of one level."""
    figure = request.args.get("figure", "coverage")
    figure = figure if figure in countymap.FIGURES else "coverage"
    level = request.args.get("level", countymap.DEFAULT_LEVEL)
    if level not in countymap.LEVELS and (level or figure != "coverage"):
        level = countymap.DEFAULT_LEVEL
    return figure, _number(request, "year"), level


async def county_map(datasette: Datasette, request: Request) -> Response:
    """Counties coloured by coverage or by a figure, each linked to its reports."""
    figure, year, level = _map_choice(request)
    shown = await archive(datasette).execute_fn(lambda conn: countymap.gather(conn, figure, year, level))
    link = "/archive/reports?adcode={}" + (f"&year={shown['year']}" if shown["year"] else "") + (f"&level={level}" if level else "")
    context = {"database": DATABASE, "page_url": MAP_URL, "shown": shown, "figures": countymap.FIGURES,
               "figure": countymap.FIGURES[figure], "levels": countymap.LEVELS, "min_n": countymap.MIN_N}
    try:
        paths = await asyncio.to_thread(shapes.county_paths)
        context["map_svg"] = Markup(countymap.svg(paths, shown, link, shapes.view_box()))
    except shapes.ShapesError as error:
        context["error"] = f"区县边界不可用 · no county outlines: {error}"
    return Response.html(await datasette.render_template(template(datasette, "map.html"), context, request=request))
