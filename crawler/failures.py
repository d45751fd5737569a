"""A failed request, named by one word that users can facet on in `crawl_errors`."""

from __future__ import annotations

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

# Web application firewalls answer these to every scripted request (a JavaScript challenge).
BLOCKING_STATUSES = frozenset({412, 521})

_BY_TYPE: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TimeoutError, TCPTimedOutError), "timeout"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection"),
    ((DownloadCancelledError,), "too_large"),
    ((ResponseDataLossError,), "truncated"),
)


def http_kind(status: int) -> str:
    if status in BLOCKING_STATUSES:
        return "blocked"
    if status in (404, 410):
        return "not_found"
    return "server_error" if status >= 500 else f"http_{status}"


def classify(failure: Failure) -> tuple[str, int | None, str] | None:
    """(kind, HTTP status, one-line message), or None for a request we chose not to make."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        return http_kind(status), status, f"HTTP {status}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "redirections" in message or "redirect loop" in message:
            return "redirect_loop", None, message
        return None  # robots.txt or off-site: politeness, not failure
    for types, kind in _BY_TYPE:
        if isinstance(error, types):
            return kind, None, _one_line(error)
    return "download", None, f"{type(error).__name__}: {_one_line(error)}"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__
