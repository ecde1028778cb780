"""The consultation form costs a fixed number of queries, however many programs, insurers and
leads exist."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from admissions.forms import form_choices_kept
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
    form_choices_kept()  # as after the form page was shown
    yesterday = timezone.now() - timedelta(days=1)  # earlier leads, not a flood
    LeadFactory.create_batch(10, created_at=yesterday)
    with_ten = queries_to_send_the_form(client)
    LeadFactory.create_batch(90, created_at=yesterday)
    client.cookies.clear()

    with_a_hundred = queries_to_send_the_form(client)

    # Already received? flood? form uses, duplicates, insert and its history row, then the rate
    # of new leads; with the savepoints around the insert.
    assert with_ten == with_a_hundred == 12


def test_the_form_s_lists_are_read_again_only_after_an_edit(
    client, django_capture_on_commit_callbacks
):
    ProgramFactory(slug="aftercare")
    queries_to_send_the_form(client)
    client.cookies.clear()
    assert queries_to_send_the_form(client) == 12  # the programs and insurers offered, kept

    with django_capture_on_commit_callbacks(execute=True):
        ProgramFactory(slug="weekend-intensive")
    client.cookies.clear()

    assert queries_to_send_the_form(client) == 14
    client.cookies.clear()
    response = client.post("/get-help/", form_data(program="weekend-intensive"))
    assert response.status_code == 302
