"""The consultation form costs a fixed number of queries, however many programs, insurers and
leads exist."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.profile import current_center
from tests.admissions.conftest import form_data
from tests.admissions.factories import LeadFactory
from tests.center.factories import InsuranceCarrierFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("programs", [1, 20])
def test_showing_the_form_takes_three_queries(client, django_assert_num_queries, programs):
    ProgramFactory.create_batch(programs)
    InsuranceCarrierFactory.create_batch(programs)
    current_center()  # cached, as after any earlier page view

    # The published programs, the insurers accepted, and whether a flood is on.
    with django_assert_num_queries(3):
        client.get("/get-help/")


def queries_to_send_the_form(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/get-help/", form_data())
    assert response.status_code == 302
    return len(queries)


def test_sending_the_form_costs_the_same_with_ten_or_a_hundred_leads_stored(client):
    yesterday = timezone.now() - timedelta(days=1)  # earlier leads, not a flood
    LeadFactory.create_batch(10, created_at=yesterday)
    with_ten = queries_to_send_the_form(client)
    LeadFactory.create_batch(90, created_at=yesterday)
    client.cookies.clear()

    with_a_hundred = queries_to_send_the_form(client)

    # The form's programs and insurers; already received? flood? form uses, duplicates, insert
    # and its history row, then the rate of new leads; with the savepoints around the insert.
    assert with_ten == with_a_hundred == 14
