"""Receiving a request: stored first, priority and possible duplicates worked out."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from admissions import services
from admissions.models import Lead, Priority
from tests.admissions.factories import LeadFactory, consultation_request

pytestmark = pytest.mark.django_db


def test_the_lead_keeps_the_consent_as_given_and_a_normalised_e_mail():
    lead = services.receive_consultation_request(consultation_request(email=" Jo@Example.ORG "))

    assert lead.email == "jo@example.org"
    assert lead.consent_text.startswith("I agree that Resilience may contact me")
    assert lead.consent_version
    assert abs(lead.consented_at - timezone.now()) < timedelta(seconds=5)


def test_a_request_without_consent_is_refused():
    with pytest.raises(ValueError, match="consent"):
        services.receive_consultation_request(consultation_request(consent_given=False))
    assert not Lead.objects.exists()


def test_a_message_that_suggests_danger_makes_the_lead_urgent():
    lead = services.receive_consultation_request(
        consultation_request(message="My daughter talked about suicide tonight")
    )

    assert lead.priority == Priority.URGENT
    assert lead.urgent_terms == "suicide"


def test_an_ordinary_message_is_normal_priority():
    lead = services.receive_consultation_request(consultation_request(message="Evening groups?"))

    assert lead.priority == Priority.NORMAL


def test_the_same_phone_within_30_days_is_linked_to_the_earlier_lead():
    earlier = LeadFactory(phone="+16175550188", created_at=timezone.now() - timedelta(days=29))

    lead = services.receive_consultation_request(consultation_request(email="new@example.org"))

    assert lead.duplicate_of == earlier


def test_the_same_e_mail_in_any_case_is_linked_too():
    earlier = LeadFactory(email="jordan.avery@example.org", phone="+16175550111")

    lead = services.receive_consultation_request(
        consultation_request(email="JORDAN.AVERY@example.org")
    )

    assert lead.duplicate_of == earlier


def test_the_most_recent_earlier_lead_is_the_one_linked():
    LeadFactory(phone="+16175550188", created_at=timezone.now() - timedelta(days=20))
    latest = LeadFactory(phone="+16175550188", created_at=timezone.now() - timedelta(days=2))

    lead = services.receive_consultation_request(consultation_request())

    assert lead.duplicate_of == latest


def test_older_requests_are_not_linked():
    LeadFactory(phone="+16175550188", created_at=timezone.now() - timedelta(days=31))

    lead = services.receive_consultation_request(consultation_request())

    assert lead.duplicate_of is None


def test_a_possible_duplicate_is_still_stored_and_notified(django_capture_on_commit_callbacks):
    LeadFactory(phone="+16175550188")

    with django_capture_on_commit_callbacks(execute=True):
        lead = services.receive_consultation_request(consultation_request())

    assert lead.duplicate_of is not None
    assert any(f"#{lead.pk}" in message.subject for message in mail.outbox)


def test_the_same_submission_token_returns_the_lead_already_stored():
    first = services.receive_consultation_request(consultation_request(), submission_token="abc")
    again = services.receive_consultation_request(consultation_request(), submission_token="abc")

    assert again == first
    assert Lead.objects.count() == 1
