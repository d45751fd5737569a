"""HTML: our extract + parse of a ~100 KB report page against a bare trafilatura call (target ≤ 1.0x)."""

from __future__ import annotations

import sys
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers import parse_bytes  # noqa: E402
from tests.reportgen import make_spec, render_html_hanweb, render_html_trs  # noqa: E402
from timing import best_of, report  # noqa: E402

PAGE_BYTES = 100 * 1024


def portal_page(body: bytes, encoding: str) -> bytes:
    """A generated report padded with the navigation and link lists a real portal page carries."""
    links = []
    while sum(map(len, links)) < PAGE_BYTES - len(body):
        n = len(links)
        links.append(f'<li><a href="/zwgk/col{n}/index.html" title="栏目{n}">政务公开栏目{n}最新动态信息</a></li>')
    nav = f'<div class="nav"><ul>{"".join(links)}</ul></div>'.encode(encoding)
    return body.replace(b"<body>", b"<body>" + nav, 1)


def main() -> None:
    pages = {
        "TRS utf-8": portal_page(render_html_trs(make_spec(3, "2021")), "utf-8"),
        "Hanweb gbk": portal_page(render_html_hanweb(make_spec(4, "2019")), "gb18030"),
    }
    for name, page in pages.items():
        ours = best_of(lambda: parse_bytes(page, "page.html"))
        floor = best_of(lambda: trafilatura.extract(page, include_tables=True))
        print(report(f"html {name} ({len(page) // 1024} KB)", ours, floor, 1.0))


if __name__ == "__main__":
    main()
