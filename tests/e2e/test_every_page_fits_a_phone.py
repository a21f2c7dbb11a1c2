"""Every page each demo account can reach, at 320 CSS px (WCAG 1.4.10 reflow): nothing makes
the page scroll sideways. Wide data tables scroll inside their own ``.report-table`` region or
become "column: value" lines (enhance.js); text wraps.

The crawl follows the links each person sees from their dashboard (one page per address shape,
so /proposals/3/ and /proposals/7/ count once), on the seeded demo, so a new page or a new
table is covered as soon as a link leads to it. axe checks the first page of each account
(tests/e2e/test_narrow_screens.py and the journeys run it on the rest).
"""

import re
from io import StringIO
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from tests.e2e.conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "northstar-demo"
ACCOUNTS = ["admin", "chair", "reviewer1", "faculty1", "student1", "resident1", "mentor1"]
PAGES_PER_ACCOUNT = 60
# Downloads, the admin site (Django's own) and the API are not pages of ours to reflow.
NOT_PAGES = re.compile(
    r"^/(admin|api|static|media)/|/(logout|download|export|csv|pdf)/|\.(pdf|xlsx|csv)$"
)


def overflow(page) -> list[str]:
    """What makes the page scroll sideways; when nothing outside a scrolling region is wider
    than the screen yet the page still scrolls (an absolutely placed label escaping its region,
    say), the page's own width."""
    return page.evaluate(
        """() => {
            const wide = document.documentElement.scrollWidth;
            if (wide <= window.innerWidth) return [];
            const found = Array.from(document.querySelectorAll('main *'))
              .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                            && !el.closest('.report-table'))
              .slice(0, 3).map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40));
            return found.length ? found : ['the page is ' + wide + ' px wide'];
        }"""
    )


def crawl(page, base: str) -> dict[str, list[str]]:
    """Address shape → what overflows on it, for every page reachable from the dashboard."""
    seen, queue, wide = set(), ["/"], {}
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if culprits := overflow(page):
            wide[path] = culprits
        for href in page.eval_on_selector_all(
            "main a[href], nav a[href]", "l => l.map(a => a.getAttribute('href'))"
        ):
            url = urlparse(urljoin(base + path, href))
            if url.netloc == urlparse(base).netloc and not NOT_PAGES.search(url.path):
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert len(seen) > 5, "the crawl reached almost nothing: is the demo seeded?"
    return wide


def test_no_page_any_demo_account_reaches_scrolls_sideways_at_320_px(
    browser, live_server, tmp_path
):
    with override_settings(DEBUG=True, MEDIA_ROOT=tmp_path):
        call_command("seed_demo", stdout=StringIO())
    wide = {}
    for account in ACCOUNTS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 320, "height": 780}
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, account, DEMO_PASSWORD)
        check_accessibility(page, f"{account}'s dashboard at 320 px")
        for path, culprits in crawl(page, live_server.url).items():
            wide[f"{account} {path}"] = culprits
        context.close()

    assert wide == {}
