"""The portal spider: from a portal's home page (or its report column) to every report on it.

One spider serves every portal. Its list pages are read by the platform registry
(`crawler.listpages`): first by the reader of the platform the source registry records for the
portal (its `cms`), else by whichever platform recognises the page.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.metacopy import MetaCopyDetectionMiddleware
from twisted.python.failure import Failure

from .. import browser, budget, discovery, recognise
from ..browser import BROWSER_METHODS
from ..failures import BLOCKING_STATUSES, classify
from ..items import CrawlError, SiteLedger
from ..listpages import Follow, ListPage, read_list_page
from ..middlewares import site_of
from ..siblings import Fetched, find_region

_DOCUMENT_META = {"document": True, "handle_httpstatus_list": [304]}
# What a fetch left in a request's meta (Scrapy's own keys, and ours), not carried to its repeat.
_FETCH_META = MetaCopyDetectionMiddleware._INTERNAL_KEYS | {"_nianbao_pending", "_nianbao_slot_held"}
# An element's text, as "".join(selector.css("::text").getall()) gives it.
_TEXT = etree.XPath("string()")
_ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx"})


def _answers(callback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """A callback (or errback) after which its request no longer counts as pending."""
    @functools.wraps(callback)
    def answering(spider: PortalSpider, outcome: Response | Failure) -> Iterator[Any]:
        try:
            yield from callback(spider, outcome)
        finally:
            spider.answered(outcome.request)
    return answering


def _asked_url(request: scrapy.Request) -> str:
    """The URL a request was first asked as: a redirect elsewhere counts for the site it left."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


