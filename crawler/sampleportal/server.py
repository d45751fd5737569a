"""The sample portal's HTTP server (standard library only).

Static files come from one state directory (``site/state1`` …); what is not a plain file is
described by the state's ``_portal.json`` (never served), not by code:

- ``base`` and ``removed``: the state is an overlay of another one (``site/state2`` of ``state1``):
  its directory holds only the files that differ or are new; any other path is looked up in the
  base state, except the URL paths listed in ``removed`` (withdrawn: 404 here). The config itself
  is not inherited: every ``_portal.json`` is complete;

- ``hanweb``: 大汉 JCMS columns whose records ``/module/web/jpage/dataproxy.jsp`` answers as XML,
  by ``startrecord``/``endrecord`` (1-based, inclusive) or by ``page``/``perpage``, in GET or POST;
- ``downloads``: ``/module/download/downfile.jsp?filename=KEY`` → a file, its real name given only
  in ``Content-Disposition`` (percent-encoded UTF-8, or raw GBK bytes as some servers send);
- ``query_routes``: dynamic-looking pages (新点 ``/info/iList.jsp?cat_id=77&cur_page=2``) → files;
- ``header_overrides``: a path prefix whose pages carry a given (deliberately wrong) Content-Type;
- ``last_modified``: the Last-Modified date of each file (a default and per-path dates).

Files get an ``ETag`` (sha256 of the bytes, so a file taken from the base state keeps its ETag)
and ``Last-Modified``; ``If-None-Match`` and
``If-Modified-Since`` are answered with 304. Anything else is a 404.

    python -m crawler.sampleportal.server [--state state1] [--port 8000]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

SITE = Path(__file__).resolve().parent / "site"
CONFIG_NAME = "_portal.json"
DATAPROXY_PATH = "/module/web/jpage/dataproxy.jsp"
DOWNFILE_PATH = "/module/download/downfile.jsp"

CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html",
    ".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".xml": "text/xml; charset=utf-8",
    ".json": "application/json", ".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif",
    ".ico": "image/x-icon", ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel", ".wps": "application/kswps", ".ofd": "application/ofd",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_SAFE_PARAM = re.compile(r"^[\w.-]{1,64}$")


# ---------------------------------------------------------------- state and configuration

def state_dir(state: str | Path, site: Path = SITE) -> Path:
    """A state name under ``site`` (``"state1"``) or a directory path."""
    path = Path(state)
    if not path.is_absolute() and (site / path).is_dir():
        path = site / path
    if not path.is_dir():
        raise FileNotFoundError(f"no sample portal state at {state}")
    return path.resolve()


def load_config(directory: Path) -> dict:
    config_file = directory / CONFIG_NAME
    return json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}


@dataclass(frozen=True)
class State:
    """A state as served: its directory, its configuration and every file it has."""

    name: str
    root: Path
    config: dict
    files: Mapping[str, Path]        # path inside the state ("zwgk/index.html") -> the file holding its bytes
    directories: frozenset[str]      # every directory holding a file ("" for the root, "zwgk", ...)

    def file(self, path: str) -> Path | None:
        return self.files.get(path)


def load_state(state: str | Path, site: Path = SITE, _overlaid: tuple[Path, ...] = ()) -> State:
    """A state directory with its ``base`` state (a name beside it) underneath, minus ``removed``."""
    directory = state_dir(state, site)
    if directory in _overlaid:
        raise ValueError(f"sample portal state {directory.name}: its bases form a cycle")
    config = load_config(directory)
    files: dict[str, Path] = {}
    removed = [url_path.lstrip("/") for url_path in config.get("removed", [])]
    if config.get("base"):
        files.update(load_state(config["base"], directory.parent, (*_overlaid, directory)).files)
        missing = [path for path in removed if files.pop(path, None) is None]
        if missing:
            raise ValueError(f"sample portal state {directory.name}: removed paths not in its base: {missing}")
    elif removed:
        raise ValueError(f"sample portal state {directory.name}: removed paths but no base")
    own = {path.relative_to(directory).as_posix(): path for path in sorted(directory.rglob("*")) if path.is_file()}
    own.pop(CONFIG_NAME, None)
    if both := sorted(own.keys() & set(removed)):
        raise ValueError(f"sample portal state {directory.name}: removed paths it still holds: {both}")
    files.update(own)
    directories = {"/".join(path.split("/")[:depth]) for path in files for depth in range(path.count("/") + 1)}
    return State(directory.name, directory, config, files, frozenset(directories))


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def not_found() -> Response:
    body = "<html><head><title>404 Not Found</title></head><body><h1>404 页面不存在</h1></body></html>"
    return Response(404, [("Content-Type", "text/html; charset=utf-8")], body.encode("utf-8"))


# ---------------------------------------------------------------- static files

@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def etag_of(path: Path) -> str:
    stat = path.stat()
    return f'"{_digest(str(path), stat.st_mtime_ns, stat.st_size)[:40]}"'


def content_type(path: Path, data: bytes) -> str:
    kind = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    if kind != "text/html":
        return kind
    declared = _META_CHARSET.search(data[:4096])
    return f"text/html; charset={declared.group(1).decode('ascii').lower() if declared else 'utf-8'}"


def redirect_to_directory(state: State, url_path: str) -> Response | None:
    """``/zwgk`` → 301 ``/zwgk/`` when it names a directory, as web servers do."""
    parts = [part for part in unquote(url_path).split("/") if part]
    if url_path.endswith("/") or not parts or any(part.startswith((".", "_")) for part in parts):
        return None
    if "/".join(parts) in state.directories:
        return Response(301, [("Location", url_path + "/"), ("Content-Type", "text/html; charset=utf-8")])
    return None


def resolve_file(state: State, url_path: str) -> tuple[str, Path] | None:
    """The path inside the state a URL path names, and its file; None for hidden (``_``), escaping or
    missing paths."""
    parts = [part for part in unquote(url_path).split("/") if part]
    if any(part.startswith((".", "_")) for part in parts):
        return None
    path = "/".join(parts)
    if path in state.directories:
        path = f"{path}/index.html" if path else "index.html"
    file = state.file(path)
    return (path, file) if file is not None else None


def last_modified(config: dict, url_path: str) -> datetime:
    dates = config.get("last_modified", {})
    text = dates.get("paths", {}).get(url_path) or dates.get("default") or "2025-01-01T00:00:00+00:00"
    return datetime.fromisoformat(text).astimezone(timezone.utc).replace(microsecond=0)


def not_modified(headers, etag: str, modified: datetime) -> bool:
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return if_none_match.strip() == "*" or etag in [tag.strip() for tag in if_none_match.split(",")]
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return modified <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def static_response(state: State, url_path: str, headers) -> Response:
    config = state.config
    redirect = redirect_to_directory(state, url_path)
    if redirect is not None:
        return redirect
    found = resolve_file(state, url_path)
    if found is None:
        return not_found()
    name, path = found
    data = path.read_bytes()
    etag = etag_of(path)
    modified = last_modified(config, "/" + name)
    validators = [("ETag", etag), ("Last-Modified", email.utils.format_datetime(modified, usegmt=True))]
    if not_modified(headers, etag, modified):
        return Response(304, validators)
    kind = content_type(path, data)
    for override in config.get("header_overrides", []):
        if url_path.startswith(override["prefix"]) and kind.startswith("text/html"):
            kind = override["content_type"]
    return Response(200, [("Content-Type", kind), *validators], data)


# ---------------------------------------------------------------- 大汉 Hanweb

def _int_param(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        return default


def record_range(params: dict[str, str], perpage_default: int, total: int) -> tuple[int, int]:
    """1-based inclusive (start, end) asked for, by startrecord/endrecord or by page/perpage."""
    perpage = max(1, _int_param(params, "perpage", perpage_default))
    if "startrecord" in params or "endrecord" in params:
        start = _int_param(params, "startrecord", 1)
        end = _int_param(params, "endrecord", start + perpage - 1)
    else:
        page = max(1, _int_param(params, "page", 1))
        start, end = (page - 1) * perpage + 1, page * perpage
    return max(1, start), min(total, end)


def dataproxy_xml(records: list[str], start: int, end: int, total: int, perpage: int) -> bytes:
    chosen = "".join(f"<record><![CDATA[{record}]]></record>" for record in records[start - 1:end])
    pages = (total + perpage - 1) // perpage
    return ('<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
            f"<totalrecord>{total}</totalrecord><totalpage>{pages}</totalpage>"
            f"<recordset>{chosen}</recordset></datastore>").encode("utf-8")


def dataproxy_response(config: dict, params: dict[str, str]) -> Response:
    columns = config.get("hanweb", {}).get("columns", {})
    column = columns.get(params.get("columnid", "")) or (next(iter(columns.values())) if len(columns) == 1 else None)
    records: list[str] = column["records"] if column else []
    perpage = column.get("perpage", 15) if column else 15
    start, end = record_range(params, perpage, len(records))
    body = dataproxy_xml(records, start, end, len(records), max(1, _int_param(params, "perpage", perpage)))
    return Response(200, [("Content-Type", "text/xml; charset=utf-8")], body)


def content_disposition(name: str, encoding: str) -> str:
    """The header value; for ``gbk`` the raw GBK bytes, carried through http.server's latin-1."""
    if encoding == "gbk":
        return f'attachment; filename="{name.encode("gbk").decode("latin-1")}"'
    return f'attachment; filename="{quote(name)}"'


