"""Help within reach at every scroll position: on a phone a slim bar at the bottom of the viewport
offers the 24/7 admissions line and 988, and never covers the page under it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from center.profile import Center
from programs.models import Program
from tests.browser.test_accessibility import WCAG_A_AND_AA

PHONE = {"width": 375, "height": 667}
SMALL_PHONE = {"width": 320, "height": 640}  # also a 640 px window at 200 % zoom
DESKTOP = {"width": 1280, "height": 900}
BAR_LINK_NAMES = [
    "Call 988, the Suicide and Crisis Lifeline",
    "Text 988, the Suicide and Crisis Lifeline",
]

axe = Axe()


def help_bar(page):
    return page.get_by_role("navigation", name="Help now")


def admissions_link_name() -> str:
    return f"Call admissions 24/7, {Center.from_settings().phone_display}"


def bar_links(page):
    bar = help_bar(page)
    return [
        bar.get_by_role("link", name=name, exact=True)
        for name in [admissions_link_name(), *BAR_LINK_NAMES]
    ]


def longest_program_path(page) -> str:
    """The published program whose page is tallest on a phone: the one with most to scroll past."""
    heights = {}
    for program in Program.objects.published():
        page.goto(program.get_absolute_url())
        heights[program.get_absolute_url()] = page.evaluate("document.documentElement.scrollHeight")
    assert heights, "the demo content should have published programs"
    return max(heights, key=heights.get)


def scroll_to(page, where: str) -> None:
    fraction = {"middle": 0.5, "end": 1.0}[where]
    page.evaluate(
        """fraction => window.scrollTo(0,
            (document.documentElement.scrollHeight - window.innerHeight) * fraction)""",
        fraction,
    )


def assert_in_view_and_clickable(page, link) -> None:
    expect(link).to_be_in_viewport(ratio=1)
    scrolled = page.evaluate("window.scrollY")
    # A trial click runs Playwright's checks, hit target included (nothing covers the link)...
    link.click(trial=True, timeout=2_000)
    # ...and needed no scrolling to get there.
    assert page.evaluate("window.scrollY") == scrolled


@pytest.mark.parametrize("where", ["middle", "end"])
def test_on_a_phone_the_bar_is_in_view_and_clickable_anywhere_on_the_longest_program(page, where):
    page.set_viewport_size(PHONE)
    path = longest_program_path(page)
    page.goto(path)
    scroll_to(page, where)

    for link in bar_links(page):
        assert_in_view_and_clickable(page, link)
    expect(bar_links(page)[0]).to_have_attribute("href", f"tel:{settings.ADMISSIONS_PHONE}")
    expect(bar_links(page)[1]).to_have_attribute("href", "tel:988")
    expect(bar_links(page)[2]).to_have_attribute("href", "sms:988")


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_at_the_end_of_the_page_the_bar_leaves_the_footers_last_line_uncovered(page, text_size):
    page.set_viewport_size(PHONE)
    page.goto(longest_program_path(page))
    # A larger default text size (set through the CSSOM, as the policy forbids inline styles):
    # the bar grows, wrapping to two rows, and the room kept for it must grow with it.
    page.evaluate("size => { document.documentElement.style.fontSize = size; }", text_size)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    bar_height = help_bar(page).bounding_box()["height"]
    padding = page.evaluate("parseFloat(getComputedStyle(document.body).paddingBottom)")
    assert padding == pytest.approx(bar_height, abs=0.5)
    scroll_to(page, "end")
    assert page.evaluate(
        "window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1"
    ), "the page should be scrolled to its very end"

    # The last line box of the footer's text, wherever the footer's content ends.
    last_line = page.get_by_role("contentinfo").evaluate(
        """footer => {
            const walker = document.createTreeWalker(footer, NodeFilter.SHOW_TEXT,
                {acceptNode: node => node.textContent.trim() ? NodeFilter.FILTER_ACCEPT
                                                             : NodeFilter.FILTER_REJECT});
            let last = null;
            while (walker.nextNode()) last = walker.currentNode;
            const range = document.createRange();
            range.selectNodeContents(last);
            const rects = range.getClientRects();
            const rect = rects[rects.length - 1];
            return {text: last.textContent.trim(), top: rect.top, bottom: rect.bottom,
                    x: rect.left + rect.width / 2, y: rect.top + rect.height / 2};
        }"""
    )
    bar = help_bar(page).bounding_box()

    assert last_line["bottom"] <= bar["y"], (last_line, bar)
    assert last_line["top"] >= 0
    # And what is at that spot on screen is the footer's line itself.
    assert page.get_by_role("contentinfo").evaluate(
        "(footer, point) => footer.contains(document.elementFromPoint(point.x, point.y))",
        last_line,
    ), last_line


def test_at_320_px_the_bar_fits_on_one_slim_row_with_44_px_targets(page):
    page.set_viewport_size(SMALL_PHONE)
    page.goto(longest_program_path(page))
    scroll_to(page, "middle")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    bar = help_bar(page).bounding_box()
    assert bar["height"] <= 72, "the bar should stay slim: one row of links"
    for link in bar_links(page):
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"], box
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert_in_view_and_clickable(page, link)


def test_on_the_home_page_988_is_in_the_first_screen(page):
    page.set_viewport_size(PHONE)
    page.goto("/")

    # Named for what 988 is: only the footer says it in words.
    call_988 = help_bar(page).get_by_role(
        "link", name="Call 988, the Suicide and Crisis Lifeline", exact=True
    )
    assert_in_view_and_clickable(page, call_988)
    assert page.evaluate("window.scrollY") == 0


def test_the_bar_is_one_labelled_landmark_and_not_a_live_region(page):
    page.set_viewport_size(PHONE)
    page.goto("/")

    expect(help_bar(page)).to_have_count(1)
    assert help_bar(page).locator("[aria-live], [role=status], [role=alert]").count() == 0
    assert help_bar(page).get_attribute("aria-live") is None


@pytest.mark.parametrize(("width", "shown"), [(991, True), (992, False), (DESKTOP["width"], False)])
def test_the_bar_is_hidden_where_the_header_shows_the_phone(page, width, shown):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/programs/")

    expect(page.locator(".site-header .phone-link")).to_be_visible()
    # Hidden with display: none, so screen readers do not meet it either.
    expect(help_bar(page)).to_have_count(1 if shown else 0)
    expect(page.locator(".help-bar")).to_be_visible(visible=shown)


def test_the_bar_is_not_printed(page):
    page.set_viewport_size(PHONE)
    page.goto("/programs/")
    expect(page.locator(".help-bar")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".help-bar")).to_be_hidden()


def test_on_a_very_short_window_the_bar_waits_at_the_end_of_the_page(page):
    # A phone on its side at 200 % zoom: a sticky bar would take a third of the screen.
    page.set_viewport_size({"width": 333, "height": 187})
    page.goto("/programs/")

    expect(page.locator(".help-bar")).not_to_be_in_viewport()
    scroll_to(page, "end")
    for link in bar_links(page):
        expect(link).to_be_in_viewport(ratio=1)


# Resolves once the page has not scrolled for ten frames in a row (Bootstrap scrolls smoothly).
SCROLLING_STOPPED = """() => new Promise(done => {
    let last = window.scrollY, still = 0;
    const frame = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        if (still >= 10) done(); else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_control_reached_with_tab_is_never_hidden_under_the_bar(page, motion):
    page.emulate_media(reduced_motion=motion)
    page.set_viewport_size(PHONE)
    page.goto(longest_program_path(page))
    bar = page.locator(".help-bar")
    focusable = page.locator(
        "a[href]:visible, button:visible, input:visible, select:visible, textarea:visible"
    ).count()

    for _ in range(focusable):
        page.keyboard.press("Tab")
        page.evaluate(SCROLLING_STOPPED)
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                const rect = element.getBoundingClientRect();
                return {html: element.outerHTML.slice(0, 80), top: rect.top, bottom: rect.bottom,
                        inBar: Boolean(element.closest('.help-bar'))};
            }"""
        )
        if not focused["inBar"]:
            assert focused["top"] >= 0, focused
            assert focused["bottom"] <= bar.bounding_box()["y"], focused


def test_staff_pages_have_no_help_bar(page):
    page.set_viewport_size(PHONE)
    response = page.goto(f"/{settings.ADMIN_URL}login/")

    assert response.status == 200
    expect(page.locator(".help-bar")).to_have_count(0)


def test_a_program_page_with_the_bar_meets_wcag_a_and_aa_at_320_px(page, page_log):
    page.set_viewport_size(SMALL_PHONE)
    page.goto(longest_program_path(page))
    scroll_to(page, "middle")
    expect(help_bar(page)).to_be_in_viewport()

    results = axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_A_AND_AA},
            "resultTypes": ["violations"],
        },
    )

    assert results.violations_count == 0, results.generate_report()
    assert page_log.console_errors == []
