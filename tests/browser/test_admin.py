"""Django admin keeps working under the site's strict Content-Security-Policy."""

from django.conf import settings
from playwright.sync_api import expect

from tests.factories import SuperuserFactory


def test_staff_sign_in_and_edit_a_page_without_policy_violations(page, page_log):
    SuperuserFactory(username="marketing", password="correct-horse-battery")

    page.goto(f"/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill("marketing")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/{settings.ADMIN_URL}core/sitepage/")
    page.get_by_role("link", name="Privacy notice").click()

    assert page.get_by_label("Title").input_value() == "Privacy notice"
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert page_log.console_errors == []
    assert page_log.requests_to_other_hosts() == []