class PortalSpider(scrapy.Spider):
    name = "portal"
    # The platform to try first for every portal (`-a cms=trs`); a portal's own entry in the
    # source registry beats it. None lets each page choose.
    cms: str | None = None

    def __init__(self, url: str | None = None, sources: str | list[dict] | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url = url
        self.sources = _load_sources(url, sources)
        self._allow(self.sources)
        self.ledgers: dict[str, SiteLedger] = {}
        self.list_pages: defaultdict[str, set[tuple[str, str | None]]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, region: str | None = None, **kwargs: Any) -> PortalSpider:
        """`-a region=白山市` (as scrapyd jobs give it) takes the portals from the archive's registry."""
        if region is None:
            return super().from_crawler(crawler, *args, **kwargs)
        from ..runner import sources_for
        from ..siblings import DEFAULT_PATH, Archive

        with Archive(crawler.settings.get("NIANBAO_DB", DEFAULT_PATH)) as archive:
            sources = sources_for(archive, region, None)
        spider = super().from_crawler(crawler, *args, sources=sources, **kwargs)
        spider.region = region
        return spider

    def _set_crawler(self, crawler: Any) -> None:
        super()._set_crawler(crawler)
        _scale_concurrency(crawler.settings, len(self.sources))
        self.chromium = browser.chromium(crawler.settings)
        crawler.signals.connect(self.answered, signal=signals.request_dropped)

    def _allow(self, sources: list[dict]) -> None:
        self.allowed_sites = frozenset(_allowed(url) for source in sources for url in _urls_of(source))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Every site's first request is scheduled at once: Scrapy reads start() one request a
        # turn of the reactor, and on a busy reactor the 300th site of a region would wait
        # 15 s for its first request, its politeness delays still all ahead of it.
        for source in self.sources:
            self.crawler.engine.crawl(self._entry_request(source))
        return
        yield

    def _entry_request(self, source: dict) -> scrapy.Request:
        start = source.get("report_list_url") or source["portal_url"]
        ledger = self._ledger(start)
        ledger.source_id = source.get("id")
        request = scrapy.Request(start, callback=self.parse_entry, errback=self.on_error,
                                 meta={"source": source, "column": start, "entry": True})
        wants_browser = source.get("access_method") in BROWSER_METHODS and self.chromium is not None
        return self._through_browser(request) if wants_browser else self._asked(request)

    # -- finding the report column -------------------------------------------------------

    @_answers
    def parse_entry(self, response: Response) -> Iterator[Any]:
        """A home page, a 政府信息公开 landing page, or the column itself."""
        self._count_page(response)
        if not isinstance(response, TextResponse):
            return
        if response.meta.get("entry"):
            _learn_region(response)
        page = self._read_page(response)
        if discovery.is_column_page(response.text) or self._has_reports(page):
            yield from self._read_list(response, page)
            return
        columns = discovery.find_report_columns(response.url, response.text)
        for link in columns:
            yield from self._list_request(response, link.url, column=link.url)
        if columns or response.meta.get("landing"):
            return
        landings = discovery.find_disclosure_pages(response.url, response.text)
        for link in landings[:3]:
            yield from self._request(response, link.url, self.parse_entry, landing=True)
        if not landings:
            yield self._error(response.url, "no_report_column", "no link to an annual-report column found")

    @staticmethod
    def _has_reports(page: ListPage) -> bool:
        return any(recognise.is_report_title(link.title) for link in page.links)

    # -- list pages ------------------------------------------------------------------------

    @_answers
    def parse_list(self, response: Response) -> Iterator[Any]:
        self._count_page(response)
        if not isinstance(response, TextResponse):
            return
        yield from self._read_list(response, self._read_page(response))

    def _read_page(self, response: TextResponse) -> ListPage:
        cms = (response.meta.get("source") or {}).get("cms") or self.cms
        return read_list_page(response.url, response.text, response.meta.get("form"), prefer=cms)

    def _read_list(self, response: Response, page: ListPage) -> Iterator[Any]:
        ledger = self._ledger(response.url)
        ledger.found_column = True
        if not page.links:
            ledger.list_errors += 1
            yield self._error(response.url, "empty_list", f"a {page.cms} list page with no entries")
        for link in page.links:
            yield from self._follow_link(response, link.url, link.title)
        for follow in page.follows:
            yield from self._follow_list(response, follow)
        if response.meta.get("column") in (None, response.url):
            yield from self._subcolumns(response)

    def _subcolumns(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """Sub-columns (部门, 乡镇街道, one department's own list) from the column's side menus too."""
        # The anchors of the response's own tree, read with lxml: a Selector and a CSS query per
        # anchor cost milliseconds a page.
        for anchor in response.selector.root.iter("a"):
            href = anchor.get("href")
            if href is None:
                continue
            title = " ".join(_TEXT(anchor).split()) or anchor.get("title", "")
            url = response.urljoin(href)
            if url.startswith("http") and recognise.is_column_link(title, url):
                yield from self._list_request(response, url, column=url)

    def _follow_link(self, response: Response, url: str, title: str) -> Iterator[Any]:
        if recognise.document_kind(url, None, None) in _ATTACHMENT_KINDS or recognise.is_report_title(title):
            yield from self._document_request(response, url)
        elif recognise.is_subcolumn(title, url):
            yield from self._list_request(response, url, column=url)

    def _follow_list(self, response: Response, follow: Follow) -> Iterator[Any]:
        column = response.meta.get("column", response.url)
        pages = self.list_pages[column]
        if (follow.url, follow.body) in pages:
            return  # TRS pages each list every page of their column
        limit = self.settings.getint("NIANBAO_MAX_LIST_PAGES", 300)
        pages.add((follow.url, follow.body))
        if len(pages) == limit:
            self._ledger(response.url).list_errors += 1
            yield self._error(follow.url, "pagination_limit", f"more than {limit} list pages in column {column}")
        if len(pages) >= limit:
            return
        form = follow.body if follow.method == "POST" else response.meta.get("form")
        yield from self._request(response, follow.url, self.parse_list, method=follow.method, body=follow.body,
                                 headers=dict(follow.headers) or _form_headers(follow), column=column, form=form)

    # -- documents -------------------------------------------------------------------------

    @_answers
    def parse_document(self, response: Response) -> Iterator[Any]:
        self._count_page(response)
        ledger = self._ledger(response.url)
        ledger.documents.add(response.url)
        yield self._fetched(response)
        if isinstance(response, TextResponse) and not response.meta.get("attachment") \
                and recognise.may_link_files(response.body):
            for link in recognise.attachment_links(response.url, response.text):
                yield from self._document_request(response, link.url, attachment=True)

    def _fetched(self, response: Response) -> Fetched:
        source = response.meta.get("source") or {}
        disposition = response.headers.get(b"Content-Disposition")
        return Fetched(
            url=response.url, status=response.status, body=response.body if response.status == 200 else b"",
            headers=_headers(response), fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            site=site_of(response.url),
            filename=recognise.filename_from_disposition(disposition) if disposition else None,
            referer=_text(response.request.headers.get(b"Referer")) if response.request else None,
            source_id=source.get("id"), region=source.get("region"))

    # -- failures --------------------------------------------------------------------------

    @_answers
    def on_error(self, failure: Failure) -> Iterator[CrawlError | scrapy.Request]:
        request = failure.request
        kind, status, message = classify(failure)
        url = _asked_url(request)
        ledger = self._ledger(url)
        if status in BLOCKING_STATUSES:
            if not request.meta.get("challenged") and self.chromium is not None:
                yield self._through_browser(request)  # a JavaScript challenge: the browser passes it
                return
            ledger.blocked = True
            message = _blocked_message(status, request, self.chromium)
        if not request.meta.get("document"):
            ledger.list_errors += 1  # a list page not read: nothing of this site can be called gone
        yield self._error(url, kind, message, status)

    # -- JavaScript cookie challenges (crawler/browser.py) -------------------------------------

    def _through_browser(self, request: scrapy.Request) -> scrapy.Request:
        """A visit of the request's URL in the browser, whose script sets the site's cookie; the
        request follows, with the browser's cookies."""
        self._ledger(_asked_url(request)).challenged = True
        return self._asked(scrapy.Request(
            request.url, callback=self.pass_challenge, errback=self.on_error, dont_filter=True,
            meta={"playwright": True, "playwright_include_page": True, "challenge_of": request,
                  "playwright_page_init_callback": browser.one_navigation,
                  "handle_httpstatus_list": sorted(BLOCKING_STATUSES), "source": request.meta.get("source")}))

    async def pass_challenge(self, response: Response) -> AsyncIterator[scrapy.Request]:
        page, request = response.meta["playwright_page"], response.meta["challenge_of"]
        try:
            wait = self.settings.getfloat("NIANBAO_CHALLENGE_SECONDS", 5.0) if response.status in BLOCKING_STATUSES else 0
            cookies = await browser.cookies_set_by_script(page, response, wait)
        finally:
            await page.close()
            self.answered(response.request)
        meta = {key: value for key, value in request.meta.items() if key not in _FETCH_META}
        yield self._asked(request.replace(cookies=cookies, dont_filter=True, meta=meta | {"challenged": True}))

    def _asked(self, request: scrapy.Request) -> scrapy.Request:
        """A request counted as pending for its site until it is answered, fails or is dropped."""
        request.meta["_nianbao_pending"] = True
        self._ledger(_asked_url(request)).pending += 1
        return request

    def answered(self, request: scrapy.Request | None) -> None:
        """The request's callback or errback is through, or Scrapy dropped it (a duplicate)."""
        if request is not None and request.meta.pop("_nianbao_pending", False):
            self._ledger(_asked_url(request)).pending -= 1

    def _error(self, url: str, kind: str, message: str, status: int | None = None) -> CrawlError:
        return CrawlError(url=url, kind=kind, message=message, site=site_of(url), status=status)

    # -- helpers ---------------------------------------------------------------------------

    def _ledger(self, url: str) -> SiteLedger:
        site = site_of(url)
        if site not in self.ledgers:
            self.ledgers[site] = SiteLedger(site)
        return self.ledgers[site]

    def _count_page(self, response: Response) -> None:
        self._ledger(response.url).pages += 1

    def _request(self, response: Response, url: str, callback: Any, **meta: Any) -> Iterator[Any]:
        """The request, unless the site's budget or the URL's length forbids it (then, once, the
        CrawlError that says so)."""
        options = {key: meta.pop(key) for key in ("method", "body", "headers") if key in meta}
        carried = {"source": response.meta.get("source"), "column": response.meta.get("column")}
        level = response.meta.get("level", 0) + (meta.get("column") not in (None, carried["column"]))
        # A POST pager asks one URL for every page: its form is part of what is asked.
        asked = f"{url} {options['body']}" if options.get("body") else url
        refused = self._refusal(url, asked, level, document=bool(meta.get("document")))
        if refused is not None:
            yield from refused
            return
        yield self._asked(scrapy.Request(url, callback=callback, errback=self.on_error,
                                         meta=carried | meta | {"level": level}, **options))

    def _refusal(self, url: str, asked: str, level: int, document: bool) -> Iterator[CrawlError] | None:
        """None when the request may go; else what to yield instead (an error, or nothing)."""
        ledger = self._ledger(url)
        limit = self.settings.getint("URLLENGTH_LIMIT", 2083)
        if len(url) > limit:
            # Scrapy would drop it without a word (UrlLengthMiddleware).
            ledger.list_errors += not document
            return iter([self._error(url, "url_too_long", f"a URL of {len(url)} characters (limit {limit})")])
        if asked in ledger.requested:
            return None  # Scrapy's duplicate filter drops it; it costs nothing
        spent = budget.spent(ledger, level, self.settings)
        if spent is None:
            ledger.requested.add(asked)
            return None
        first = spent not in ledger.over_budget
        ledger.over_budget.add(spent)
        return iter([self._error(url, f"budget_{spent}", budget.message(spent, self.settings))] if first else [])

    def _list_request(self, response: Response, url: str, column: str) -> Iterator[Any]:
        return self._request(response, url, self.parse_list, column=column)

    def _document_request(self, response: Response, url: str, attachment: bool = False) -> Iterator[Any]:
        for request in self._request(response, url, self.parse_document, attachment=attachment, **_DOCUMENT_META):
            if isinstance(request, scrapy.Request):
                request.headers.setdefault(b"Referer", response.url.encode())
            yield request


def _scale_concurrency(settings: Any, sites: int) -> None:
    """CONCURRENT_REQUESTS raised to CONCURRENT_REQUESTS_PER_DOMAIN for every site of the crawl
    (unless given on the command line): with 16 in all, 300 sites each waiting out its delay
    would hold every slot while the others wait their turn."""
    per_site = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)
    wanted = max(settings.getint("CONCURRENT_REQUESTS", 16), per_site * sites)
    settings.set("CONCURRENT_REQUESTS", wanted, priority="spider")


def _blocked_message(status: int, request: scrapy.Request, chromium: str | None) -> str:
    """Why a site that answered a challenge status stays blocked."""
    if request.meta.get("challenged"):
        return f"HTTP {status} again with the cookie the browser's visit got: the challenge was not passed"
    if chromium is None:
        return (f"HTTP {status}: a JavaScript challenge, and no browser to pass it (install Debian's chromium, "
                "or set NIANBAO_BROWSER on)")
    return f"HTTP {status}"


def _learn_region(response: TextResponse) -> None:
    """A portal crawled by URL alone takes its county from its home page's title (浑江区人民政府),
    so that township and department reports, which rarely name their county, get it too."""
    source = response.meta.get("source")
    if source is None or source.get("region"):
        return
    title = " ".join(response.css("title::text").getall())
    region = find_region(None, title) if title else None
    if region and region["county"]:
        source["region"] = region


def _load_sources(url: str | None, sources: str | list[dict] | None) -> list[dict]:
    if isinstance(sources, str):
        sources = json.loads(sources)
    if sources:
        return list(sources)
    if url:
        return [{"id": None, "portal_url": url, "report_list_url": None, "region": None}]
    raise ValueError("give the spider a portal: -a url=URL, or sources (JSON) from the registry")


def _urls_of(source: dict) -> list[str]:
    return [u for u in (source.get("portal_url"), source.get("report_list_url")) if u]


def _allowed(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return host.removeprefix("www."), parts.port


def _form_headers(follow: Follow) -> dict[str, str]:
    return {"Content-Type": "application/x-www-form-urlencoded"} if follow.method == "POST" else {}


def _headers(response: Response) -> dict[str, str]:
    wanted = ("etag", "last-modified", "content-type", "content-disposition", "content-length")
    return {name: _text(value) for name in wanted if (value := response.headers.get(name))}


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None
