"""Downloader middlewares: stay on the portal, keep to its concurrency, back off, re-fetch
conditionally, and read pages whose header charset is wrong."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from .failures import PERMANENT
from .listpages.links import plain_origin
from .siblings import DEFAULT_PATH, Archive, page_encoding


def site_of(url_or_request: str | Request) -> str:
    """The site key of a URL: scheme://host[:port], the unit of politeness and of reporting."""
    if isinstance(url_or_request, Request):
        parts = urlparse_cached(url_or_request)
        return f"{parts.scheme}://{parts.netloc}".lower()
    # The spider asks a page's site several times over: splitting the whole URL each time
    # showed in the reactor's profile.
    origin = plain_origin(url_or_request)
    if origin is not None:
        return origin.lower()
    parts = urlsplit(url_or_request)
    return f"{parts.scheme}://{parts.netloc}".lower()


class SiteOffsiteMiddleware(OffsiteMiddleware):
    """Only the portal's own hosts (and their subdomains), on the port the portal uses.

    Scrapy's own check ignores ports, which on one host would let a crawl wander onto a
    neighbouring service.
    """

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Scrapy filters here too, where a dropped request reaches no errback; filtered when
        it is downloaded instead, an off-site list page (a redirect elsewhere) is recorded."""

    def should_follow(self, request: Request, spider: Spider) -> bool:
        sites: frozenset[tuple[str, int | None]] = getattr(spider, "allowed_sites", frozenset())
        if not sites:
            return True
        parts = urlparse_cached(request)
        host, port = (parts.hostname or "").lower(), parts.port
        return any((host == allowed or host.endswith("." + allowed)) and (allowed_port in (None, port))
                   for allowed, allowed_port in sites)


class SiteConcurrencyMiddleware:
    """At most CONCURRENT_REQUESTS_PER_DOMAIN requests in flight per site.

    Scrapy's per-domain limit is not enforced under the asyncio reactor (field notes), so a
    semaphore per site is held from here until the response or the failure comes back.
    """

    def __init__(self, per_site: int) -> None:
        self.per_site = per_site
        self._semaphores: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self.per_site))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteConcurrencyMiddleware:
        return cls(crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))

    async def process_request(self, request: Request) -> None:
        await self._semaphores[site_of(request)].acquire()
        request.meta["_nianbao_slot_held"] = True

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        if request.meta.pop("_nianbao_slot_held", False):
            self._semaphores[site_of(request)].release()


class RetryBackoffMiddleware:
    """A retried request waits NIANBAO_RETRY_BACKOFF seconds, doubled on every further retry, or
    as long as the server's Retry-After asked if that is longer."""

    def __init__(self, base: float) -> None:
        self.base = base

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryBackoffMiddleware:
        return cls(crawler.settings.getfloat("NIANBAO_RETRY_BACKOFF", 2.0))

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            # The wait the server asked for in its Retry-After, when longer.
            wait = max(self.base * 2 ** (retries - 1), request.meta.get("retry_after", 0.0))
            if wait > 0:
                await asyncio.sleep(wait)


class PermanentErrorRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, less those of errors that do not pass: a host name that does not resolve,
    a port that refuses connections. Each of those requests is tried once (a region of dead
    portals is then a few seconds, not minutes of back-off)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.longest_wait = settings.getfloat("NIANBAO_RETRY_AFTER_MAX", 120.0)

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        if isinstance(exception, PERMANENT):
            return None
        return super().process_exception(request, exception)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        wait = retry_after(response)
        if wait is not None:  # the retry copies the request's meta, and RetryBackoffMiddleware waits
            request.meta["retry_after"] = min(wait, self.longest_wait)
        return super().process_response(request, response)


def retry_after(response: Response) -> float | None:
    """The seconds a 429 or 503 answer asks the client to wait (RFC 9110 Retry-After), if it says."""
    value = response.headers.get(b"Retry-After") if response.status in (429, 503) else None
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class ConditionalRequestMiddleware:
    """Ask for a document only if it changed since the archive's last capture of it."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self._archive: Archive | None = None
        # What the archive held when the crawl began: a URL is fetched once a crawl, so what
        # this crawl captures is never asked for again in it.
        self._asks = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        middleware = cls(crawler.settings.get("NIANBAO_DB", DEFAULT_PATH))
        # An open reader keeps SQLite from folding the write-ahead log into the file at the end.
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    def process_request(self, request: Request) -> None:
        if not request.meta.get("document") or request.method != "GET":
            return
        archive = self._open()
        validators = archive.validators(request.url) if archive and self._asks else None
        if validators is None:
            return
        etag, last_modified = validators
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1", "replace"))
        if last_modified:
            request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1", "replace"))

    def process_response(self, request: Request, response: Response) -> Response:
        """A 304 gets the stored body back, so the spider still sees the page's attachments."""
        if response.status != 304 or not request.meta.get("document"):
            return response
        archive = self._open()
        stored = archive.last_body(request.url) if archive else None
        if stored is None:
            return response
        content_type, body = stored
        headers = Headers(response.headers)
        if content_type:
            headers[b"Content-Type"] = content_type.encode("latin-1", "replace")
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=304, headers=headers, body=body, request=request)

    def _open(self) -> Archive | None:
        # The pipeline creates the file when the spider opens; until then nothing is known.
        if self._archive is None and Path(self.db_path).exists():
            self._archive = Archive(self.db_path, readonly=True)
            self._asks = self._archive.asks_conditionally()
        return self._archive


class CharsetRepairMiddleware:
    """Re-decode a page when its header charset is wrong (a GBK page sent as utf-8).

    Scrapy lets the header beat the page's <meta>; the page is read again with the codec the
    parsers would choose. The raw bytes are kept either way.
    """

    def __init__(self) -> None:
        self.repaired: dict[str, str] = {}  # site → the codec its last mislabelled page needed

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or "\ufffd" not in response.text:
            return response
        site = site_of(response.url)
        self.repaired[site] = page_encoding(response.body, likely=self.repaired.get(site))
        return response.replace(encoding=self.repaired[site])


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    """Redirects, with a loop named as one: Scrapy's duplicate filter would drop it silently.

    One return to a URL already visited is allowed, because cookie challenges redirect a page
    to itself once the cookie is set.
    """

    def _redirect(self, redirected: Request, request: Request, reason: str | int) -> Request:
        visited = [*request.meta.get("redirect_urls", []), request.url]
        if visited.count(redirected.url) >= 2:
            raise IgnoreRequest(f"redirect loop: {' -> '.join(visited + [redirected.url])}")
        redirected = super()._redirect(redirected, request, reason)
        if redirected.url in visited:
            redirected.dont_filter = True
        return redirected
