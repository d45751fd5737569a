"""The source registry: which portal serves which region (the archive's `sources` table).

A portal list comes as a spreadsheet or CSV in one of two shapes: with division codes
(adcode, region_path, level, portal_name, portal_url, ...) or without them (地区, 行政层级,
门户名称, 门户URL, ...). Both are read into rows of the `sources` table; codes are filled
from the division table where the file has none.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from .siblings import Archive, ImportResult, Region, RegionError, level_of, locate, region_for_code, resolve_region

# Header names of both shapes, mapped to ours. The Chinese ones are website-gov.xlsx's.
_COLUMNS = {
    "adcode": ("adcode", "行政区划代码", "区划代码"),
    "region_path": ("region_path", "地区"),
    "level": ("level", "行政层级"),
    "name": ("portal_name", "门户名称"),
    "portal_url": ("portal_url", "门户URL"),
    "access_method": ("access_method", "访问方式代码"),
    "effective_url": ("effective_url", "生效URL"),
}
_REQUIRED = ("name", "portal_url")
_LEVEL_BY_SHAPE = {"province": "省级", "city": "地级", "county": "县级"}
# The lists say 县区 for what the registry calls 县级.
_LEVEL_WORDS = {"省级": "省级", "地级": "地级", "县区": "县级", "县级": "县级"}
_MAX_BYTES = 64 * 1024 * 1024


class SourceListError(Exception):
    """A portal list that cannot be read; the message is one line naming the file."""


def read_portal_list(path: str | Path) -> list[dict]:
    """The list's rows as `sources` rows (no id, no imported_at); portal_url is None when the
    row has no usable URL."""
    path = Path(path)
    header, records = _read_table(path)
    columns = _map_header(path, header)
    rows = []
    for values in records:
        raw = {key: _cell(values, index) for key, index in columns.items()}
        if any(raw.values()):
            rows.append(_source_row(raw))
    return rows


def _read_table(path: Path) -> tuple[list, list[list]]:
    """The header and the rows of an xlsx (its first sheet) or a CSV, told apart by content."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceListError(f"{path}: no such file") from None
    except OSError as error:
        raise SourceListError(f"{path}: cannot read ({error.strerror or error})") from None
    if not data.strip():
        raise SourceListError(f"{path}: empty file")
    if len(data) > _MAX_BYTES:
        raise SourceListError(f"{path}: over {_MAX_BYTES // (1024 * 1024)} MB, not a portal list")
    rows = _xlsx_rows(path, data) if data[:4] == b"PK\x03\x04" else _csv_rows(path, data)
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise SourceListError(f"{path}: no rows")
    return rows[0], rows[1:]


def _xlsx_rows(path: Path, data: bytes) -> list[list]:
    import openpyxl  # only portal lists need it; keep it off the crawler's import path

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    # openpyxl's failures on a damaged workbook are no documented set (zip, XML, KeyError...).
    except Exception as error:
        raise SourceListError(f"{path}: not a readable xlsx workbook ({type(error).__name__})") from None
    return rows


def _csv_rows(path: Path, data: bytes) -> list[list]:
    if b"\x00" in data[:4096]:
        raise SourceListError(f"{path}: binary file, not a CSV or xlsx portal list")
    # Lists saved from Chinese Excel are often GB18030 rather than UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SourceListError(f"{path}: neither UTF-8 nor GB18030 text")
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SourceListError(f"{path}: malformed CSV ({error})") from None


def _map_header(path: Path, header: list) -> dict[str, int]:
    """Our column name -> position, from whichever of the two shapes the header is."""
    names = [str(cell).strip().lower() if cell is not None else "" for cell in header]
    columns = {}
    for key, aliases in _COLUMNS.items():
        found = [names.index(alias.lower()) for alias in aliases if alias.lower() in names]
        if found:
            columns[key] = found[0]
    missing = [_COLUMNS[key][0] for key in _REQUIRED if key not in columns]
    if missing:
        raise SourceListError(f"{path}: not a portal list (no column {' or '.join(missing)} in the header)")
    return columns


