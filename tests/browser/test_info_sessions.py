"""A person registers for the next information session with the keyboard alone, and gives the
place up from the link in their e-mail."""

import re

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from infosessions.models import Registration, Status
from tests.browser.test_accessibility import VIEWPORTS, WCAG_A_AND_AA
from tests.browser.test_consultation_form import focused, tab_to


def assert_accessible(page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()


def assert_accessible_at_each_width(page) -> None:
    """A phone's and a desktop's width, as the public pages' test checks them. The page is not
    loaded again (a thank-you page shows once)."""
    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        assert_accessible(page)


ANSWERS = {
    "first_name": "Robin",
    "last_name": "Avery",
    "email": "robin.avery@example.org",
}


def test_a_person_registers_with_the_keyboard_alone_then_gives_the_place_up(page):
    page.goto("/info-sessions/")
    page.get_by_role("link").filter(
        has_text=re.compile("introduction|what a day", re.I)
    ).first.click()

    for name, answer in ANSWERS.items():
        tab_to(page, lambda element, name=name: element["name"] == name)
        page.keyboard.type(answer)
    tab_to(page, lambda element: element["name"] == "consent")
    page.keyboard.press("Space")
    page.wait_for_timeout(2100)  # people take a moment; the form refuses instant submissions
    tab_to(page, lambda element: element["type"] == "submit")
    assert focused(page)["text"] in ("Register", "")  # an <input type=submit> has no text
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. You are registered.")
    assert_accessible_at_each_width(page)
    registration = Registration.objects.get()
    assert registration.status == Status.REGISTERED
    (confirmation,) = [m for m in mail.outbox if "robin.avery@example.org" in m.to]
    cancel_path = re.search(r"https?://[^/\s]+(/info-sessions/cancel/\S+)", confirmation.body)[1]

    page.goto(cancel_path)
    assert_accessible(page)
    page.get_by_role("button", name="Yes, give up my place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is given up")
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_errors_are_listed_first_and_each_links_to_its_field(page):
    page.goto("/info-sessions/next/")
    page.get_by_role("textbox", name="E-mail").fill("not an address")
    page.wait_for_timeout(2100)
    page.get_by_role("button", name=re.compile("Register|Join the waiting list")).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter your first name.").click()
    expect(page.locator("#id_first_name")).to_be_focused()
    assert_accessible(page)
    assert not Registration.objects.exists()


def test_a_full_session_its_waiting_list_page_and_a_broken_cancel_link_are_accessible(page):
    from infosessions.models import InfoSession
    from tests.infosessions.factories import RegistrationFactory

    session = InfoSession.objects.upcoming().first()
    RegistrationFactory.create_batch(session.capacity, session=session)

    page.goto(session.get_absolute_url())
    expect(page.get_by_role("heading", name="This session is full")).to_be_visible()
    expect(page.get_by_role("button", name="Join the waiting list")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="First name").fill("Robin")
    page.get_by_role("textbox", name="Last name").fill("Avery")
    page.get_by_role("textbox", name="E-mail").fill("robin.avery@example.org")
    page.locator("#id_consent").check()
    page.wait_for_timeout(2100)  # the form refuses instant submissions
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")
    assert_accessible_at_each_width(page)
    assert Registration.objects.get(email="robin.avery@example.org").status == Status.WAITLISTED

    page.goto("/info-sessions/cancel/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page)
