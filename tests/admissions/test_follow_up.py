"""After a lead is stored: routing, notifications to the team and to the requester, retries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from admissions import services
from admissions.models import ContactMethod, Dispatch, Lead, Priority, Purpose
from admissions.tasks import follow_up_lead
from tests.admissions import flaky_email
from tests.admissions.broker import using_broker
from tests.admissions.factories import (
    OnCallShiftFactory,
    SupervisorFactory,
    consultation_request,
)
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

INBOX = "admissions@127.0.0.1"


@pytest.fixture(autouse=True)
def team_inbox(settings):
    settings.ADMISSIONS_INBOX_EMAIL = INBOX


@pytest.fixture
def receive(django_capture_on_commit_callbacks):
    """Receive a request the way the view does: stored, then followed up once committed."""

    def receive(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return services.receive_consultation_request(consultation_request(**overrides))

    return receive


def recipients(purpose=None) -> list[str]:
    messages = mail.outbox
    if purpose == Purpose.ACKNOWLEDGMENT:
        messages = [m for m in messages if "We received your request" in m.subject]
    elif purpose:
        messages = [m for m in messages if "We received your request" not in m.subject]
    return sorted(address for message in messages for address in message.to)


def test_the_inbox_and_the_staff_member_on_call_hear_about_a_new_lead(receive):
    on_call = OnCallShiftFactory(staff_member__email="casey@resilience.example").staff_member

    lead = receive()

    lead.refresh_from_db()
    assert lead.assigned_to == on_call
    assert recipients(Purpose.NEW_LEAD) == [INBOX, "casey@resilience.example"]
    assert lead.followed_up_at is not None


def test_the_requester_who_asked_for_e_mail_gets_an_acknowledgment(receive):
    receive(email="Jordan.Avery@Example.org", preferred_contact=ContactMethod.EMAIL)

    (acknowledgment,) = [m for m in mail.outbox if "We received your request" in m.subject]
    assert acknowledgment.to == ["jordan.avery@example.org"]
    assert "(617) 555-0143" in acknowledgment.body
    assert "988" in acknowledgment.body


@pytest.mark.parametrize("preferred_contact", [ContactMethod.CALL, ContactMethod.TEXT])
def test_no_acknowledgment_to_someone_who_asked_for_a_call_or_a_text(receive, preferred_contact):
    # Anyone can type any address into the form: mail from a treatment center goes only to an
    # address its owner asked us to use.
    receive(email="jordan.avery@example.org", preferred_contact=preferred_contact)

    assert recipients(Purpose.ACKNOWLEDGMENT) == []
    assert recipients(Purpose.NEW_LEAD) == [INBOX]


def test_the_acknowledgment_says_nothing_about_treatment_in_its_subject_or_sender(
    receive, settings
):
    settings.ACKNOWLEDGMENT_FROM_EMAIL = "Resilience <hello@resilience.example>"

    receive(preferred_contact=ContactMethod.EMAIL)

    (acknowledgment,) = [m for m in mail.outbox if m.to == ["jordan.avery@example.org"]]
    assert acknowledgment.from_email == "Resilience <hello@resilience.example>"
    for word in ("treatment", "admission", "rehab", "recovery", "addiction", "health", "crisis"):
        assert word not in f"{acknowledgment.subject} {acknowledgment.from_email}".lower()


def test_every_notification_is_recorded_with_its_dispatch(receive):
    lead = receive(preferred_contact=ContactMethod.EMAIL)

    rows = list(
        lead.notifications.values_list("purpose", "channel", "recipient", "dispatch__attempts")
    )
    assert sorted(rows) == [
        ("acknowledgment", "email", "jordan.avery@example.org", 1),
        ("new_lead", "email", INBOX, 1),
    ]
    assert all(n.dispatch.sent_at and not n.dispatch.last_error for n in lead.notifications.all())


def test_each_message_carries_its_dispatch_s_message_id(receive):
    lead = receive()

    (sent,) = mail.outbox
    dispatch = lead.notifications.get().dispatch
    assert sent.extra_headers["Message-ID"] == dispatch.message_id
    assert sent.message()["Message-ID"] == dispatch.message_id


def test_a_rolled_back_request_notifies_nobody(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.receive_consultation_request(consultation_request())
        raise RuntimeError("the surrounding transaction failed")

    assert queued == []
    assert not Lead.objects.exists()
    assert mail.outbox == []


def test_running_the_follow_up_again_sends_nothing_more(receive):
    lead = receive()
    sent = len(mail.outbox)

    follow_up_lead.apply(args=[lead.pk])
    Lead.objects.filter(pk=lead.pk).update(followed_up_at=None)  # as if the task was duplicated
    follow_up_lead.apply(args=[lead.pk])
    services.follow_up_lead(lead.pk)

    assert len(mail.outbox) == sent


def test_a_task_retried_twice_sends_each_e_mail_exactly_once(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.FailTwiceThenSendBackend"
    flaky_email.failures_left.clear()
    OnCallShiftFactory(staff_member__email="casey@resilience.example")

    lead = services.receive_consultation_request(
        consultation_request(preferred_contact=ContactMethod.EMAIL)
    )

    follow_up_lead.apply(args=[lead.pk])  # in-process, with Celery's retries

    assert recipients() == sorted(["casey@resilience.example", INBOX, "jordan.avery@example.org"])
    lead.refresh_from_db()
    assert lead.followed_up_at is not None
    dispatches = Dispatch.objects.filter(notifications__lead=lead)
    assert max(d.attempts for d in dispatches) == 3  # two failures, then the send that worked
    assert all(d.sent_at for d in dispatches)


def test_failures_are_recorded_and_left_for_the_sweep(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    lead = services.receive_consultation_request(consultation_request())

    with pytest.raises(services.NotificationsNotSentError):
        services.follow_up_lead(lead.pk)

    lead.refresh_from_db()
    assert lead.followed_up_at is None
    dispatch = lead.notifications.get(purpose=Purpose.NEW_LEAD).dispatch
    assert dispatch.sent_at is None
    assert dispatch.attempts == 1
    assert dispatch.last_error == "SMTPServerDisconnected: the mail server hung up"
    assert dispatch.claimed_until is None  # free for the retry at once


def test_queueing_a_follow_up_never_raises_when_the_broker_is_down():
    with using_broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        assert services.queue_follow_up(12345) is False


def test_without_a_broker_the_follow_up_runs_in_process_once_and_never_raises(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    lead = services.receive_consultation_request(consultation_request())

    assert services.queue_follow_up(lead.pk) is True

    dispatch = lead.notifications.get(purpose=Purpose.NEW_LEAD).dispatch
    assert dispatch.attempts == 1  # no retries on the spot, holding up the page
    assert Lead.objects.get(pk=lead.pk).followed_up_at is None


def test_a_program_of_interest_is_kept_with_the_lead(receive):
    program = ProgramFactory()

    lead = receive(program=program.slug)

    assert Lead.objects.get(pk=lead.pk).program == program


@pytest.mark.parametrize("priority", [Priority.NORMAL, Priority.URGENT])
def test_no_personal_or_health_detail_reaches_any_notification(receive, priority, time_machine):
    OnCallShiftFactory(staff_member__email="casey@resilience.example")
    SupervisorFactory(email="chief@resilience.example")
    program = ProgramFactory(name="Residential detox")
    message = "I relapsed on opioids and my wife is scared" + (
        ", I think about suicide every night" if priority == Priority.URGENT else ""
    )
    lead = receive(
        for_whom="someone_else",
        first_name="Quinlan",
        last_name="Mbeki-Harrow",
        relationship="partner",
        patient_first_name="Rosalind",
        email="quinlan.mh@example.net",
        preferred_contact=ContactMethod.EMAIL,
        program=program.slug,
        payment="insurance",
        insurance_carrier="Bayview Mutual",
        insurance_member_id="BVM99887766",
        insurance_group_number="G-5511",
        message=message,
    )
    time_machine.move_to(lead.created_at + timedelta(minutes=31))
    services.escalate_overdue_leads()

    secrets = [
        "Quinlan",
        "Mbeki",
        "Rosalind",
        "partner",
        "quinlan.mh",
        "5550188",
        "555-0188",
        "Residential detox",
        "Bayview",
        "BVM99887766",
        "G-5511",
        "opioid",
        "relapse",
        "every night",
    ]
    assert Lead.objects.get(pk=lead.pk).priority == priority
    assert len(mail.outbox) >= 4  # new lead, acknowledgment, escalations
    for sent in mail.outbox:
        for text in (sent.subject, sent.body):
            for secret in secrets:
                assert secret.lower() not in text.lower(), (secret, sent.subject)
    staff_mail = [m for m in mail.outbox if m.to != ["quinlan.mh@example.net"]]
    assert all(f"/admin/admissions/lead/{lead.pk}/change/" in m.body for m in staff_mail)
