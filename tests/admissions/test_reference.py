"""A short reference for each lead, shown to the person so a family who calls back can quote it."""

import re

import pytest
from django.core import mail

from admissions import spool
from admissions.models import REFERENCE_ALPHABET, Lead, new_reference, normalise_reference
from tests.admissions.conftest import form_data
from tests.admissions.test_spool import post_during_outage

pytestmark = pytest.mark.django_db

SHAPE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}$")


def test_a_reference_is_short_unambiguous_and_not_the_database_id():
    references = {new_reference() for _ in range(1000)}

    assert len(references) == 1000
    assert all(SHAPE.match(reference) for reference in references)
    assert not any(character in "".join(references) for character in "01ILOUV")


@pytest.mark.parametrize("typed", ["k7mq-4xpa", "K7MQ 4XPA", " k7mq4xpa ", "K7MQ–4XPA"])
def test_a_reference_is_recognised_however_it_is_typed(typed):
    assert normalise_reference(typed) == "K7MQ-4XPA"


@pytest.mark.parametrize("typed", ["K7MQ-4XP", "K7MQ-4XPO", "12345678901", ""])
def test_something_else_is_not_taken_for_a_reference(typed):
    assert normalise_reference(typed) is None


def test_the_thank_you_page_shows_the_reference_once(post_form, client):
    post_form(form_data())
    lead = Lead.objects.get()

    html = client.get("/get-help/thanks/").content.decode()

    assert f'<strong class="reference-code">{lead.reference}</strong>' in html
    assert lead.reference not in client.get("/get-help/thanks/").content.decode()


def test_the_acknowledgment_carries_the_reference(post_form, settings):
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
    post_form(form_data(preferred_contact="email"))
    lead = Lead.objects.get()

    (acknowledgment,) = [m for m in mail.outbox if m.to == [lead.email]]
    assert f"Your reference is {lead.reference}." in acknowledgment.body


def test_a_request_kept_during_an_outage_is_stored_under_the_reference_it_was_shown(
    client, settings
):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL=redis://… for the spool (CI sets it)")
    post_during_outage(client)
    shown = re.search(r'reference-code">([^<]+)<', client.get("/get-help/thanks/").content.decode())

    assert spool.drain() == 1

    assert Lead.objects.get().reference == shown.group(1)
