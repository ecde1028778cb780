"""The error pages a person may meet, an outage's 503 included, pass axe at phone and desktop
widths and show the way out: the 24/7 phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_accessibility import VIEWPORTS, WCAG_A_AND_AA

pytestmark = pytest.mark.urls("tests.core.urls_that_fail")

ERROR_PAGES = {"/database-refused/": 503, "/fail/": 500, "/forbidden/": 403}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", ERROR_PAGES)
def test_error_pages_are_accessible_and_give_the_phone(page, page_log, path, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])

    response = page.goto(path)

    assert response.status == ERROR_PAGES[path]
    expect(page.locator('main a[href="tel:+16175550143"]').first).to_be_visible()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()
    assert page_log.requests_to_other_hosts() == []
    assert page_log.console_errors == []
