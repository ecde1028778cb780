"""Follow-up when things go wrong at the same time: overlapping tasks, refused addresses,
retry chains and the sweep, corrected resubmissions."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from admissions import services
from admissions.models import Lead, Notification, Purpose
from tests.admissions.factories import LeadFactory, OnCallShiftFactory, consultation_request

INBOX = "admissions@resilience.example"


@pytest.fixture(autouse=True)
def team_inbox(settings):
    settings.ADMISSIONS_INBOX_EMAIL = INBOX


@pytest.mark.django_db
def test_a_lead_is_not_marked_followed_up_while_a_staff_notification_is_pending():
    lead = LeadFactory(email="")
    services.route_lead(lead)
    Notification.objects.create(
        lead=lead, purpose=Purpose.NEW_LEAD, channel="email", recipient=INBOX
    )

    services._mark_followed_up_if_staff_told(lead)
    assert Lead.objects.get(pk=lead.pk).followed_up_at is None

    Notification.objects.filter(lead=lead).update(sent_at=timezone.now())
    services._mark_followed_up_if_staff_told(lead)
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_notification_another_worker_is_sending_keeps_the_lead_unfinished():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (DATABASE_URL=postgres://…; CI sets it)")
    OnCallShiftFactory(staff_member__email="casey@resilience.example")
    lead = LeadFactory(email="")
    services.route_lead(lead)
    inbox = Notification.objects.create(
        lead=lead, purpose=Purpose.NEW_LEAD, channel="email", recipient=INBOX
    )
    locked, release = threading.Event(), threading.Event()

    def other_worker_sending_to_the_inbox():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=inbox.pk)
            locked.set()
            release.wait(10)
        connection.close()

    other = threading.Thread(target=other_worker_sending_to_the_inbox)
    other.start()
    assert locked.wait(10)
    try:
        services.follow_up_lead(lead.pk)  # sends to the assignee, skips the locked inbox row
    finally:
        release.set()
        other.join()

    assert [m.to for m in mail.outbox] == [["casey@resilience.example"]]
    assert Lead.objects.get(pk=lead.pk).followed_up_at is None  # the other worker's send failed
    services.follow_up_lead(lead.pk)  # its retry
    assert sorted(m.to[0] for m in mail.outbox) == [
        "admissions@resilience.example",
        "casey@resilience.example",
    ]
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None


@pytest.mark.django_db
def test_an_address_the_mail_server_refuses_is_given_up_and_not_retried(settings):
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.RefuseRequesterBackend"
    lead = services.receive_consultation_request(consultation_request(email="nobody@example.org"))

    services.follow_up_lead(lead.pk)  # no exception: nothing left worth retrying
    services.follow_up_lead(lead.pk)

    acknowledgment = lead.notifications.get(purpose=Purpose.ACKNOWLEDGMENT)
    assert acknowledgment.given_up_at is not None
    assert acknowledgment.attempts == 1
    assert "refused" in acknowledgment.last_error
    assert Lead.objects.get(pk=lead.pk).followed_up_at is not None  # the team was told


@pytest.mark.django_db
def test_the_sweep_leaves_a_follow_up_that_is_still_retrying_alone(
    settings, monkeypatch, time_machine
):
    queued = []
    monkeypatch.setattr(services, "queue_follow_up", queued.append)
    settings.EMAIL_BACKEND = "tests.admissions.flaky_email.AlwaysFailBackend"
    lead = LeadFactory(created_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(services.NotificationsNotSentError):
        services.follow_up_lead(lead.pk)  # failed; Celery retries it within 10 minutes

    assert services.sweep_unfinished_follow_ups() == []
    time_machine.move_to(timezone.now() + timedelta(minutes=16))  # the retries have stopped
    assert services.sweep_unfinished_follow_ups() == [lead.pk]
    assert queued == [lead.pk]


@pytest.mark.django_db
def test_a_corrected_resubmission_of_the_same_form_is_stored_as_a_new_lead():
    first = services.receive_consultation_request(consultation_request(), submission_token="t1")

    corrected = services.receive_consultation_request(
        consultation_request(message="Please call my mobile instead"), submission_token="t1"
    )

    assert corrected != first
    assert corrected.message == "Please call my mobile instead"
    assert corrected.duplicate_of == first


@pytest.mark.django_db
def test_a_second_request_the_same_day_gets_no_second_acknowledgment(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_consultation_request(consultation_request())
        services.receive_consultation_request(consultation_request(message="Also: evenings"))

    acknowledgments = [m for m in mail.outbox if "We received your request" in m.subject]
    assert len(acknowledgments) == 1
    assert sum("New consultation request" in m.subject for m in mail.outbox) == 2


@pytest.mark.django_db
def test_one_lead_that_cannot_be_escalated_does_not_stop_the_others(monkeypatch, time_machine):
    first, second = LeadFactory(), LeadFactory()
    time_machine.move_to(timezone.now() + timedelta(minutes=20))
    real_notify = services.notify_staff

    def notify_but_break_on_first(lead, *args, **kwargs):
        if lead.pk == first.pk:
            raise RuntimeError("template missing")
        return real_notify(lead, *args, **kwargs)

    monkeypatch.setattr(services, "notify_staff", notify_but_break_on_first)

    assert services.escalate_overdue_leads() == 1
    assert second.notifications.filter(purpose=Purpose.ESCALATION).exists()
