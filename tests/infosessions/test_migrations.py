"""Places at sessions called off before calling a session off closed them come through the
migration closed, with the session's time and reason; places given up say so."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from infosessions.models import CancelledBecause, Registration, Status
from tests.infosessions.factories import InfoSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("infosessions", "0002_roles")]
AFTER = [("infosessions", "0003_registration_cancelled_because")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_places_at_sessions_called_off_earlier_are_closed_and_places_given_up_say_so():
    called_off_at = timezone.now() - timedelta(days=2)
    going_on = InfoSessionFactory()
    called_off = InfoSessionFactory(cancelled_at=called_off_at)
    old = migrate(BEFORE)
    registrations = old.get_model("infosessions", "Registration").objects

    def place(session, status, email):
        return registrations.create(
            session_id=session.pk, first_name="Robin", last_name="Avery", email=email, status=status
        ).pk

    seat = place(called_off, "registered", "seat@example.org")
    waiting = place(called_off, "waitlisted", "waiting@example.org")
    given_up = place(going_on, "cancelled", "given.up@example.org")
    kept = place(going_on, "registered", "kept@example.org")

    migrate(AFTER)

    closed = Registration.objects.in_bulk([seat, waiting, given_up, kept])
    for pk in (seat, waiting):
        assert closed[pk].status == Status.CANCELLED
        assert closed[pk].cancelled_because == CancelledBecause.SESSION_CANCELLED
        assert closed[pk].cancelled_at == called_off_at
    assert closed[given_up].cancelled_because == CancelledBecause.GIVEN_UP
    assert (closed[kept].status, closed[kept].cancelled_because) == (Status.REGISTERED, "")
