"""The shell works on a small phone and with the keyboard alone."""

import pytest

from tests.public_pages import PUBLIC_PAGES


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_at_320_px_nothing_scrolls_sideways_and_the_phone_is_in_view(page, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    phone = page.locator(".site-header .phone-link")
    assert phone.is_visible()
    box = phone.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert box["y"] + box["height"] <= 640, "the phone should be visible without scrolling"


def test_the_first_tab_reveals_the_skip_link_which_moves_focus_to_the_content(page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.bounding_box()["y"] >= 0, "the focused skip link should be on screen"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_focused_control_shows_a_visible_outline(page):
    page.goto("/")
    # Visible ones only: the help bar's links are not shown (so not focusable) on a wide screen.
    focusable = page.locator(
        "a[href]:visible, button:visible, input:visible, select:visible, textarea:visible"
    ).count()

    for _ in range(focusable):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                return {tag: document.activeElement.outerHTML.slice(0, 80),
                        style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        assert outline["style"] != "none" and outline["width"] >= 2, outline
