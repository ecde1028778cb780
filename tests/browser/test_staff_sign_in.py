"""Staff sign in with a password and a code from their phone, on a phone and on a desktop: every
step passes axe-core's WCAG 2.x A/AA rules under the site's Content-Security-Policy."""

from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_accessibility import VIEWPORTS, WCAG_A_AND_AA
from tests.factories import SuperuserFactory
from tests.staff_sign_in import authenticator_for, current_code

ADMIN = f"/{settings.ADMIN_URL}"
PASSWORD = "correct-horse-battery"
CODE_LABEL = "6-digit code from your authenticator app"

axe = Axe()


def sign_in_with_two_factor(page, username: str, password: str, device: TOTPDevice) -> None:
    """From the admin's sign-in page: password, then the code the device shows now."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label(CODE_LABEL).fill(current_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def assert_meets_wcag_a_and_aa(page) -> None:
    results = axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_A_AND_AA},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()


def assert_nothing_blocked_or_foreign(page_log) -> None:
    assert page_log.requests_to_other_hosts() == []
    assert page_log.failed_resources == []
    # Includes Content-Security-Policy violations, which Chromium reports as console errors.
    assert page_log.console_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_sign_in_with_a_code_from_their_app(page, page_log, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    device = authenticator_for(SuperuserFactory(username="desk", password=PASSWORD))

    page.goto(ADMIN)
    assert_meets_wcag_a_and_aa(page)
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    assert_meets_wcag_a_and_aa(page)
    page.get_by_label(CODE_LABEL).fill("000000" if current_code(device) != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not match")
    expect(page.get_by_label(CODE_LABEL)).to_be_focused()
    assert_meets_wcag_a_and_aa(page)

    # django-otp makes the next try wait a second after a wrong code; people take longer.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    page.get_by_label(CODE_LABEL).fill(current_code(device))
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert_nothing_blocked_or_foreign(page_log)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_set_up_their_app_and_see_their_recovery_codes_once(page, page_log, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    SuperuserFactory(username="newcomer", password=PASSWORD)

    page.goto(ADMIN)
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code for setting up your authenticator app")
    ).to_be_visible()
    assert_meets_wcag_a_and_aa(page)
    device = TOTPDevice.objects.get(user__username="newcomer", confirmed=False)
    typed_secret = page.locator(".staff-secret code").inner_text().replace(" ", "")
    assert b32decode(typed_secret) == device.bin_key
    page.get_by_label("Enter the code the app shows").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert_meets_wcag_a_and_aa(page)
    page.get_by_role("link", name="I have saved my codes: continue").click()

    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert_nothing_blocked_or_foreign(page_log)


def test_the_sign_in_pause_page_is_calm_and_accessible(page, page_log):
    page.set_viewport_size(VIEWPORTS["320 px phone"])
    SuperuserFactory(username="desk", password=PASSWORD)

    page.goto(f"{ADMIN}login/")
    for _ in range(5):
        page.get_by_label("Username").fill("desk")
        page.get_by_label("Password").fill("not-the-password")
        response_status = None
        with page.expect_response(lambda response: response.request.method == "POST") as info:
            page.get_by_role("button", name="Log in").click()
        response_status = info.value.status

    assert response_status == 429
    expect(page.get_by_role("heading", name="Sign-in paused")).to_be_visible()
    expect(page.get_by_text("call the supervisor on duty")).to_be_visible()
    assert_meets_wcag_a_and_aa(page)
    assert page_log.console_errors == []
