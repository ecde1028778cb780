"""What happens when many requests arrive at the same moment, with real concurrent transactions on
PostgreSQL (CI runs these; elsewhere they skip without DATABASE_URL=postgres://…)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import pytest
from django.db import connection, connections
from phonenumber_field.phonenumber import PhoneNumber

from admissions import services
from admissions.models import Lead
from tests.admissions.factories import LeadFactory, OnCallShiftFactory, consultation_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrent transactions (DATABASE_URL=postgres://…)")


def at_once(work, arguments, threads=10):
    """Run work(argument) for each argument from `threads` threads released together."""
    start = threading.Barrier(threads)

    def run(argument):
        try:
            with suppress(threading.BrokenBarrierError):
                start.wait(timeout=10)
            return work(argument)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, arguments))


def test_round_robin_stays_fair_when_ten_workers_route_thirty_leads_at_once():
    # Reproduced: 7/7/16, because the assignment time was taken before the staff rows were locked.
    staff = [OnCallShiftFactory(staff_member__username=name).staff_member for name in "abc"]
    leads = [LeadFactory() for _ in range(30)]

    at_once(lambda lead: services.route_lead(lead), leads)

    counts = Counter(Lead.objects.values_list("assigned_to", flat=True))
    assert sorted(counts.values()) == [10, 10, 10], counts
    assert set(counts) == {member.pk for member in staff}


def test_a_replayed_form_token_makes_at_most_three_leads_under_concurrency():
    # Reproduced: 299 leads from 300 concurrent posts of one form token.
    def post(n):
        request = consultation_request(phone=PhoneNumber.from_string(f"+1617555{n:04d}"))
        try:
            return services.receive_consultation_request(request, form_nonce="replayed").pk
        except services.FormTokenUsedUpError:
            return None

    made = at_once(post, range(40), threads=20)

    assert Lead.objects.count() == 3
    assert len([pk for pk in made if pk]) == 3
    assert sorted(Lead.objects.values_list("form_nonce_use", flat=True)) == [1, 2, 3]


def test_two_concurrent_copies_of_one_request_make_one_lead():
    made = at_once(
        lambda _: (
            services.receive_consultation_request(
                consultation_request(), form_nonce="double-click"
            ).pk
        ),
        range(10),
    )

    assert Lead.objects.count() == 1
    assert len(set(made)) == 1


def test_a_correction_sent_while_the_first_is_in_flight_is_kept():
    phones = ["+16175550188", "+16175550199"]

    at_once(
        lambda phone: services.receive_consultation_request(
            consultation_request(phone=PhoneNumber.from_string(phone)), form_nonce="t1"
        ),
        phones,
        threads=2,
    )

    assert sorted(lead.phone.as_e164 for lead in Lead.objects.all()) == phones
