"""Speed to lead: a lead not contacted within the SLA is escalated, and again at intervals."""

from datetime import timedelta

import pytest
from django.core import mail

from admissions import services
from tests.admissions.factories import LeadFactory, StaffFactory, SupervisorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(settings, time_machine):
    settings.ADMISSIONS_SLA_MINUTES = 15
    settings.ADMISSIONS_ESCALATION_REPEAT_MINUTES = 10
    settings.ADMISSIONS_INBOX_EMAIL = "admissions@resilience.example"
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
        f"chief@resilience.example: Not contacted yet: consultation request #{lead.pk} (15 minutes)"
    ]
    assert escalations_after(time_machine, lead, 16) == []  # round 1 was sent already
    assert escalations_after(time_machine, lead, 24) == []
    assert len(escalations_after(time_machine, lead, 25)) == 1  # round 2
    assert len(escalations_after(time_machine, lead, 35)) == 1  # round 3
    assert lead.notifications.filter(purpose="escalation").count() == 3


def test_recording_contact_stops_the_escalations(time_machine, lead):
    escalations_after(time_machine, lead, 15)

    services.record_contact(lead, by=StaffFactory())

    assert escalations_after(time_machine, lead, 25) == []
    assert escalations_after(time_machine, lead, 60) == []


def test_a_closed_lead_is_not_escalated(time_machine, lead):
    lead.status = "closed"
    lead.save()

    assert escalations_after(time_machine, lead, 30) == []


def test_without_supervisors_the_team_inbox_is_told(time_machine, lead, django_user_model):
    django_user_model.objects.filter(groups__name="Admissions supervisors").delete()

    assert escalations_after(time_machine, lead, 15) == [
        f"admissions@resilience.example: Not contacted yet: consultation request #{lead.pk} "
        "(15 minutes)"
    ]


def test_a_missed_interval_sends_only_the_current_reminder(time_machine, lead):
    # The scheduler was down for an hour: one reminder now, not a burst of the missed ones.
    assert len(escalations_after(time_machine, lead, 75)) == 1


def test_contact_is_recorded_once():
    lead = LeadFactory()
    first, second = StaffFactory(), StaffFactory()

    assert services.record_contact(lead, by=first) is True
    assert services.record_contact(lead, by=second) is False
    lead.refresh_from_db()
    assert (lead.contacted_by, lead.status) == (first, "contacted")
