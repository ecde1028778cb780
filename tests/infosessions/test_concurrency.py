"""Two people pressing "Register" for the last seat at the same moment (or one address sending the
form again many times at once), with real concurrent transactions on PostgreSQL (CI runs these;
elsewhere they skip without DATABASE_URL=postgres://…)."""

import pytest
from django.db import connection

from admissions.models import Dispatch, Purpose
from infosessions import services
from infosessions.models import Registration, Status
from tests.admissions.test_concurrency import at_once
from tests.infosessions.factories import InfoSessionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions (DATABASE_URL=postgres://…)")


def details(n: int) -> services.RegistrationDetails:
    return services.RegistrationDetails(
        first_name="Robin",
        last_name=f"Avery{n}",
        email=f"robin{n}@example.org",
        phone=None,
        consent_given=True,
    )


def test_concurrent_registrations_never_take_more_seats_than_there_are():
    session = InfoSessionFactory(capacity=3)

    at_once(lambda n: services.register(session.pk, details(n)), range(12), threads=12)

    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count(Status.REGISTERED) == 3
    assert statuses.count(Status.WAITLISTED) == 9


def test_two_people_racing_for_the_last_seat_one_gets_it_the_other_waits():
    session = InfoSessionFactory(capacity=1)

    at_once(lambda n: services.register(session.pk, details(n)), range(2), threads=2)

    assert sorted(Registration.objects.values_list("status", flat=True)) == [
        Status.REGISTERED,
        Status.WAITLISTED,
    ]


def test_the_same_e_mail_sent_twice_at_once_is_registered_once():
    session = InfoSessionFactory(capacity=5)

    def register(_):
        try:
            return services.register(session.pk, details(1)).pk
        except services.AlreadyRegisteredError:
            return None

    made = at_once(register, range(6), threads=6)

    assert Registration.objects.count() == 1
    assert len([pk for pk in made if pk]) == 1


def test_a_cancellation_racing_registrations_promotes_no_one_into_a_taken_seat():
    session = InfoSessionFactory(capacity=1)
    holder = services.register(session.pk, details(0))

    def act(n):
        if n == 0:
            services.cancel_registration(holder.pk)
        else:
            services.register(session.pk, details(n))

    at_once(act, range(6), threads=6)

    assert Registration.objects.filter(status=Status.REGISTERED).count() == 1


def test_the_same_address_registering_again_many_times_at_once_is_sent_one_confirmation():
    session = InfoSessionFactory()
    RegistrationFactory(session=session, email="robin1@example.org")  # confirmed long ago

    def register_again(_):
        try:
            services.register(session.pk, details(1))
        except services.AlreadyRegisteredError as already:
            return already.sent_again
        return None

    sent_again = at_once(register_again, range(6), threads=6)

    assert sorted(sent_again) == [False] * 5 + [True]
    assert Dispatch.objects.filter(purpose=Purpose.SESSION_CONFIRMATION).count() == 1
