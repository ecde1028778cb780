"""Browser harness: the site on a live server, driven through Debian's Chromium by Playwright."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.demo_snapshot import load_demo_content

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless and quiet: no background calls to Google's services, which this network refuses anyway.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in the test thread, which Django's ORM takes for async
# code. The tests' own ORM calls are synchronous, so tell Django to allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    """Browser tests run on a transactional database, emptied after every test, so load the
    demo content (which includes the pages the data migrations create) before each one."""
    load_demo_content()


@dataclass
class PageLog:
    """What a page did besides rendering: the requests it made and the errors it logged."""

    origin: str
    requested_urls: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def requests_to_other_hosts(self) -> list[str]:
        return [url for url in self.requested_urls if _origin(url) != self.origin]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def page_log(live_server):
    return PageLog(origin=_origin(live_server.url))


@pytest.fixture
def page(browser, live_server, page_log):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("request", lambda request: page_log.requested_urls.append(request.url))
    page.on(
        "response",
        lambda response: (
            page_log.failed_resources.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            page_log.console_errors.append(message.text)
            # Error statuses of resources are collected above, without the page's own 404.
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: page_log.console_errors.append(str(error)))
    yield page
    context.close()
