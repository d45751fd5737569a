"""A failed request, named by one word that users can facet on in `crawl_errors`."""

from __future__ import annotations

from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

# Errors that another try moments later would meet again: no retry, no back-off.
PERMANENT = (CannotResolveHostError, DNSLookupError, DownloadConnectionRefusedError, ConnectionRefusedError)

# Web application firewalls answer these to every scripted request (a JavaScript challenge).
BLOCKING_STATUSES = frozenset({412, 521})

_BY_TYPE: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TimeoutError, TCPTimedOutError), "timeout"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "refused"),
    ((DownloadCancelledError,), "too_large"),
    ((ResponseDataLossError,), "truncated"),
)


def http_kind(status: int) -> str:
    if status in BLOCKING_STATUSES:
        return "blocked"
    if status in (404, 410):
        return "not_found"
    return "server_error" if status >= 500 else f"http_{status}"


def classify(failure: Failure) -> tuple[str, int | None, str]:
    """(kind, HTTP status, one-line message). A request Scrapy dropped (robots.txt, off-site,
    a decompression bomb) is named too: on a list page it means the column was not all read."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        return http_kind(status), status, f"HTTP {status}"
    if isinstance(error, IgnoreRequest):
        return _ignored_kind(str(error)), None, _one_line(error)
    for types, kind in _BY_TYPE:
        if isinstance(error, types):
            return kind, None, _one_line(error)
    return "download", None, f"{type(error).__name__}: {_one_line(error)}"


# Words of Scrapy's IgnoreRequest messages, and the kind each one is.
_IGNORED = (("redirect", "redirect_loop"), ("robots.txt", "robots"), ("offsite", "offsite"),
            ("DOWNLOAD_MAXSIZE", "too_large"))


def _ignored_kind(message: str) -> str:
    return next((kind for word, kind in _IGNORED if word in message), "ignored")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__
