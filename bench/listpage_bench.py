"""List pages: ms per page of read_list_page (platform detection, parse, main list, pager) against a
bare lxml parse of the same page (the floor), on the bench portal's TRS list pages and on the
list pages of the bundled sample portal (modelled on real county portals). CPU time, best of 7.

No target yet: reading a page's forty-odd links in Python (title, URL, date, navigation) costs
about ten parses of it (it cost 18-29 before the crawl work of issue 13).

    python bench/listpage_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchportal import _list_page  # noqa: E402
from crawler import recognise  # noqa: E402
from crawler.listpages import links, read_list_page  # noqa: E402
from crawler.siblings import page_encoding  # noqa: E402
from timing import best_of  # noqa: E402

SAMPLE_SITE = Path(__file__).resolve().parents[1] / "crawler" / "sampleportal" / "site"
BENCH_URL = "http://127.0.0.1:8765/zwgk/zfxxgknb/index_{}.html"


def bench_portal_pages() -> list[tuple[str, str]]:
    """Ten pages of the bench portal's report column, 20 entries each, as the crawl bench serves them."""
    entries = [(f"./202401/t20240101_{n}.html", f"北林区第{n}局2023年政府信息公开工作年度报告", "2024-01-01")
               for n in range(200)]
    return [(BENCH_URL.format(p), _list_page(0, p, 10, entries[p * 20:(p + 1) * 20])) for p in range(10)]


def sample_portal_pages() -> list[tuple[str, str]]:
    """Every index page of the sample portal (columns, their pages, landing pages)."""
    pages = sorted(SAMPLE_SITE.rglob("index*.html"))
    return [(f"http://www.example.gov.cn/{p.relative_to(SAMPLE_SITE)}", _text(p.read_bytes())) for p in pages]


def _text(data: bytes) -> str:
    return data.decode(page_encoding(data))


def per_page(function, pages: list[tuple[str, str]]) -> float:
    """Best-of seconds for one pass over the pages, divided by their number; each pass starts
    with the readers' caches empty, as a crawl's first column does."""
    def one_pass() -> None:
        forget_caches()
        for url, text in pages:
            function(url, text)
    return best_of(one_pass, clock=time.process_time) / len(pages)


def forget_caches() -> None:
    for module in (links, recognise):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def main() -> None:
    for name, pages in (("bench portal TRS", bench_portal_pages()), ("sample portal", sample_portal_pages())):
        ours = per_page(read_list_page, pages)
        floor = per_page(lambda url, text: lxml.html.document_fromstring(text), pages)
        print(f"list page, {name} ({len(pages)} pages): read_list_page {ours * 1000:.2f} ms, "
              f"lxml parse {floor * 1000:.2f} ms, ratio {ours / floor:.1f}")


if __name__ == "__main__":
    main()
