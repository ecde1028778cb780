import os
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

# Under CI nothing may skip: a test that needs PostgreSQL, Redis, a worker or Chromium must run.
RUNNING_IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if RUNNING_IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, where every test must run: {reason}"


@pytest.fixture
def demo_content(db):
    """The demo content `make run` shows; the public pages in tests/public_pages.py need it."""
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rate limits and cached pages don't leak between."""
    cache.clear()
