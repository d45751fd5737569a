"""crawler.middlewares: what a server's Retry-After asks of a retry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy.http import Response

from crawler.middlewares import retry_after


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
