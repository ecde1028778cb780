"""Speed to lead: a lead not contacted within the SLA is escalated, and again at intervals, in one
message per person however many leads are late; after the last round, the daily digest."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from admissions import services, triage
from admissions.models import CallOutcome, CloseOutcome, Dispatch, HoldReason, Purpose
from tests.admissions import flaky_email
from tests.admissions.factories import LeadFactory, StaffFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

INBOX = "admissions@resilience.example"


@pytest.fixture
def lead(settings, time_machine):
    settings.ADMISSIONS_SLA_MINUTES = 15
    settings.ADMISSIONS_ESCALATION_REPEAT_MINUTES = 10
    settings.ADMISSIONS_ESCALATION_MAX_ROUNDS = 4
    settings.ADMISSIONS_INBOX_EMAIL = INBOX
    time_machine.move_to("2026-11-24 02:00 -05:00", tick=False)
    SupervisorFactory(email="chief@resilience.example")
    return LeadFactory()


def escalations_after(time_machine, lead, minutes) -> list[str]:
    time_machine.move_to(lead.created_at + timedelta(minutes=minutes), tick=False)
    mail.outbox.clear()
    assert services.escalate_overdue_leads() == 0
    return [f"{m.to[0]}: {m.subject}" for m in mail.outbox]


def test_nothing_happens_before_the_deadline(time_machine, lead):
    assert escalations_after(time_machine, lead, 14) == []


def test_supervisors_hear_at_the_deadline_and_again_at_each_interval(time_machine, lead):
    assert escalations_after(time_machine, lead, 15) == [
        "chief@resilience.example: Not contacted yet: consultation request "
        f"{lead.reference} (15 minutes)"
    ]
    assert escalations_after(time_machine, lead, 16) == []  # round 1 was sent already
    assert escalations_after(time_machine, lead, 24) == []
    assert len(escalations_after(time_machine, lead, 25)) == 1  # round 2
    assert len(escalations_after(time_machine, lead, 35)) == 1  # round 3
    assert lead.notifications.filter(purpose="escalation").count() == 3


def test_escalations_stop_after_the_last_round(time_machine, lead):
    rounds = [escalations_after(time_machine, lead, minute) for minute in range(15, 120)]

    assert sum(len(sent) for sent in rounds) == 4
    assert escalations_after(time_machine, lead, 24 * 60) == []


def test_recording_contact_stops_the_escalations(time_machine, lead):
    escalations_after(time_machine, lead, 15)

    triage.log_call(lead, by=StaffFactory(), outcome=CallOutcome.REACHED)

    assert escalations_after(time_machine, lead, 25) == []
    assert escalations_after(time_machine, lead, 45) == []


def test_a_closed_lead_is_not_escalated(time_machine, lead):
    lead.status = "closed"
    lead.save()

    assert escalations_after(time_machine, lead, 30) == []


def test_held_and_suspected_spam_requests_are_not_escalated_one_by_one(time_machine, lead):
    lead.held_reason = HoldReason.FLOOD
    lead.save()
    LeadFactory(
        created_at=lead.created_at, status="closed", close_outcome=CloseOutcome.SUSPECTED_SPAM
    )

    assert escalations_after(time_machine, lead, 30) == []


def test_without_supervisors_the_team_inbox_is_told(time_machine, lead, django_user_model):
    django_user_model.objects.filter(groups__name="Admissions supervisors").delete()

    assert escalations_after(time_machine, lead, 15) == [
        f"{INBOX}: Not contacted yet: consultation request {lead.reference} (15 minutes)"
    ]


def test_supervisors_without_an_e_mail_address_mean_the_inbox_is_told(
    time_machine, lead, django_user_model
):
    # Reproduced: supervisors existed but none had an address, and the escalation reached
    # nobody (no row, no e-mail, no failure).
    django_user_model.objects.filter(groups__name="Admissions supervisors").update(email="")

    assert escalations_after(time_machine, lead, 15) == [
        f"{INBOX}: Not contacted yet: consultation request {lead.reference} (15 minutes)"
    ]


def test_when_every_supervisor_address_is_refused_the_inbox_is_told_and_the_refusal_reported(
    time_machine, lead, settings
):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseAddressesBackend"
    flaky_email.refused_addresses.clear()
    flaky_email.refused_addresses.add("chief@resilience.example")

    sent = escalations_after(time_machine, lead, 15)

    assert sorted(sent) == [
        f"{INBOX}: A staff address refused our messages",
        f"{INBOX}: Not contacted yet: consultation request {lead.reference} (15 minutes)",
    ]
    refused = Dispatch.objects.get(recipient="chief@resilience.example")
    assert refused.given_up_at is not None and refused.attempts == 1
    # Never retried, and the next round goes straight to the inbox.
    assert escalations_after(time_machine, lead, 25) == [
        f"{INBOX}: Not contacted yet: consultation request {lead.reference} (25 minutes)"
    ]
    assert Dispatch.objects.get(pk=refused.pk).attempts == 1


def test_many_late_leads_make_one_message_per_person_oldest_first(time_machine, lead):
    # Reproduced: 300 leads from a flood, then one escalation round sent 382 e-mails to one
    # supervisor.
    later = [LeadFactory(created_at=lead.created_at + timedelta(seconds=n)) for n in (1, 2, 3)]
    SupervisorFactory(email="deputy@resilience.example")

    sent = escalations_after(time_machine, later[-1], 15)

    assert sorted(sent) == [
        "chief@resilience.example: Not contacted yet: 4 consultation requests",
        "deputy@resilience.example: Not contacted yet: 4 consultation requests",
    ]
    body = mail.outbox[0].body
    references = [lead.reference, *(other.reference for other in later)]
    positions = [body.index(reference) for reference in references]
    assert positions == sorted(positions)


def test_an_urgent_lead_marks_the_digest_urgent(time_machine, lead):
    LeadFactory(created_at=lead.created_at, priority="urgent")

    (sent,) = escalations_after(time_machine, lead, 15)

    assert "URGENT: Not contacted yet: 2 consultation requests" in sent


def test_a_missed_interval_sends_only_the_current_reminder(time_machine, lead):
    # The scheduler was down for twenty minutes: one reminder now, not a burst of missed ones.
    assert len(escalations_after(time_machine, lead, 36)) == 1
    assert lead.notifications.get(purpose=Purpose.ESCALATION).round == 3


def test_the_first_contact_is_kept_when_others_follow():
    lead = LeadFactory()
    first, second = StaffFactory(), StaffFactory()

    triage.log_call(lead, by=first, outcome=CallOutcome.REACHED)
    triage.log_call(lead, by=second, outcome=CallOutcome.REACHED)
    lead.refresh_from_db()
    assert (lead.contacted_by, lead.status, lead.call_attempts) == (first, "contacted", 2)


# --- The daily digest ------------------------------------------------------------------------


def daily_digest_at(time_machine, moment) -> list[str]:
    time_machine.move_to(moment, tick=False)
    mail.outbox.clear()
    services.send_daily_digest()
    return [f"{m.to[0]}: {m.subject}" for m in mail.outbox]


def test_after_its_last_round_a_lead_is_in_the_daily_digest_once_a_day(time_machine, lead):
    held = LeadFactory(created_at=lead.created_at, held_reason=HoldReason.FLOOD)

    assert daily_digest_at(time_machine, "2026-11-24 07:59 -05:00") == []  # before 8 a.m.
    sent = daily_digest_at(time_machine, "2026-11-24 08:00 -05:00")
    assert sent == [
        "chief@resilience.example: Admissions daily digest: 1 request still not contacted, "
        "1 held for review"
    ]
    assert lead.reference in mail.outbox[0].body and held.reference not in mail.outbox[0].body
    assert daily_digest_at(time_machine, "2026-11-24 15:00 -05:00") == []  # once a day
    assert len(daily_digest_at(time_machine, "2026-11-25 08:10 -05:00")) == 1


def test_no_daily_digest_when_nothing_waits(time_machine, lead):
    triage.log_call(lead, by=StaffFactory(), outcome=CallOutcome.REACHED)

    assert daily_digest_at(time_machine, "2026-11-24 09:00 -05:00") == []


def test_the_daily_digest_holds_no_personal_detail(time_machine, lead):
    lead.first_name, lead.message = "Quinlan", "relapsed on opioids"
    lead.save()

    daily_digest_at(time_machine, timezone.now() + timedelta(hours=8))

    (digest,) = mail.outbox
    assert "Quinlan" not in digest.body and "opioid" not in digest.body
