"""A promised call-back: its assignee (or the team inbox) is reminded once when it is due, with no
health detail, never twice, and never for a lead closed meanwhile."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from admissions import services, tasks, triage
from admissions.models import CallBack, CallOutcome, Dispatch, Purpose
from tests.admissions.factories import AdmissionsStaffFactory, LeadFactory

pytestmark = pytest.mark.django_db

INBOX = "admissions@127.0.0.1"


@pytest.fixture
def casey():
    return AdmissionsStaffFactory(email="casey@resilience.example")


@pytest.fixture
def lead(casey):
    lead = LeadFactory(message="Worried about my son's drinking")
    triage.assign_lead(lead, to=casey, by=casey)
    return lead


def remind_at(time_machine, moment, django_capture_on_commit_callbacks) -> list[str]:
    time_machine.move_to(moment, tick=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_due_call_backs.delay()
    return [f"{m.to[0]}: {m.subject}" for m in mail.outbox]


def test_the_assignee_is_reminded_once_when_the_call_back_is_due(
    time_machine, lead, casey, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-11-24 14:00 -05:00", tick=False)
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(hours=1))

    assert (
        remind_at(time_machine, "2026-11-24 14:59 -05:00", django_capture_on_commit_callbacks) == []
    )
    assert remind_at(
        time_machine, "2026-11-24 15:00 -05:00", django_capture_on_commit_callbacks
    ) == [f"casey@resilience.example: Call-back due now: lead {lead.reference}"]
    assert (
        remind_at(time_machine, "2026-11-24 15:01 -05:00", django_capture_on_commit_callbacks) == []
    )
    assert (
        remind_at(time_machine, "2026-11-24 18:00 -05:00", django_capture_on_commit_callbacks) == []
    )


def test_the_reminder_carries_a_link_and_no_health_detail(
    time_machine, lead, casey, django_capture_on_commit_callbacks
):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(minutes=5))

    remind_at(
        time_machine, timezone.now() + timedelta(minutes=6), django_capture_on_commit_callbacks
    )

    (message,) = mail.outbox
    assert lead.admin_url() in message.body
    assert "drinking" not in message.body.lower() and lead.first_name not in message.body


def test_without_an_assignee_the_team_inbox_is_reminded(
    time_machine, casey, django_capture_on_commit_callbacks
):
    lead = LeadFactory()
    call_back = triage.schedule_call_back(
        lead, by=casey, due_at=timezone.now() + timedelta(minutes=5)
    )
    CallBack.objects.filter(pk=call_back.pk).update(assignee=None)

    sent = remind_at(
        time_machine, timezone.now() + timedelta(minutes=6), django_capture_on_commit_callbacks
    )

    assert sent == [f"{INBOX}: Call-back due now: lead {lead.reference}"]


def test_no_reminder_for_a_lead_closed_before_the_call_back(
    time_machine, lead, casey, django_capture_on_commit_callbacks
):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(minutes=30))
    triage.close_lead(lead, by=casey, outcome="declined")

    assert (
        remind_at(
            time_machine, timezone.now() + timedelta(hours=1), django_capture_on_commit_callbacks
        )
        == []
    )


def test_a_call_logged_around_the_call_back_time_settles_it(
    time_machine, lead, casey, django_capture_on_commit_callbacks
):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(minutes=20))

    triage.log_call(lead, by=casey, outcome=CallOutcome.REACHED)

    lead.refresh_from_db()
    assert lead.next_call_back_at is None
    assert (
        remind_at(
            time_machine, timezone.now() + timedelta(hours=1), django_capture_on_commit_callbacks
        )
        == []
    )


def test_a_call_logged_long_before_a_later_call_back_leaves_it_pending(lead, casey):
    due = timezone.now() + timedelta(days=1)
    triage.schedule_call_back(lead, by=casey, due_at=due)

    triage.log_call(lead, by=casey, outcome=CallOutcome.NO_ANSWER)

    lead.refresh_from_db()
    assert lead.next_call_back_at == due


def test_a_new_call_back_replaces_the_pending_one(lead, casey):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(hours=1))
    later = timezone.now() + timedelta(hours=3)

    triage.schedule_call_back(lead, by=casey, due_at=later)

    assert list(CallBack.objects.pending().values_list("due_at", flat=True)) == [later]


def test_a_call_back_in_the_past_is_refused(lead, casey):
    with pytest.raises(triage.TriageError, match="future"):
        triage.schedule_call_back(lead, by=casey, due_at=timezone.now() - timedelta(hours=1))


def test_a_reminder_whose_sending_failed_is_sent_by_the_sweep_not_made_again(
    time_machine, lead, casey, django_capture_on_commit_callbacks, settings
):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(minutes=5))
    time_machine.move_to(timezone.now() + timedelta(minutes=6), tick=False)

    # The worker dies after the reminder was made, before it went out: nothing queued runs.
    with django_capture_on_commit_callbacks(execute=False):
        triage.remind_due_call_backs()
    assert mail.outbox == [] and triage.remind_due_call_backs() == 0

    time_machine.move_to(timezone.now() + timedelta(minutes=10), tick=False)
    services.sweep_unfinished_follow_ups()

    reminders = [m.subject for m in mail.outbox if m.subject.startswith("Call-back")]
    assert reminders == [f"Call-back due now: lead {lead.reference}"]
    assert Dispatch.objects.filter(purpose=Purpose.CALL_BACK_REMINDER).count() == 1
