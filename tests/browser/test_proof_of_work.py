"""The proof of work (ALTCHA) runs by itself under the site's Content-Security-Policy, tells
screen-reader users what it is doing without chatter, and never stands between a person and
sending the form."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from admissions import proof_of_work
from tests.browser import proof_of_work_urls
from tests.browser.test_accessibility import DESKTOP, PHONE, VIEWPORTS, WCAG_A_AND_AA
from tests.browser.test_consultation_form import focused, tab_to

pytestmark = pytest.mark.urls("tests.browser.proof_of_work_urls")

LABEL = "Automatic spam check:"
CHECKING = f"{LABEL} Checking that you are a person…"
WAITING = f"{CHECKING} Your request will be sent in a moment."
DONE = f"{LABEL} Done."
FAILED = f"{LABEL} Could not check. You can still send the form."

# Installed before the page's own scripts: every write into the live region, in order, which is
# what a screen reader would announce.
RECORD_LIVE_REGION = """
window.liveRegionWrites = [];
new MutationObserver((mutations) => {
  const status = document.querySelector("[data-proof-of-work] [role='status']");
  if (status && mutations.some((mutation) => status.contains(mutation.target))) {
    window.liveRegionWrites.push(status.textContent);
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture(autouse=True)
def no_verdicts_yet():
    proof_of_work_urls.verdicts.clear()


@pytest.fixture
def page(page):
    page.add_init_script(RECORD_LIVE_REGION)
    return page


def live_region_writes(page) -> list[str]:
    return page.evaluate("window.liveRegionWrites")


def widget(page):
    return page.locator("[data-proof-of-work]")


def payload(page) -> str:
    return page.locator(f"input[name='{proof_of_work.FIELD_NAME}']").input_value()


def verdict(page):
    return page.locator("#verdict")


def assert_no_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}})
    assert results.violations_count == 0, results.generate_report()


def assert_the_page_kept_to_itself(page_log):
    assert page_log.requests_to_other_hosts() == []
    assert page_log.failed_resources == []
    # Includes Content-Security-Policy violations, which Chromium reports as console errors.
    assert page_log.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_the_check_runs_by_itself_says_so_once_and_the_server_accepts_it(page, page_log, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/proof-of-work/")

    expect(widget(page)).to_have_attribute("data-state", "done")
    expect(widget(page).get_by_role("status")).to_have_text(DONE)
    assert live_region_writes(page) == [CHECKING, DONE]
    assert payload(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_violations(page)

    page.get_by_role("button", name="Send my request").click()

    expect(verdict(page)).to_have_text("Accepted")
    assert proof_of_work_urls.verdicts == [True]
    assert_the_page_kept_to_itself(page_log)


def test_a_person_sends_the_form_with_the_keyboard_alone_and_the_check_takes_no_focus(
    page, page_log
):
    page.goto("/proof-of-work/")

    tab_to(page, lambda element: element["name"] == "first_name")
    page.keyboard.type("Jordan")
    page.keyboard.press("Tab")
    # Nothing to press in the check: the next stop after the last field is the Send button.
    assert focused(page)["text"] == "Send my request"
    page.keyboard.press("Enter")

    expect(verdict(page)).to_have_text("Accepted")
    expect(page.get_by_label("Your first name")).to_have_value("Jordan")
    assert proof_of_work_urls.verdicts == [True]
    assert_the_page_kept_to_itself(page_log)


def test_send_pressed_while_checking_waits_for_the_check_then_sends_once(page, page_log):
    page.goto("/proof-of-work/?challenge=slow")
    page.get_by_label("Your first name").fill("Jordan")

    send = page.get_by_role("button", name="Send my request")
    send.press("Enter")
    send.press("Enter")  # impatient: a second press must not send twice

    expect(widget(page).get_by_role("status")).to_have_text(WAITING)
    assert_no_violations(page)
    expect(verdict(page)).to_have_text("Accepted", timeout=15_000)
    expect(page.get_by_label("Your first name")).to_have_value("Jordan")
    assert proof_of_work_urls.verdicts == [True]
    assert_the_page_kept_to_itself(page_log)


def test_when_the_check_cannot_run_it_says_so_and_the_form_still_sends(page, page_log):
    page.goto("/proof-of-work/?challenge=unavailable")

    expect(widget(page).get_by_role("status")).to_have_text(FAILED)
    assert live_region_writes(page) == [CHECKING, FAILED]
    assert_no_violations(page)
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_role("button", name="Send my request").click()

    # Sent without a proof: the view holds such a request for review during a flood.
    expect(verdict(page)).to_have_text("Refused")
    expect(page.get_by_label("Your first name")).to_have_value("Jordan")
    assert proof_of_work_urls.verdicts == [False]
    assert page_log.failed_resources
    assert all(
        failure.startswith("503 ") and failure.endswith("/proof-of-work/unavailable/")
        for failure in page_log.failed_resources
    )
    assert page_log.requests_to_other_hosts() == []
    assert page_log.console_errors == []


def test_without_javascript_the_check_shows_nothing_and_the_form_still_sends(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/proof-of-work/")

    expect(widget(page)).to_have_text("")
    page.get_by_label("Your first name").fill("Jordan")
    page.get_by_role("button", name="Send my request").click()

    expect(verdict(page)).to_have_text("Refused")
    assert proof_of_work_urls.verdicts == [False]
    context.close()


def test_a_solution_is_renewed_before_it_runs_out(page, page_log, monkeypatch):
    # A challenge that runs out 61 s from now is renewed at once: the widget renews a minute early.
    monkeypatch.setattr(proof_of_work, "CHALLENGE_LIFETIME_SECONDS", 61)
    page.goto("/proof-of-work/")
    expect(widget(page)).to_have_attribute("data-state", "done")
    first = payload(page)

    expect(page.locator(f"input[name='{proof_of_work.FIELD_NAME}']")).not_to_have_value(first)

    assert payload(page)
    # Quietly: renewing is nothing a person needs to hear about.
    assert live_region_writes(page) == [CHECKING, DONE]
    page.get_by_role("button", name="Send my request").click()
    expect(verdict(page)).to_have_text("Accepted")
    assert_the_page_kept_to_itself(page_log)


@pytest.mark.parametrize(
    ("difficulty", "hard", "limit_ms"), [("normal", False, 3_000), ("hard", True, 8_000)]
)
def test_even_the_unluckiest_visitor_waits_only_a_moment(
    page, page_log, monkeypatch, difficulty, hard, limit_ms
):
    monkeypatch.setattr(proof_of_work, "difficulty_is_hard", lambda: hard)
    # The unluckiest visitor: the counter to find is the last one the browser tries.
    monkeypatch.setattr(proof_of_work, "_counter_to_find", lambda level: level.max_counter - 1)

    solve_times_ms = []
    for _ in range(3):
        page.goto("/proof-of-work/")
        expect(widget(page)).to_have_attribute("data-state", "done", timeout=30_000)
        solve_times_ms.append(int(widget(page).get_attribute("data-solved-in-ms")))
        page.get_by_role("button", name="Send my request").click()
        expect(verdict(page)).to_be_visible()

    # Run with -s to see them; they include fetching the challenge and starting the workers.
    print(f"\nWorst-case {difficulty} proof of work in this Chromium: {solve_times_ms} ms")
    assert proof_of_work_urls.verdicts == [True, True, True]
    assert max(solve_times_ms) < limit_ms
    assert_the_page_kept_to_itself(page_log)
