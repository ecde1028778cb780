"""The test database itself: a transactional test's flush leaves it as the migrations made it.

pytest-xdist workers take each other's tests, so a test may run after a transactional one on the
same database; what the data migrations made must still be there (tests/table_rows.py)."""

import uuid

import psycopg2
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from admissions.roles import MARKETING_GROUP, STAFF_GROUP, SUPERVISORS_GROUP
from center.models import CenterProfile
from core.models import SitePage
from programs.models import Program
from tests.programs.factories import ProgramFactory


def what_the_migrations_made() -> dict:
    return {
        "groups": {
            group.name: group.permissions.count()
            for group in Group.objects.filter(
                name__in=[STAFF_GROUP, SUPERVISORS_GROUP, MARKETING_GROUP]
            )
        },
        "pages": set(SitePage.objects.values_list("slug", flat=True)),
        "center profiles": CenterProfile.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_a_flush_as_transactional_tests_end_puts_back_what_the_migrations_made():
    migrated = what_the_migrations_made()
    ProgramFactory(slug="made-by-a-test")
    SitePage.objects.filter(slug="privacy").delete()

    # As pytest-django ends a transactional test (Django's TransactionTestCase).
    call_command(
        "flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False
    )

    assert what_the_migrations_made() == migrated
    assert "privacy" in migrated["pages"]
    assert all(migrated["groups"].values()) and len(migrated["groups"]) == 3
    assert not Program.objects.filter(slug="made-by-a-test").exists()


def test_the_test_database_is_dropped_even_with_a_connection_left_open(django_db_blocker):
    """So that no test database is left behind on the machine's shared PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    name = f"test_resilience_dropped_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    with django_db_blocker.unblock():
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        left_open = psycopg2.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"],
            password=settings["PASSWORD"],
            dbname=name,
        )
        try:
            connection.creation._destroy_test_db(name, verbosity=0)

            with connection.creation._nodb_cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                assert cursor.fetchone() is None
        finally:
            left_open.close()
