"""Receiving a request: stored first, priority and possible duplicates worked out."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import DataError, connection
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from admissions import services
from admissions.models import BotSignal, CloseOutcome, HoldReason, Lead, Priority, Status
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
    assert any(f"{lead.reference}" in message.subject for message in mail.outbox)


def test_the_same_request_from_the_same_form_returns_the_lead_already_stored():
    first = services.receive_consultation_request(consultation_request(), form_nonce="abc")
    again = services.receive_consultation_request(consultation_request(), form_nonce="abc")

    assert again == first
    assert Lead.objects.count() == 1


def test_a_corrected_request_from_the_same_form_is_a_new_lead_linked_to_the_first():
    first = services.receive_consultation_request(consultation_request(), form_nonce="t1")

    corrected = services.receive_consultation_request(
        consultation_request(phone=PhoneNumber.from_string("+16175550199")), form_nonce="t1"
    )

    assert corrected != first
    assert corrected.phone.as_e164 == "+16175550199"
    assert Lead.objects.count() == 2


def test_a_correction_racing_the_first_request_is_compared_not_swallowed(monkeypatch):
    # Two POSTs of one form in flight at once, the second with a corrected phone number: the
    # second counted the form's uses before the first committed, then lost the race for use 1.
    first = services.receive_consultation_request(consultation_request(), form_nonce="t1")
    real_count, counts = services._form_nonce_uses, []

    def counted_before_the_first_committed(nonce):
        counts.append(nonce)
        return 0 if len(counts) == 1 else real_count(nonce)

    monkeypatch.setattr(services, "_form_nonce_uses", counted_before_the_first_committed)

    corrected = services.receive_consultation_request(
        consultation_request(phone=PhoneNumber.from_string("+16175550199")), form_nonce="t1"
    )

    assert corrected != first
    assert corrected.phone.as_e164 == "+16175550199"
    assert sorted(Lead.objects.values_list("form_nonce_use", flat=True)) == [1, 2]


def test_one_showing_of_the_form_makes_at_most_three_leads():
    for n in range(3):
        services.receive_consultation_request(
            consultation_request(message=f"version {n}"), form_nonce="t1"
        )

    with pytest.raises(services.FormTokenUsedUpError):
        services.receive_consultation_request(
            consultation_request(message="a script replaying the form"), form_nonce="t1"
        )
    assert Lead.objects.count() == 3
    # Sending one of them again is still just that lead, not a refusal.
    again = services.receive_consultation_request(
        consultation_request(message="version 1"), form_nonce="t1"
    )
    assert again.message == "version 1"


def test_control_and_direction_characters_are_stripped_from_what_is_kept():
    lead = services.receive_consultation_request(
        consultation_request(
            first_name="\u202eJordan\u202c",
            last_name="Av\u2066ery\x00",
            message="line one\r\nline two\x07",
        )
    )

    assert (lead.first_name, lead.last_name) == ("Jordan", "Avery")
    assert lead.message == "line one\nline two"


def test_a_phone_extension_is_kept():
    phone = PhoneNumber.from_string("(617) 555-0188 ext. 42", region="US")

    lead = services.receive_consultation_request(consultation_request(phone=phone))

    lead.refresh_from_db()
    assert (lead.phone.as_e164, lead.phone_extension) == ("+16175550188", "42")


def test_if_the_attribution_cannot_be_stored_the_lead_is_stored_without_it(monkeypatch, caplog):
    real_save = Lead.save

    def save_refusing_odd_attribution(lead, *args, **kwargs):
        if lead.utm_source:
            raise DataError("value too long for type character varying(200)")
        return real_save(lead, *args, **kwargs)

    monkeypatch.setattr(Lead, "save", save_refusing_odd_attribution)

    lead = services.receive_consultation_request(
        consultation_request(), attribution={"utm_source": "secret-campaign-x"}
    )

    assert Lead.objects.get() == lead
    assert lead.utm_source == ""
    assert "without its attribution" in caplog.text
    assert "secret-campaign-x" not in caplog.text


def test_on_postgresql_a_nul_byte_in_the_attribution_never_costs_the_lead(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL, which refuses NUL bytes (DATABASE_URL=postgres://…)")
    # As if cleaning had missed it: the lead is stored all the same.
    monkeypatch.setattr(services, "cleaned", lambda values: dict(values))

    lead = services.receive_consultation_request(
        consultation_request(), attribution={"utm_source": "x\x00y", "landing_page": "/"}
    )

    assert Lead.objects.filter(pk=lead.pk).exists()
    assert lead.utm_source == ""


def test_a_request_with_a_bot_signal_is_stored_closed_as_suspected_spam_and_announced_to_nobody(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        lead = services.receive_consultation_request(
            consultation_request(),
            screening=services.Screening(bot_signals=(BotSignal.HONEYPOT,)),
        )

    assert (lead.status, lead.close_outcome, lead.bot_signals) == (
        Status.CLOSED,
        CloseOutcome.SUSPECTED_SPAM,
        "honeypot",
    )
    assert queued == []
    assert mail.outbox == []


def test_a_held_request_is_stored_and_announced_to_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        lead = services.receive_consultation_request(
            consultation_request(), screening=services.Screening(held_reason=HoldReason.FLOOD)
        )

    assert Lead.objects.held_for_review().get() == lead
    assert queued == []
    assert mail.outbox == []
