"""The consultation form works with the keyboard alone, and its errors are easy to find."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from admissions.models import FloodEpisode, Lead
from tests.browser.test_accessibility import WCAG_A_AND_AA

ANSWERS = {
    "first_name": "Jordan",
    "last_name": "Avery",
    "phone": "617 555 0188",
    "email": "jordan.avery@example.org",
    "message": "Looking for an evening program.",
}


def focused(page) -> dict:
    return page.evaluate(
        """() => ({name: document.activeElement.name || '',
                   type: document.activeElement.type || '',
                   id: document.activeElement.id || '',
                   text: document.activeElement.textContent.trim()})"""
    )


def tab_to(page, predicate, limit=80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("never reached the element with the Tab key")


def test_a_person_fills_in_and_sends_the_form_with_the_keyboard_alone(page):
    page.goto("/get-help/")

    tab_to(page, lambda element: element["name"] == "for_whom")
    page.keyboard.press("Space")  # "Me"
    for name, answer in ANSWERS.items():
        tab_to(page, lambda element, name=name: element["name"] == name)
        page.keyboard.type(answer)
    tab_to(page, lambda element: element["name"] == "consent")
    page.keyboard.press("Space")
    page.wait_for_timeout(2100)  # people take a moment; the form refuses instant submissions
    tab_to(page, lambda element: element["type"] == "submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    lead = Lead.objects.get()
    assert (lead.first_name, lead.phone.as_e164, lead.for_whom) == (
        "Jordan",
        "+16175550188",
        "self",
    )


def test_errors_take_focus_and_each_links_to_its_field(page):
    page.goto("/get-help/")
    page.get_by_role("button", name="Send my request").press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your first name.")
    assert page.title().startswith("Error:")

    page.keyboard.press("Tab")  # the first link in the summary
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Me", exact=True)).to_be_focused()
    page.get_by_role("link", name="Enter a phone number so we can call you back.").click()
    expect(page.get_by_label("Phone number")).to_be_focused()

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()


def test_after_an_urgent_request_the_thank_you_page_is_accessible_and_puts_988_first(page):
    page.goto("/get-help/")
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_label("Your last name").fill("Avery")
    page.get_by_label("Phone number").fill("617 555 0188")
    page.get_by_label("Anything you would like us to know?").fill("My son overdosed last night")
    page.get_by_label("I agree that Resilience may contact me", exact=False).check()
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    urgent = page.get_by_role("alert")
    expect(urgent).to_contain_text("Please don’t wait for our call")
    expect(urgent.get_by_role("link", name="Call 988")).to_have_attribute("href", "tel:988")
    expect(urgent.get_by_role("link", name="call 911")).to_have_attribute("href", "tel:911")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()


def during_a_flood():
    FloodEpisode.objects.create(leads_in_window_at_start=100)


@pytest.mark.parametrize("width", [320, 1280])
def test_during_a_flood_the_form_checks_the_browser_by_itself_and_the_request_is_not_held(
    page, width
):
    during_a_flood()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/get-help/")
    status = page.get_by_role("status").filter(has_text="Automatic spam check")
    expect(status).to_contain_text("Done.", timeout=20_000)

    tab_to(page, lambda element: element["name"] == "for_whom")
    page.keyboard.press("Space")
    for name, answer in ANSWERS.items():
        tab_to(page, lambda element, name=name: element["name"] == name)
        page.keyboard.type(answer)
    tab_to(page, lambda element: element["name"] == "consent")
    page.keyboard.press("Space")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()
    page.wait_for_timeout(2100)
    tab_to(page, lambda element: element["type"] == "submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    lead = Lead.objects.get()
    assert not lead.is_held  # the solved check let it through as usual


def test_during_a_flood_without_javascript_the_request_is_kept_for_review(browser, live_server):
    during_a_flood()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/get-help/")
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_label("Your last name").fill("Avery")
    page.get_by_label("Phone number").fill("617 555 0188")
    page.get_by_label("I agree that Resilience may contact me", exact=False).check()
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    assert Lead.objects.get().held_reason == "flood"
    context.close()


# --- The message's live count says what the server counts ------------------------------------


def message_of(total: int) -> tuple[str, str]:
    """A 20-line message of `total` characters as a person counts them (a line break and an emoji
    are one each): 18 lines pasted, then two typed. (pasted, typed)"""
    typed = "\nThank you, café 🙂\nJordan"
    pasted_letters = total - len(typed) - 17  # 18 pasted lines, 17 line breaks between them
    lines = ["x" * (pasted_letters // 18 + (i < pasted_letters % 18)) for i in range(18)]
    pasted = "\n".join(lines)
    assert len(pasted + typed) == total and (pasted + typed).count("\n") == 19
    return pasted, typed


def write_message(page, total: int) -> str:
    """Fill in the form, pasting then typing (Enter included) a message of `total` characters."""
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_label("Your last name").fill("Avery")
    page.get_by_label("Phone number").fill("617 555 0188")
    pasted, typed = message_of(total)
    message = page.get_by_label("Anything you would like us to know?")
    message.fill(pasted)
    message.press("Control+End")
    for part in typed.split("\n")[1:]:
        page.keyboard.press("Enter")
        page.keyboard.type(part)
    page.get_by_label("I agree that Resilience may contact me", exact=False).check()
    return pasted + typed


def test_a_multi_line_message_the_counter_shows_at_the_limit_is_accepted_as_counted(page):
    page.goto("/get-help/")
    text = write_message(page, 1000)

    expect(page.locator("#id_message-character-count")).to_have_text("1000 of 1000 characters.")
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    stored = Lead.objects.get().message
    assert stored == text  # sent with "\r\n" line breaks, kept with "\n"
    assert len(stored) == 1000


def test_a_message_over_the_limit_is_refused_with_the_count_the_counter_shows(page):
    page.goto("/get-help/")
    write_message(page, 1001)
    counter = page.locator("#id_message-character-count")
    expect(counter).to_have_text("1 characters too many: please shorten it to 1000.")

    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    # 1000 plus the counter's 1 too many: the server counts what the counter counted.
    expect(page.get_by_role("alert")).to_contain_text(
        "Please keep your message to 1,000 characters or fewer (it has 1001)."
    )
    assert not Lead.objects.exists()
    # Shown again with the message kept, the count is the same.
    expect(counter).to_have_text("1 characters too many: please shorten it to 1000.")
