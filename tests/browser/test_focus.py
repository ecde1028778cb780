"""Focus on every control of the consultation form is as visible as on links and buttons: a
solid outline at least 2 px wide with at least 3:1 contrast against the page (WCAG 2.2 2.4.11
and 2.4.13), never only Bootstrap's faint glow."""

import re

import pytest

from tests.browser.test_accessibility import VIEWPORTS

FOCUSED_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    name: element.name || element.id || element.textContent.trim(),
    tag: element.tagName.toLowerCase(),
    type: element.type || '',
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
  };
}"""
WHITE_PAGE = "rgb(255, 255, 255)"


def luminance(colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_form_control_shows_a_strong_focus_outline(page, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/get-help/")
    form_controls = page.locator(
        "#consultation-form :is(input:not([type=hidden]), select, textarea, button)"
    ).count()
    page.locator("#consultation-form").evaluate(
        "form => form.querySelector('input,select').focus()"
    )
    page.keyboard.press("Shift+Tab")

    seen = []
    for _ in range(form_controls * 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_STYLE)
        inside = page.evaluate("() => !!document.activeElement.closest('#consultation-form')")
        if not inside:
            if seen:
                break
            continue
        seen.append(focused)

    assert len({(f["name"], f["type"]) for f in seen}) >= 10  # the form's own controls, reached
    weak = [
        f
        for f in seen
        if f["outlineStyle"] in ("none", "")
        or f["outlineWidth"] < 2
        or contrast(f["outlineColor"], WHITE_PAGE) < 3
    ]
    assert weak == [], weak
