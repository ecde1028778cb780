"""How long the consultation form is on a phone, and how many keys it takes to send it.

    .venv/bin/python bench/form_height.py [--width 375] [--height 812]

Serves the site in-process (a throwaway SQLite database with the demo content) and opens
/get-help/ in Debian's Chromium through Playwright, at 375 x 812 by default (an iPhone's
viewport in CSS pixels). Prints:

- the height of the form (#consultation-form), in CSS px and in phone screens (height / viewport
  height), as a visitor first sees it; also how far down the page "Send my request" ends, and the
  height of the whole page;
- the keys a keyboard-only visitor presses to fill in what admissions needs to call back (who
  needs help: "Me", first and last name, phone, consent) and send it: every key is a real key
  press, Tab through the page from its top (no skip link), Space for the radio and the box,
  Enter on "Send my request". Counted from the top of the page and from the form's first
  question, and the typed characters apart (the same before and after a change to the form).
  The request must then be received (the thank-you page), or the count is refused.
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.pop("DATABASE_URL", None)  # always a throwaway SQLite database
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop in this thread

import django

django.setup()

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# What a person asking for themselves types: the essentials only.
ESSENTIALS = {"first_name": "Jordan", "last_name": "Avery", "phone": "617 555 0188"}
MIN_SECONDS_BEFORE_SENDING = 2.1  # the form refuses submissions quicker than a person


class Keys:
    """Presses keys on the page and counts them."""

    def __init__(self, page):
        self.page = page
        self.tabs = self.other = self.typed = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        if key == "Tab":
            self.tabs += 1
        else:
            self.other += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)

    @property
    def total(self) -> int:
        return self.tabs + self.other + self.typed

    def tab_to(self, predicate, limit: int = 150) -> None:
        for _ in range(limit):
            self.press("Tab")
            if predicate(self.focused()):
                return
        raise SystemExit(f"never reached the wanted element with Tab ({limit} presses)")

    def focused(self) -> dict:
        return self.page.evaluate(
            "() => ({name: document.activeElement.name || '',"
            " type: document.activeElement.type || ''})"
        )


def measure(browser, base_url: str, width: int, height: int) -> dict:
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto("/get-help/")
    shown_at = time.monotonic()
    form_height = page.locator("#consultation-form").evaluate(
        "form => form.getBoundingClientRect().height"
    )
    # How far down the page "Send my request" ends, and the whole page (with the header, the
    # crisis notice, "What happens next" and the footer).
    send_bottom = page.locator("#consultation-form [type=submit]").evaluate(
        "button => button.getBoundingClientRect().bottom + window.scrollY"
    )
    page_height = page.evaluate("() => document.documentElement.scrollHeight")

    keys = Keys(page)
    keys.tab_to(lambda element: element["name"] == "for_whom")
    before_form = keys.total
    keys.press("Space")  # "Me", the first choice
    for name, text in ESSENTIALS.items():
        keys.tab_to(lambda element, name=name: element["name"] == name)
        keys.type(text)
    keys.tab_to(lambda element: element["name"] == "consent")
    keys.press("Space")
    keys.tab_to(lambda element: element["type"] == "submit")
    time.sleep(max(0.0, MIN_SECONDS_BEFORE_SENDING - (time.monotonic() - shown_at)))
    keys.press("Enter")
    page.wait_for_load_state()
    heading = page.locator("h1").inner_text()
    context.close()
    if heading != "Thank you. We have your request.":
        raise SystemExit(f"the request was not received: the page says {heading!r}")
    return {
        "form_height": form_height,
        "send_bottom": send_bottom,
        "page_height": page_height,
        "keys": keys.total,
        "keys_in_form": keys.total - before_form,
        "tabs": keys.tabs,
        "other": keys.other,
        "typed": keys.typed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=375)
    parser.add_argument("--height", type=int, default=812)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    server = None
    try:
        call_command("seed_demo", stdout=StringIO())
        with override_settings(ALLOWED_HOSTS=["localhost", "127.0.0.1"]):
            # The in-memory test database is shared with the server's thread, as in Django's
            # LiveServerTestCase.
            database = connections["default"]
            database.inc_thread_sharing()
            server = LiveServerThread(
                "localhost", StaticFilesHandler, connections_override={"default": database}
            )
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                result = measure(
                    browser, f"http://localhost:{server.port}", args.width, args.height
                )
                browser.close()
    finally:
        if server is not None:
            server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"/get-help/ at {args.width} x {args.height} px")
    print(
        f"form height: {result['form_height']:.0f} px = "
        f"{result['form_height'] / args.height:.2f} phone screens"
    )
    for label, key in [
        ("page top to the bottom of Send", "send_bottom"),
        ("whole page", "page_height"),
    ]:
        print(f"{label}: {result[key]:.0f} px = {result[key] / args.height:.2f} phone screens")
    print(
        f"keys to send the essentials with the keyboard alone: {result['keys']} "
        f"({result['tabs']} Tab, {result['other']} Space/Enter, {result['typed']} typed characters)"
    )
    print(
        f"  of which from the form's first question on: {result['keys_in_form']} "
        f"({result['keys_in_form'] - result['typed']} without the typed characters)"
    )


if __name__ == "__main__":
    main()
