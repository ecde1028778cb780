"""The consultation form works with the keyboard alone, and its errors are easy to find."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from admissions.models import FloodEpisode, Lead
from tests.browser.test_accessibility import WCAG_A_AND_AA
from tests.center.factories import InsuranceCarrierFactory

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


def focused_stop(page) -> str:
    """The focused element as a stop on the Tab path: a field's name, or the summary's text."""
    element = focused(page)
    return element["name"] or element["text"] or element["id"]


def test_the_tab_path_through_a_new_form_skips_someone_elses_details_and_the_insurance(page):
    page.goto("/get-help/")
    tab_to(page, lambda element: element["name"] == "for_whom")
    page.keyboard.press("Space")  # "Me"

    stops = []
    while not stops or stops[-1] != "submit":
        page.keyboard.press("Tab")
        stops.append(focused_stop(page))

    assert stops == [
        "first_name",
        "last_name",
        "phone",
        "preferred_contact",
        "email",
        "best_time",
        "program",
        "Insurance details (optional) Add them now, or tell us on the phone.",
        "message",
        "referral_source",
        "consent",
        "submit",
    ]


SOMEONE_ELSE = ["Your relationship to them", "Their first name"]


def test_someone_i_care_about_shows_their_details_and_me_hides_them(page):
    page.goto("/get-help/")
    section = page.locator("#someone-else")
    expect(section).to_be_hidden()

    tab_to(page, lambda element: element["name"] == "for_whom")
    page.keyboard.press("ArrowDown")  # "Someone I care about", chosen by moving to it
    expect(page.get_by_role("radio", name="Someone I care about")).to_be_checked()
    for label in SOMEONE_ELSE:
        expect(page.get_by_label(label)).to_be_visible()
    expect(page.get_by_role("radio", name="Someone I care about")).to_be_focused()  # not moved

    page.keyboard.press("Tab")  # next in the Tab order: their details
    expect(page.get_by_label("Your relationship to them")).to_be_focused()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowUp")  # "Me"
    expect(page.get_by_role("radio", name="Me", exact=True)).to_be_checked()
    expect(section).to_be_hidden()
    for label in SOMEONE_ELSE:
        expect(page.get_by_label(label)).to_be_hidden()

    page.get_by_label("Someone I care about").check()  # and by pointer
    expect(section).to_be_visible()


def test_someone_else_and_their_insurance_sent_with_the_keyboard_alone(page):
    InsuranceCarrierFactory(name="Harborline Health Plan", order=1)
    InsuranceCarrierFactory(name="Pioneer Valley Mutual", order=2)
    page.goto("/get-help/")
    details = page.locator("#insurance-details")
    expect(details).not_to_have_attribute("open", "")
    expect(page.get_by_label("Insurance company (optional)")).to_be_hidden()

    tab_to(page, lambda element: element["name"] == "for_whom")
    page.keyboard.press("ArrowDown")  # "Someone I care about"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your relationship to them")).to_be_focused()
    page.keyboard.type("Par")  # a closed list chooses by typing: "Parent"
    expect(page.get_by_label("Your relationship to them")).to_have_value("parent")
    page.keyboard.press("Tab")
    page.keyboard.type("Rosa")
    for name in ["first_name", "last_name", "phone"]:
        tab_to(page, lambda element, name=name: element["name"] == name)
        page.keyboard.type(ANSWERS[name])

    tab_to(page, lambda element: element["text"].startswith("Insurance details"))
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(details).not_to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(details).to_have_attribute("open", "")
    expect(page.get_by_label("Insurance company (optional)")).to_be_visible()

    page.keyboard.press("Tab")  # the payment choice, at "Not sure"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="I have insurance")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "insurance_carrier"
    page.keyboard.type("Harb")  # a closed list chooses by typing
    expect(page.get_by_label("Insurance company (optional)")).to_have_value(
        "Harborline Health Plan"
    )
    # The name of a company not listed is asked only once "Another company" is chosen.
    expect(page.get_by_label("If it is not listed, its name (optional)")).to_be_hidden()
    for name, answer in [
        ("insurance_member_id", "HHP123456789"),
        ("insurance_group_number", "GRP-4477"),
    ]:
        page.keyboard.press("Tab")
        assert focused(page)["name"] == name
        page.keyboard.type(answer)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "insurance_subscriber"
    page.keyboard.press("ArrowDown")  # "Someone else (for example a parent or spouse)"
    tab_to(page, lambda element: element["name"] == "consent")
    page.keyboard.press("Space")
    page.wait_for_timeout(2100)
    tab_to(page, lambda element: element["type"] == "submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    lead = Lead.objects.get()
    assert (lead.for_whom, lead.relationship, lead.patient_first_name, lead.first_name) == (
        "someone_else",
        "parent",
        "Rosa",
        "Jordan",
    )
    assert (
        lead.payment,
        lead.insurance_carrier,
        lead.insurance_member_id,
        lead.insurance_group_number,
        lead.insurance_subscriber,
    ) == ("insurance", "Harborline Health Plan", "HHP123456789", "GRP-4477", "other")


def test_another_company_asks_for_its_name_right_after_the_choice(page):
    InsuranceCarrierFactory(name="Harborline Health Plan")
    page.goto("/get-help/")
    page.locator("#insurance-details summary").click()
    carrier = page.get_by_label("Insurance company (optional)")
    other_name = page.get_by_label("If it is not listed, its name (optional)")
    expect(other_name).to_be_hidden()

    carrier.select_option("Another company")
    expect(other_name).to_be_visible()
    carrier.focus()
    page.keyboard.press("Tab")
    expect(other_name).to_be_focused()
    page.keyboard.type("Granite State Health")
    carrier.select_option("Harborline Health Plan")
    expect(other_name).to_be_hidden()
    carrier.select_option("Another company")
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_label("Your last name").fill("Avery")
    page.get_by_label("Phone number").fill("617 555 0188")
    page.get_by_label("I agree that Resilience may contact me", exact=False).check()
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    assert Lead.objects.get().insurance_carrier == "Granite State Health"


def test_a_section_with_an_error_is_shown_when_the_form_comes_back(page):
    InsuranceCarrierFactory(name="Harborline Health Plan")
    page.goto("/get-help/")
    page.get_by_label("Someone I care about").check()
    page.get_by_label("Their first name").fill("Rosa")
    page.locator("#insurance-details summary").click()
    page.get_by_label("Insurance company (optional)").select_option("Harborline Health Plan")
    page.get_by_role("button", name="Send my request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Tell us how you are related to them.")
    expect(page.get_by_label("Your relationship to them")).to_be_visible()
    expect(page.get_by_label("Their first name")).to_have_value("Rosa")
    expect(page.locator("#insurance-details")).to_have_attribute("open", "")
    expect(page.get_by_label("Insurance company (optional)")).to_have_value(
        "Harborline Health Plan"
    )
    summary.get_by_role("link", name="Tell us how you are related to them.").click()
    expect(page.get_by_label("Your relationship to them")).to_be_focused()


def test_without_javascript_every_section_shows_and_the_form_is_sent(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/get-help/")

    # Someone else's details are shown to all, under a legend that says when they are needed.
    expect(
        page.get_by_role("group", name="If you are asking for someone else: both are needed")
    ).to_be_visible()
    page.get_by_label("Someone I care about").check()
    page.get_by_label("Your relationship to them").select_option("friend")
    page.get_by_label("Their first name").fill("Rosa")
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_label("Your last name").fill("Avery")
    page.get_by_label("Phone number").fill("617 555 0188")
    # The insurance section is a <details>: it opens without any script.
    page.locator("#insurance-details summary").click()
    # The name of a company not listed shows too, and may be typed with nothing chosen.
    page.get_by_label("If it is not listed, its name (optional)").fill("Granite State Health")
    for label in ["Best time to reach you", "Program you are interested in", "Anything you"]:
        expect(page.get_by_label(label, exact=False)).to_be_visible()
    page.get_by_label("I agree that Resilience may contact me", exact=False).check()
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")
    lead = Lead.objects.get()
    assert (lead.relationship, lead.patient_first_name, lead.insurance_carrier) == (
        "friend",
        "Rosa",
        "Granite State Health",
    )
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("sections", ["closed", "open"])
def test_the_form_meets_wcag_a_and_aa_with_its_sections_open_and_closed(page, width, sections):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/get-help/")
    if sections == "open":
        page.get_by_label("Someone I care about").check()
        page.locator("#insurance-details summary").click()
        expect(page.get_by_label("Their first name")).to_be_visible()
        expect(page.get_by_label("Insurance company (optional)")).to_be_visible()
    else:
        expect(page.locator("#someone-else")).to_be_hidden()
        expect(page.get_by_label("Insurance company (optional)")).to_be_hidden()

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()


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
    expect(counter).to_have_text("1 character too many: please shorten it to 1000.")

    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Send my request").click()

    # 1000 plus the counter's 1 too many: the server counts what the counter counted.
    expect(page.get_by_role("alert")).to_contain_text(
        "Please keep your message to 1,000 characters or fewer (it has 1001)."
    )
    assert not Lead.objects.exists()
    # Shown again with the message kept, the count is the same.
    expect(counter).to_have_text("1 character too many: please shorten it to 1000.")
