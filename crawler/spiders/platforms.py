"""One spider per portal platform: the portal spider with that platform's list pages first.

`nianbao crawl` picks one by the `cms` the source registry records for a portal; scrapyd users
can schedule them by name.
"""

from __future__ import annotations

from .portal import PortalSpider


class TrsSpider(PortalSpider):
    """TRS WCM: `index_N.html` pages counted in `createPageHTML`."""

    name = "trs"
    cms = "trs"


class HanwebSpider(PortalSpider):
    """大汉 Hanweb JCMS: records in the page's datastore, the rest through `dataproxy.jsp`."""

    name = "hanweb"
    cms = "hanweb"


class EpointSpider(PortalSpider):
    """新点 Epoint: `iList.jsp?…&cur_page=N`."""

    name = "epoint"
    cms = "epoint"
