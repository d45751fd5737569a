"""crawler.middlewares: what a server's Retry-After asks of a retry; pages read in their true charset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy.http import HtmlResponse, Response

from crawler.middlewares import CharsetRepairMiddleware, retry_after


def answer(status: int, retry: str | None) -> Response:
    return Response("http://127.0.0.1/nb/good.html", status=status, headers={"Retry-After": retry} if retry else {})


@pytest.mark.parametrize("status, retry, wait", [
    (503, "7", 7.0), (429, "120", 120.0), (200, "7", None), (429, None, None), (503, "soon", None),
    (503, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
])
def test_retry_after_reads_seconds_and_past_dates(status, retry, wait):
    assert retry_after(answer(status, retry)) == wait


def test_retry_after_reads_an_http_date_as_the_seconds_until_it():
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55 < retry_after(answer(429, later)) <= 60


# CharsetRepairMiddleware: a page whose header says utf-8 but whose bytes are GBK.

GBK_PAGE = "<html><body><p>北林区人民政府2023年政府信息公开工作年度报告</p></body></html>".encode("gbk")


def mislabelled(url: str, body: bytes = GBK_PAGE) -> HtmlResponse:
    return HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def test_mislabelled_gbk_page_is_read_with_its_true_codec():
    repaired = CharsetRepairMiddleware().process_response(None, mislabelled("http://127.0.0.1/a.html"))
    assert "政府信息公开工作年度报告" in repaired.text and repaired.encoding == "gb18030"


def test_each_mislabelled_page_of_a_site_is_read_right_after_the_first():
    middleware = CharsetRepairMiddleware()
    pages = [middleware.process_response(None, mislabelled(f"http://127.0.0.{host}/{n}.html"))
             for host in (1, 2) for n in range(3)]
    assert all("北林区人民政府" in page.text for page in pages)
    assert middleware.repaired == {"http://127.0.0.1": "gb18030", "http://127.0.0.2": "gb18030"}


def test_true_utf8_page_is_left_as_it_came():
    body = "<p>北林区</p>".encode()
    response = mislabelled("http://127.0.0.1/u.html", body)
    assert CharsetRepairMiddleware().process_response(None, response) is response


# ConditionalRequestMiddleware: validators from the archive's last capture of a document.

def test_fresh_archive_has_nothing_to_ask_conditionally(archive):
    assert archive.asks_conditionally() is False


def test_archive_with_an_etag_asks_conditionally(archive, run, fetch):
    archive.store(run, fetch("http://127.0.0.1/nb/a.html", b"<p>a</p>", headers={"etag": '"a1"'}), None)
    assert archive.asks_conditionally() is True


def test_archive_without_validators_asks_nothing(archive, run, fetch):
    archive.store(run, fetch("http://127.0.0.1/nb/a.html", b"<p>a</p>"), None)
    assert archive.asks_conditionally() is False
