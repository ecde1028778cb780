"""What staff do with a lead, as services: each step is recorded on the timeline and in the lead's
history with who did it, and the status moves only here."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from admissions import triage
from admissions.models import Activity, CallBack, CallOutcome, Lead, Status
from tests.admissions.factories import (
    AdmissionsStaffFactory,
    LeadFactory,
    StaffFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return LeadFactory(created_at=timezone.now() - timedelta(minutes=4))


@pytest.fixture
def casey():
    return AdmissionsStaffFactory(first_name="Casey")


def timeline(lead) -> list[tuple]:
    return [
        (a.kind, a.call_outcome, a.from_status, a.to_status, a.author)
        for a in Activity.objects.filter(lead=lead).order_by("pk")
    ]


def latest_version(lead):
    return lead.history.order_by("-history_id").first()


# --- Calls and messages ------------------------------------------------------------------------


def test_a_call_with_no_answer_is_an_attempt_and_the_first_contact(lead, casey):
    triage.log_call(lead, by=casey, outcome=CallOutcome.NO_ANSWER)

    lead.refresh_from_db()
    assert lead.status == Status.CONTACT_ATTEMPTED
    assert lead.call_attempts == 1
    assert lead.contacted_by == casey and lead.contacted_at is not None
    assert timeline(lead) == [
        ("call", "no_answer", "", "", casey),
        ("status_change", "", "new", "contact_attempted", casey),
    ]
    assert latest_version(lead).history_user == casey


def test_reaching_them_moves_the_lead_to_contacted_and_keeps_the_first_contact_time(lead, casey):
    triage.log_call(lead, by=casey, outcome=CallOutcome.VOICEMAIL)
    first_contact = Lead.objects.get(pk=lead.pk).contacted_at

    triage.log_call(lead, by=casey, outcome=CallOutcome.REACHED, note="Booked for tomorrow.")

    lead.refresh_from_db()
    assert (lead.status, lead.call_attempts, lead.contacted_at) == (
        Status.CONTACTED,
        2,
        first_contact,
    )
    assert "Booked for tomorrow." in [activity.note for activity in lead.activities.all()]


def test_a_text_or_e_mail_sent_counts_as_first_contact_but_not_as_a_call(lead, casey):
    triage.log_message_sent(lead, by=casey, kind="text_sent")

    lead.refresh_from_db()
    assert (lead.status, lead.call_attempts) == (Status.CONTACT_ATTEMPTED, 0)
    assert lead.contacted_at is not None


def test_a_closed_lead_takes_no_calls_until_reopened(lead, casey):
    triage.close_lead(lead, by=casey, outcome="declined")

    with pytest.raises(triage.TriageError, match="closed"):
        triage.log_call(lead, by=casey, outcome=CallOutcome.REACHED)


def test_a_note_needs_words(lead, casey):
    with pytest.raises(triage.TriageError):
        triage.add_note(lead, by=casey, note="   ")
    triage.add_note(lead, by=casey, note="Mother called on their behalf.")

    assert timeline(lead) == [("note", "", "", "", casey)]


# --- Status --------------------------------------------------------------------------------------


def test_status_moves_along_the_pipeline_with_a_record_of_each_step(lead, casey):
    for status in ("contacted", "insurance_verification", "assessment_scheduled", "admitted"):
        assert triage.change_status(lead, by=casey, to=status) is True

    lead.refresh_from_db()
    assert lead.status == Status.ADMITTED
    assert lead.contacted_at is not None  # contacted implies someone spoke to them
    assert [step[2:4] for step in timeline(lead)] == [
        ("new", "contacted"),
        ("contacted", "insurance_verification"),
        ("insurance_verification", "assessment_scheduled"),
        ("assessment_scheduled", "admitted"),
    ]
    assert triage.change_status(lead, by=casey, to="admitted") is False


def test_closing_is_not_a_status_change_it_needs_an_outcome(lead, casey):
    with pytest.raises(triage.TriageError):
        triage.change_status(lead, by=casey, to="closed")
    with pytest.raises(triage.TriageError):
        triage.close_lead(lead, by=casey, outcome="")


def test_referred_out_says_where(lead, casey):
    with pytest.raises(triage.TriageError, match="where"):
        triage.close_lead(lead, by=casey, outcome="referred_out")

    assert triage.close_lead(
        lead, by=casey, outcome="referred_out", referred_to="Harbor Detox, Quincy"
    )

    lead.refresh_from_db()
    assert (lead.status, lead.close_outcome, lead.referred_to, lead.closed_by) == (
        "closed",
        "referred_out",
        "Harbor Detox, Quincy",
        casey,
    )
    assert timeline(lead)[-1][2:4] == ("new", "closed")
    assert triage.close_lead(lead, by=casey, outcome="declined") is False  # closed already


def test_reopening_a_closed_lead_clears_its_outcome(lead, casey):
    triage.close_lead(lead, by=casey, outcome="unreachable")

    triage.change_status(lead, by=casey, to="contact_attempted")

    lead.refresh_from_db()
    assert (lead.status, lead.close_outcome, lead.closed_at) == ("contact_attempted", "", None)


def test_closing_stops_escalations_and_cancels_pending_call_backs(lead, casey):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(hours=2))

    triage.close_lead(lead, by=casey, outcome="not_a_fit")

    lead.refresh_from_db()
    assert lead.next_call_back_at is None
    assert not CallBack.objects.pending().exists()
    assert not Lead.objects.to_escalate().filter(pk=lead.pk).exists()


# --- Assignment ----------------------------------------------------------------------------------


def test_anyone_takes_a_lead_but_only_supervisors_give_it_to_someone_else(lead, casey):
    colleague = AdmissionsStaffFactory()

    assert triage.assign_lead(lead, to=casey, by=casey) is True
    with pytest.raises(PermissionDenied):
        triage.assign_lead(lead, to=colleague, by=casey)
    assert triage.assign_lead(lead, to=colleague, by=SupervisorFactory()) is True

    lead.refresh_from_db()
    assert lead.assigned_to == colleague and lead.assigned_at is not None


def test_reassignment_sets_the_time_and_tells_the_new_assignee_without_details(
    lead, casey, mailoutbox, django_capture_on_commit_callbacks
):
    supervisor = SupervisorFactory()
    lead.message = "Drinking every day since the divorce"
    lead.save()

    with django_capture_on_commit_callbacks(execute=True):
        triage.assign_lead(lead, to=casey, by=supervisor)

    (message,) = mailoutbox
    assert message.to == [casey.email]
    assert message.subject == f"Lead {lead.reference} is now yours"
    assert "Drinking" not in message.body and lead.last_name not in message.body
    assert lead.admin_url() in message.body


def test_taking_a_lead_yourself_sends_nobody_anything(lead, casey, mailoutbox):
    triage.assign_lead(lead, to=casey, by=casey)

    assert mailoutbox == []


def test_leads_go_only_to_active_staff(lead):
    with pytest.raises(triage.TriageError):
        triage.assign_lead(lead, to=StaffFactory(is_active=False), by=SupervisorFactory())


def test_a_pending_call_back_follows_the_lead_to_its_new_assignee(lead, casey):
    triage.schedule_call_back(lead, by=casey, due_at=timezone.now() + timedelta(hours=1))
    colleague = AdmissionsStaffFactory()

    triage.assign_lead(lead, to=colleague, by=SupervisorFactory())

    assert CallBack.objects.pending().get().assignee == colleague


# --- History -------------------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_made_it(lead, casey):
    triage.assign_lead(lead, to=casey, by=casey)
    triage.log_call(lead, by=casey, outcome=CallOutcome.REACHED)
    triage.close_lead(lead, by=casey, outcome="declined")

    versions = list(lead.history.order_by("history_id"))
    assert [v.history_user for v in versions[1:]] == [casey, casey, casey]
    assert [v.status for v in versions] == ["new", "new", "contacted", "closed"]
