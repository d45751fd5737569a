"""Sites behind a JavaScript cookie challenge, passed with a real headless browser.

Some portals' web application firewalls answer every scripted request with HTTP 412 or 521 and a
page whose script sets a cookie and reloads. Such a site is visited once in Debian's chromium
(scrapy-playwright; no browser is ever downloaded): the page's own script sets its cookie, the
cookie is handed to the crawl's cookie jar, and the crawl goes on as usual, politely, with
conditional requests and downloads as for any site. A site is sent to the browser when the
source registry says so (`access_method` ``browser``) or when it answers a challenge status.
A site that still answers the challenge with the browser's cookie, or a machine without
chromium, leaves the site `blocked`, with the reason in crawl_errors.

Playwright starts with the first site that needs it: a crawl of ordinary portals starts no
browser and no Playwright driver.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from playwright.async_api import Browser, Page, Route
from scrapy import Request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy_playwright.provider import PlaywrightBrowserProvider

# The registry's access_method values that mean: a browser from the first request on.
BROWSER_METHODS = frozenset({"browser", "js-challenge", "浏览器"})


def chromium(settings: BaseSettings) -> str | None:
    """The browser a challenged site gets: PLAYWRIGHT_LAUNCH_OPTIONS' executable_path, else
    Debian's chromium on the PATH; None when there is none or NIANBAO_BROWSER is off."""
    if not settings.getbool("NIANBAO_BROWSER", True):
        return None
    return settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS").get("executable_path") or shutil.which("chromium")


class DebianChromium(PlaywrightBrowserProvider):
    """scrapy-playwright's provider, started on first use, launching Debian's chromium unless
    the launch options name another."""

    async def start(self) -> None:
        """Nothing yet: most crawls never need a browser."""

    async def launch_browser(self) -> Browser:
        if self.browser_type is None:
            await super().start()
        self.config.launch_options.setdefault("executable_path", shutil.which("chromium"))
        return await super().launch_browser()


async def cookies_set_by_script(page: Page, response: Response, seconds: float) -> dict[str, str]:
    """The page's cookies once its script has set one the server did not (or after ``seconds``)."""
    from_server = {header.decode("latin-1").split("=", 1)[0].strip()
                   for header in response.headers.getlist(b"Set-Cookie")}
    deadline = time.monotonic() + seconds
    while True:
        cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
        if set(cookies) - from_server or time.monotonic() >= deadline:
            return cookies
        await asyncio.sleep(0.1)


async def one_navigation(page: Page, request: Request) -> None:
    """The visit stops at the challenge page: its script's reload is not followed (the cookie is
    all the visit is for, and a challenge that is never passed reloads as fast as the server
    answers). scrapy-playwright's page init callback; routes added last are asked first."""
    navigations: list[str] = []

    async def first_only(route: Route) -> None:
        asked = route.request
        if asked.is_navigation_request() and asked.frame == page.main_frame:
            if navigations:
                await route.abort()
                return
            navigations.append(asked.url)
        await route.fallback()

    await page.route("**", first_only)
