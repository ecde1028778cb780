"""Every public page passes axe-core's WCAG 2.x A/AA rules and talks to no other host."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.public_pages import NOT_FOUND_PAGE, PUBLIC_PAGES

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = "320 px phone"
DESKTOP = "1280 px desktop"
VIEWPORTS = {PHONE: {"width": 320, "height": 640}, DESKTOP: {"width": 1280, "height": 900}}

axe = Axe()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", [*PUBLIC_PAGES, NOT_FOUND_PAGE])
def test_page_meets_wcag_a_and_aa_and_loads_nothing_from_other_hosts(
    page, page_log, path, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    response = page.goto(path)
    assert response.status == (404 if path == NOT_FOUND_PAGE else 200)

    results = axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_A_AND_AA},
            "resultTypes": ["violations"],
        },
    )

    assert results.violations_count == 0, results.generate_report()
    assert page_log.requests_to_other_hosts() == []
    assert page_log.failed_resources == []
    # Includes Content-Security-Policy violations, which Chromium reports as console errors.
    assert page_log.console_errors == []


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, NOT_FOUND_PAGE])
def test_page_has_landmarks_and_a_single_h1(page, path):
    response = page.goto(path)
    assert response.status == (404 if path == NOT_FOUND_PAGE else 200)

    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    assert page.get_by_role("navigation", name="Main").count() == 1
    assert page.locator("h1").count() == 1