def download_response(state: State, params: dict[str, str]) -> Response:
    entry = state.config.get("downloads", {}).get(params.get("filename", ""))
    path = state.file(entry["file"]) if entry else None
    if path is None:
        return not_found()
    headers = [("Content-Type", "application/octet-stream"),
               ("Content-Disposition", content_disposition(entry["name"], entry.get("name_encoding", "percent")))]
    return Response(200, headers, path.read_bytes())


# ---------------------------------------------------------------- query routes (新点 Epoint)

def query_route_response(state: State, url_path: str, params: dict[str, str]) -> Response | None:
    for route in state.config.get("query_routes", []):
        if route["path"] != url_path:
            continue
        values = {**route.get("defaults", {}), **params}
        names = re.findall(r"\{(\w+)\}", route["file"])
        if not all(_SAFE_PARAM.match(values.get(name, "")) for name in names):
            return not_found()
        path = state.file(route["file"].format(**{name: values[name] for name in names}))
        if path is None:
            return not_found()
        data = path.read_bytes()
        return Response(200, [("Content-Type", content_type(path, data))], data)
    return None


# ---------------------------------------------------------------- dispatch

def route(state: State, method: str, target: str, form: dict[str, str], headers) -> Response:
    parts = urlsplit(target)
    params = {**dict(parse_qsl(parts.query, keep_blank_values=True)), **form}
    if parts.path == DATAPROXY_PATH:
        return dataproxy_response(state.config, params)
    if parts.path == DOWNFILE_PATH:
        return download_response(state, params)
    routed = query_route_response(state, parts.path, params)
    if routed is not None:
        return routed
    if method == "POST":
        return Response(405, [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, HEAD")], b"405")
    return static_response(state, parts.path, headers)


class PortalHandler(BaseHTTPRequestHandler):
    server_version = "nginx"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer("GET", {}, body=True)

    def do_HEAD(self) -> None:
        self._answer("HEAD", {}, body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        self._answer("POST", form, body=True)

    def _answer(self, method: str, form: dict[str, str], body: bool) -> None:
        portal: SamplePortal = self.server.portal  # type: ignore[attr-defined]
        state = portal.current()
        portal.enter()
        try:
            if portal.delay:
                time.sleep(portal.delay)
            response = route(state, method, self.path, form, self.headers)
        except Exception as error:  # a bug here must show as a 500, not a hung connection
            response = Response(500, [("Content-Type", "text/plain; charset=utf-8")], str(error).encode())
        finally:
            portal.leave()
        portal.log_request(method, self.path, response.status)  # before the client can see the answer
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if body and response.status != 304:
            self.wfile.write(response.body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:  # quiet: tests read .requests instead
        pass


# ---------------------------------------------------------------- the running portal

class SamplePortal:
    """A running sample portal: ``.url``, ``.port``, ``.set_state()``, ``.requests``, ``.stop()``.

    ``delay`` (seconds) slows every answer, so that ``.max_in_flight`` (the most requests
    being answered at once) can show whether a crawler keeps its per-site concurrency limit."""

    def __init__(self, state: str | Path = "state1", port: int = 0, host: str = "127.0.0.1",
                 delay: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str, int]] = []
        self.delay = delay
        self.in_flight = self.max_in_flight = 0
        self.set_state(state)
        self.httpd = ThreadingHTTPServer((host, port), PortalHandler)
        self.httpd.daemon_threads = True
        self.httpd.portal = self  # type: ignore[attr-defined]
        self.host, self.port = host, self.httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=f"sampleportal-{self.port}",
                                        daemon=True)
        self._thread.start()

    def set_state(self, state: str | Path) -> None:
        """Switch to another state (``"state2"``) live, on the same port."""
        loaded = load_state(state)
        with self._lock:
            self.state, self._state = Path(state).name, loaded

    def current(self) -> State:
        with self._lock:
            return self._state

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def log_request(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """(method, path with query, status) of every request served so far (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self.max_in_flight = self.in_flight

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SamplePortal:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def serve(state: str | Path = "state1", port: int = 0, host: str = "127.0.0.1", delay: float = 0.0) -> SamplePortal:
    """Start the sample portal in a daemon thread; port 0 picks a free port."""
    return SamplePortal(state, port, host, delay)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the nianbao sample portal (浑江区人民政府) until Ctrl-C.")
    parser.add_argument("--state", default="state1", help="state1, state2 or a state directory")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    portal = serve(args.state, args.port, args.host)
    print(f"sample portal ({portal.state}) at {portal.url}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()


if __name__ == "__main__":
    main()
