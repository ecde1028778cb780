"""After a request is sent, the Back button never shows what was typed (a shared phone in a
waiting room), whether the browser restores the page from its back-forward cache or reloads it
and refills the fields; and a copy sent again from there never becomes a second lead."""

from playwright.sync_api import expect

from admissions.models import Lead
from tests.admissions.conftest import form_token_shown

PRIVATE = {
    "first_name": "Jordan",
    "last_name": "Avery",
    "phone": "617 555 0188",
    "email": "jordan.avery@example.org",
    "message": "My son relapsed last night.",
}


def fill_and_send(page):
    page.goto("/get-help/")
    page.get_by_label("Me", exact=True).check()
    for name, value in PRIVATE.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=consent]").check()
    # As if the form had been open a minute: it refuses instant submissions.
    page.locator("[name=form_token]").evaluate(
        "(field, token) => { field.value = token; }", form_token_shown(seconds_ago=60)
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We have your request.")


def typed_values(page) -> dict:
    return {name: page.locator(f"[name={name}]").input_value() for name in PRIVATE}


def test_back_after_sending_shows_an_empty_form(page):
    fill_and_send(page)

    page.go_back()

    expect(page.get_by_role("heading", level=1)).to_have_text("Get help")
    assert typed_values(page) == dict.fromkeys(PRIVATE, "")
    assert not page.locator("[name=consent]").is_checked()
    assert Lead.objects.count() == 1


def test_back_then_forward_then_back_again_still_shows_nothing(page):
    fill_and_send(page)
    page.go_back()
    page.go_forward()
    page.go_back()

    assert typed_values(page) == dict.fromkeys(PRIVATE, "")


def test_a_new_visit_to_the_form_keeps_what_is_being_typed(page):
    fill_and_send(page)
    page.goto("/get-help/")  # a second request, started afresh
    page.locator("[name=first_name]").fill("Riley")
    page.goto("/programs/")

    page.go_back()

    # The mark of the earlier request was spent on the fresh visit: what the browser brings back
    # of a request not yet sent is the person's own to keep.
    assert page.locator("[name=first_name]").input_value() == "Riley"
    assert Lead.objects.count() == 1
