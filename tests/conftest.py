import os
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from core.cache import forget_unreachable_servers
from core.pagecache import forget_pages_in_this_process
from core.queueing import forget_unreachable_brokers
from core.ratelimit import forget_what_this_process_knows
from tests import table_rows

# Under CI nothing may skip: a test that needs PostgreSQL, Redis, a worker or Chromium must run.
RUNNING_IN_CI = os.environ.get("CI", "").lower() == "true"


# The end-to-end tests take minutes each, mostly waiting on the processes they start (the
# longest, tests/e2e/test_faults.py, over three). First in the run, they start at once on one
# pytest-xdist worker while the others take the short tests; last, they would be the run's tail.
LONGEST_FIRST = (
    "tests/e2e/test_faults.py",
    "tests/e2e/test_database_outage.py",
    "tests/e2e/",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        return next(
            (place for place, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)  # stable: each group keeps its order


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
def empty_cache(monkeypatch):
    """Each test starts with an empty cache: rate limits and cached pages don't leak between;
    nor does what this process last read of them, or of the center, or learnt of Redis."""
    forget_unreachable_servers()
    forget_unreachable_brokers()
    cache.clear()
    monkeypatch.setattr("center.profile._last_known_in_this_process", None)
    forget_pages_in_this_process()
    forget_what_this_process_knows()
    monkeypatch.setattr("admissions.flood._engaged_in_this_process", None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Once the test database is migrated: a copy of its rows, which every flush (the end of a
    transactional test) puts back, so that what the data migrations made (staff roles, required
    pages, the center's profile) is there for every test, whatever ran before it."""
    with django_db_blocker.unblock():
        table_rows.migrated_database = table_rows.TableRows.of_the_database()