def _cell(values: list, index: int) -> str | None:
    if index >= len(values) or values[index] is None:
        return None
    text = str(values[index]).strip()
    return text or None


def _source_row(raw: dict[str, str | None]) -> dict:
    path = [part.strip() for part in (raw.get("region_path") or "").split("/") if part.strip()]
    region = _region(raw.get("adcode"), path, raw.get("name"))
    return {
        "adcode": region.adcode if region else None,
        "province": region.province if region else None,
        "city": region.city if region else None,
        "county": region.county if region else None,
        "level": _level(region, raw.get("level")),
        "name": raw.get("name"),
        # The probe's URL is the one that answered (often after an http/https switch).
        "portal_url": normalise_url(raw.get("effective_url")) or normalise_url(raw.get("portal_url")),
        "access_method": raw.get("access_method"),
    }


def _region(adcode: str | None, path: list[str], name: str | None) -> Region | None:
    code = _six_digits(adcode)
    if code:
        # Codes of 2023 that the 2025 table dropped or renumbered keep the file's own names.
        return region_for_code(code) or _region_from_path(code, path)
    return locate(path, name)


def _six_digits(adcode: str | None) -> str | None:
    digits = (adcode or "").split(".")[0]  # a spreadsheet may hold the code as a number
    return digits[:6] if digits.isdigit() and len(digits) >= 6 and not digits[6:].strip("0") else None


def _region_from_path(code: str, path: list[str]) -> Region:
    level = level_of(code)
    province, *below = path or [None]
    # A municipality's district has no city in its path (北京市/东城区).
    city = below[0] if below and (level == "city" or len(below) > 1) else None
    county = below[-1] if below and level == "county" else None
    name = {"province": province, "city": city, "county": county}[level] or ""
    return Region(adcode=code, level=level, name=name, province=province, city=city, county=county)


def _level(region: Region | None, stated: str | None) -> str | None:
    # The CSV calls the districts of 北京/上海/天津/重庆 地级; a code's shape says what the
    # division is (110101 is a county-level district), so the code wins where it disagrees.
    if region is not None:
        return _LEVEL_BY_SHAPE[region.level]
    return _LEVEL_WORDS.get(stated or "", stated)


def normalise_url(url: str | None) -> str | None:
    """Scheme, host and path, with a trailing slash on a directory path; None when no web URL."""
    text = (url or "").strip()
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    scheme = parts.scheme.lower()
    netloc = host if port in (None, {"http": 80, "https": 443}[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if "." not in path.rsplit("/", 1)[-1] and not path.endswith("/"):
        path += "/"  # a file name such as index.html keeps its own form
    return f"{scheme}://{netloc}{path}"


def import_sources(archive: Archive, path: str | Path) -> ImportResult:
    """A portal list into the archive's registry, by portal_url; never deletes."""
    return archive.import_sources(read_portal_list(path))


def find_sources(archive: Archive, region: str | Region | None = None) -> list[dict]:
    """The sources in a region (a province's, a city's or a county's), all when None."""
    return archive.sources(None if region is None else _code_prefix(archive, region))


def _code_prefix(archive: Archive, region: str | Region) -> str:
    try:
        found = region if isinstance(region, Region) else resolve_region(region)
    except RegionError:
        # A code the 2025 table no longer has (500112 渝北区 of the 2023 lists) still names
        # rows in the registry.
        text = region.strip() if isinstance(region, str) else ""
        if text.isdigit() and len(text) in (2, 4, 6) and archive.has_sources_in(text):
            return text
        raise
    return found.adcode[:{"province": 2, "city": 4, "county": 6}[found.level]]


_LISTED = ("adcode", "name", "portal_url", "cms", "report_list_url")


def format_sources(rows: list[dict]) -> str:
    """Rows as aligned columns for a terminal, where a Chinese character takes two cells."""
    table = [list(_LISTED)] + [[str(row.get(key) or "-") for key in _LISTED] for row in rows]
    widths = [max(_width(line[i]) for line in table) for i in range(len(_LISTED))]
    lines = []
    for line in table:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(line)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
