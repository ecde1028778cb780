"""The test database itself: a transactional test's flush leaves it as the migrations made it.

pytest-xdist workers take each other's tests, so a test may run after a transactional one on the
same database; what the data migrations made must still be there (tests/table_rows.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

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
