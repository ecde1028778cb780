import os
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.db.models.signals import post_migrate

from core.pagecache import forget_pages_in_this_process
from core.ratelimit import forget_what_this_process_knows

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
def empty_cache(monkeypatch):
    """Each test starts with an empty cache: rate limits and cached pages don't leak between;
    nor does what this process last read of them, or of the center."""
    cache.clear()
    monkeypatch.setattr("center.profile._last_known_in_this_process", None)
    forget_pages_in_this_process()
    forget_what_this_process_knows()
    monkeypatch.setattr("admissions.flood._engaged_in_this_process", None)


def _restore_staff_roles(sender, **kwargs):
    """Transactional tests end by emptying every table, the staff roles that migration 0007
    made included; `flush` then sends post_migrate, and the roles are made again."""
    # After django.contrib.auth's own receiver has made the permissions again.
    if sender.name == "admissions":
        import_module("admissions.migrations.0007_roles").assign_roles(django_apps)
        _restore_marketing_permissions()
        # After 0007's, which sets each group's permissions afresh.
        import_module("infosessions.migrations.0002_roles").assign_roles(django_apps)


def _restore_marketing_permissions():
    # Apps added after 0007 granted theirs in their own migrations.
    from django.contrib.auth.models import Group, Permission

    from admissions.roles import MARKETING_APPS, MARKETING_GROUP

    Group.objects.get(name=MARKETING_GROUP).permissions.add(
        *Permission.objects.filter(content_type__app_label__in=MARKETING_APPS)
    )


post_migrate.connect(_restore_staff_roles, dispatch_uid="tests.restore-staff-roles")
